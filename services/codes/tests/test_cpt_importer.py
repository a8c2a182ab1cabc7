"""Tests for the CPT importer: the shipped starter set and licensed-file parsing.

Licensed fixtures are synthetic ("LICENSED TEXT FOR 99213"): real AMA descriptors are
copyright and must never appear in the repository, tests included.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_codes.importers.cpt import (
    CODE_RE,
    NOT_IN_LICENSED,
    NOTICE,
    SECTIONS,
    CptDescriptor,
    Layout,
    load_licensed,
    parse_licensed_file,
    parse_row,
    parse_starter,
    release_info,
    section_of,
    starter_set,
    to_nodes,
)
from medcode_codes.importers.records import ImportFormatError
from medcode_codes.snapshot.reader import Snapshot
from medcode_codes.snapshot.writer import write_snapshot

ADD_ONS = {"64491", "64492", "64494", "64495", "99417", "99292", "64480", "64484", "29826"}
NOT_ADD_ONS = {"64490", "64493", "64479", "64483", "99291", "99215", "17004", "20610"}
#: Codes the starter set must cover (brief: E/M, spine, imaging, labs, surgery, ...).
_REQUIRED_TEXT = (
    "99202 99203 99204 99205 99211 99212 99213 99214 99215 99221 99222 99223 99231 99232 "
    "99233 99238 99239 99281 99282 99283 99284 99285 99381 99387 99391 99397 99417 99291 "
    "99292 64490 64491 64492 64493 64494 64495 62321 62322 62323 64479 64480 64483 64484 "
    "20600 20604 20605 20606 20610 20611 20552 20553 71045 71046 71047 71048 72100 73030 "
    "73560 73562 73564 73610 74018 70450 70551 70552 70553 72148 74176 74177 74178 76700 "
    "76705 76856 76830 77067 93000 93005 93010 93306 80048 80053 80061 81001 81002 81003 "
    "82947 83036 84443 85025 85027 85610 36415 87880 87635 86580 10060 10061 11042 11047 "
    "11102 11107 11200 11201 12001 12007 17000 17004 17110 17111 27447 27130 29881 29880 "
    "29826 43235 43239 45378 45380 45385 47562 49505 66984 69210 96360 96361 96365 96366 "
    "96367 96368 96372 96374 96375 90471 90472 90473 90474 90686 90715 90732 90791 90832 "
    "90833 90834 90836 90837 90838 90846 90847 97110 97112 97140 97161 97162 97163 97530 "
    "01402 3074F"
)
REQUIRED = frozenset(_REQUIRED_TEXT.split())
#: Phrases typical of AMA descriptors; our own wording must never contain them.
AMA_BOILERPLATE = (
    "office or other outpatient visit for the evaluation and management of",
    "which requires a medically appropriate history and/or examination",
    "when using total time on the date of the encounter",
    "must be met or exceeded",
    "list separately in addition to code for primary procedure",
    "initial comprehensive preventive medicine evaluation",
    "periodic comprehensive preventive medicine reevaluation",
    "injection(s), diagnostic or therapeutic agent",
    "radiologic examination,",
    "computed tomography,",
    "magnetic resonance (eg, proton) imaging",
    "arthroscopy, knee, surgical",
    "esophagogastroduodenoscopy, flexible, transoral",
    "(eg,",
    "(ie,",
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _expect_error(path: Path, line: int, reason: str) -> None:
    with pytest.raises(ImportFormatError) as info:
        list(parse_licensed_file(path))
    assert (info.value.line, info.value.path) == (line, str(path))
    assert reason in info.value.reason


# --- starter set ---------------------------------------------------------------------


def test_starter_set_is_large_unique_and_well_formed() -> None:
    codes = [s.code for s in starter_set()]
    assert len(set(codes)) == len(codes) >= 220
    assert all(CODE_RE.match(code) for code in codes)
    assert set(codes) >= REQUIRED, sorted(REQUIRED - set(codes))


def test_starter_categories_and_sections_follow_the_code_numbers() -> None:
    for s in starter_set():
        expected = {"F": "II", "T": "III"}.get(s.code[-1], "I")
        assert (s.category, s.section) == (expected, section_of(s.code)), s.code
    assert set(Counter(s.section for s in starter_set())) <= set(SECTIONS)


def test_starter_descriptions_are_our_own_words() -> None:
    for s in starter_set():
        text = s.description.lower()
        assert 10 <= len(text) <= 300, s.code
        assert not any(phrase in text for phrase in AMA_BOILERPLATE), s.code


def test_add_on_flags() -> None:
    flags = {s.code: s.add_on for s in starter_set()}
    assert all(flags[code] for code in ADD_ONS)
    assert not any(flags[code] for code in NOT_ADD_ONS)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("code\tdescription\n", 1, "header must be"),
        ("code\tcategory\tsection\tdescription\tadd_on\n99213\tI\tMedicine\tx\n", 2, "5 fields"),
        ("code\tcategory\tsection\tdescription\tadd_on\n9921\tI\tMedicine\tx\tno\n", 2, "CPT"),
        ("code\tcategory\tsection\tdescription\tadd_on\n\n99213\tII\tMedicine\tx\tno\n", 3, "cat"),
        ("code\tcategory\tsection\tdescription\tadd_on\n99213\tI\tMedicine\tx\tmaybe\n", 2, "add"),
    ],
)
def test_parse_starter_rejects_malformed_rows(text: str, line: int, reason: str) -> None:
    with pytest.raises(ImportFormatError) as info:
        parse_starter(text, "starter.tsv")
    assert info.value.line == line
    assert reason in info.value.reason


# --- licensed files ------------------------------------------------------------------


def test_headerless_files_take_their_column_from_the_file_name(tmp_path: Path) -> None:
    rows = "99213\tLICENSED TEXT FOR 99213\n0001U\tLICENSED TEXT FOR 0001U\n"
    long = list(parse_licensed_file(_write(tmp_path, "LONGULT.txt", rows)))
    assert long == [
        CptDescriptor("99213", "LICENSED TEXT FOR 99213", "", ""),
        CptDescriptor("0001U", "LICENSED TEXT FOR 0001U", "", ""),
    ]
    short = list(parse_licensed_file(_write(tmp_path, "SHORTU.txt", rows)))
    assert short[0] == CptDescriptor("99213", "", "", "LICENSED TEXT FOR 99213")
    medium = list(parse_licensed_file(_write(tmp_path, "MEDU.txt", rows)))
    assert medium[0].medium == "LICENSED TEXT FOR 99213"
    forced = list(parse_licensed_file(tmp_path / "MEDU.txt", column="long"))
    assert forced[0].long == "LICENSED TEXT FOR 99213"


def test_header_file_with_bom_crlf_and_extra_columns(tmp_path: Path) -> None:
    text = (
        "\ufeffConcept Id\tCPT Code\tLong Descriptor\tMedium Descriptor\tShort Descriptor\r\n"
        "1001\t64490\tLICENSED LONG 64490\tLICENSED MED 64490\tLICENSED SHORT 64490\r\n"
        "\r\n"
        '1002\t3074F\t"LICENSED LONG ""3074F"""\t\t\r\n'
    )
    records = list(parse_licensed_file(_write(tmp_path, "combined.txt", text)))
    assert records == [
        CptDescriptor("64490", "LICENSED LONG 64490", "LICENSED MED 64490", "LICENSED SHORT 64490"),
        CptDescriptor("3074F", 'LICENSED LONG "3074F"', "", ""),
    ]


def test_encodings_cp1252_and_utf16(tmp_path: Path) -> None:
    text = "99213\tLICENSED TEXT \u2013 99213\n"
    for name, encoding, prefix in (
        ("LONG1252.txt", "cp1252", b""),
        ("LONG1252BOM.txt", "cp1252", codecs.BOM_UTF8),
        ("LONG16.txt", "utf-16", b""),
    ):
        path = tmp_path / name
        path.write_bytes(prefix + text.encode(encoding))
        assert next(parse_licensed_file(path)).long == "LICENSED TEXT \u2013 99213"


def test_plain_description_header_is_the_long_descriptor(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.txt", "HCPCS\tDescription\n99213\tLICENSED TEXT FOR 99213\n")
    assert next(parse_licensed_file(path)).long == "LICENSED TEXT FOR 99213"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("99213\tLICENSED TEXT\n9921\tLICENSED TEXT\n", 2, "not a CPT code"),
        ("99213\tLICENSED TEXT\n\n99214\n", 3, "expected 2 tab-separated fields, found 1"),
        ("99213\tLICENSED TEXT\n99214\tA\tB\n", 2, "found 3"),
        ("99213\tLICENSED TEXT\n99214\t  \n", 2, "no descriptor text for 99214"),
        ("99213\tLICENSED A\n99214\tLICENSED B\n99213\tLICENSED C\n", 3, "first on line 1"),
        ("Concept Id\tDescriptor\n1\tLICENSED\n", 1, "no code column"),
        ("CPT Code\tConcept Id\n99213\t1\n", 1, "no descriptor column"),
        ("CPT Code\tLong Descriptor\n99213\tLICENSED\n99213x\tLICENSED\n", 3, "not a CPT"),
        ("\n\n", 3, "no CPT codes found"),
        ("M0001\tLICENSED TEXT\n", 1, "not a CPT code"),
    ],
)
def test_malformed_licensed_rows(tmp_path: Path, text: str, line: int, reason: str) -> None:
    _expect_error(_write(tmp_path, "LONGULT.txt", text), line, reason)


def test_undecodable_bytes_report_their_line(tmp_path: Path) -> None:
    path = tmp_path / "LONGULT.txt"
    path.write_bytes(b"99213\tLICENSED\n99214\tLICENSED \x81\xff\n")  # 0x81: unused in cp1252
    _expect_error(path, 2, "neither UTF-8 nor Windows-1252")


def test_load_licensed_merges_long_and_short_files(tmp_path: Path) -> None:
    long = _write(tmp_path, "LONGULT.txt", "99213\tLICENSED LONG\n99214\tLICENSED LONG 2\n")
    short = _write(tmp_path, "SHORTU.txt", "99213\tLICENSED SHORT\n")
    merged = load_licensed([long, short])
    assert merged["99213"] == CptDescriptor("99213", "LICENSED LONG", "", "LICENSED SHORT")
    assert merged["99214"].short == ""


# --- row parser properties -----------------------------------------------------------

CODES = st.from_regex(r"[0-9]{4}[0-9FTU]", fullmatch=True)
TEXT = st.text(st.characters(exclude_characters='\t\r\n"', exclude_categories=["Cs"]))


@given(code=CODES, text=TEXT.filter(str.strip), pad=st.integers(0, 3), crlf=st.booleans())
def test_parse_row_round_trips(code: str, text: str, pad: int, crlf: bool) -> None:
    line = f"{code}\t{text}" + "\t" * pad + ("\r\n" if crlf else "")
    assert parse_row(line, Layout(2, long=1)) == CptDescriptor(code, text.strip(), "", "")


@given(first=TEXT.filter(lambda s: not CODE_RE.match(s.strip().upper())), line_no=st.integers(1))
def test_parse_row_rejects_non_codes_with_line(first: str, line_no: int) -> None:
    with pytest.raises(ImportFormatError) as info:
        parse_row(f"{first}\tLICENSED", Layout(2, short=1), path="f.txt", line_no=line_no)
    assert (info.value.path, info.value.line) == ("f.txt", line_no)


# --- nodes and release -----------------------------------------------------------------


def test_to_nodes_without_licensed_data_uses_our_wording() -> None:
    starter = starter_set()
    nodes = list(to_nodes(starter, None, release="starter-2025"))
    sections = [n for n in nodes if n.kind == "section"]
    codes = {n.code: n for n in nodes if n.kind == "code"}
    assert nodes[: len(sections)] == sections and len(codes) == len(starter)
    assert {n.code for n in sections} == {codes[c].parent for c in codes}
    visit = codes["99213"]
    assert visit.billable and visit.parent == "SECTION-EM"
    assert visit.title == visit.extra["plain_description"] != ""
    assert visit.extra["official_descriptor_notice"] == NOTICE
    assert not visit.extra["official_descriptor_available"]
    assert codes["64491"].extra["add_on"] and codes["3074F"].extra["category"] == "II"


def test_to_nodes_with_licensed_data_switches_titles(tmp_path: Path) -> None:
    licensed = {
        "99213": CptDescriptor("99213", "LICENSED TEXT FOR 99213", "", "LICENSED SHORT"),
        "0001U": CptDescriptor("0001U", "LICENSED TEXT FOR 0001U", "", ""),
        "64999": CptDescriptor("64999", "LICENSED 64999 (List separately in addition)", "", ""),
    }
    nodes = list(to_nodes(starter_set(), licensed, release="2026"))
    codes = {n.code: n for n in nodes if n.kind == "code"}
    visit = codes["99213"]
    assert visit.title == "LICENSED TEXT FOR 99213"
    assert visit.extra["official_descriptor_available"]
    assert "official_descriptor_notice" not in visit.extra
    assert visit.extra["plain_description"].startswith("Follow-up office visit")
    assert visit.extra["short_descriptor"] == "LICENSED SHORT"
    assert codes["99214"].extra["official_descriptor_notice"] == NOT_IN_LICENSED
    pla = codes["0001U"]
    assert (pla.parent, pla.extra["plain_description"], pla.extra["add_on"]) == (
        "SECTION-PLA",
        "",
        False,
    )
    assert codes["64999"].extra["add_on"] and codes["64999"].parent == "SECTION-SURG"
    info = release_info([tmp_path / "LONGULT.txt"], release="2026")
    path = write_snapshot(data_dir=tmp_path, info=info, nodes=nodes, source_digest="x")
    snapshot = Snapshot(path)
    try:
        assert snapshot.meta.release == "2026"
        assert {row.code for row in snapshot.children("SECTION-PLA")} == {"0001U"}
    finally:
        snapshot.close()


def test_release_info() -> None:
    starter = release_info()
    assert (starter.system, starter.release) == ("cpt", "starter-2025")
    assert starter.effective_date == dt.date(2025, 1, 1)
    licensed = release_info([Path("LONGULT.txt")], release="2026-q1")
    assert (licensed.release, licensed.effective_date) == ("2026-q1", dt.date(2026, 1, 1))
    assert "LONGULT.txt" in licensed.source
    dated = release_info([Path("x")], release="spring", effective_date=dt.date(2026, 4, 1))
    assert dated.effective_date == dt.date(2026, 4, 1)
    for bad in (None, "spring"):
        with pytest.raises(ValueError):
            release_info([Path("x")], release=bad)
