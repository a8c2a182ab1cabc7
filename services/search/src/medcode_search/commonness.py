"""What people look up most: type-ahead's commonness prior for short prefixes.

Two sources: the start-up list written for MedCode (`data/common_codes.tsv`: frequently
reported codes, its header names where the choice comes from) and the views MedCode counts
itself (`popularity`, from view.consumed). A prefix of two or three letters matches hundreds
of codes about equally well; the prior orders them by how often people want them, and it is
a bounded factor, so it never lifts a clearly worse text match over a better one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

from medcode_search import weights
from medcode_search.code_prefix import numbers_of
from medcode_search.corpus import Corpus
from medcode_search.documents import IndexedCode
from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase


def parse_common_codes(text: str) -> dict[tuple[str, str], float]:
    """(system, code) -> weight from the TSV text ('#' lines are comments); ValueError for a
    row that is not system, code, a weight in (0, 1], note."""
    rows = (line for line in io.StringIO(text) if line.strip() and not line.startswith("#"))
    listed: dict[tuple[str, str], float] = {}
    for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            weight = float(row["weight"])
        except (TypeError, ValueError):
            raise ValueError(f"common codes: bad weight in {row!r}") from None
        if not 0 < weight <= 1 or not row["system"] or not row["code"]:
            raise ValueError(
                f"common codes: a row needs a system, a code and 0 < weight <= 1: {row!r}"
            )
        listed[(row["system"].strip(), row["code"].strip().upper())] = weight
    return listed


@lru_cache(maxsize=1)
def load_common_codes() -> dict[tuple[str, str], float]:
    """The packaged start-up list (immutable, so read once)."""
    raw = resources.files("medcode_search.data").joinpath("common_codes.tsv").read_text("utf-8")
    return parse_common_codes(raw)


class Commonness:
    """How commonly each code is looked up, 0..1, from the list (codes and their headings)."""

    def __init__(
        self, documents: Iterable[IndexedCode], listed: Mapping[tuple[str, str], float]
    ) -> None:
        self._weights: dict[tuple[str, str], float] = dict(listed)
        for document in documents:
            weight = listed.get((document.system, document.code))
            if weight and document.ancestors:
                parent = (document.system, document.ancestors[-1])
                share = weights.COMMON_PARENT_SHARE * weight
                if share > self._weights.get(parent, 0.0):
                    self._weights[parent] = share

    def weight(self, system: str, code: str) -> float:
        """0 for a code nobody listed, up to 1 for the most looked-up ones."""
        return self._weights.get((system, code), 0.0)

    def listed(self) -> Iterable[tuple[str, str]]:
        """Every (system, code) with a weight, listed or as a listed code's heading."""
        return self._weights.keys()


def common_words(corpus: Corpus, commonness: Commonness) -> dict[str, dict[str, float]]:
    """system -> folded word -> the commonness of its codes whose title or own terms say it."""
    found: dict[str, dict[str, float]] = {}
    for system, code in commonness.listed():
        for number in numbers_of(corpus, system, code)[:1]:
            document = corpus.documents[number]
            words: set[str] = set()
            for text in (document.title, *document.word_texts):
                words.update(WORD.findall(normalise_phrase(text)))
            mine = found.setdefault(system, {})
            for word in words:
                mine[word] = mine.get(word, 0.0) + commonness.weight(system, code)
    return found
