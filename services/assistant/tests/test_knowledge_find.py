"""find() answers the ways coders actually phrase questions, deterministically, and never
fails on any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_assistant.knowledge import KINDS, Entry, KnowledgeBase, matching
from medcode_assistant.knowledge.matching import explicit_modifiers, root_characters, stem

KB = KnowledgeBase.load()


def keys(question: str, **options: object) -> list[str]:
    return [entry.key for entry in KB.find(question, **options)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what does modifier 25 mean", "25"),
        ("What does modifier XU mean?", "XU"),
        ("is -59 allowed on this pair", "59"),
        ("the 26 modifier", "26"),
        ("which modifier for a bilateral procedure", "50"),
        ("GA vs GZ", "GA"),
        ("modifier F2", "F1-F9, FA"),
        ("right side modifier", "RT"),
        ("how do I sequence sepsis", "sepsis"),
        ("septic shock sequencing", "septic shock"),
        ("hypertension with chronic kidney disease", "hypertensive chronic kidney disease"),
        ("Hypertension with CKD?", "hypertensive chronic kidney disease"),
        (
            "hypertension with heart failure and ckd",
            "hypertensive heart and chronic kidney disease",
        ),
        ("what is an excludes1 note", "excludes1"),
        ("Excludes 2 meaning", "excludes2"),
        ('what does "with" mean in ICD-10-CM', "with"),
        ("what does and mean", "and"),
        ("NEC vs NOS", "NEC"),
        ("what is the placeholder x", "placeholder X"),
        ("rule of nines", "burns"),
        ("poisoning vs adverse effect", "poisoning adverse effect underdosing"),
        ("long term insulin and oral hypoglycemics", "long-term insulin use"),
        ("is BMI reported alone", "obesity and bmi"),
        ("uncertain diagnosis outpatient", "uncertain diagnosis"),
        ("present on admission indicator", "present on admission"),
        ("what does the PCS approach character mean", "approach"),
        ("biopsy root operation", "excision"),
        ("What is root operation T?", "resection"),
        ('root operation value "B"', "excision"),
        ("what is the modifier indicator in NCCI", "modifier indicator"),
        ("what is an LCD", "lcd"),
        ("what is an NCD?", "ncd"),
        ("what is an ABN", "abn"),
    ],
)
def test_typical_questions_find_the_entry_first(question: str, expected: str) -> None:
    assert keys(question)[0] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("when do I use XU instead of 59", {"XU", "59"}),
        ("PCS root operation excision vs resection", {"excision", "resection"}),
        ("code first vs use additional code", {"code first", "use additional code"}),
        ("excludes1 vs excludes2", {"excludes1", "excludes2"}),
    ],
)
def test_comparisons_find_both_sides_on_top(question: str, expected: set[str]) -> None:
    assert set(keys(question)[: len(expected)]) == expected


@pytest.mark.parametrize(
    "question",
    ["what is the weather today", "", "   ", "hello", "E11.9", "is 64492 billable with 64490"],
)
def test_nothing_fits_gives_nothing(question: str) -> None:
    assert KB.find(question) == []


def test_a_bare_number_is_not_a_modifier_without_a_modifier_context() -> None:
    assert "50" not in keys("patient is 50 years old with sepsis")
    assert keys("modifiers 50 and 51")[:2] == ["50", "51"]


def test_kinds_restrict_the_answer() -> None:
    assert keys("sepsis", kinds=["coverage"]) == []
    assert {entry.kind for entry in KB.find("excision", kinds=("pcs_axis",))} <= {"pcs_axis"}
    with pytest.raises(ValueError, match="unknown kinds"):
        KB.find("sepsis", kinds=["recipes"])


def test_limit_bounds_the_answer() -> None:
    assert len(KB.find("modifier 25, 59, XU, RT and GA", limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        KB.find("sepsis", limit=0)


def test_explicit_modifier_mentions() -> None:
    assert explicit_modifiers("modifier 25 mean") == {"25"}
    assert explicit_modifiers("modifiers 25, 59 and XU") == {"25", "59", "XU"}
    assert explicit_modifiers("a -59 or the GA modifier") == {"59", "GA"}
    assert explicit_modifiers("COVID-19 and ICD-10") == set()


def test_root_characters_are_read_after_root_operation() -> None:
    assert root_characters("what is root operation T?") == {"T"}
    assert root_characters("root operation value 'b'") == {"B"}
    assert root_characters("root operation for a biopsy") == set()


def test_stems_fold_plurals_and_endings() -> None:
    assert stem("sequencing") == stem("sequence") == stem("sequences")
    assert stem("injuries") == stem("injury")
    assert stem("sepsis") == "sepsis" and stem("excludes1") == "excludes1"


def test_a_tiny_knowledge_base_built_in_code_ranks_too() -> None:
    text = "A text long enough to pass the lower bound on entry length, written for this test."
    tiny = KnowledgeBase(
        [
            Entry(kind="modifier", key="25", title="Modifier 25", text=text, source="s"),
            Entry(kind="guideline", key="sepsis", title="Sepsis", text=text, source="s"),
        ]
    )
    assert [entry.key for entry in tiny.find("modifier 25")] == ["25"]
    assert [entry.key for entry in tiny.find("sepsis sequencing")] == ["sepsis"]


@settings(max_examples=300, deadline=None)
@given(
    question=st.text(max_size=300),
    kinds=st.lists(st.sampled_from(KINDS), max_size=3),
    limit=st.integers(min_value=1, max_value=12),
)
def test_find_never_raises_and_respects_the_limit(
    question: str, kinds: list[str], limit: int
) -> None:
    found = KB.find(question, kinds=kinds, limit=limit)
    assert len(found) <= limit
    assert len(set(found)) == len(found)
    assert all(not kinds or entry.kind in kinds for entry in found)
    assert KB.find(question, kinds=kinds, limit=limit) == found  # deterministic


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "modifier",
                "25",
                "59",
                "XU",
                "sepsis",
                "with",
                "and",
                "excision",
                "root",
                "operation",
                "lcd",
                "the",
                "of",
                "-",
                '"',
                "'",
                ",",
            ]
        ),
        max_size=12,
    )
)
def test_find_on_domain_word_salad_stays_bounded(words: list[str]) -> None:
    assert len(KB.find(" ".join(words))) <= 5


@given(st.text(max_size=200))
def test_folding_properties(text: str) -> None:
    assert matching.content_words(text) <= set(matching.words(text))
    for code in matching.explicit_modifiers(text) | matching.bare_tokens(text):
        assert len(code) == 2 and code == code.upper()
    assert matching.root_characters(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def test_load_reads_the_package_once() -> None:
    assert KnowledgeBase.load() is KnowledgeBase.load()
