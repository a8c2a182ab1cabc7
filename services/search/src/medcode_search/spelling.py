"""Typo correction: map a word nobody indexed to the indexed word it most likely meant.

It needs no index engine: the words of every title (a few thousand distinct ones) are held
in memory with a bigram index, so every backend corrects alike.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

WORD = re.compile(r"[a-z0-9]+")
#: Shortest word whose unknown spelling is completed from a longer indexed word.
_MIN_STEM_PREFIX = 7
#: Bigrams an adjacent swap can break (a substitution, insertion or deletion breaks two).
_BROKEN_PER_EDIT = 3


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


def _bigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


class TitleWords:
    """The distinct words of every title, searchable by edit distance and by prefix."""

    def __init__(self, words: Iterable[str]) -> None:
        self.ordered = sorted(set(words))
        self._postings: dict[str, list[int]] = {}
        for number, word in enumerate(self.ordered):
            for gram in set(_bigrams(word)):
                self._postings.setdefault(gram, []).append(number)

    def within(self, word: str, distance: int) -> list[tuple[int, str]]:
        """(edit distance, title word) for every title word within `distance` of `word`.

        A word within d edits shares at least len + 1 - 3d of its padded bigrams (an edit
        breaks at most three), so only words sharing that many are compared exactly.
        """
        grams = _bigrams(word)
        distinct = set(grams)
        needed = len(grams) - _BROKEN_PER_EDIT * distance - (len(grams) - len(distinct))
        if needed > 0:
            shared: Counter[int] = Counter()
            for gram in distinct:
                shared.update(self._postings.get(gram, ()))
            numbers = [number for number, count in shared.items() if count >= needed]
        else:
            numbers = list(range(len(self.ordered)))
        found = []
        for number in numbers:
            candidate = self.ordered[number]
            if abs(len(candidate) - len(word)) <= distance:
                gap = edit_distance(word, candidate, distance)
                if gap <= distance:
                    found.append((gap, candidate))
        return found

    def first_with_prefix(self, prefix: str) -> str | None:
        """The first title word in sorted order that starts with `prefix`."""
        at = bisect.bisect_left(self.ordered, prefix)
        if at < len(self.ordered) and self.ordered[at].startswith(prefix):
            return self.ordered[at]
        return None


class Corrector:
    """Knows every word of the titles and own texts; corrects the rest by edit distance."""

    def __init__(self, vocabulary: Counter[str], titles: TitleWords) -> None:
        self.vocabulary = vocabulary
        self._titles = titles
        self.correct = lru_cache(maxsize=8192)(self._correct)

    def _correct(self, word: str) -> str:
        """The indexed word a typo most likely meant ("alzimer" -> "alzheimer"), else itself.

        Title words within the edit distance are candidates; the closest (then the most
        frequent) wins. A long word with no such neighbour ("choleperitoneum") falls back to
        the first title word sharing its first seven letters ("choleperitonitis"): the same
        root with another ending.
        """
        distance = fuzzy_distance(word)
        if not distance or word in self.vocabulary or word.isdigit():
            return word
        found = self._titles.within(word, distance)
        if found:
            return min((gap, -self.vocabulary[c], c) for gap, c in found)[2]
        if len(word) >= _MIN_STEM_PREFIX + 1:
            rooted = self._titles.first_with_prefix(word[:_MIN_STEM_PREFIX])
            if rooted is not None:
                return rooted
        return word
