"""The words Case2Code recognises as problems, procedures and supplies, as medspacy rules."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from medspacy.ner import TargetRule

__all__ = ["CATEGORIES", "Term", "load_terms", "target_rules"]

#: What a mention can be; procedures and supplies are searched in other code systems.
CATEGORIES = ("problem", "procedure", "supply")

# Two-letter abbreviations collide with ordinary words ("mi" in Spanish, "af" in names):
# they are matched only in capitals, as clinicians write them.
_CASE_SENSITIVE_MAX = 2


@dataclass(frozen=True, slots=True)
class Term:
    """A phrase as notes write it and the clinical words searched for it."""

    category: str
    phrase: str
    query: str


@lru_cache(maxsize=1)
def load_terms() -> tuple[Term, ...]:
    """The packaged term list (lay synonyms, abbreviations, clinical terms), read once."""
    text = resources.files(__package__).joinpath("terms.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    terms = []
    for row in csv.DictReader(lines, delimiter="\t"):
        if row["category"] not in CATEGORIES:
            raise ValueError(f"terms.tsv: unknown category {row['category']!r}")
        terms.append(Term(row["category"], row["phrase"].strip(), row["query"].strip()))
    return tuple(terms)


def _pattern(phrase: str) -> list[dict[str, object]]:
    """A token pattern for `phrase`: case-insensitive, except short abbreviations."""
    words = phrase.replace("-", " - ").replace("/", " / ").split()
    if len(phrase) <= _CASE_SENSITIVE_MAX:
        return [{"TEXT": phrase.upper()}]
    return [{"LOWER": word.lower()} for word in words]


#: Joints written "pain in (the) left knee": one rule each, the side read from the sentence.
_JOINTS = ("knee", "hip", "shoulder", "ankle", "wrist", "elbow", "foot", "hand")
_BETWEEN = ["the", "left", "right", "both", "his", "her", "l", "r"]


def _joint_pain_rules() -> list[TargetRule]:
    return [
        TargetRule(
            f"pain in {joint}",
            "PROBLEM",
            pattern=[
                {"LOWER": "pain"},
                {"LOWER": "in"},
                {"LOWER": {"IN": _BETWEEN}, "OP": "*"},
                {"LOWER": {"IN": [joint, joint + "s"]}},
            ],
            metadata={"query": f"pain in {joint}"},
        )
        for joint in _JOINTS
    ]


def target_rules(terms: tuple[Term, ...]) -> list[TargetRule]:
    """One TargetRule per term; the label is its category, the query rides in metadata."""
    return _joint_pain_rules() + [
        TargetRule(
            term.phrase,
            term.category.upper(),
            pattern=_pattern(term.phrase),
            metadata={"query": term.query},
        )
        for term in terms
    ]
