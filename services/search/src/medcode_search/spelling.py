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
    """Damerau-Levenshtein distance (adjacent swaps cost 1) when at most `limit`, else
    `limit + 1`: only the band of cells within `limit` of the diagonal is computed (a cell
    off it costs more than `limit` anyway), and a row over `limit` everywhere stops it."""
    la, lb = len(a), len(b)
    over = limit + 1
    if abs(la - lb) > limit:
        return over
    previous2: list[int] = []
    previous = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        char_a = a[i - 1]
        low, high = max(1, i - limit), min(lb, i + limit)
        current = [over] * (lb + 1)
        if i <= limit:
            current[0] = i
        best = current[0]
        for j in range(low, high + 1):
            char_b = b[j - 1]
            cost = previous[j - 1] + (char_a != char_b)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if current[j - 1] + 1 < cost:
                cost = current[j - 1] + 1
            swapped = i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b
            if swapped and previous2[j - 2] + 1 < cost:
                cost = previous2[j - 2] + 1
            current[j] = cost
            if cost < best:
                best = cost
        if best > limit:
            return over
        previous2, previous = previous, current
    return min(previous[lb], over)


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
        #: (bigram, its position in the padded word, the word's length) -> word numbers.
        self._postings: dict[tuple[str, int, int], list[int]] = {}
        self._by_length: dict[int, list[int]] = {}
        for number, word in enumerate(self.ordered):
            self._by_length.setdefault(len(word), []).append(number)
            for position, gram in enumerate(_bigrams(word)):
                self._postings.setdefault((gram, position, len(word)), []).append(number)

    def within(self, word: str, distance: int) -> list[tuple[int, str]]:
        """(edit distance, title word) for every title word within `distance` of `word`.

        Two words within d edits share all but 3d of the longer one's padded bigrams (an
        edit breaks at most three), each no more than d places from where it was, so only
        words of a near length sharing that many bigrams near their place are compared
        exactly.
        """
        grams = _bigrams(word)
        found = []
        for length in range(max(1, len(word) - distance), len(word) + distance + 1):
            needed = max(len(word), length) + 1 - _BROKEN_PER_EDIT * distance
            if needed > 0:
                shared: Counter[int] = Counter()
                for position, gram in enumerate(grams):
                    for near in range(max(0, position - distance), position + distance + 1):
                        shared.update(self._postings.get((gram, near, length), ()))
                numbers: Iterable[int] = [n for n, count in shared.items() if count >= needed]
            else:
                numbers = self._by_length.get(length, ())
            for number in numbers:
                candidate = self.ordered[number]
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
