"""What the ranking asks of an index: the documents one reading of a query matches.

The engine turns each reading of a query into a `CandidatePlan` (which stems to look for in
which fields, with which boosts) and a `Scope` (the filters); a backend translates them into
its own query language and answers with `Candidate`s: document numbers (positions in the
corpus), the index's own score and, when it can say, the fields that matched. Everything
after that (re-scoring, moves, popularity, explanations) is the engine's, for every backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from medcode_search.documents import IndexedCode


class Clause(NamedTuple):
    """One stem in one field: scored by BM25 times `boost`, or a constant `boost`."""

    field: str
    stem: str
    boost: float
    bm25: bool = False


class Prefix(NamedTuple):
    """Type-ahead: any word of `field` starting with `prefix` scores a constant `boost`."""

    field: str
    prefix: str
    boost: float


@dataclass(frozen=True, slots=True)
class CandidatePlan:
    """One reading of a query as the index should see it: a document matches when any clause
    or prefix does, and scores their sum."""

    clauses: tuple[Clause, ...]
    prefixes: tuple[Prefix, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """What a search is restricted to; an empty restriction keeps everything."""

    #: "system:release" keys to keep (only when a searched system has several releases).
    editions: tuple[str, ...] = ()
    #: Systems to keep (only when some indexed system is left out).
    systems: tuple[str, ...] = ()
    billable_only: bool = False
    #: A chapter or section code the hits must sit under.
    within: str = ""

    def admits(self, document: IndexedCode) -> bool:
        """Whether `document` is inside this scope (what an index's filters would keep)."""
        return (
            (not self.systems or document.system in self.systems)
            and (not self.editions or f"{document.system}:{document.release}" in self.editions)
            and (not self.billable_only or document.billable)
            and (not self.within or self.within in document.ancestors)
        )


class Candidate(NamedTuple):
    """A document one reading matched, with the index's score for it (a tuple: a query
    makes a hundred of them)."""

    number: int
    score: float
    #: The fields that matched, when the backend reports them (Elasticsearch's named
    #: queries); the ranking reads a code's own texts, so it never depends on them.
    fields: frozenset[str] = frozenset()


class CandidateSource(Protocol):
    """An index that finds candidates: tantivy in process, or an Elasticsearch index."""

    def candidates(
        self, plans: Sequence[CandidatePlan], scope: Scope, depth: int
    ) -> list[list[Candidate]]:
        """For each plan, its best `depth` documents within `scope`, best first."""
        ...
