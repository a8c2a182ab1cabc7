"""The ways of reading one query: as typed, its clinical rewrite, its typo correction.

Each reading is searched on its own and its hits score about its weight, so which reading
wins a close call is a matter of the weights in `weights.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcode_search.hits import FUZZY, SYNONYM
from medcode_search.query import parse
from medcode_search.spelling import Corrector
from medcode_search.synonyms import SynonymExpander
from medcode_search.weights import LITERAL_WEIGHT, REWRITE_WEIGHT, TYPO_WEIGHT


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of the query: its text, the weight of its best hit, and the reason its
    hits give ("" as typed, else `SYNONYM` or `FUZZY`)."""

    text: str
    weight: float
    kind: str = ""
    #: Type-ahead: the last word is matched as the start of a word (a prefix), not stemmed.
    prefix_last: bool = False


class Reader:
    """Reads queries with one synonym list and one spelling corrector."""

    def __init__(self, synonyms: SynonymExpander, corrector: Corrector) -> None:
        self._synonyms = synonyms
        self._corrector = corrector

    def read(self, text: str, *, prefix_last: bool) -> list[Reading]:
        """The readings of `text`; type-ahead reads it only as typed."""
        if prefix_last:
            return [Reading(text, LITERAL_WEIGHT, prefix_last=True)]
        typed = parse(text).words
        expansions = self._synonyms.expand(text)
        covered = sum(len(lay.split()) for lay, _clinical in expansions)
        whole_lay_phrase = bool(expansions) and covered >= len(typed)
        # A lay phrase is a known phrase, not a typo ("underactive" is not "interactive").
        lay = {word for phrase, _clinical in expansions for word in phrase.split()}
        corrected = [w if w in lay else self._corrector.correct(w) for w in typed]
        fixed = corrected != list(typed)
        literal = REWRITE_WEIGHT if whole_lay_phrase else TYPO_WEIGHT if fixed else LITERAL_WEIGHT
        readings = [Reading(text, literal)]
        rewrite_weight = LITERAL_WEIGHT if whole_lay_phrase else REWRITE_WEIGHT
        for rewrite in self._synonyms.rewrite(text)[1:]:
            readings.append(Reading(rewrite, rewrite_weight, SYNONYM))
        if fixed:
            readings.append(Reading(" ".join(corrected), LITERAL_WEIGHT, FUZZY))
        return readings
