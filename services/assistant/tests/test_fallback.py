"""Which questions that no phrasing read are clearly about a knowledge base entry: two shared
words or the entry named, never one common word (the packaged knowledge base)."""

from __future__ import annotations

import pytest

from medcode_assistant.fallback import clearly_about
from medcode_assistant.knowledge import KnowledgeBase

KB = KnowledgeBase.load()


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("The discharge summary of this inpatient says probable pneumonia", "uncertain diagnosis"),
        ("How should the parentheses in the index be read?", "parentheses"),
        ("Tell me about septic shock", "septic shock"),
    ],
)
def test_a_question_naming_an_entry_is_about_it(question: str, key: str) -> None:
    found = KB.find(question, (), limit=1)
    assert found and found[0].key == key
    assert clearly_about(question, found[0])


@pytest.mark.parametrize(
    "question",
    ["Sort this list in Python for me", "How much metformin should my patient take?"],
)
def test_one_shared_word_is_chance(question: str) -> None:
    found = KB.find(question, (), limit=1)
    assert not found or not clearly_about(question, found[0])
