"""Tests for the PFS relative value file importer (RVU25D, CY2025 October release).

The text and CSV files of one release are independent renderings of the same table, so
parsing both to identical records is the main check of the column layout. CPT
descriptors are AMA copyright: tests compare them between files at run time but never
spell one out; synthetic rows use made-up descriptions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import string
from collections import Counter
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_codes.importers.pfs_rvu import (
    RvuRecord,
    addon_codes,
    detect_layout,
    parse_decimal,
    parse_pprrvu,
    record_from_fields,
    release_info,
)
from medcode_codes.importers.records import ImportFormatError

ROWS = 19_090
CF_2025 = Decimal("32.3465")
D = Decimal
ByKey = dict[tuple[str, str], RvuRecord]

# 1-based inclusive columns per RVU25D.pdf, written out independently of the importer.
# Column 59 and 166-171 are not (legibly) in the PDF; every 2025 row has them there.
LAYOUT: dict[str, tuple[int, int]] = {
    "code": (1, 5), "modifier": (6, 7), "description": (8, 57), "status_code": (58, 58),
    "not_used_for_medicare": (59, 59), "work_rvu": (60, 65), "nonfacility_pe_rvu": (67, 72),
    "nonfacility_na": (73, 74), "facility_pe_rvu": (76, 81), "facility_na": (82, 83),
    "mp_rvu": (85, 89), "nonfacility_total": (91, 96), "facility_total": (97, 102),
    "pctc_indicator": (103, 103), "global_days": (104, 106), "preop_pct": (107, 109),
    "intraop_pct": (110, 112), "postop_pct": (113, 115), "multiple_procedure": (116, 116),
    "bilateral_surgery": (117, 117), "assistant_surgery": (118, 118), "co_surgeons": (119, 119),
    "team_surgery": (120, 120), "endoscopic_base_code": (128, 132),
    "conversion_factor": (133, 140), "physician_supervision": (142, 143),
    "calculation_flag": (144, 144), "diagnostic_imaging_family": (146, 147),
    "nonfacility_pe_opps": (152, 157), "facility_pe_opps": (159, 164), "mp_opps": (166, 171),
}  # fmt: skip

SAMPLE = RvuRecord(
    code="99999", modifier="", description="SYNTHETIC TEST SERVICE", status_code="A",
    not_used_for_medicare="", work_rvu=D("1.30"), nonfacility_pe_rvu=D("1.35"),
    nonfacility_na=False, facility_pe_rvu=D("0.57"), facility_na=True, mp_rvu=D("0.10"),
    nonfacility_total=D("2.75"), facility_total=D("1.97"), pctc_indicator="0",
    global_days="090", preop_pct=D("0.10"), intraop_pct=D("0.69"), postop_pct=D("0.21"),
    multiple_procedure="3", bilateral_surgery="1", assistant_surgery="2", co_surgeons="1",
    team_surgery="0", endoscopic_base_code="99998", conversion_factor=CF_2025,
    physician_supervision="09", calculation_flag="0", diagnostic_imaging_family="99",
    nonfacility_pe_opps=D("2.76"), facility_pe_opps=None, mp_opps=D("0.05"),
)  # fmt: skip


def _cell(record: RvuRecord, name: str, width: int | None = None) -> str:
    value = getattr(record, name)
    if isinstance(value, bool):
        return "NA" if value else ""
    if isinstance(value, Decimal):
        text = f"{value:.{4 if name == 'conversion_factor' else 2}f}"
        return text[1:] if width == 3 else text  # percentages: ".10" in the text file
    return "" if value is None else str(value)


def fixed_line(record: RvuRecord) -> str:
    chars = [" "] * 171
    for name, (first, last) in LAYOUT.items():
        width = last - first + 1
        text = _cell(record, name, width)
        numeric = isinstance(getattr(record, name), Decimal)
        chars[first - 1 : last] = text.rjust(width) if numeric else text.ljust(width)
    return "".join(chars)


def csv_row(record: RvuRecord) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(_cell(record, f.name) for f in fields(record))
    return out.getvalue()


CSV_HEADER = (
    ",,2025 National Physician Fee Schedule Relative Value File October Release" + "," * 28,
    ",,RELEASED 09/11/2025" + "," * 28,
    "HCPCS,MOD,DESCRIPTION" + ",X" * 28,
)


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_bytes("".join(s if s.endswith("\n") else s + "\r\n" for s in lines).encode())
    return path


# --- real files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def txt_path(cms_data: Path) -> Path:
    return cms_data / "pfs_rvu" / "PPRRVU2025_Oct.txt"


@pytest.fixture(scope="module")
def csv_path(cms_data: Path) -> Path:
    return cms_data / "pfs_rvu" / "PPRRVU2025_Oct.csv"


@pytest.fixture(scope="module")
def txt_records(txt_path: Path) -> list[RvuRecord]:
    return list(parse_pprrvu(txt_path))


@pytest.fixture(scope="module")
def csv_records(csv_path: Path) -> list[RvuRecord]:
    return list(parse_pprrvu(csv_path))


@pytest.fixture(scope="module")
def by_key(txt_records: list[RvuRecord]) -> ByKey:
    return {(r.code, r.modifier): r for r in txt_records}


def test_real_files_have_every_row(
    txt_records: list[RvuRecord], csv_records: list[RvuRecord], by_key: ByKey
) -> None:
    assert len(txt_records) == len(csv_records) == ROWS
    assert len(by_key) == ROWS  # one record per code + modifier


def test_txt_and_csv_parse_identically(
    txt_records: list[RvuRecord], csv_records: list[RvuRecord]
) -> None:
    for txt, csv_ in zip(txt_records, csv_records, strict=True):
        assert txt == csv_
    assert all(r.description for r in txt_records)


def test_layout_is_detected_by_content(tmp_path: Path, txt_path: Path, csv_path: Path) -> None:
    assert detect_layout(txt_path) == "fixed"
    assert detect_layout(csv_path) == "csv"
    swapped_txt = shutil.copy(csv_path, tmp_path / "csv_data.txt")
    swapped_csv = shutil.copy(txt_path, tmp_path / "txt_data.csv")
    assert detect_layout(Path(swapped_txt)) == "csv"
    assert detect_layout(Path(swapped_csv)) == "fixed"
    assert next(parse_pprrvu(Path(swapped_txt))) == next(parse_pprrvu(Path(swapped_csv)))


def test_office_visit_99213(by_key: ByKey) -> None:
    r = by_key["99213", ""]
    assert (r.status_code, r.work_rvu) == ("A", D("1.30"))
    assert (r.nonfacility_pe_rvu, r.facility_pe_rvu) == (D("1.35"), D("0.57"))
    assert (r.mp_rvu, r.nonfacility_total, r.facility_total) == (D("0.10"), D("2.75"), D("1.97"))
    assert (r.global_days, r.pctc_indicator, r.is_add_on) == ("XXX", "0", False)


def test_knee_arthroplasty_27447_has_90_day_global(by_key: ByKey) -> None:
    r = by_key["27447", ""]
    assert (r.global_days, r.work_rvu) == ("090", D("19.60"))
    assert (r.nonfacility_na, r.facility_na) == (True, False)  # facility-only surgery
    assert (r.preop_pct, r.intraop_pct, r.postop_pct) == (D("0.10"), D("0.69"), D("0.21"))
    assert (r.multiple_procedure, r.bilateral_surgery, r.assistant_surgery) == ("2", "1", "2")
    assert (r.co_surgeons, r.team_surgery) == ("1", "0")


def test_add_on_64491(by_key: ByKey, txt_records: list[RvuRecord]) -> None:
    r = by_key["64491", ""]
    assert (r.global_days, r.is_add_on, r.work_rvu) == ("ZZZ", True, D("1.16"))
    addons = addon_codes(txt_records)
    assert "64491" in addons and "99213" not in addons
    assert len(addons) == 623
    assert sum(r.is_add_on for r in txt_records) == 775  # add-ons with 26/TC rows too


def test_chest_xray_71046_components(by_key: ByKey) -> None:
    glob, pc, tc = by_key["71046", ""], by_key["71046", "26"], by_key["71046", "TC"]
    assert {glob.pctc_indicator, pc.pctc_indicator, tc.pctc_indicator} == {"1"}
    assert (glob.work_rvu, pc.work_rvu, tc.work_rvu) == (D("0.22"), D("0.22"), D("0.00"))
    assert pc.nonfacility_total + tc.nonfacility_total == glob.nonfacility_total == D("1.01")
    assert (glob.facility_na, pc.facility_na, tc.facility_na) == (True, False, True)
    assert (tc.physician_supervision, glob.physician_supervision) == ("01", "09")
    opps = (glob.nonfacility_pe_opps, glob.facility_pe_opps, glob.mp_opps)
    assert opps == (D("2.76"), D("2.76"), D("0.05"))
    assert (tc.nonfacility_pe_opps, tc.mp_opps, pc.mp_opps) == (D("2.68"), D("0.04"), D("0"))


def test_endoscopy_base_codes_and_discontinued_modifier(
    by_key: ByKey, txt_records: list[RvuRecord]
) -> None:
    assert by_key["43239", ""].endoscopic_base_code == "43235"
    assert by_key["45380", ""].endoscopic_base_code == "45378"
    assert all(bool(r.endoscopic_base_code) == (r.multiple_procedure == "3") for r in txt_records)
    discontinued = sorted(r.code for r in txt_records if r.modifier == "53")
    assert discontinued == ["44388", "45378", "G0105", "G0121"]
    assert by_key["45378", "53"].work_rvu == D("1.63")


def test_file_wide_values(txt_records: list[RvuRecord]) -> None:
    assert {r.conversion_factor for r in txt_records} == {CF_2025}
    assert Counter(r.modifier for r in txt_records) == {"": 16851, "26": 1127, "TC": 1108, "53": 4}
    assert Counter(r.global_days for r in txt_records) == {
        "XXX": 11722,
        "090": 3767,
        "000": 1371,
        "YYY": 967,
        "ZZZ": 775,
        "010": 471,
        "MMM": 17,
    }
    assert sum(r.nonfacility_na for r in txt_records) == 4064
    assert sum(r.facility_na for r in txt_records) == 2530
    assert Counter(r.not_used_for_medicare for r in txt_records) == {"": 18942, "+": 148}
    assert Counter(r.status_code for r in txt_records)["A"] == 9021
    for r in txt_records:  # totals are exact sums of the components in this release
        assert r.nonfacility_total == r.work_rvu + r.nonfacility_pe_rvu + r.mp_rvu
        assert r.facility_total == r.work_rvu + r.facility_pe_rvu + r.mp_rvu


def test_release_info_of_real_files(txt_path: Path, csv_path: Path) -> None:
    for path in (txt_path, csv_path):
        release, effective, source = release_info(path)
        assert (release, effective) == ("RVU25D", dt.date(2025, 10, 1))
        assert "RVU25D" in source and path.name in source
    assert "released 09/11/2025" in release_info(csv_path)[2]


# --- synthetic files -------------------------------------------------------------------


def test_synthetic_row_round_trips_in_both_layouts(tmp_path: Path) -> None:
    txt = write(tmp_path, "a.txt", ["HDR SYNTHETIC HEADER", fixed_line(SAMPLE)])
    csv_ = write(tmp_path, "b.csv", [*CSV_HEADER, csv_row(SAMPLE)])
    assert list(parse_pprrvu(txt)) == list(parse_pprrvu(csv_)) == [SAMPLE]


def test_headers_are_detected_not_counted(tmp_path: Path) -> None:
    rows = [fixed_line(SAMPLE), fixed_line(replace(SAMPLE, modifier="26"))]
    for n_header in (0, 1, 9):
        path = write(tmp_path, "h.txt", [f"HDR LINE {i}" for i in range(n_header)] + rows)
        assert [r.modifier for r in parse_pprrvu(path)] == ["", "26"]
    no_header = write(tmp_path, "h.csv", [csv_row(SAMPLE), "\r\n", csv_row(SAMPLE)])
    assert len(list(parse_pprrvu(no_header))) == 2


@pytest.mark.parametrize(
    ("column", "text", "reason"),
    [
        (60, "  1.3x", "work_rvu"),
        (60, " -1.30", "work_rvu"),
        (73, "XX", "nonfacility_na"),
        (1, "99-99", "code"),
        (58, " ", "status_code"),
        (66, "9", "filler"),
        (133, "32.34650", "conversion_factor"),
    ],
)
def test_malformed_fixed_line(tmp_path: Path, column: int, text: str, reason: str) -> None:
    line = fixed_line(SAMPLE)
    bad = line[: column - 1] + text + line[column - 1 + len(text) :]
    path = write(tmp_path, "bad.txt", ["HDR A", "HDR B", line, bad])
    with pytest.raises(ImportFormatError) as info:
        list(parse_pprrvu(path))
    assert info.value.line == 4 and reason in info.value.reason


def test_truncated_and_shifted_fixed_lines(tmp_path: Path) -> None:
    line = fixed_line(SAMPLE)
    for bad, reason in ((line[:150], "characters"), (" " + line, "filler")):
        path = write(tmp_path, "bad.txt", [line, bad])
        with pytest.raises(ImportFormatError, match=reason) as info:
            list(parse_pprrvu(path))
        assert info.value.line == 2


def test_malformed_csv_rows(tmp_path: Path) -> None:
    good = csv_row(SAMPLE)
    cells = next(csv.reader([good]))
    short = ",".join(cells[:-1])
    bad_number = ",".join([*cells[:5], "1.3x", *cells[6:]])
    no_code = ",".join(["", *cells[1:]])
    for bad, reason in ((short, "31 fields"), (bad_number, "work_rvu"), (no_code, "code")):
        path = write(tmp_path, "bad.csv", [*CSV_HEADER, good, bad])
        with pytest.raises(ImportFormatError, match=reason) as info:
            list(parse_pprrvu(path))
        assert info.value.line == len(CSV_HEADER) + 2


def test_unknown_layout_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="unknown layout") as info:
        parse_pprrvu(write(tmp_path, "x.txt", ["", "code;rvu", "99213;1.30"]))
    assert info.value.line == 2
    with pytest.raises(ImportFormatError, match="empty"):
        parse_pprrvu(write(tmp_path, "e.csv", []))


def test_release_from_file_name(tmp_path: Path) -> None:
    line = fixed_line(SAMPLE)
    cases = {
        "PPRRVU25_JUL.txt": ("RVU25C", 7),
        "pprrvu2024_jan.txt": ("RVU24A", 1),
        "RVU26B_data.txt": ("RVU26B", 4),
    }
    for name, (release, month) in cases.items():
        got = release_info(write(tmp_path, name, ["HDR COPYRIGHT 2031", line]))
        assert got[:2] == (release, dt.date(2000 + int(release[3:5]), month, 1))
    with pytest.raises(ImportFormatError, match="cannot tell"):
        release_info(write(tmp_path, "rvu.txt", [line]))
    with pytest.raises(ImportFormatError, match="file name says") as info:
        release_info(write(tmp_path, "PPRRVU2025_Jul.csv", [*CSV_HEADER, csv_row(SAMPLE)]))
    assert info.value.line == 1


# --- properties ------------------------------------------------------------------------


def _money(max_cents: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, max_cents).map(lambda n: Decimal(n).scaleb(-2))


@given(_money(99_999), st.integers(0, 3))
def test_parse_decimal_reads_padded_pictures(value: Decimal, pad: int) -> None:
    text = " " * pad + f"{value:.2f}"
    assert parse_decimal(text, 2) == value
    assert parse_decimal(text) == value
    if value < 1:
        assert parse_decimal(f"{value:.2f}"[1:], 2) == value  # ".99" picture
    with pytest.raises(ValueError):
        parse_decimal(text, 4)


@given(st.text(max_size=8))
def test_parse_decimal_accepts_only_plain_digits(text: str) -> None:
    try:
        value = parse_decimal(text)
    except ValueError:
        return
    assert set(text.strip()) <= set(string.digits + ".")
    assert value == Decimal(text.strip())


rvu_records = st.builds(
    RvuRecord,
    code=st.from_regex(r"[0-9A-Z]{5}", fullmatch=True),
    modifier=st.sampled_from(["", "26", "TC", "53"]),
    description=st.text(string.ascii_letters + string.digits + ' ,-/"&', max_size=50).map(
        str.strip
    ),
    status_code=st.sampled_from("ABCEIJMNPRTX"),
    not_used_for_medicare=st.sampled_from(["", "+"]),
    work_rvu=_money(99_999), nonfacility_pe_rvu=_money(99_999), nonfacility_na=st.booleans(),
    facility_pe_rvu=_money(99_999), facility_na=st.booleans(), mp_rvu=_money(9_999),
    nonfacility_total=_money(99_999), facility_total=_money(99_999),
    pctc_indicator=st.sampled_from("0123456789"),
    global_days=st.sampled_from(["000", "010", "090", "XXX", "YYY", "ZZZ", "MMM"]),
    preop_pct=_money(99), intraop_pct=_money(99), postop_pct=_money(99),
    multiple_procedure=st.sampled_from("0234569"), bilateral_surgery=st.sampled_from("01239"),
    assistant_surgery=st.sampled_from("0129"), co_surgeons=st.sampled_from("0129"),
    team_surgery=st.sampled_from("0129"),
    endoscopic_base_code=st.sampled_from(["", "43235"]),
    conversion_factor=st.integers(0, 9_999_999).map(lambda n: Decimal(n).scaleb(-4)),
    physician_supervision=st.sampled_from(["01", "02", "09", "6A"]),
    calculation_flag=st.just("0"), diagnostic_imaging_family=st.sampled_from(["88", "99"]),
    nonfacility_pe_opps=st.none() | _money(99_999), facility_pe_opps=st.none() | _money(99_999),
    mp_opps=st.none() | _money(99_999),
)  # fmt: skip


@given(rvu_records)
def test_any_record_round_trips_through_both_layouts(record: RvuRecord) -> None:
    line = fixed_line(record)
    fixed = [line[first - 1 : last] for first, last in LAYOUT.values()]
    assert record_from_fields(fixed) == record
    assert record_from_fields(next(csv.reader([csv_row(record)]))) == record
