"""Headings whose children split one condition by side, trimester or remission state
("M25.46 Effusion, knee" -> right, left, unspecified knee).

The alphabetic index points at such a heading ("Effusion, joint, knee M25.46-") and leaves the
side to the coder; its "unspecified knee" child says the same words plus a default. When the
query names no side (trimester, remission), the heading is the answer and the unspecified
child comes next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from medcode_search.documents import IndexedCode
from medcode_search.weights import JUST_ABOVE

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
#: Nodes a coder is sent to by the index (not a PCS table, whose codes differ in every axis).
_HEADING_KINDS = frozenset({"category", "subcategory"})


def split_headings(documents: Iterable[IndexedCode]) -> dict[tuple[str, str], frozenset[str]]:
    """(system, heading code) -> the stems that name its split, for headings with children
    on two branches of a split: a right and a left child, two trimesters, remission states."""
    branches: dict[tuple[tuple[str, str], frozenset[str]], set[str]] = {}
    headings: set[tuple[str, str]] = set()
    for document in documents:
        if document.kind in _HEADING_KINDS:
            headings.add((document.system, document.code))
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
        if len(named) >= 2 and parent in headings:
            splits[parent] = splits.get(parent, frozenset()) | stems
    return splits


class Hit(Protocol):
    """What lifting needs of a ranked hit."""

    document: IndexedCode
    score: float


def lift_split_headings(
    hits: Sequence[Hit], splits: Mapping[tuple[str, str], frozenset[str]], asked: frozenset[str]
) -> None:
    """Put each split heading among `hits` just above its best-scoring child or grandchild
    there, unless the query named the split (a side, a trimester, remission); nothing else
    changes place."""
    best: dict[tuple[str, str], float] = {}
    for hit in hits:
        for ancestor in hit.document.ancestors[-2:]:
            key = (hit.document.system, ancestor)
            split = splits.get(key)
            if split and not split & asked:
                best[key] = max(best.get(key, 0.0), hit.score)
    if not best:
        return
    for hit in hits:
        below = best.get((hit.document.system, hit.document.code))
        if below is not None:
            hit.score = max(hit.score, below * JUST_ABOVE)
