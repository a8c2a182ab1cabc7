"""Typo correction: map a word nobody indexed to the indexed word it most likely meant."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

import tantivy

WORD = re.compile(r"[a-z0-9]+")
#: Shortest word whose unknown spelling is completed from a longer indexed word.
_MIN_STEM_PREFIX = 7


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps cost 1), stopping early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def fuzzy_distance(word: str) -> int:
    """Edits allowed for a word of this length: none under 4 letters, 2 from 7 letters."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


class Corrector:
    """Knows every word of the titles and inclusion terms; corrects the rest by edit distance."""

    def __init__(
        self,
        texts: Iterable[str],
        searcher: tantivy.Searcher,
        schema: tantivy.Schema,
        title_at: Callable[[tantivy.DocAddress], str],
    ) -> None:
        self.vocabulary: Counter[str] = Counter()
        for text in texts:
            self.vocabulary.update(WORD.findall(text.lower()))
        self._searcher = searcher
        self._schema = schema
        self._title_at = title_at
        self.correct = lru_cache(maxsize=8192)(self._correct)

    def _correct(self, word: str) -> str:
        """The indexed word a typo most likely meant ("alzimer" -> "alzheimer"), else itself.

        tantivy's fuzzy automaton finds titles with a word within the edit distance; the
        closest such word (then the most frequent) wins. A long word with no such neighbour
        ("choleperitoneum") falls back to the most frequent indexed word sharing its first
        seven letters ("choleperitonitis"): the same root with another ending.
        """
        distance = fuzzy_distance(word)
        if not distance or word in self.vocabulary or word.isdigit():
            return word
        query = tantivy.Query.fuzzy_term_query(
            self._schema, "title_raw", word, distance=distance, transposition_cost_one=True
        )
        best: tuple[int, int, str] | None = None
        for _score, address in self._searcher.search(query, 20, count=False).hits:
            title = self._title_at(address).lower()
            for candidate in set(WORD.findall(title)):
                gap = edit_distance(word, candidate, distance)
                if gap <= distance:
                    key = (gap, -self.vocabulary[candidate], candidate)
                    best = key if best is None or key < best else best
        if best is not None:
            return best[2]
        if len(word) >= _MIN_STEM_PREFIX + 1:
            rooted = self._searcher.terms_with_prefix("title_raw", word[:_MIN_STEM_PREFIX], limit=1)
            if rooted:
                return str(rooted[0][0])
        return word
