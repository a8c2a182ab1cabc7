"""Clinical Tables matching: every code whose code, or a word of whose title, starts with each
typed term (NLM's Clinical Table Search Service semantics: an AND of word prefixes).

Autocompleters written for clinicaltables.nlm.nih.gov send what the user has typed so far on
every keystroke ("tuberc", "dia mel") and page through every match in code order with an
exact total. That is set matching, not ranking, so it is answered here from the corpus in
memory (the same for every backend): each system's newest release as rows in code order, a
sorted vocabulary of folded title words with each word's rows, and the codes themselves
sorted for prefix ranges.
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase

#: The fields a term may match: the code itself, or the words of its title.
CODE, TITLE = "code", "title"
FIELDS = frozenset({CODE, TITLE})
#: Most terms one request may AND together (a pasted paragraph is not a type-ahead).
MAX_TERMS = 20
#: Each index remembers this many recent term match sets (type-ahead repeats prefixes).
_CACHED_TERMS = 512


@dataclass(frozen=True, slots=True)
class Term:
    """One whitespace-separated term: as typed (upper-cased, matched against codes) and its
    folded words (each must start a word of the title)."""

    typed: str
    words: tuple[str, ...]


def split_terms(terms: str) -> tuple[Term, ...]:
    """The terms of a `terms` string: split on whitespace, each with its folded words; a
    term without a letter or digit ("-", "*") says nothing and is left out."""
    found = []
    for token in terms.split():
        words = tuple(WORD.findall(normalise_phrase(token)))
        if words:
            found.append(Term(token.upper(), words))
    if len(found) > MAX_TERMS:
        raise ValueError(f"terms has {len(found)} words; at most {MAX_TERMS}")
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Row:
    """One code of the matched release, in code order."""

    code: str
    title: str
    billable: bool
    number: int  # its position in the corpus
    folded: tuple[str, ...]  # its title's folded words, in order
    kind: str = "code"  # "code", "category", "modifier", "section", ...

    @property
    def words(self) -> frozenset[str]:
        """Its title's distinct folded words."""
        return frozenset(self.folded)


#: Alternatives for one folded word ("kidney" -> "renal" ...) when synonyms are asked for.
Alternatives = Callable[[str], Sequence[str]]


class PrefixIndex:
    """One release of one system, ready for AND-of-prefixes matching."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = sorted(rows, key=lambda row: row.code)
        self._codes = [row.code.upper() for row in self.rows]
        postings: dict[str, array[int]] = {}
        for position, row in enumerate(self.rows):
            for word in set(row.folded):
                postings.setdefault(word, array("i")).append(position)
        self._vocabulary = sorted(postings)
        self._postings = [postings[word] for word in self._vocabulary]
        self._lock = threading.Lock()
        self._word_rows = lru_cache(maxsize=_CACHED_TERMS)(self._rows_of_prefix)

    def __len__(self) -> int:
        return len(self.rows)

    def _word_range(self, prefix: str) -> range:
        """Positions in the vocabulary of the words starting with `prefix`."""
        low = bisect.bisect_left(self._vocabulary, prefix)
        high = bisect.bisect_left(self._vocabulary, prefix + "\U0010ffff", lo=low)
        return range(low, high)

    def _rows_of_prefix(self, prefix: str) -> frozenset[int]:
        """Rows whose title has a word starting with `prefix`."""
        found: set[int] = set()
        for position in self._word_range(prefix):
            found.update(self._postings[position])
        return frozenset(found)

    def _code_rows(self, typed: str) -> range:
        """Rows whose code starts with `typed` (a contiguous run: rows are in code order)."""
        low = bisect.bisect_left(self._codes, typed)
        high = bisect.bisect_left(self._codes, typed + "\U0010ffff", lo=low)
        return range(low, high)

    def postings_in(self, fragment: str) -> int:
        """How many (word, row) pairs the words starting with `fragment` have: what counting
        them costs."""
        return sum(len(self._postings[p]) for p in self._word_range(fragment))

    def words_among(self, fragment: str, rows: AbstractSet[int]) -> Counter[str]:
        """Words starting with `fragment` -> how many of `rows` say each."""
        counts: Counter[str] = Counter()
        for position in self._word_range(fragment):
            said = sum(1 for row in self._postings[position] if row in rows)
            if said:
                counts[self._vocabulary[position]] = said
        return counts

    def word_rows(self, prefix: str) -> frozenset[int]:
        """Rows whose title has a word starting with `prefix` (recent answers cached)."""
        with self._lock:
            return self._word_rows(prefix)

    def _estimate(self, term: Term, fields: frozenset[str]) -> int:
        """About how many rows a term matches, to start from the rarest term."""
        estimate = len(self._code_rows(term.typed)) if CODE in fields else 0
        if TITLE in fields:
            estimate += min(
                sum(len(self._postings[p]) for p in self._word_range(word)) for word in term.words
            )
        return estimate

    def term_rows(
        self, term: Term, fields: frozenset[str], alternatives: Alternatives | None = None
    ) -> set[int]:
        """Every row one term matches: its code starts with the term, or each of the term's
        words starts a title word (or one of that word's alternatives does)."""
        found: set[int] = set(self._code_rows(term.typed)) if CODE in fields else set()
        if TITLE in fields:
            named: set[int] | None = None
            for word in term.words:
                rows = set(self.word_rows(word))
                for other in alternatives(word) if alternatives is not None else ():
                    rows |= self.word_rows(other)
                named = rows if named is None else named & rows
            found |= named or set()
        return found

    def matches(
        self,
        readings: Sequence[tuple[Term, ...]],
        fields: frozenset[str],
        *,
        alternatives: Alternatives | None = None,
        keep: Callable[[Row], bool] | None = None,
    ) -> list[int]:
        """Rows (in code order) matching every term of any reading and kept by `keep`."""
        found: set[int] = set()
        for terms in readings:
            if not terms:
                continue
            ordered = sorted(terms, key=lambda term: self._estimate(term, fields))
            rows = self.term_rows(ordered[0], fields, alternatives)
            for term in ordered[1:]:
                if not rows:
                    break
                rows &= self.term_rows(term, fields, alternatives)
            found |= rows
        if keep is not None:
            return sorted(n for n in found if keep(self.rows[n]))
        return sorted(found)


def brute_force_match(row: Row, terms: Sequence[Term], fields: frozenset[str]) -> bool:
    """The definition `PrefixIndex.matches` implements, row by row (for tests)."""
    return all(
        (CODE in fields and row.code.upper().startswith(term.typed))
        or (
            TITLE in fields
            and all(any(w.startswith(word) for w in row.folded) for word in term.words)
        )
        for term in terms
    )


def title_words(title: str) -> tuple[str, ...]:
    """A title's folded words in order, as the index holds them."""
    return tuple(WORD.findall(normalise_phrase(title)))
