"""Lay-to-clinical synonym expansion for Case2Code search.

People type "heart attack" or "HTN"; ICD-10-CM titles say "myocardial infarction" and
"hypertension". Lexical indexes (tantivy, Elasticsearch) cannot bridge that gap on their own,
so queries are expanded with a curated, hand-written list (``data/synonyms.tsv``) before they
reach the index. Matching is done on whole words after :func:`normalise_phrase`, so "Mild"
never matches the abbreviation "MI" and "Alzheimer's" matches "alzheimers".
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

__all__ = ["Synonym", "SynonymExpander", "load_synonyms", "normalise_phrase"]

# Apostrophe look-alikes are deleted (not spaced) so "alzheimer's" and "alzheimers" agree.
_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019\u02bc\u02b9\u2032`\u00b4")
# Anything that is not a letter or digit (underscore included) separates words.
_NON_WORD = re.compile(r"[\W_]+")
# ASCII fast path (nearly every query): one C-level bytes.translate does case folding and
# punctuation-to-space at once, several times faster than str.lower + regex.
_ASCII_FOLD = bytes(
    (c | 0x20) if chr(c).isalpha() else c if chr(c).isdigit() else 0x20 for c in range(128)
).ljust(256, b" ")


@dataclass(frozen=True, slots=True)
class Synonym:
    """One row of the synonym table: a lay/alternative phrase and the ICD wording it means."""

    lay: str
    clinical: str
    note: str


def normalise_phrase(text: str) -> str:
    """Fold text to the form both queries and synonym keys are compared in.

    Lower-cases, strips accents (NFKD, combining marks dropped), deletes apostrophes, turns
    every other non-alphanumeric character into a space and collapses runs of spaces. The
    decomposition is repeated after case folding because folding can itself produce
    decomposable characters (e.g. "İ"); this keeps the function idempotent.
    """
    if not text.isascii():
        # Apostrophes go before NFKD too: it would turn "\u00b4" into a space + accent.
        text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
        text = unicodedata.normalize("NFKD", text.lower())
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
        text = text.translate(_APOSTROPHES)
        if not text.isascii():
            return " ".join(_NON_WORD.sub(" ", text).split())
    return " ".join(text.encode("ascii").translate(_ASCII_FOLD, b"'`").decode("ascii").split())


@lru_cache(maxsize=1)
def load_synonyms() -> tuple[Synonym, ...]:
    """Load the packaged synonym table once; it is immutable, so caching is safe."""
    raw = resources.files("medcode_search.data").joinpath("synonyms.tsv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = ((row["lay"] or "", row["clinical"] or "", row["note"] or "") for row in reader)
    return tuple(
        Synonym(lay.strip(), clin.strip(), note.strip()) for lay, clin, note in rows if lay
    )


# (lay words, clinical phrases as written, guards); a guard is (offset of the lay words inside
# a clinical phrase, that clinical phrase's words).
_Entry = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]
# (start, end, clinical phrases); no phrases means "already written in clinical wording".
_Match = tuple[int, int, tuple[str, ...]]


class SynonymExpander:
    """Finds lay phrases in a query and proposes clinical alternatives.

    Phrases are indexed by their first normalised word, so a query costs one dict lookup per
    word plus a tuple comparison per candidate phrase; there is no per-phrase regex scan.
    A lay phrase that is part of its own clinical phrase ("covid" -> "covid-19") is not
    expanded where the query already spells the clinical phrase out, which would only
    duplicate words ("covid-19 19").
    """

    __slots__ = ("_by_first",)

    def __init__(self, synonyms: Iterable[Synonym]) -> None:
        clinical_by_lay: dict[tuple[str, ...], dict[str, None]] = {}  # dict as ordered set
        for syn in synonyms:
            words = tuple(normalise_phrase(syn.lay).split())
            if words and syn.clinical.strip():
                clinical_by_lay.setdefault(words, {})[syn.clinical] = None
        self._by_first: dict[str, list[_Entry]] = {}
        for words, targets in clinical_by_lay.items():
            guards = []
            for clinical in targets:
                cwords = tuple(normalise_phrase(clinical).split())
                for offset in range(len(cwords) - len(words) + 1):
                    if cwords[offset : offset + len(words)] == words:
                        guards.append((offset, cwords))
            entry: _Entry = (words, tuple(targets), tuple(guards))
            self._by_first.setdefault(words[0], []).append(entry)

    def _matches(self, words: tuple[str, ...]) -> list[_Match]:
        """Non-overlapping spans chosen longest-first; tuple slices compare without copies."""
        found: list[_Match] = []
        for start, word in enumerate(words):
            for phrase, targets, guards in self._by_first.get(word, ()):
                end = start + len(phrase)
                if words[start:end] != phrase:
                    continue
                found.append((start, end, targets))
                for offset, clinical in guards:
                    first = start - offset
                    if first >= 0 and words[first : first + len(clinical)] == clinical:
                        found[-1] = (first, first + len(clinical), ())  # claims span, no output
                        break
        found.sort()  # already in start order unless a guard moved a start back
        if any(prev[1] > nxt[0] for prev, nxt in pairwise(found)):
            # A longer span beats any shorter one it overlaps, wherever each starts; shorter
            # phrases still fill any words the longer ones leave free.
            found.sort(key=lambda m: (m[0] - m[1], m[0]))
            taken = [False] * len(words)
            kept = []
            for start, end, targets in found:
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    kept.append((start, end, targets))
            found = sorted(kept)
        return [match for match in found if match[2]]

    def lay_phrases(self) -> list[tuple[str, ...]]:
        """Every lay phrase's normalised words (what type-ahead may complete)."""
        return [words for entries in self._by_first.values() for words, _t, _g in entries]

    def expand(self, query: str) -> list[tuple[str, str]]:
        """Return (matched lay phrase, clinical phrase) pairs in query order.

        The lay phrase is given in normalised form; a lay phrase with several clinical
        meanings yields one pair per meaning.
        """
        words = tuple(normalise_phrase(query).split())
        return [
            (" ".join(words[start:end]), clinical)
            for start, end, targets in self._matches(words)
            for clinical in targets
        ]

    def rewrite(self, query: str) -> list[str]:
        """Return the original query plus one with every matched lay phrase replaced.

        All replacements are applied together (using each phrase's first clinical meaning)
        so the index sees one coherent clinical query rather than a combinatorial set.
        Unmatched words are kept in normalised form.
        """
        words = tuple(normalise_phrase(query).split())
        matches = self._matches(words)
        if not matches:
            return [query]
        parts: list[str] = []
        cursor = 0
        for start, end, targets in matches:
            parts.extend(words[cursor:start])
            parts.append(targets[0])
            cursor = end
        parts.extend(words[cursor:])
        return list(dict.fromkeys([query, " ".join(parts)]))
