"""Tests for the HCPCS Level II ANWEB importer.

Real-file tests read the CMS 2020 annual file from ``../shared/data/cms`` (the ``cms_data``
fixture) and assert values read by eye from that file. Malformed-input tests build small
synthetic files at run time, so they need no CMS data and no CMS text lives in the repo.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_codes.importers.hcpcs import (
    MODIFIERS,
    SECTION_TITLES,
    HcpcsRecord,
    parse_anweb,
    parse_date,
    release_info,
    split_fixed,
    to_nodes,
)
from medcode_codes.importers.records import ImportFormatError, NodeRecord

ANWEB = "HCPC2020_ANWEB_w_disclaimer.txt"
PROCEDURES = 6_710
MODIFIER_COUNT = 369


@pytest.fixture(scope="module")
def anweb(cms_data: Path) -> Path:
    return cms_data / "hcpcs" / ANWEB


@pytest.fixture(scope="module")
def records(anweb: Path) -> list[HcpcsRecord]:
    return list(parse_anweb(anweb))


@pytest.fixture(scope="module")
def by_code(records: list[HcpcsRecord]) -> dict[str, HcpcsRecord]:
    return {record.code: record for record in records}


@pytest.fixture(scope="module")
def nodes(records: list[HcpcsRecord]) -> list[NodeRecord]:
    return list(to_nodes(records))


# --- the real 2020 file -------------------------------------------------------------


def test_counts(records: list[HcpcsRecord], anweb: Path) -> None:
    kinds = Counter(record.is_modifier for record in records)
    assert kinds == {False: PROCEDURES, True: MODIFIER_COUNT}
    # Cross-check against a naive scan of column 11 of every 320-column line.
    raw = Counter(line[10:11] for line in anweb.read_bytes().split(b"\r\n") if len(line) == 320)
    assert raw[b"3"] == PROCEDURES and raw[b"7"] == MODIFIER_COUNT


def test_codes_unique_and_well_formed(records: list[HcpcsRecord]) -> None:
    codes = [record.code for record in records]
    assert len(set(codes)) == len(codes)
    assert all(len(r.code) == (2 if r.is_modifier else 5) for r in records)


def test_j1100(by_code: dict[str, HcpcsRecord]) -> None:
    record = by_code["J1100"]
    assert record == HcpcsRecord(
        code="J1100",
        is_modifier=False,
        long_description="Injection, dexamethasone sodium phosphate, 1 mg",
        short_description="Dexamethasone sodium phos",
        pricing_indicators=("51",),
        multiple_pricing_indicator="A",
        coverage_manual_sections=(),
        carrier_manual_sections=("2049",),
        statute="",
        lab_certifications=(),
        cross_references=(),
        coverage_code="D",
        asc_group="",
        asc_effective_date=None,
        mog_group="",
        mog_policy_indicator="",
        mog_effective_date=None,
        processing_note="",
        betos="O1E",
        type_of_service=("1", "P"),
        anesthesia_base_units="0",
        add_date=dt.date(1982, 1, 1),
        action_effective_date=dt.date(2001, 1, 1),
        termination_date=None,
        action_code="N",
    )


def test_a0021_and_g0008(by_code: dict[str, HcpcsRecord]) -> None:
    a0021 = by_code["A0021"]
    assert a0021.long_description == (
        "Ambulance service, outside state per mile, transport (medicaid only)"
    )
    assert a0021.short_description == "Outside state ambulance serv"
    assert (a0021.pricing_indicators, a0021.multiple_pricing_indicator) == (("00",), "9")
    assert (a0021.coverage_code, a0021.betos, a0021.type_of_service) == ("I", "O1A", ("D",))
    assert a0021.cross_references == ("A0030",)
    assert (a0021.add_date, a0021.action_effective_date) == (
        dt.date(1985, 1, 1),
        dt.date(1996, 9, 10),
    )
    g0008 = by_code["G0008"]
    assert g0008.long_description == "Administration of influenza virus vaccine"
    assert (g0008.pricing_indicators, g0008.betos, g0008.type_of_service) == (
        ("54",),
        "O1G",
        ("V",),
    )
    assert g0008.add_date == dt.date(1994, 1, 1) and g0008.termination_date is None


def test_less_common_fields(by_code: dict[str, HcpcsRecord]) -> None:
    g0123 = by_code["G0123"]
    assert g0123.coverage_manual_sections == ("50-20",)
    assert g0123.lab_certifications == ("630",)
    assert g0123.processing_note == "0045"
    assert by_code["G0027"].lab_certifications == ("400",)
    g0105 = by_code["G0105"]
    assert (g0105.asc_group, g0105.asc_effective_date) == ("YY", dt.date(1998, 1, 1))
    assert (g0105.processing_note, g0105.betos) == ("0064", "P8D")
    assert by_code["C1300"].statute == "1833(T)"
    assert by_code["C1300"].termination_date == dt.date(2014, 12, 31)
    assert by_code["GC"].carrier_manual_sections == ("3350.5", "4116")
    # "9940699407" in the file is two 5-column cross references.
    assert by_code["G0503"].cross_references == ("99493",)


def test_modifiers(by_code: dict[str, HcpcsRecord]) -> None:
    lt = by_code["LT"]
    assert lt.is_modifier
    assert lt.long_description == (
        "Left side (used to identify procedures performed on the left side of the body)"
    )
    assert lt.short_description == "Left side"
    assert (lt.add_date, lt.action_effective_date) == (dt.date(1984, 1, 1), dt.date(1997, 1, 1))
    assert (lt.pricing_indicators, lt.type_of_service, lt.betos) == ((), (), "")
    # CPT (Level I) modifiers such as 25 are AMA-copyrighted and not in the Level II file.
    assert "25" not in by_code


def test_long_descriptions_stitched(by_code: dict[str, HcpcsRecord]) -> None:
    assert by_code["G0123"].long_description == (
        "Screening cytopathology, cervical or vaginal (any reporting system), collected "
        "in preservative fluid, automated thin layer preparation, screening by "
        "cytotechnologist under physician supervision"
    )
    assert by_code["E0967"].long_description.endswith("any type, replacement only, each")
    assert by_code["GA"].long_description == (
        "Waiver of liability statement issued as required by payer policy, individual case"
    )
    g0503 = by_code["G0503"].long_description  # 17 lines in the file, the most of any code
    assert g0503.startswith("Subsequent psychiatric collaborative care management, first 60")
    assert g0503.endswith("are prepared for discharge from active treatment")
    assert len(g0503) > 16 * 70


def test_descriptions_normalised(records: list[HcpcsRecord]) -> None:
    for record in records:
        text = record.long_description
        assert text and text == " ".join(text.split()), record.code


def test_release_info_real(anweb: Path) -> None:
    info = release_info(anweb)
    assert (info.system, info.release, info.effective_date) == (
        "hcpcs",
        "2020-01-01",
        dt.date(2020, 1, 1),
    )
    assert ANWEB in info.source


def test_to_nodes(nodes: list[NodeRecord], records: list[HcpcsRecord]) -> None:
    seen: set[str] = set()
    for node in nodes:
        assert node.parent is None or node.parent in seen, node.code
        assert node.code not in seen
        seen.add(node.code)
        json.dumps(dict(node.extra))
    sections = [node for node in nodes if node.kind == "section"]
    assert [s.code for s in sections] == [*"ABCEGHJKLMPQRSTV", MODIFIERS]
    assert all(s.parent is None and not s.billable for s in sections)
    by_code = {node.code: node for node in nodes}
    assert by_code["J"].title == SECTION_TITLES["J"]
    kinds = Counter((node.kind, node.billable) for node in nodes)
    terminated = sum(1 for r in records if not r.is_modifier and r.termination_date)
    assert terminated == 605
    assert kinds[("code", True)] == PROCEDURES - terminated
    assert kinds[("code", False)] == terminated
    assert kinds[("modifier", False)] == MODIFIER_COUNT
    j1100 = by_code["J1100"]
    assert (j1100.parent, j1100.kind, j1100.billable) == ("J", "code", True)
    assert j1100.title == "Injection, dexamethasone sodium phosphate, 1 mg"
    assert j1100.extra["short_description"] == "Dexamethasone sodium phos"
    assert j1100.extra["add_date"] == "1982-01-01" and j1100.extra["termination_date"] is None
    assert j1100.extra["type_of_service"] == ["1", "P"]
    assert not by_code["C1300"].billable
    assert (by_code["LT"].parent, by_code["LT"].kind) == (MODIFIERS, "modifier")


# --- synthetic files ----------------------------------------------------------------

DISCLAIMER = ["Synthetic test disclaimer \u2019 not CMS text", "", "Second line.", "", ""]


def _put(line: list[str], column: int, text: str) -> None:
    line[column - 1 : column - 1 + len(text)] = list(text)


def first(code: str, desc: str = "Test item", rid: str = "", **at: str) -> str:
    """A 320-column first record; *at* maps ``c<column>`` to text placed there."""
    line = [" "] * 320
    modifier = len(code) == 2
    _put(line, 1, code.rjust(5) + "00100" + (rid or ("7" if modifier else "3")) + desc)
    _put(line, 92, "Short " + code)
    defaults = {"c120": "00", "c128": "9", "c230": "C", "c261": "1", "c269": "2019010120200101"}
    for column, text in {**defaults, "c293": "N", **at}.items():
        _put(line, int(column[1:]), text)
    return "".join(line)


def cont(code: str, piece: str, seq: int = 200, rid: str = "") -> str:
    return f"{code.rjust(5)}{seq:05d}{rid or ('8' if len(code) == 2 else '4')}{piece:<80}"


def write(path: Path, lines: list[str], preamble: list[str] = DISCLAIMER, nl: str = "\r\n") -> Path:
    path.write_bytes(nl.join([*preamble, *lines, ""]).encode("cp1252"))
    return path


GOOD = [
    first("A1", "Modifier one"),
    first("A0001", "First part of", c277="20200401"),
    cont("A0001", "a long description"),
    cont("A0001", "  over three lines", 300),
    first("B0002", "Ended", c285="20191231", c205="A0001B0003"),
]


@pytest.mark.parametrize("preamble", [[], DISCLAIMER, DISCLAIMER * 3])
@pytest.mark.parametrize("strip", [False, True])
@pytest.mark.parametrize("nl", ["\r\n", "\n"])
def test_synthetic_file(tmp_path: Path, preamble: list[str], strip: bool, nl: str) -> None:
    lines = [line.rstrip() for line in GOOD] if strip else GOOD
    records = list(parse_anweb(write(tmp_path / "x.txt", lines, preamble, nl)))
    assert [r.code for r in records] == ["A1", "A0001", "B0002"]
    assert records[1].long_description == "First part of a long description over three lines"
    assert records[1].action_effective_date == dt.date(2020, 4, 1)
    assert records[2].cross_references == ("A0001", "B0003")
    nodes = list(to_nodes(records))
    assert [(n.code, n.parent, n.billable) for n in nodes] == [
        ("A", None, False),
        ("A0001", "A", True),
        ("B", None, False),
        ("B0002", "B", False),
        (MODIFIERS, None, False),
        ("A1", MODIFIERS, False),
    ]


BAD = {
    "unknown record id": (GOOD[:2] + [first("A0003", rid="5")], 2, "unknown record id '5'"),
    "bad date": ([*GOOD[:2], first("A0003", c285="20191332")], 2, "not a valid date"),
    "non-numeric date": ([first("A0003", c269="2019O101")], 0, "not CCYYMMDD"),
    "continuation first": ([cont("A0001", "orphan"), *GOOD], 0, "has no first record"),
    "modifier continuation": ([GOOD[1], cont("A0001", "x", rid="8")], 1, "no first record"),
    "wrong code continued": ([GOOD[1], cont("A0002", "x")], 1, "not A0001"),
    "bad procedure code": ([first("Z1234")], 0, "not a HCPCS code"),
    "lowercase code": ([first("j1100")], 0, "not a HCPCS code"),
    "procedure as modifier": ([first("A0001", rid="7")], 0, "not a HCPCS modifier"),
    "bad modifier": ([first("a1")], 0, "not a HCPCS modifier"),
    "too long": ([first("A0001") + "X"], 0, "321 columns"),
    "truncated": ([first("A0001")[:200]], 0, "no action code"),
    "continuation detail": ([GOOD[1], cont("A0001", "x") + "  51"], 1, "after column 91"),
    "no sequence": ([GOOD[1], "A0001  2004x"], 1, "sequence number"),
    "no sequence first": ([first("A0001")[:5] + "x" + first("A0001")[6:], *GOOD], 0, "sequence"),
    "duplicate": ([GOOD[1], GOOD[1]], 1, "duplicate code A0001"),
}


@pytest.mark.parametrize("name", BAD)
def test_malformed(tmp_path: Path, name: str) -> None:
    lines, index, reason = BAD[name]
    path = write(tmp_path / "bad.txt", lines)
    with pytest.raises(ImportFormatError, match=reason) as info:
        list(parse_anweb(path))
    assert info.value.line == len(DISCLAIMER) + 1 + index
    assert info.value.path == str(path)


def test_undecodable_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.txt", GOOD)
    data = path.read_bytes().split(b"\r\n")
    data[len(DISCLAIMER) + 1] = data[len(DISCLAIMER) + 1].replace(b"part", b"p\x81rt")
    path.write_bytes(b"\r\n".join(data))
    with pytest.raises(ImportFormatError, match="undecodable") as info:
        list(parse_anweb(path))
    assert info.value.line == len(DISCLAIMER) + 2


@pytest.mark.parametrize("lines", [[], ["just prose"] * 60])
def test_no_records(tmp_path: Path, lines: list[str]) -> None:
    with pytest.raises(ImportFormatError, match="no HCPCS record"):
        list(parse_anweb(write(tmp_path / "empty.txt", lines, preamble=[])))


def test_release_info_sources(tmp_path: Path) -> None:
    annual = write(tmp_path / "HCPC2021_ANWEB.txt", GOOD)
    assert release_info(annual).release == "2021-01-01"
    assert release_info(write(tmp_path / "HCPC2020_JUL_ANWEB.txt", GOOD)).release == "2020-07-01"
    assert release_info(annual, dt.date(2021, 4, 1)).effective_date == dt.date(2021, 4, 1)
    # No year in the name: the newest action effective date in the records.
    assert release_info(write(tmp_path / "anweb.txt", GOOD)).release == "2020-04-01"


# --- properties of the field helpers ------------------------------------------------


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.integers(0, 3), st.integers(0, 3))
def test_date_round_trip(day: dt.date, left: int, right: int) -> None:
    assert parse_date(" " * left + day.strftime("%Y%m%d") + " " * right) == day


@given(st.text(max_size=12))
def test_date_garbage(text: str) -> None:
    try:
        value = parse_date(text, "f", 7)
    except ImportFormatError as exc:
        assert exc.line == 7 and exc.path == "f"
    else:
        assert value is None or isinstance(value, dt.date)


@given(st.lists(st.text(st.sampled_from("AB1- "), max_size=4), max_size=6))
def test_split_fixed(items: list[str]) -> None:
    field = "".join(item.ljust(4) for item in items)
    assert split_fixed(field, 4) == tuple(item.strip() for item in items if item.strip())


CP1252 = st.characters(codec="cp1252", exclude_characters="\r\n")


# File-writing properties: no deadline, so a slow disk cannot turn them into timing tests.
@settings(deadline=None)
@given(st.integers(1, 330), st.text(CP1252, max_size=12))
def test_mutated_record(tmp_path_factory: pytest.TempPathFactory, column: int, text: str) -> None:
    line = first("A0001")
    mutated = line[: column - 1] + text + line[column - 1 + len(text) :]
    path = write(tmp_path_factory.getbasetemp() / "mutated.txt", [mutated])
    try:
        records = list(parse_anweb(path))
    except ImportFormatError:
        return
    assert len(records) == 1 and all(
        isinstance(getattr(records[0], f.name), str | tuple | bool | dt.date | None)
        for f in dataclasses.fields(HcpcsRecord)
    )


@settings(deadline=None)
@given(st.binary(max_size=700))
def test_random_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "random.txt"
    path.write_bytes(data)
    with contextlib.suppress(ImportFormatError):
        list(parse_anweb(path))
