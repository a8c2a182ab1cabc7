"""Clinical Tables requests answered from the corpus: one system's newest release, every code
matching an AND of prefixes, in code order, with the exact total (see `prefix_match`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from medcode_search.corpus import Corpus
from medcode_search.prefix_match import (
    FIELDS,
    PrefixIndex,
    Row,
    Term,
    split_terms,
    title_words,
)
from medcode_search.q_filter import parse_q
from medcode_search.synonyms import SynonymExpander
from medcode_search.word_families import WordFamilies

#: Most matches one page may hold (NLM's `count` and `maxList` limit).
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """One Clinical Tables request, as the search service reads it."""

    terms: str
    system: str
    release: str
    fields: frozenset[str] = FIELDS
    billable_only: bool = False
    #: A further constraint (`q_filter`), and the names it may give the title field.
    q: str = ""
    title_fields: tuple[str, ...] = ()
    offset: int = 0
    limit: int = 7
    #: Also match through the synonym list and word families.
    synonyms: bool = False
    #: Only nodes of these kinds (empty: every kind).
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchPage:
    """One page of matches (code order) and how many there are in all."""

    rows: list[Row]
    total: int


class PrefixMatcher:
    """Builds each (system, release)'s prefix index on first use and answers from it."""

    def __init__(self, corpus: Corpus, synonyms: SynonymExpander, families: WordFamilies) -> None:
        self._corpus = corpus
        self._synonyms = synonyms
        self._families = families
        self._indexes: dict[tuple[str, str], PrefixIndex] = {}
        self._lock = threading.Lock()

    def index(self, system: str, release: str) -> PrefixIndex:
        """The prefix index of one release of one system ("" for all its releases: in-process
        callers that name none), built once in about a second."""
        key = (system, release)
        with self._lock:
            found = self._indexes.get(key)
            if found is None:
                documents = self._corpus.documents
                rows = (
                    Row(d.code, d.title, d.billable, number, title_words(d.title), d.kind)
                    for _bare, number in self._corpus.codes.get(system, [])
                    if (d := documents[number]).release == release or not release
                )
                found = self._indexes[key] = PrefixIndex(rows)
        return found

    def _readings(self, terms: str, synonyms: bool) -> list[tuple[Term, ...]]:
        """The terms as typed, and with synonyms their clinical rewrite ("heart attack")."""
        readings = [split_terms(terms)]
        if synonyms:
            readings += [split_terms(text) for text in self._synonyms.rewrite(terms)[1:]]
        return readings

    def _alternatives(self, word: str) -> Sequence[str]:
        """The other words of a whole word's family ("renal" for "kidney")."""
        return self._families.other_words(word)

    def match(self, query: MatchQuery) -> MatchPage:
        """One page of the codes matching the query's terms (and `q`); ValueError for bad
        input."""
        terms = query.terms
        if not terms.strip():
            raise ValueError("terms is empty; type the start of a code or a word")
        if len(terms) > 256:
            raise ValueError(f"terms is {len(terms)} characters; at most 256")
        if not 0 <= query.limit <= MAX_PAGE or query.offset < 0:
            raise ValueError(f"limit must be 0-{MAX_PAGE} and offset 0 or more")
        if not query.fields or not query.fields <= FIELDS:
            raise ValueError(f"fields must be among {', '.join(sorted(FIELDS))}")
        constraint = parse_q(query.q, query.title_fields)
        readings = self._readings(terms, query.synonyms)
        index = self.index(query.system, query.release)
        billable_only, kinds = query.billable_only, frozenset(query.kinds)

        def keep(row: Row) -> bool:
            return (
                (not billable_only or row.billable)
                and (not kinds or row.kind in kinds)
                and (constraint is None or constraint(row))
            )

        found = index.matches(
            readings,
            query.fields,
            alternatives=self._alternatives if query.synonyms else None,
            keep=keep if billable_only or kinds or constraint is not None else None,
        )
        page = found[query.offset : query.offset + query.limit]
        return MatchPage([index.rows[n] for n in page], len(found))
