"""The packaged knowledge files load, validate and hold every topic CasePilot promises."""

from __future__ import annotations

import re

import pytest

from medcode_assistant.knowledge import KINDS, Entry, KnowledgeBase
from medcode_assistant.knowledge.entry import MAX_TEXT, MIN_TEXT
from medcode_assistant.knowledge.loader import packaged_files

MODIFIERS = [
    "25",
    "26",
    "TC",
    "50",
    "51",
    "52",
    "53",
    "57",
    "58",
    "59",
    "XE",
    "XS",
    "XP",
    "XU",
    "24",
    "76",
    "77",
    "78",
    "79",
    "91",
    "RT",
    "LT",
    "GA",
    "GY",
    "GZ",
    "GX",
    "KX",
    "QW",
    "22",
    "23",
    "33",
    "47",
    "54",
    "55",
    "56",
    "62",
    "66",
    "80",
    "81",
    "82",
    "AS",
    "95",
    "GT",
    "FS",
    "JW",
    "JZ",
    "E1",
    "E2",
    "E3",
    "E4",
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "F9",
    "FA",
    "TA",
    "T1",
    "T2",
    "T3",
    "T4",
    "T5",
    "T6",
    "T7",
    "T8",
    "T9",
]

#: The 31 medical and surgical root operations and their 3rd character (ICD-10-PCS tables).
ROOT_OPERATIONS = {
    "alteration": "0", "bypass": "1", "change": "2", "control": "3", "creation": "4",
    "destruction": "5", "detachment": "6", "dilation": "7", "division": "8", "drainage": "9",
    "excision": "B", "extirpation": "C", "extraction": "D", "fragmentation": "F",
    "fusion": "G", "insertion": "H", "inspection": "J", "map": "K", "occlusion": "L",
    "reattachment": "M", "release": "N", "removal": "P", "repair": "Q", "replacement": "R",
    "reposition": "S", "resection": "T", "supplement": "U", "restriction": "V",
    "revision": "W", "transfer": "X", "transplantation": "Y",
}  # fmt: skip

AXES = ("section", "body system", "root operation", "body part", "approach", "device", "qualifier")

CONVENTIONS = (
    "NEC", "NOS", "brackets", "parentheses", "colons", "and", "with", "see", "see also",
    "code also", "excludes1", "excludes2", "code first", "use additional code", "includes",
    "inclusion terms", "etiology/manifestation", "placeholder X", "7th characters",
    "default codes", "combination codes", "in diseases classified elsewhere",
)  # fmt: skip

GUIDELINES = (
    "sepsis", "severe sepsis", "septic shock", "hypertension with heart disease",
    "hypertensive chronic kidney disease", "hypertensive heart and chronic kidney disease",
    "diabetes", "long-term insulin use", "pregnancy", "covid-19", "neoplasm sequencing",
    "injury 7th characters", "fractures", "burns", "poisoning adverse effect underdosing",
    "pressure ulcers", "obesity and bmi", "signs and symptoms", "uncertain diagnosis",
    "z codes first-listed", "external cause codes", "present on admission",
    "principal diagnosis", "chronic kidney disease", "hiv",
)  # fmt: skip

COVERAGE = ("ncd", "lcd", "mac", "abn", "coverage lookup", "medcode coverage data")

#: A CPT code's shape: 4 digits then a digit or F/T/U (Category II/III codes).
CPT_SHAPE = re.compile(r"(?<![\w.])\d{4}[0-9FTU](?![\w.])")
OFFICIAL_SOURCES = (
    "ICD-10-CM Official Guidelines",
    "ICD-10-PCS Official Guidelines",
    "Medicare",
    "NCCI Policy Manual",
    "HCPCS Level II",
    "CMS",
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def test_every_packaged_file_loads_on_its_own(kb: KnowledgeBase) -> None:
    names = {path.name for path in packaged_files()}
    assert {"modifiers.yaml", "conventions.yaml", "guidelines.yaml", "coverage.yaml"} <= names
    assert {"pcs_root_operations.yaml", "pcs_axes.yaml"} <= names
    for path in packaged_files():
        assert KnowledgeBase.from_files([path]).entries, path.name
    assert {entry.kind for entry in kb.entries} == set(KINDS)


def test_counts_per_kind_meet_the_issue(kb: KnowledgeBase) -> None:
    count = {kind: sum(entry.kind == kind for entry in kb.entries) for kind in KINDS}
    assert count["modifier"] >= 45
    assert count["guideline"] >= 25
    assert count["pcs_root_operation"] == 31


@pytest.mark.parametrize("code", MODIFIERS)
def test_every_listed_modifier_is_there(kb: KnowledgeBase, code: str) -> None:
    entry = kb.modifier(code)
    assert entry is not None and entry.kind == "modifier"
    assert code in entry.key or code in entry.aliases
    assert kb.modifier(code.lower()) == entry == kb.modifier(f"-{code}")


@pytest.mark.parametrize(("name", "character"), sorted(ROOT_OPERATIONS.items()))
def test_every_root_operation_by_name_and_character(
    kb: KnowledgeBase, name: str, character: str
) -> None:
    entry = kb.root_operation(name)
    assert entry is not None and entry.kind == "pcs_root_operation"
    assert kb.root_operation(character) == entry == kb.root_operation(name.upper())
    assert kb.root_operation(character.lower()) == entry
    assert f"3rd character **{character}**" in entry.text and "Example" in entry.text


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("pcs_axis", AXES),
        ("convention", CONVENTIONS),
        ("guideline", GUIDELINES),
        ("coverage", COVERAGE),
    ],
)
def test_every_promised_topic_is_there(kb: KnowledgeBase, kind: str, keys: tuple[str]) -> None:
    missing = [key for key in keys if kb.get(kind, key) is None]
    assert not missing


def test_unknown_lookups_are_none(kb: KnowledgeBase) -> None:
    assert kb.modifier("ZZ") is None
    assert kb.modifier("") is None
    assert kb.root_operation("I") is None  # PCS never uses I or O
    assert kb.root_operation("appendectomy") is None
    assert kb.root_operation("") is None
    assert kb.get("guideline", "no such topic") is None


def test_every_entry_names_an_official_source(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert any(name in entry.source for name in OFFICIAL_SOURCES), entry.key


def test_guidelines_and_conventions_cite_their_section(kb: KnowledgeBase) -> None:
    section = re.compile(r"Sections? (I\.[ABC]|II|III|IV)|Appendix I")
    for entry in kb.entries:
        if entry.kind in {"guideline", "convention"}:
            assert section.search(entry.source), entry.key


def test_coverage_says_plainly_that_ncds_and_lcds_are_not_loaded(kb: KnowledgeBase) -> None:
    for key in ("ncd", "lcd", "coverage lookup", "medcode coverage data"):
        entry = kb.get("coverage", key)
        assert entry is not None
        assert re.search(r"does not load|does \*\*not\*\* load|\*\*does not load", entry.text)


def test_texts_are_within_bounds(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert MIN_TEXT <= len(entry.text) <= MAX_TEXT, entry.key


def test_no_cpt_code_appears_in_any_text(kb: KnowledgeBase) -> None:
    """CPT descriptors are AMA text: entries describe modifiers without naming CPT codes."""
    for entry in kb.entries:
        for field in (entry.title, entry.text, *entry.aliases):
            assert not CPT_SHAPE.search(field), (entry.key, field)
        assert "Appendix A" not in entry.text


def test_the_cpt_shape_check_catches_a_cpt_code() -> None:
    assert CPT_SHAPE.search("report 99213 with modifier 25")
    assert CPT_SHAPE.search("a Category III code 0042T")
    assert not CPT_SHAPE.search("Z68.41, T36.0X1A, 0DTJ4ZZ, CMS-R-131, 2026")


def test_keys_and_aliases_name_one_entry_each(kb: KnowledgeBase) -> None:
    seen: dict[str, Entry] = {}
    for entry in kb.entries:
        for name in (entry.key, *entry.aliases):
            folded = " ".join(name.lower().split())
            assert seen.setdefault(folded, entry) is entry, name


def test_entries_are_frozen(kb: KnowledgeBase) -> None:
    entry = kb.entries[0]
    with pytest.raises(AttributeError):
        entry.key = "changed"  # type: ignore[misc]
