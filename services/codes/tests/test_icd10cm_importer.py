"""Tests for the ICD-10-CM tabular importer against the real April 1 2026 release.

The code list shipped next to the XML in simple-icd-10-cm is an independent artefact
of the same release, so matching it exactly is the main correctness check.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_codes.importers.icd10cm import (
    default_tabular_path,
    expand_placeholder,
    parse_tabular,
    release_info,
)
from medcode_codes.importers.records import NOTE_TYPES, NodeRecord, NoteRecord

TABULAR = default_tabular_path()
CODE_LIST = TABULAR.parent / "code-list-April-2026.txt"


@pytest.fixture(scope="module")
def records() -> list[NodeRecord]:
    return list(parse_tabular(TABULAR))


@pytest.fixture(scope="module")
def by_code(records: list[NodeRecord]) -> dict[str, NodeRecord]:
    return {r.code: r for r in records}


@pytest.fixture(scope="module")
def sections(records: list[NodeRecord]) -> dict[str, NodeRecord]:
    return {r.code: r for r in records if r.kind == "section"}


def _notes(node: NodeRecord, note_type: str) -> list[str]:
    return [n.text for n in node.notes if n.type == note_type]


# --- release -------------------------------------------------------------------


def test_release_info_of_bundled_file() -> None:
    info = release_info(TABULAR)
    assert info.system == "icd10cm"
    assert info.release == "2026-04-01"
    assert info.effective_date == dt.date(2026, 4, 1)
    assert info.source == ("CDC ICD-10-CM tabular XML, April 1 2026 (simple-icd-10-cm 1.5.0)")


def test_release_info_uses_cdc_file_name(tmp_path: Path) -> None:
    path = tmp_path / "icd10cm-tabular-October-1-2024.xml"
    path.write_text("<ICD10CM.tabular><version>2025</version></ICD10CM.tabular>")
    info = release_info(path)
    assert info.effective_date == dt.date(2024, 10, 1)
    assert info.release == "2024-10-01"
    assert "simple-icd-10-cm" not in info.source


def test_release_info_falls_back_to_fiscal_year(tmp_path: Path) -> None:
    path = tmp_path / "tabular.xml"
    path.write_text("<ICD10CM.tabular><version>2026</version></ICD10CM.tabular>")
    info = release_info(path)
    assert info.effective_date == dt.date(2025, 10, 1)
    assert info.release == "2025-10-01"
    assert "FY2026" in info.source


def test_default_path_does_not_import_the_library() -> None:
    # simple_icd_10_cm parses its whole XML on import; we only want its data file.
    script = (
        "import sys\n"
        "from medcode_codes.importers.icd10cm import default_tabular_path\n"
        "assert default_tabular_path().is_file()\n"
        "assert 'simple_icd_10_cm' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)


# --- whole-release counts --------------------------------------------------------


def test_codes_equal_official_code_list(records: list[NodeRecord]) -> None:
    official = set(CODE_LIST.read_text().split())
    # The official list names one-category sections by their category ("B10").
    ours = {
        r.code.replace(".", "").removesuffix("-" + r.code[:3])
        if r.kind == "section"
        else r.code.replace(".", "")
        for r in records
    }
    assert ours - official == set()
    assert official - ours == set()


def test_counts(records: list[NodeRecord]) -> None:
    kinds = Counter(r.kind for r in records)
    assert kinds["chapter"] == 22
    assert kinds["section"] == 297
    assert sum(r.billable for r in records) == 74_719
    assert all(r.kind in {"category", "code"} for r in records if r.billable)


def test_codes_are_unique_across_kinds(records: list[NodeRecord]) -> None:
    # The XML names a one-category section after its category ("B10"); we write it as
    # the range "B10-B10" so every node has its own code.
    counts = Counter(r.code for r in records)
    assert [code for code, n in counts.items() if n > 1] == []


def test_parents_come_first(records: list[NodeRecord]) -> None:
    seen: dict[str, str] = {}
    for record in records:
        if record.parent is None:
            assert record.kind == "chapter"
        else:
            assert record.parent in seen, record.code
        seen[record.code] = record.kind


def test_every_note_type_appears(records: list[NodeRecord]) -> None:
    types = {n.type for r in records for n in r.notes}
    assert types == set(NOTE_TYPES)
    assert all(n.text and n.text == n.text.strip() for r in records for n in r.notes)


# --- chapters and sections -------------------------------------------------------


def test_chapters(records: list[NodeRecord]) -> None:
    chapters = [r for r in records if r.kind == "chapter"]
    assert [c.code for c in chapters] == [str(n) for n in range(1, 23)]
    first = chapters[0]
    assert first.title == "Certain infectious and parasitic diseases (A00-B99)"
    assert first.extra == {"chapter": "1", "range": "A00-B99"}
    assert not first.billable
    assert first.notes[0] == NoteRecord(
        "includes", "diseases generally recognized as communicable or transmissible"
    )
    assert "influenza and other acute respiratory infections (J00-J22)" in _notes(
        first, "excludes2"
    )
    assert chapters[-1].extra == {"chapter": "22", "range": "U00-U85"}


def test_sections(sections: dict[str, NodeRecord], by_code: dict[str, NodeRecord]) -> None:
    a00 = sections["A00-A09"]
    assert a00.title == "Intestinal infectious diseases (A00-A09)"
    assert a00.parent == "1"
    assert by_code["A00"].parent == "A00-A09"
    assert sections["QA0-QA0"].title == "Genetic disorders, not elsewhere classified (QA0)"
    assert sections["B10-B10"].parent == "1"
    assert by_code["B10"].parent == "B10-B10"
    # Grouping sections are empty in the XML but still listed.
    assert sections["C00-C96"].parent == "2"
    assert _notes(sections["V00-V99"], "notes")


# --- diag nodes ----------------------------------------------------------------


def test_diabetes(by_code: dict[str, NodeRecord]) -> None:
    e11 = by_code["E11"]
    assert (e11.kind, e11.billable, e11.parent) == ("category", False, "E08-E13")
    assert e11.title == "Type 2 diabetes mellitus"
    assert "insulin (Z79.4)" in _notes(e11, "useAdditionalCode")
    assert "type 1 diabetes mellitus (E10.-)" in _notes(e11, "excludes1")
    assert e11.notes[0].type == "includes"  # document order kept
    e119 = by_code["E11.9"]
    assert (e119.kind, e119.billable, e119.parent) == ("code", True, "E11")
    assert e119.title == "Type 2 diabetes mellitus without complications"


def test_billable_category(by_code: dict[str, NodeRecord]) -> None:
    i10 = by_code["I10"]
    assert (i10.kind, i10.billable, i10.parent) == ("category", True, "I10-I1A")
    assert i10.title == "Essential (primary) hypertension"
    assert "high blood pressure" in _notes(i10, "includes")


def test_other_note_types_on_the_right_nodes(by_code: dict[str, NodeRecord]) -> None:
    assert "Classical cholera" in _notes(by_code["A00.0"], "inclusionTerm")
    assert _notes(by_code["H54.8"], "notes")[0].startswith("The table below")
    assert "skull fracture (S02.-)" in _notes(by_code["S06"], "codeAlso")
    assert _notes(by_code["S72"], "sevenChrNote") == [
        "The appropriate 7th character is to be added to all codes from category S72"
    ]


def test_seven_character_codes_already_in_xml(by_code: dict[str, NodeRecord]) -> None:
    c44 = by_code["C44.1021"]
    assert (c44.kind, c44.billable, c44.parent) == ("code", True, "C44.102")
    assert "C44.1021A" not in by_code


# --- 7th characters --------------------------------------------------------------


def test_seventh_character_definitions(by_code: dict[str, NodeRecord]) -> None:
    s72 = by_code["S72"]
    chars = {s.character: s.description for s in s72.seventh_characters}
    assert chars["A"] == "initial encounter for closed fracture"
    assert chars["S"] == "sequela"
    assert "".join(chars) == "ABCDEFGHJKMNPQRS"
    assert by_code["S72.0"].seventh_characters == ()  # defined once, inherited


def test_fracture_expansion(by_code: dict[str, NodeRecord]) -> None:
    code = by_code["S72.001A"]
    assert code.title == (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )
    assert (code.kind, code.billable, code.parent) == ("code", True, "S72.001")
    assert code.extra == {"seventh_character": "A", "placeholder": False}
    stem = by_code["S72.001"]
    assert (stem.kind, stem.billable) == ("subcategory", False)
    assert sum(r.parent == "S72.001" for r in by_code.values()) == 16


def test_placeholder_expansion(by_code: dict[str, NodeRecord]) -> None:
    code = by_code["S02.0XXA"]
    assert (code.parent, code.billable) == ("S02.0", True)
    assert code.extra == {"seventh_character": "A", "placeholder": True}
    assert code.title.startswith("Fracture of vault of skull, initial encounter")
    s020 = by_code["S02.0"]
    assert (s020.kind, s020.billable) == ("subcategory", False)
    w08 = by_code["W08.XXXA"]  # a 3-character leaf category takes 3 placeholders
    assert (w08.parent, w08.title) == (
        "W08",
        "Fall from other furniture, initial encounter",
    )
    assert (by_code["W08"].kind, by_code["W08"].billable) == ("category", False)


def test_poisoning_expansion(by_code: dict[str, NodeRecord]) -> None:
    code = by_code["T36.0X1A"]
    assert code.title == ("Poisoning by penicillins, accidental (unintentional), initial encounter")
    assert (code.parent, code.extra["placeholder"]) == ("T36.0X1", False)
    assert by_code["T36.0X"].kind == "subcategory"  # placeholder node in the XML


def test_nearest_definition_wins(by_code: dict[str, NodeRecord]) -> None:
    torus = by_code["S72.471D"]
    assert torus.title.endswith("subsequent encounter for fracture with routine healing")
    assert "S72.471B" not in by_code  # S72 has B, the nearer S72.47 does not
    assert "S72.001B" in by_code


def test_s06_death_codes_take_only_initial_encounter(
    by_code: dict[str, NodeRecord],
) -> None:
    assert [r.code for r in by_code.values() if r.parent == "S06.1X7"] == ["S06.1X7A"]
    assert [r.code for r in by_code.values() if r.parent == "S06.1X8"] == ["S06.1X8A"]
    assert "S06.1X8S" not in by_code
    assert {"S06.1X6D", "S06.1X6S", "S06.1XAD"} <= by_code.keys()


def test_subcategory_level_definition(by_code: dict[str, NodeRecord]) -> None:
    assert [s.character for s in by_code["H35.31"].seventh_characters] == list("01234")
    stem = by_code["H35.311"]
    assert (stem.kind, stem.billable) == ("subcategory", False)
    code = by_code["H35.3111"]
    assert (code.parent, code.billable) == ("H35.311", True)
    assert code.title == f"{stem.title}, early dry stage"


# --- expand_placeholder ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "seventh", "expected"),
    [
        ("S72.001", "A", "S72.001A"),
        ("S02.0", "A", "S02.0XXA"),
        ("T36.0X1", "A", "T36.0X1A"),
        ("W08", "D", "W08.XXXD"),
        ("S0200", "S", "S02.00XS"),
    ],
)
def test_expand_placeholder_examples(code: str, seventh: str, expected: str) -> None:
    assert expand_placeholder(code, seventh) == expected


@pytest.mark.parametrize(("code", "seventh"), [("S7", "A"), ("S72.0011", "A"), ("S72", "")])
def test_expand_placeholder_rejects(code: str, seventh: str) -> None:
    with pytest.raises(ValueError):
        expand_placeholder(code, seventh)


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@given(
    bare=st.text(alphabet=_ALNUM, min_size=3, max_size=6),
    seventh=st.sampled_from(_ALNUM),
    dotted=st.booleans(),
)
def test_expand_placeholder_properties(bare: str, seventh: str, dotted: bool) -> None:
    code = f"{bare[:3]}.{bare[3:]}" if dotted and len(bare) > 3 else bare
    result = expand_placeholder(code, seventh)
    assert result[3] == "."
    flat = result.replace(".", "")
    assert len(flat) == 7
    assert flat.startswith(bare)
    assert flat[-1] == seventh
    assert set(flat[len(bare) : 6]) <= {"X"}
