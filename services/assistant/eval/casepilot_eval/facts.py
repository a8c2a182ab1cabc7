"""Check one answer against the facts of its question.

Text is compared without case, markdown emphasis or repeated spaces; a text value that begins
or ends with a letter or digit must stand as a whole word there, its plural included ("MCC" is
found in "MCCs" but not in "NMCC", "1" is not found in "1.30"); a pattern is searched in the
text without `*` and backticks. A code counts as named when the answer's text names it or the
response lists it among its validated codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from casepilot_eval.code_tokens import codes_in
from casepilot_eval.questions import Fact, Question

_MARKDOWN = re.compile(r"[*_`#>|]")
_EMPHASIS = re.compile(r"[*`]")


@dataclass(frozen=True)
class Answer:
    """What the checker reads of one AskResponse."""

    text: str
    intent: str
    codes: frozenset[str] = frozenset()
    unknown_codes: frozenset[str] = frozenset()
    not_loaded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FactResult:
    fact: Fact
    passed: bool


@dataclass(frozen=True)
class Verdict:
    """Whether an answer got the intent and every fact right."""

    question: Question
    intent_ok: bool
    facts: tuple[FactResult, ...] = field(default_factory=tuple)

    @property
    def correct(self) -> bool:
        return self.intent_ok and all(result.passed for result in self.facts)

    @property
    def failed_facts(self) -> list[Fact]:
        return [result.fact for result in self.facts if not result.passed]


def normalise(text: str) -> str:
    """Lower case, no markdown emphasis, single spaces, straight quotes."""
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(_MARKDOWN.sub(" ", text).lower().split())


def contains_text(answer: str, value: str) -> bool:
    """True when `value` appears in `answer` under the rules above."""
    needle = normalise(value)
    if not needle:
        return False
    before = r"(?<![a-z0-9])" if needle[0].isalnum() else ""
    # a plural says the same ("synonyms", "National Coverage Determinations")
    plural = "(?:s|es)?" if needle[-1].isalpha() else ""
    after = plural + r"(?![a-z0-9]|\.[0-9])" if needle[-1].isalnum() else ""
    return re.search(before + re.escape(needle) + after, normalise(answer)) is not None


def names_code(answer: Answer, code: str) -> bool:
    return code in answer.codes or code in codes_in(answer.text)


def check_fact(fact: Fact, answer: Answer) -> bool:
    """True when the answer satisfies the fact (any one of its values, for positive kinds)."""
    if fact.kind == "code":
        return any(names_code(answer, code) for code in fact.values)
    if fact.kind == "absent_code":
        # a code called unknown in the answer is quoted, not offered
        offered = (answer.codes | codes_in(answer.text)) - answer.unknown_codes
        return not any(code in offered for code in fact.values)
    if fact.kind == "unknown_code":
        return any(code in answer.unknown_codes for code in fact.values)
    if fact.kind == "text":
        return any(contains_text(answer.text, value) for value in fact.values)
    if fact.kind == "absent_text":
        return not any(contains_text(answer.text, value) for value in fact.values)
    if fact.kind == "pattern":
        plain = _EMPHASIS.sub("", answer.text)  # "**2** units" reads as "2 units"
        return any(re.search(value, plain) for value in fact.values)
    raise ValueError(f"unknown fact kind {fact.kind!r}")


def judge(question: Question, answer: Answer) -> Verdict:
    """The verdict on one answer: its intent and each fact."""
    results = tuple(FactResult(fact, check_fact(fact, answer)) for fact in question.facts)
    return Verdict(question, answer.intent == question.intent, results)


def accuracy(verdicts: Iterable[Verdict]) -> float:
    verdicts = list(verdicts)
    return sum(v.correct for v in verdicts) / len(verdicts) if verdicts else 0.0
