"""Headings whose children split one condition by side, trimester or remission state
("M25.46 Effusion, knee" -> right, left, unspecified knee).

The alphabetic index points at such a heading ("Effusion, joint, knee M25.46-") and leaves the
side to the coder; its "unspecified knee" child says the same words plus a default. When the
query names no side (trimester, remission), the heading is the answer and the unspecified
child comes next.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from medcode_search.documents import IndexedCode

#: Stems a query uses to name each kind of split; naming one lets the children compete.
SIDE_STEMS = frozenset({"right", "left", "bilater"})
TRIMESTER_STEMS = frozenset({"trimest"})
REMISSION_STEMS = frozenset({"remiss", "relaps"})
#: How a child's title names its branch of each kind of split.
_KINDS = (
    (re.compile(r"\b(right|left)\b"), SIDE_STEMS),
    (re.compile(r"\b(first|second|third)\s+trimester\b"), TRIMESTER_STEMS),
    (re.compile(r"\b(in remission|in relapse|not having achieved remission)\b"), REMISSION_STEMS),
)
_JUST_ABOVE = 1.0001


def split_headings(documents: Iterable[IndexedCode]) -> dict[tuple[str, str], frozenset[str]]:
    """(system, heading code) -> the stems that name its split, for headings with children
    on two branches of a split: a right and a left child, two trimesters, remission states."""
    branches: dict[tuple[tuple[str, str], frozenset[str]], set[str]] = {}
    for document in documents:
        if not document.ancestors:
            continue
        parent = (document.system, document.ancestors[-1])
        title = document.title.lower()
        for pattern, stems in _KINDS:
            found = pattern.findall(title)
            if found:
                branches.setdefault((parent, stems), set()).update(found)
    splits: dict[tuple[str, str], frozenset[str]] = {}
    for (parent, stems), named in branches.items():
        if len(named) >= 2:
            splits[parent] = splits.get(parent, frozenset()) | stems
    return splits


class Hit(Protocol):
    """What lifting needs of a ranked hit."""

    document: IndexedCode
    score: float
    number: int


def lift_split_headings(
    hits: Sequence[Hit], split_of: Callable[[int], frozenset[str]], asked: frozenset[str]
) -> None:
    """Move each split heading just above its best-scoring descendant among `hits`, unless
    the query named the split (a side, a trimester); nothing else changes place."""
    for heading in hits:
        split = split_of(heading.number) if heading.number >= 0 else frozenset()
        if not split or split & asked:
            continue
        system, code = heading.document.system, heading.document.code
        below = [
            hit.score
            for hit in hits
            if hit.document.system == system and code in hit.document.ancestors
        ]
        if below and max(below) >= heading.score:
            heading.score = max(below) * _JUST_ABOVE
