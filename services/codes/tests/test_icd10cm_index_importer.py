"""The CDC ICD-10-CM index files, read from the real FY2025 files in ../shared/data/cms."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_codes.cli import main
from medcode_codes.datasets.store import Dataset
from medcode_codes.importers.icd10cm_index import (
    DRUGS,
    EXTERNAL_CAUSES,
    NEOPLASMS,
    IndexFile,
    canonical_pointer,
    parse_index,
)
from medcode_codes.importers.records import ImportFormatError
from medcode_codes.index_entries import index_keys


@pytest.fixture(scope="module")
def external(cms_data: Path) -> IndexFile:
    return parse_index(cms_data / "icd10cm" / "icd-10-cm-eindex-2025.xml")


@pytest.fixture(scope="module")
def drugs(cms_data: Path) -> IndexFile:
    return parse_index(cms_data / "icd10cm" / "icd-10-cm-drug-2025.xml")


@pytest.fixture(scope="module")
def neoplasms(cms_data: Path) -> IndexFile:
    return parse_index(cms_data / "icd10cm" / "icd-10-cm-neoplasm-2025.xml")


def _lines(parsed: IndexFile, *path: str) -> list[tuple[str, str]]:
    return [(e.column, e.code) for e in parsed.entries if e.path == path]


def test_the_external_cause_index_walks_term_paths_to_codes(external: IndexFile) -> None:
    assert (external.index, external.version) == (EXTERNAL_CAUSES, "2025")
    assert len(external.entries) == 6664
    boat = ("Accident", "boat, boating", "striking swimmer")
    assert _lines(external, *boat, "powered") == [("", "V94.11")]
    assert _lines(external, *boat, "unpowered") == [("", "V94.12")]
    # "See" lines point at other terms, not codes: the line itself is no entry.
    assert _lines(external, "Accident", "automobile") == []
    assert external.skipped == ()


def test_non_essential_modifiers_are_kept_apart_from_the_term(external: IndexFile) -> None:
    (abandonment,) = [e for e in external.entries if e.path[0].startswith("Abandonment")]
    # <title>Abandonment<nemod>(causing exposure ...)</nemod> NEC</title>
    assert abandonment.path == ("Abandonment NEC",)
    assert abandonment.modifiers[0].startswith("(causing exposure to weather conditions)")
    assert abandonment.code == "X58"


def test_category_pointers_count_as_codes(external: IndexFile) -> None:
    # <subcat>T75.0</subcat> under "lightning": a coder completes the code there.
    assert ("", "T75.0") in [(e.column, e.code) for e in external.entries if "lightning" in e.path]


def test_table_cells_become_one_entry_per_column(drugs: IndexFile) -> None:
    assert (drugs.index, drugs.version) == (DRUGS, "2025")
    # 1-propanol has no adverse-effect or underdosing code ("--").
    assert _lines(drugs, "1-propanol") == [
        ("Poisoning Accidental (unintentional)", "T51.3X1"),
        ("Poisoning Intentional self-harm", "T51.3X2"),
        ("Poisoning Assault", "T51.3X3"),
        ("Poisoning Undetermined", "T51.3X4"),
    ]
    line = next(e for e in drugs.entries if e.path == ("1-propanol",))
    assert line.text == "1-propanol, Poisoning Accidental (unintentional)"


def test_a_pointer_that_is_no_code_is_skipped_and_reported(neoplasms: IndexFile) -> None:
    assert neoplasms.index == NEOPLASMS
    # The FY2025 table has one <manif> holding words, not a code; its cells still count.
    assert len(neoplasms.skipped) == 1 and "1954" in neoplasms.skipped[0]
    book_leaf = [code for _column, code in _lines(neoplasms, "Neoplasm, neoplastic", "book-leaf")]
    assert book_leaf == ["C06.89", "C79.89", "D00.00", "D10.39", "D37.09", "D49.0"]
    # "C79.8-" means "complete this code": the entry names C79.8.
    abdomen = dict(_lines(neoplasms, "Neoplasm, neoplastic", "abdomen, abdominal"))
    assert abdomen["Malignant Secondary"] == "C79.8"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("C79.8-", "C79.8"), ("t51.3x1", "T51.3X1"), ("X58", "X58"), (" D49.2 ", "D49.2")],
)
def test_pointers_are_canonical_codes(raw: str, expected: str) -> None:
    assert canonical_pointer(raw) == expected


@pytest.mark.parametrize("raw", ["", "-", "--", "  --  "])
def test_empty_cells_point_nowhere(raw: str) -> None:
    assert canonical_pointer(raw) is None


@given(st.text(max_size=30))
def test_any_pointer_text_is_a_code_none_or_a_value_error(raw: str) -> None:
    try:
        code = canonical_pointer(raw)
    except ValueError:
        return
    assert code is None or canonical_pointer(code) == code


@given(st.from_regex(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?", fullmatch=True))
def test_a_trailing_dash_names_the_same_code(code: str) -> None:
    assert canonical_pointer(code + "-") == canonical_pointer(code)


@pytest.mark.parametrize(
    ("code", "keys"),
    [
        ("E11.9", ("E11.9",)),
        ("S72.001A", ("S72.001A", "S72.001")),
        ("T51.3X1A", ("T51.3X1A", "T51.3X1")),
        ("T70.4XXA", ("T70.4XXA", "T70.4")),
        ("O9A.311", ("O9A.311",)),
    ],
)
def test_seven_character_codes_also_show_their_stems_lines(code: str, keys: tuple[str]) -> None:
    assert index_keys(code) == keys


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<ICD10CM.index><letter>", "not well-formed XML"),
        ("<ICD10CM.tabular/>", "not <ICD10CM.index>"),
        ('<ICD10CM.index isAddenda="true"><letter/></ICD10CM.index>', "addenda file"),
        ("<ICD10CM.index><letter><title>A</title></letter></ICD10CM.index>", "no index line"),
        (
            "<ICD10CM.index><letter><title>A</title><mainTerm><code>X58</code></mainTerm>"
            "</letter></ICD10CM.index>",
            "has no <title>",
        ),
    ],
)
def test_malformed_files_say_where_and_why(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "index.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=reason) as raised:
        parse_index(path)
    assert raised.value.path == "index.xml"


def test_import_names_the_data_set_by_file_and_fiscal_year(
    cms_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = cms_data / "icd10cm" / "icd-10-cm-eindex-2025.xml"
    argv = ["import", "icd10cm-index", str(source), "--data-dir", str(tmp_path)]
    assert main(argv) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written == tmp_path / "datasets" / "icd10cm-eindex" / "FY2025.sqlite"
    dataset = Dataset(written)
    try:
        assert dataset.meta.effective_date.isoformat() == "2024-10-01"
        assert dataset.meta.row_count == 6664
        assert [row["path"] for row in dataset.rows("V94.11")] == [
            ["Accident", "boat, boating", "striking swimmer", "powered"],
            ["Accident", "watercraft", "striking swimmer", "powered"],
        ]
    finally:
        dataset.close()
    stamp = written.stat().st_mtime_ns
    assert main(argv) == 0  # the same file again changes nothing
    assert written.stat().st_mtime_ns == stamp


def test_a_bad_index_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "index.xml"
    broken.write_text("<ICD10CM.index><letter>", encoding="utf-8")
    data_dir = tmp_path / "data"
    assert main(["import", "icd10cm-index", str(broken), "--data-dir", str(data_dir)]) == 2
    assert "nothing changed" in capsys.readouterr().err
    assert not list(data_dir.rglob("*.sqlite"))
