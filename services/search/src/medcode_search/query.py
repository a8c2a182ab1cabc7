"""Query words as the index sees them: normalised, stemmed, with index connectors set aside.

Alphabetic-index style queries ("fracture femur neck with displacement") carry connectors
("with", "due to", "NOS") that match tens of thousands of titles. They are kept for the
final scoring, where their weight is their (small) rarity, but not sent to the index, where
every one of them would make the search score most of the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase

#: Words too common in titles to select anything; scored but never searched on their own.
CONNECTORS = frozenset(
    "a an and as at by due for from in into is of on or the to with nos nec".split()  # noqa: SIM905
)
#: Title words that add nothing a searcher has to have asked for: connectors, and the words
#: of a default code ("unspecified", "without complications", "initial encounter").
FREE_WORDS = frozenset(
    (  # noqa: SIM905
        "a an and as at by for from in into is of on or the to nos nec unspecified site"
        " not specified complications initial encounter uncomplicated"
    ).split()
)
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem, as tantivy's `en_stem` tokenizer indexes it."""
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def text_stems(text: str) -> frozenset[str]:
    """The stems of a title, term or query (cached: the same titles recur across queries)."""
    return frozenset(_STEMMER.stemWords(WORD.findall(normalise_phrase(text))))


@lru_cache(maxsize=16384)
def texts_stems(texts: tuple[str, ...]) -> frozenset[str]:
    """The stems of several texts together (siblings share their headings' texts)."""
    return frozenset().union(*(text_stems(text) for text in texts))


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query's words, the stems sent to the index and every stem the ranking weighs."""

    words: tuple[str, ...]
    searched: tuple[str, ...]  # distinct stems of the non-connector words, query order
    stems: tuple[str, ...]  # distinct stems of all words, query order


@lru_cache(maxsize=4096)
def parse(text: str) -> ParsedQuery:
    """Parse once per distinct text (type-ahead and retries repeat the same text)."""
    words = tuple(WORD.findall(normalise_phrase(text)))
    content = [w for w in words if w not in CONNECTORS] or list(words)
    searched = tuple(dict.fromkeys(stem(w) for w in content))
    stems = tuple(dict.fromkeys(stem(w) for w in words))
    return ParsedQuery(words, searched, stems)


FREE_STEMS = frozenset(stem(word) for word in FREE_WORDS)
