"""Type-ahead (Suggest): complete what a person is typing, then rank as search does.

The last word is a fragment being typed, unless the text ends in a space; earlier words
are finished. The fragment is completed to its likeliest whole words (`completion`:
"toothac" -> "toothache", "runny no" -> "nose" through the lay phrase "runny nose"), and
each completed text is read like a search (as typed, its synonym rewrite, typo corrections
of the finished words), so completions reach codes through synonyms and word families too.
All readings go to the backend in one request and are re-scored by the shared ranking;
likelier completions weigh a little more. The fragment as a plain prefix is read as well,
at a low weight, so a word outside the shortlist still fills empty places.

A code prefix ("e11.6", "9921") lists its codes first. Short fragments match hundreds of
codes about equally well, so the commonness prior (`commonness`: the start-up list and the
views MedCode counts) orders them, as a bounded factor that is larger the shorter the
fragment, and never lifts a clearly worse text match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from medcode_search import weights
from medcode_search.code_prefix import numbers_of, suggested_code_hits
from medcode_search.commonness import Commonness
from medcode_search.guesses import Guesser
from medcode_search.hits import CODE, PREFIX, Ranked
from medcode_search.query import ParsedQuery
from medcode_search.readings import Reading
from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase

#: Chapters and sections: places to browse, not codes to pick.
_NAVIGATION = frozenset({"chapter", "section"})

if TYPE_CHECKING:
    from medcode_search.engine import Popularity, SearchEngine


def common_cap(length: int) -> float:
    """The most the commonness prior may lift a code when the fragment has `length` letters."""
    for most, cap in weights.SUGGEST_COMMON_CAPS:
        if length <= most:
            return cap
    return weights.SUGGEST_COMMON_CAP_LONG


class TypeAhead:
    """Suggestions for one engine: its corpus's words, synonyms and commonness."""

    def __init__(self, engine: SearchEngine, guesser: Guesser, commonness: Commonness) -> None:
        self._engine = engine
        self.guesser = guesser
        self.commonness = commonness
        corpus = engine.corpus
        #: The commonly looked-up codes' documents: each reading weighs those that say all
        #: its words, whatever rank the index gave them (BM25 prefers titles saying a word
        #: twice, "diabetes ... with diabetic ...", over E11.9).
        self._common = [
            n for system, code in commonness.listed() for n in numbers_of(corpus, system, code)
        ]

    def seeds(self, parsed: ParsedQuery) -> list[int]:
        """The common codes whose own texts say every searched stem of a reading."""
        wanted = frozenset(parsed.searched)
        profile = self._engine.profile
        return [n for n in self._common if wanted <= profile(n).own] if wanted else []

    # -- ranking ---------------------------------------------------------------------------
    def _common_factor(self, hit: Ranked, cap: float, popularity: Popularity | None) -> float:
        """1 + cap x how commonly the code is looked up (list or counted views, 0..1)."""
        document = hit.document
        share = self.commonness.weight(document.system, document.code)
        if popularity is not None:
            viewed = popularity(document.code)
            if viewed == viewed:  # NaN says nothing
                boost = (min(viewed, weights.POPULARITY_CAP) - 1.0) / (weights.POPULARITY_CAP - 1.0)
                share = max(share, boost)
        return 1.0 + cap * share

    def suggest(
        self,
        text: str,
        *,
        systems: Sequence[str],
        releases: Mapping[str, str] | None,
        limit: int,
        billable_only: bool,
        popularity: Popularity | None,
    ) -> list[Ranked]:
        """Suggestions for `text` (already checked; a trailing space ends the last word)."""
        engine = self._engine
        hits = suggested_code_hits(
            engine.corpus,
            text,
            systems,
            releases,
            billable_only=billable_only,
            commonness=self.commonness.weight,
        )
        if not any(char.isdigit() for char in text):
            # Letters alone ("d", "ab") start words far more often than codes: after words.
            for hit in hits:
                hit.score *= weights.SUGGEST_LETTER_CODE_FACTOR
        elif len(hits) >= limit:
            return self._finish(hits, text, limit)
        typed = WORD.findall(normalise_phrase(text))
        if not typed:
            return self._finish(hits, text, limit)
        finished = text[-1].isspace()
        if finished:
            typed.append("")  # after a space: the next words of a phrase may follow
        typed = self.guesser.complete_earlier(typed, systems, releases)
        completions = self.guesser.completions(typed, systems, releases)
        readings = self.guesser.readings(typed, completions)
        if finished or not completions:
            readings += engine.read(text)
        if not finished and len(typed[-1]) >= weights.SUGGEST_PREFIX_MIN:
            readings.append(Reading(text, weights.SUGGEST_PREFIX_WEIGHT, prefix_last=True))
        scope = engine.scope(systems, billable_only, "", releases)
        depth = limit * weights.SUGGEST_CANDIDATES_PER_HIT
        seen = {(hit.document.system, hit.document.code) for hit in hits}
        cap = common_cap(len(typed[-1]) if typed[-1] else len(text.strip()))
        for hit in engine.text_hits(readings, scope=scope, depth=depth, seeds=self.seeds):
            # A code whose unasked-for words outweigh what it explains is no suggestion.
            if hit.score > 0 and (hit.document.system, hit.document.code) not in seen:
                hit.score *= self._common_factor(hit, cap, popularity or engine.popularity)
                if hit.document.kind in _NAVIGATION:
                    hit.score *= weights.SUGGEST_NAVIGATION_FACTOR
                hits.append(hit)
        return self._finish(hits, text, limit)

    def _finish(self, hits: list[Ranked], text: str, limit: int) -> list[Ranked]:
        hits.sort(key=lambda hit: -hit.score)
        shown = hits[:limit]
        for hit in shown:
            if CODE not in hit.reasons and PREFIX not in hit.reasons:
                self._engine.explain(hit, _completed(hit, text))
        return shown


def _completed(hit: Ranked, text: str) -> str:
    """What the hit was found as: its completed text, or for a plain-prefix hit the typed
    text with the fragment completed to the hit's own word ("chol" -> "cholangitis")."""
    if hit.read_as != text:
        return hit.read_as or text
    *done, fragment = WORD.findall(normalise_phrase(text)) or [""]
    document = hit.document
    for own in (document.title, *document.word_texts):
        for word in WORD.findall(normalise_phrase(own)):
            if fragment and word.startswith(fragment):
                return " ".join([*done, word])
    return text
