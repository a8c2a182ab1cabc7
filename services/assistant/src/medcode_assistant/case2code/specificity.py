"""What the words around a mention say about laterality, encounter, stage, type and control,
so the code chosen is as specific as the text allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Detail", "Specificity", "read_specificity"]

_LATERALITY = re.compile(r"\b(bilateral|both|left|right|lt|rt)\b", re.IGNORECASE)
_LATERALITY_WORD = {"both": "bilateral", "lt": "left", "rt": "right"}
_ENCOUNTER = re.compile(
    r"\b(initial (?:encounter|visit|evaluation)|first visit|subsequent (?:encounter|visit)|"
    r"follow[- ]up|routine healing|sequela|late effect)\b",
    re.IGNORECASE,
)
_STAGE = re.compile(
    r"\bstage\s*(1|2|3a|3b|3|4|5|i{1,3}|iv|v|unstageable)\b|\b(unstageable)\b", re.IGNORECASE
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_TYPE = re.compile(
    r"\b(?:type\s*(1|2|i{1,2})\b|t([12])dm\b|dm\s*([12])\b|(iddm|niddm)\b)", re.IGNORECASE
)
_CONTROL = re.compile(
    r"\b(hyperglycemia|hyperglycaemia|hypoglycemia|hypoglycaemia|uncontrolled|poorly controlled|"
    r"out of control|high blood sugar|low blood sugar)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Detail:
    """One specificity fact and the words that state it."""

    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Specificity:
    """The specificity facts found in a mention's sentence (None when the text is silent)."""

    laterality: Detail | None = None
    encounter: Detail | None = None
    stage: Detail | None = None
    diabetes_type: Detail | None = None
    control: Detail | None = None

    def details(self) -> list[Detail]:
        """Every fact found, for evidence spans."""
        found = (self.laterality, self.encounter, self.stage, self.diabetes_type, self.control)
        return [detail for detail in found if detail is not None]


def _nearest(pattern: re.Pattern[str], text: str, offset: int) -> re.Match[str] | None:
    """The match closest to `offset` (a sentence may name two sides or two stages)."""
    matches = list(pattern.finditer(text))
    return min(matches, key=lambda match: abs(match.start() - offset)) if matches else None


def _encounter_value(words: str) -> str:
    words = words.lower()
    if words.startswith(("subsequent", "follow", "routine")):
        return "subsequent encounter"
    if words.startswith(("sequela", "late")):
        return "sequela"
    return "initial encounter"


def _stage_value(match: re.Match[str]) -> str:
    raw = (match.group(1) or match.group(2)).lower()
    return "unstageable" if raw == "unstageable" else _ROMAN.get(raw, raw)


def _type_value(match: re.Match[str]) -> str:
    raw = next(group for group in match.groups() if group).lower()
    if raw in ("iddm", "1", "i"):
        return "1"
    return "2"


def _control_value(words: str) -> str:
    return "hypoglycemia" if "hypo" in words.lower() or "low" in words.lower() else "hyperglycemia"


def read_specificity(text: str, sentence_start: int, sentence_end: int, at: int) -> Specificity:
    """Specificity stated in the sentence [sentence_start, sentence_end) near offset `at`."""
    sentence = text[sentence_start:sentence_end]
    offset = at - sentence_start

    def detail(pattern: re.Pattern[str], value_of: object) -> Detail | None:
        match = _nearest(pattern, sentence, offset)
        if match is None:
            return None
        value = value_of(match)  # type: ignore[operator]
        return Detail(str(value), sentence_start + match.start(), sentence_start + match.end())

    return Specificity(
        laterality=detail(
            _LATERALITY, lambda m: _LATERALITY_WORD.get(m.group(1).lower(), m.group(1).lower())
        ),
        encounter=detail(_ENCOUNTER, lambda m: _encounter_value(m.group(0))),
        stage=detail(_STAGE, _stage_value),
        diabetes_type=detail(_TYPE, _type_value),
        control=detail(_CONTROL, lambda m: _control_value(m.group(0))),
    )
