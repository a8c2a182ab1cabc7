"""Word families: "lung" and "pulmonary" name the same thing, so each finds the other.

The alphabetic index and lay searchers say "abscess, lung" where the tabular list says
"Abscess of lung" in one place and "pulmonary" in another. A family is a set of stems that
count as one another on both sides: a code's texts gain the stems of their families, and a
query's stem is also searched as its family's other stems. Phrase rewrites ("heart attack")
stay in synonyms.py; these are single words only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from medcode_search.query import stem


class WordFamilies:
    """Stem -> the other stems of its family."""

    def __init__(self, families: Iterable[Iterable[str]]) -> None:
        self._others: dict[str, tuple[str, ...]] = {}
        self._words: dict[str, tuple[str, ...]] = {}  # stem -> the family's words, as written
        for family in families:
            words = tuple(dict.fromkeys(word.lower() for word in family))
            stems = tuple(dict.fromkeys(stem(word) for word in words))
            if len(stems) < 2:
                continue
            for member in stems:
                if member in self._others:
                    raise ValueError(f"{member!r} is in two word families")
                self._others[member] = tuple(s for s in stems if s != member)
                self._words[member] = words

    def __len__(self) -> int:
        return len(self._others)

    def others(self, member: str) -> tuple[str, ...]:
        """The other stems of `member`'s family (none for a word in no family)."""
        return self._others.get(member, ())

    def other_words(self, word: str) -> tuple[str, ...]:
        """The family's words whose stem differs from `word`'s, for engines that stem
        themselves (Elasticsearch): "renal" -> ("kidney", "nephric")."""
        own = stem(word.lower())
        return tuple(w for w in self._words.get(own, ()) if stem(w) != own)

    def words(self) -> set[str]:
        """Every word of every family, as written (words a search understands)."""
        return {word for words in self._words.values() for word in words}

    def widen(self, stems: frozenset[str]) -> frozenset[str]:
        """`stems` with every family member of each; the same set when none has a family."""
        extra = [other for member in stems for other in self._others.get(member, ())]
        return stems.union(extra) if extra else stems


def parse_families(text: str) -> list[list[str]]:
    """Families from the TSV text: one per line, words tab-separated, '#' starts a comment."""
    families = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = [word.strip() for word in line.split("\t") if word.strip()]
        if any(" " in word for word in words):
            raise ValueError(f"word families hold single words: {line!r}")
        families.append(words)
    return families


@lru_cache(maxsize=1)
def load_word_families() -> WordFamilies:
    """The packaged families (immutable, so one shared instance)."""
    raw = resources.files("medcode_search.data").joinpath("word_families.tsv").read_text("utf-8")
    return WordFamilies(parse_families(raw))
