"""Tests for the NCCI PTP edit importer.

No real CMS PTP file is small enough to ship, so the fixtures in fixtures/ncci are short
files written in CMS's published layouts, each carrying different quarterly quirks
(see fixtures/ncci/README.md). Expected rows below are typed out by hand, independent of
the fixture files, so a fixture and the parser cannot drift together unnoticed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_codes.importers.ncci_ptp import (
    HCPCS_CODE_RE,
    MODIFIER_INDICATOR_MEANINGS,
    PtpEdit,
    parse_ptp,
)
from medcode_codes.importers.records import ImportFormatError

FIXTURES = Path(__file__).parent / "fixtures" / "ncci"

MISUSE = "Misuse of column two code with column one code"
STANDARDS = "Standards of medical / surgical practice"
MANUAL = "CPT Manual or CMS manual coding instructions"


def table(text: str) -> list[PtpEdit]:
    """Rows as `col1|col2|flag|effective|deletion|indicator|rationale`."""
    edits = []
    for line in text.strip().splitlines():
        col1, col2, flag, eff, dele, ind, why = line.split("|")
        edits.append(
            PtpEdit(
                column1=col1,
                column2=col2,
                existed_before_1996=flag == "*",
                effective_date=dt.date.fromisoformat(eff),
                deletion_date=dt.date.fromisoformat(dele) if dele not in ("", "*") else None,
                modifier_indicator=ind,
                rationale=why,
            )
        )
    return edits


EXPECTED: dict[str, list[PtpEdit]] = {
    "ccipra-v321r0-f1.txt": table(f"""
11042|11055||20150101|*|1|{STANDARDS}
11042|97597||20090101|*|1|{MISUSE}
11042|97598||20090101|*|1|{MISUSE}
11042|97602||20090101|*|0|{MANUAL}
20610|76942||20150101|*|0|{MANUAL}
20611|20610||20150101|*|0|HCPCS/CPT procedure code definition
20611|76942||20150101|*|0|{MANUAL}
29880|29881||20120101|*|1|More extensive procedure
29881|29875||20000101|*|1|{STANDARDS}
29881|29877||20000101|20030101|1|{MISUSE}
64490|64493||20100101|*|1|{STANDARDS}
64490|77003||20100101|*|0|{MANUAL}
64493|77003||20100101|*|0|{MANUAL}
64493|76942||20100101|20100101|9|{MANUAL}
93000|93005|*|19960101|*|0|{MISUSE}
93000|93010|*|19960101|*|0|{MISUSE}
97161|97530||20200101|20200101|9|{STANDARDS}
99213|36415||20150101|*|1|{STANDARDS}
"""),
    "ccioph-v321r0-f1.txt": table(f"""
0213T|64490||20110101|20220101|0|Mutually exclusive procedures
11042|97597||20090101||1|{MISUSE}
20611|20610||20150101||0|HCPCS/CPT procedure code definition
29880|29881||20120101||1|More extensive procedure
36556|36000||20040101||1|{MISUSE}
64493|77003||20100101||0|{MANUAL}
71046|71045||20180101||0|Mutually exclusive procedures
93000|93005|*|19960101||0|{MISUSE}
96365|96360||20090101||1|{MANUAL}
96374|96372||20090101||1|{MANUAL}
97161|97530||20200101|20200101|9|{STANDARDS}
99284|36415||20150101||1|{STANDARDS}
"""),
    "ccipra-v320r0-f2.csv": table(f"""
36000|36410||20000101|20100101|1|{STANDARDS}
36556|36000||20040101|*|1|{MISUSE}
36556|36410||20040101|*|1|{STANDARDS}
43239|43235||20000101|*|1|More extensive procedure
45385|45378||20000101|*|1|More extensive procedure
45385|45380||20000101|*|1|{STANDARDS}
47563|47562||20000101|*|0|More extensive procedure
49505|49507||20000101|*|1|Mutually exclusive procedures
58558|58100||20000101|*|1|{STANDARDS}
66984|66982||20010101|*|0|Mutually exclusive procedures
71046|71045||20180101|*|0|Mutually exclusive procedures
93015|93016|*|19960101|*|0|{MISUSE}
G0289|29877||20030101|20030101|9|{MANUAL}
"""),
    "ccioph-v320r0-f2.csv": table(f"""
45385|45378||20000101||1|More extensive procedure
47563|47562||20000101||0|More extensive procedure
49505|49507||20000101||1|Mutually exclusive procedures
66984|66982||20010101||0|Mutually exclusive procedures
93015|93016|*|19960101||0|{MISUSE}
96413|96365||20090101||1|{MANUAL}
G0463|36415||20140101||1|{STANDARDS}
J1030|96372||20100101|20110101|1|{STANDARDS}
"""),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_expected_rows(name: str) -> None:
    assert list(parse_ptp(FIXTURES / name)) == EXPECTED[name]


def test_fixtures_carry_the_quarterly_variations() -> None:
    """Guards the fixtures themselves: each must keep the quirk it exists to test."""
    pra_txt = (FIXTURES / "ccipra-v321r0-f1.txt").read_bytes()
    assert b"\r\n" in pra_txt and b"\xae" in pra_txt  # CRLF, cp1252 registered sign
    assert b"\t\tprior to 1996\tDate\t" in pra_txt  # header wrapped over two lines
    oph_txt = (FIXTURES / "ccioph-v321r0-f1.txt").read_bytes()
    assert b"\r" not in oph_txt and b"\t\t1\t" in oph_txt  # LF, blank deletion date
    assert b"practice\t\t\n" in oph_txt  # trailing empty columns
    pra_csv = (FIXTURES / "ccipra-v320r0-f2.csv").read_bytes()
    assert pra_csv.startswith(b"\xef\xbb\xbf") and b'"29877","","20030101"' in pra_csv
    oph_csv = (FIXTURES / "ccioph-v320r0-f2.csv").read_bytes()
    assert b",,prior to 1996,Date," in oph_csv and oph_csv.endswith(b",,,,,,\n")


def edit(effective: str, deletion: str | None) -> PtpEdit:
    return PtpEdit(
        "29880",
        "29881",
        False,
        dt.date.fromisoformat(effective),
        dt.date.fromisoformat(deletion) if deletion else None,
        "1",
        "More extensive procedure",
    )


@pytest.mark.parametrize(
    ("effective", "deletion", "day", "active"),
    [
        ("2012-01-01", None, "2011-12-31", False),  # before the effective date
        ("2012-01-01", None, "2012-01-01", True),  # effective date is inclusive
        ("2012-01-01", None, "2099-12-31", True),  # no deletion date: open-ended
        ("2012-01-01", "2020-01-01", "2019-12-31", True),  # last active day
        ("2012-01-01", "2020-01-01", "2020-01-01", False),  # deletion date is exclusive
        ("2020-01-01", "2020-01-01", "2020-01-01", False),  # retroactive deletion: never
    ],
)
def test_active_on(effective: str, deletion: str | None, day: str, active: bool) -> None:
    assert edit(effective, deletion).active_on(dt.date.fromisoformat(day)) is active


def test_active_on_with_fixture_rows() -> None:
    by_pair = {(e.column1, e.column2): e for e in EXPECTED["ccipra-v321r0-f1.txt"]}
    retro = by_pair[("97161", "97530")]
    assert retro.modifier_indicator == "9" and not retro.active_on(dt.date(2020, 1, 1))
    deleted = by_pair[("29881", "29877")]
    assert deleted.active_on(dt.date(2002, 12, 31)) and not deleted.active_on(dt.date(2003, 1, 1))
    assert by_pair[("93000", "93005")].existed_before_1996


def test_modifier_indicator_meanings() -> None:
    assert set(MODIFIER_INDICATOR_MEANINGS) == {"0", "1", "9"}
    assert MODIFIER_INDICATOR_MEANINGS["0"].startswith("never bypassable")
    assert "59" in MODIFIER_INDICATOR_MEANINGS["1"] and "XU" in MODIFIER_INDICATOR_MEANINGS["1"]
    assert "deleted" in MODIFIER_INDICATOR_MEANINGS["9"]


TWO_LINE_HEADER = (
    "CPT only copyright 2025 American Medical Association. All rights reserved.\n"
    "\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\n"
    "\t\tprior to 1996\tDate\tDate *=no data\t0=not allowed 1=allowed 9=not applicable\t\n"
)  # 4 lines, so the first data row is line 5
GOOD = f"64490\t64493\t\t20100101\t*\t1\t{STANDARDS}\n"


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (f"64490\t77003\t\t20150230\t*\t0\t{MANUAL}", "effective date '20150230'"),
        (f"64490\t77003\t\t2015-01-01\t*\t0\t{MANUAL}", "not a YYYYMMDD date"),
        (f"64490\t77003\t\t20150101\t2016131\t0\t{MANUAL}", "deletion date"),
        (f"64490\t77003\t\t20150101\t*\t5\t{MANUAL}", "modifier indicator '5'"),
        ("64490\t77003\t\t20150101\t*\t0", "expected 7 columns, found 6"),
        (f"64490\t77003\t20150101\t*\t0\t{MANUAL}", "expected 7 columns, found 6"),
        (f"64490\t77003\t\t20150101\t*\t0\t{MANUAL}\textra", "expected 7 columns, found 8"),
        (f"6449\t77003\t\t20150101\t*\t0\t{MANUAL}", "column 1 code '6449'"),
        (f"64490\t770030\t\t20150101\t*\t0\t{MANUAL}", "column 2 code '770030'"),
        (f"64490\t7700a\t\t20150101\t*\t0\t{MANUAL}", "column 2 code '7700a'"),
        (f"64490\t77003\tY\t20150101\t*\t0\t{MANUAL}", "prior-to-1996 flag 'Y'"),
    ],
)
def test_malformed_row_names_its_line(tmp_path: Path, bad_row: str, reason: str) -> None:
    path = tmp_path / "ccipra-v321r0-f1.txt"
    path.write_text(TWO_LINE_HEADER + GOOD + "\n" + bad_row + "\n" + GOOD)
    edits = parse_ptp(path)
    assert next(edits).column2 == "64493"  # rows before the bad one still arrive
    with pytest.raises(ImportFormatError) as err:
        next(edits)
    assert err.value.line == 7  # header (4), good row, blank line, bad row
    assert reason in err.value.reason
    assert err.value.path == str(path) and f":7: {err.value.reason}" in str(err.value)


def test_malformed_first_data_row_is_not_taken_for_header(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(TWO_LINE_HEADER + f"64490\t77003\t\t20150101\t*\t7\t{MANUAL}\n")
    with pytest.raises(ImportFormatError, match=r":5: modifier indicator '7'"):
        list(parse_ptp(path))


def test_line_numbers_in_a_bom_crlf_csv(tmp_path: Path) -> None:
    text = (
        '"CPT codes, descriptions and other data only are copyright 2025 AMA."\r\n'
        "Column 1,Column 2,*=in existence prior to 1996,Effective Date,Deletion Date *=no data,"
        "Modifier 0=not allowed 1=allowed 9=not applicable,PTP Edit Rationale\r\n"
        f'29880,29881,,20120101,*,1,"More extensive procedure"\r\n'
        f'29881,29877,,20000101,20030101,"1, or 0",{MISUSE}\r\n'
    )
    path = tmp_path / "ptp.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    with pytest.raises(ImportFormatError) as err:
        list(parse_ptp(path))
    assert err.value.line == 4 and "modifier indicator '1, or 0'" in err.value.reason


def test_cp1252_in_a_data_row(tmp_path: Path) -> None:
    path = tmp_path / "ptp.txt"
    row = b"20610\t20611\t\t20150101\t*\t0\tMutually exclusive \x96 see manual\n"
    path.write_bytes(TWO_LINE_HEADER.encode() + row)
    (only,) = parse_ptp(path)
    assert only.rationale == "Mutually exclusive \u2013 see manual"


def test_header_only_file_has_no_edits(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(TWO_LINE_HEADER + "\n\n")
    assert list(parse_ptp(path)) == []


@pytest.mark.parametrize(
    "content",
    [b"", b"64490\t64493\t\t20100101\t*\t1\tno header\n", b"\xff\xfeC\x00o\x00l\x00"],
)
def test_file_without_a_header_fails_at_line_1(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "headless.txt"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError) as err:
        list(parse_ptp(path))
    assert err.value.line == 1


# --- round trip: whatever csv writes in either CMS dialect, parse_ptp reads back -------

codes = st.from_regex(HCPCS_CODE_RE, fullmatch=True)
days = st.dates(min_value=dt.date(1996, 1, 1), max_value=dt.date(2035, 12, 31))
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60).map(str.strip)
edits = st.builds(
    PtpEdit,
    column1=codes,
    column2=codes,
    existed_before_1996=st.booleans(),
    effective_date=days,
    deletion_date=st.none() | days,
    modifier_indicator=st.sampled_from(sorted(MODIFIER_INDICATOR_MEANINGS)),
    rationale=texts,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(edits, max_size=15),
    dialect=st.sampled_from(["excel", "excel-tab"]),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    two_line_header=st.booleans(),
    no_deletion=st.sampled_from(["*", ""]),
)
def test_round_trip_through_csv_dialects(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[PtpEdit],
    dialect: str,
    bom: bool,
    newline: str,
    quoting: Literal[0, 1, 2, 3],
    two_line_header: bool,
    no_deletion: str,
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, dialect=dialect, lineterminator=newline, quoting=quoting)
    writer.writerow(["CPT codes, descriptions and other data only are copyright 2025 AMA."])
    if two_line_header:
        writer.writerow(["Column 1", "Column 2", "*=in existence", "Effective", "Deletion"])
        writer.writerow(["", "", "prior to 1996", "Date", "Date *=no data", "0=not allowed"])
    else:
        writer.writerow(["Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date"])
    for e in rows:
        writer.writerow(
            [
                e.column1,
                e.column2,
                "*" if e.existed_before_1996 else "",
                e.effective_date.strftime("%Y%m%d"),
                e.deletion_date.strftime("%Y%m%d") if e.deletion_date else no_deletion,
                e.modifier_indicator,
                e.rationale,
            ]
        )
    path = tmp_path_factory.mktemp("ptp") / "ptp.txt"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    assert list(parse_ptp(path)) == rows
