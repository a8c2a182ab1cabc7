"""Tests for the NCCI MUE importer (practitioner, outpatient hospital and DME tables).

The fixtures are short files in CMS's published MUE layout (see fixtures/ncci/README.md);
the expected rows here are typed out by hand, independent of those files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_codes.importers.mue import ADJUDICATION_DESCRIPTIONS, MueRecord, parse_mue
from medcode_codes.importers.ncci_ptp import HCPCS_CODE_RE
from medcode_codes.importers.records import ImportFormatError

FIXTURES = Path(__file__).parent / "fixtures" / "ncci"

LINE = "1 Line Edit"
POLICY = "2 Date of Service Edit: Policy"
CLINICAL = "3 Date of Service Edit: Clinical"
DESCRIPTOR = "Code Descriptor / CPT Instruction"


def table(text: str) -> list[MueRecord]:
    """Rows as `code|value|MAI cell|rationale`."""
    records = []
    for line in text.strip().splitlines():
        code, value, mai, why = line.split("|")
        records.append(MueRecord(code, int(value), mai[0], mai[2:], why))
    return records


EXPECTED: dict[str, tuple[str, list[MueRecord]]] = {
    "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv": (
        "practitioner",
        table(f"""
11042|1|{POLICY}|{DESCRIPTOR}
11045|12|{CLINICAL}|Clinical: Data
20610|2|{POLICY}|Anatomic Consideration
20611|2|{POLICY}|Anatomic Consideration
29880|1|{POLICY}|Anatomic Consideration
29881|1|{POLICY}|Anatomic Consideration
36000|4|{LINE}|Clinical: Data
36415|2|{CLINICAL}|Clinical: Data
64490|1|{POLICY}|{DESCRIPTOR}
64493|1|{POLICY}|{DESCRIPTOR}
93000|3|{CLINICAL}|Nature of Service/Procedure
96372|4|{CLINICAL}|Clinical: Data
97597|1|{POLICY}|{DESCRIPTOR}
97598|8|{CLINICAL}|Clinical: Data
99213|1|{POLICY}|Nature of Service/Procedure
G0219|0|{LINE}|CMS Policy
J1030|8|{CLINICAL}|Clinical: Data
"""),
    ),
    "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv": (
        "outpatient_hospital",
        table(f"""
0213T|1|{POLICY}|{DESCRIPTOR}
20610|2|{POLICY}|Anatomic Consideration
29881|1|{POLICY}|Anatomic Consideration
36415|2|{CLINICAL}|Clinical: Data
71046|2|{CLINICAL}|Clinical: Data
93005|3|{CLINICAL}|Nature of Service/Procedure
96360|1|{POLICY}|{DESCRIPTOR}
96365|1|{POLICY}|{DESCRIPTOR}
96372|4|{CLINICAL}|Clinical: Data
99284|1|{POLICY}|Nature of Service/Procedure
G0463|2|{CLINICAL}|CMS Policy
J1030|8|{CLINICAL}|Clinical: Data
"""),
    ),
    "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv": (
        "dme",
        table(f"""
A4216|100|{CLINICAL}|Clinical: Data
A4253|6|{CLINICAL}|Clinical: Data
A4259|4|{CLINICAL}|Clinical: Data
A7030|1|{CLINICAL}|Nature of Equipment
A7034|1|{CLINICAL}|Nature of Equipment
E0260|1|{LINE}|Nature of Equipment
E0431|1|{LINE}|Nature of Equipment
E0601|1|{LINE}|Nature of Equipment
E1390|1|{LINE}|Nature of Equipment
K0001|1|{LINE}|Nature of Equipment
L3000|2|{POLICY}|Anatomic Consideration
"""),
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_setting_and_rows(name: str) -> None:
    setting, records = parse_mue(FIXTURES / name)
    assert (setting, list(records)) == EXPECTED[name]


def test_fixtures_carry_the_variations() -> None:
    pra = (FIXTURES / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv").read_bytes()
    assert b"\r\n" in pra and b'"CPT codes, descriptions' in pra  # CRLF, quoted preamble
    oph = (FIXTURES / "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv").read_bytes()
    assert oph.startswith(b"\xef\xbb\xbf") and b"Clinical: Data,,\n" in oph  # BOM, padding
    dme = (FIXTURES / "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv").read_bytes()
    assert b"CPT\xae" in dme  # cp1252 registered sign in the copyright line


def test_mue_value_zero_is_a_real_limit() -> None:
    _, records = parse_mue(FIXTURES / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv")
    assert {r.code: r.value for r in records}["G0219"] == 0


HEADER = "HCPCS/CPT Code,{label},MUE Adjudication Indicator,MUE Rationale\n"
PREAMBLE = '"CPT codes, descriptions and other data only are copyright 2025 AMA."\n'


def write(tmp_path: Path, body: str, label: str = "Practitioner Services MUE Values") -> Path:
    path = tmp_path / "mue.csv"
    path.write_text(PREAMBLE + HEADER.format(label=label) + body)
    return path


@pytest.mark.parametrize(
    ("label", "setting"),
    [
        ("Practitioner Services MUE Values", "practitioner"),
        ("Outpatient Hospital Services MUE Values", "outpatient_hospital"),
        ("Facility Services MUE Values", "outpatient_hospital"),
        ("DME Supplier Services MUE Values", "dme"),
        ("DME  Supplier Services\u00a0MUE Values ", "dme"),
    ],
)
def test_setting_detection(tmp_path: Path, label: str, setting: str) -> None:
    assert parse_mue(write(tmp_path, "", label))[0] == setting


def test_unknown_setting_fails_at_the_header_line_before_iteration(tmp_path: Path) -> None:
    path = write(tmp_path, f"99213,1,{POLICY},{DESCRIPTOR}\n", "ASC Services MUE Values")
    with pytest.raises(ImportFormatError) as err:
        parse_mue(path)
    assert err.value.line == 2 and "ASC Services MUE Values" in err.value.reason


def test_missing_header_fails_on_call(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_text(f"99213,1,{POLICY},{DESCRIPTOR}\n")
    with pytest.raises(ImportFormatError) as err:
        parse_mue(path)
    assert err.value.line == 1


def test_tab_delimited_and_reordered_columns(tmp_path: Path) -> None:
    path = tmp_path / "mue.txt"
    path.write_text(
        "CPT only copyright 2025 American Medical Association.\n"
        "HCPCS/CPT Code\tDME Supplier Services MUE Values\tMUE Rationale\t"
        "MUE Adjudication Indicator\tEffective Date\n"
        "E0601\t1\tNature of Equipment\t1 Line Edit\t20260401\n"
    )
    setting, records = parse_mue(path)
    assert setting == "dme"
    assert list(records) == [MueRecord("E0601", 1, "1", "Line Edit", "Nature of Equipment")]


@pytest.mark.parametrize(
    ("cell", "indicator", "description"),
    [
        ("2", "2", "Date of Service Edit: Policy"),
        ("3 - Date of Service Edit: Clinical", "3", "Date of Service Edit: Clinical"),
        ("1 Line Edit", "1", "Line Edit"),
        ("1", "1", ADJUDICATION_DESCRIPTIONS["1"]),
    ],
)
def test_adjudication_indicator_forms(
    tmp_path: Path, cell: str, indicator: str, description: str
) -> None:
    _, records = parse_mue(write(tmp_path, f'36415,2,"{cell}",Clinical: Data\n'))
    (record,) = records
    assert (record.adjudication_indicator, record.adjudication_description) == (
        indicator,
        description,
    )


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (f"96372,1.5,{CLINICAL},Clinical: Data", "MUE value '1.5'"),
        (f"96372,-1,{CLINICAL},Clinical: Data", "MUE value '-1'"),
        (f"96372,,{CLINICAL},Clinical: Data", "MUE value ''"),
        ("96372,4,4 Line Edit,Clinical: Data", "indicator '4 Line Edit'"),
        ("96372,4,12,Clinical: Data", "indicator '12'"),
        ("96372,4,,Clinical: Data", "indicator ''"),
        ("9637,4,1 Line Edit,Clinical: Data", "code '9637'"),
        ("96372,4,1 Line Edit", "expected 4 columns, found 3"),
        ("96372,4,1 Line Edit,Clinical: Data,extra", "expected 4 columns, found 5"),
    ],
)
def test_malformed_row_names_its_line(tmp_path: Path, bad_row: str, reason: str) -> None:
    path = write(tmp_path, f"99213,1,{POLICY},{DESCRIPTOR}\n\n{bad_row}\n")
    _, records = parse_mue(path)
    assert next(records).code == "99213"
    with pytest.raises(ImportFormatError) as err:
        next(records)
    assert err.value.line == 5  # preamble, header, good row, blank line, bad row
    assert reason in err.value.reason


# --- round trip through both delimiters, with and without BOM -----------------------

texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40).map(str.strip)


@st.composite
def mue_records(draw: st.DrawFn) -> MueRecord:
    mai = draw(st.sampled_from(sorted(ADJUDICATION_DESCRIPTIONS)))
    code = draw(st.from_regex(HCPCS_CODE_RE, fullmatch=True))
    value = draw(st.integers(min_value=0, max_value=9999))
    return MueRecord(code, value, mai, ADJUDICATION_DESCRIPTIONS[mai], draw(texts))


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(mue_records(), max_size=12),
    dialect=st.sampled_from(["excel", "excel-tab"]),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    label=st.sampled_from(sorted(EXPECTED)),
)
def test_round_trip_through_csv_dialects(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[MueRecord],
    dialect: str,
    bom: bool,
    newline: str,
    quoting: Literal[0, 1, 2, 3],
    label: str,
) -> None:
    setting = EXPECTED[label][0]
    value_header = {
        "practitioner": "Practitioner Services MUE Values",
        "outpatient_hospital": "Outpatient Hospital Services MUE Values",
        "dme": "DME Supplier Services MUE Values",
    }[setting]
    buf = io.StringIO()
    writer = csv.writer(buf, dialect=dialect, lineterminator=newline, quoting=quoting)
    writer.writerow(["CPT codes, descriptions and other data only are copyright 2025 AMA."])
    writer.writerow([])
    writer.writerow(["HCPCS/CPT Code", value_header, "MUE Adjudication Indicator", "MUE Rationale"])
    for r in rows:
        mai = f"{r.adjudication_indicator} {r.adjudication_description}"
        writer.writerow([r.code, r.value, mai, r.rationale])
    path = tmp_path_factory.mktemp("mue") / "mue.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    assert parse_mue(path)[0] == setting
    assert list(parse_mue(path)[1]) == rows
