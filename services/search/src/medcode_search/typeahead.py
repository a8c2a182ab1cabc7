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

import bisect
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from medcode_search import weights
from medcode_search.commonness import Commonness
from medcode_search.completion import Completer, Completion
from medcode_search.corpus import Corpus
from medcode_search.hits import CODE, PREFIX, Ranked
from medcode_search.prefix_match import PrefixIndex
from medcode_search.query import CONNECTORS, ParsedQuery, stem
from medcode_search.readings import Reading
from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase

#: Most codes a code prefix lists (the rest of a large subtree is one more keystroke away).
_PREFIX_LIMIT = 500
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


def _numbers(corpus: Corpus, system: str, code: str) -> list[int]:
    """The document numbers of one code (one per indexed release)."""
    entries = corpus.codes.get(system, [])
    bare = code.replace(".", "")
    at = bisect.bisect_left(entries, (bare, -1))
    found = []
    while at < len(entries) and entries[at][0] == bare:
        found.append(entries[at][1])
        at += 1
    return found


def common_words(corpus: Corpus, commonness: Commonness) -> dict[str, dict[str, float]]:
    """system -> folded word -> the commonness of its codes whose title or own terms say it."""
    found: dict[str, dict[str, float]] = {}
    for system, code in commonness.listed():
        for number in _numbers(corpus, system, code)[:1]:
            document = corpus.documents[number]
            words: set[str] = set()
            for text in (document.title, *document.word_texts):
                words.update(WORD.findall(normalise_phrase(text)))
            mine = found.setdefault(system, {})
            for word in words:
                mine[word] = mine.get(word, 0.0) + commonness.weight(system, code)
    return found


class TypeAhead:
    """Suggestions for one engine: its corpus's words, synonyms and commonness."""

    def __init__(self, engine: SearchEngine, completer: Completer, commonness: Commonness) -> None:
        self._engine = engine
        self.completer = completer
        self.commonness = commonness
        corpus = engine.corpus
        #: The commonly looked-up codes' documents: each reading weighs those that say all
        #: its words, whatever rank the index gave them (BM25 prefers titles saying a word
        #: twice, "diabetes ... with diabetic ...", over E11.9).
        self._common = [
            n for system, code in commonness.listed() for n in _numbers(corpus, system, code)
        ]

    def seeds(self, parsed: ParsedQuery) -> list[int]:
        """The common codes whose own texts say every searched stem of a reading."""
        wanted = frozenset(parsed.searched)
        profile = self._engine.profile
        return [n for n in self._common if wanted <= profile(n).own] if wanted else []

    # -- completions -----------------------------------------------------------------------
    def _indexes(
        self, systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[PrefixIndex]:
        """Each searched release's title words ("" when no release was chosen: all of them)."""
        chosen = releases if releases is not None else dict.fromkeys(systems, "")
        return [self._engine.matcher.index(s, chosen[s]) for s in systems if s in chosen]

    def completions(
        self, typed: Sequence[str], systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[Completion]:
        """The likeliest completions of the fragment ("" after a space: the next words),
        given the words typed before it."""
        *done, fragment = typed
        indexes = self._indexes(systems, releases) if done else []
        if not done:
            context = None
        elif fragment:
            context = self._context(done, fragment, indexes)
        else:
            context = self._following(done[-1], indexes)
        found = self.completer.complete(
            typed, systems=systems, context=context, limit=weights.SUGGEST_COMPLETIONS
        )
        best = found[0].score if found else 0.0
        return [c for c in found if c.score >= best - weights.COMPLETION_SPREAD]

    def _context(
        self, done: Sequence[str], fragment: str, indexes: Sequence[PrefixIndex]
    ) -> Counter[str]:
        """Words starting with `fragment` -> titles they share with the earlier words (each
        earlier word as the start of a title word, by what it shares with its stem:
        "urinary" -> "urinar"; a word no title says, such as a lay word, is left out rather
        than emptying the count)."""
        counts: Counter[str] = Counter()
        for index in indexes:
            rows: set[int] | None = None
            for earlier in done:
                said = index.word_rows(_root(earlier)) if earlier not in CONNECTORS else None
                if said:
                    rows = set(said) if rows is None else rows & said
            if not rows:
                continue
            if len(rows) <= weights.CONTEXT_ROWS:
                for number in rows:
                    counts.update({w for w in index.rows[number].folded if w.startswith(fragment)})
                continue
            # Many titles: count the fragment's words among them from the words' own rows.
            among = index.words_among(fragment, rows, weights.CONTEXT_POSTINGS)
            if among is None:  # a short, common fragment: its likeliest words only
                among = Counter(
                    {w: len(rows & index.word_rows(w)) for w in self.completer.shortlist(fragment)}
                )
            counts.update(among)
        return counts

    def _complete_earlier(
        self, typed: list[str], systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[str]:
        """Earlier words may be prefixes too ("chron kid dis"): each that no code or lay
        phrase says as typed is completed to its likeliest word among the others; a word
        that starts no word is left to typo correction ("diabetis")."""
        *done, last = typed
        prior = self.completer.vocabulary(systems).prior
        known = [w for w in done if w in prior or w in CONNECTORS or w.isdigit()]
        if len(known) == len(done):
            return typed
        indexes = self._indexes(systems, releases)
        completed = []
        for word in done:
            if word in known or len(word) < 2:
                completed.append(word)
                continue
            context = self._context(known, word, indexes) if known else None
            found = self.completer.complete(
                [*known, word], systems=systems, context=context, limit=3
            )
            words = [c.word for c in found if " " not in c.word and c.word.startswith(word)]
            completed.append(words[0] if words else word)
        return [*completed, last]

    @staticmethod
    def _following(last: str, indexes: Sequence[PrefixIndex]) -> Counter[str]:
        """After a space: the words that follow `last` in titles ("ulcerative" -> "colitis")."""
        counts: Counter[str] = Counter()
        for index in indexes:
            rows = index.word_rows(last)
            if len(rows) > weights.CONTEXT_ROWS:
                continue
            for number in rows:
                words = index.rows[number].folded
                for position, word in enumerate(words[:-1]):
                    if word == last and words[position + 1] not in CONNECTORS:
                        counts[words[position + 1]] += 1
        return counts

    def readings(self, typed: Sequence[str], completions: Sequence[Completion]) -> list[Reading]:
        """Each completed text read as a search, weighted by how likely its completion is."""
        done = [word for word in typed[:-1] if word]
        found: dict[str, Reading] = {}
        best = completions[0].score if completions else 0.0
        for completion in completions:
            likely = math.exp(min(0.0, completion.score - best))
            factor = weights.COMPLETION_FLOOR + (1 - weights.COMPLETION_FLOOR) * likely
            for reading in self._engine.read(" ".join([*done, completion.word])):
                weighted = Reading(reading.text, reading.weight * factor, reading.kind)
                kept = found.get(weighted.text)
                if kept is None or kept.weight < weighted.weight:
                    found[weighted.text] = weighted
        return list(found.values())

    def _code_hits(
        self,
        text: str,
        systems: Sequence[str],
        releases: Mapping[str, str] | None,
        billable_only: bool,
    ) -> list[Ranked]:
        """Codes starting with what was typed (dots and case ignored, "e11." = "E11"), the
        exact code first, then commonly looked-up codes, then the rest in code order; a
        range heading ("I10-I1A") only when typed whole."""
        bare = text.strip().upper().replace(".", "")
        if not bare.isalnum():
            return []
        corpus, documents = self._engine.corpus, self._engine.documents
        hits = []
        for system in systems:
            entries = corpus.codes.get(system, [])
            start = bisect.bisect_left(entries, (bare, -1))
            for offset, (key, number) in enumerate(entries[start : start + _PREFIX_LIMIT]):
                if not key.startswith(bare):
                    break
                document = documents[number]
                if releases is not None and document.release != releases.get(system):
                    continue
                if (billable_only and not document.billable) or "-" in key:
                    continue
                if key == bare:
                    hits.append(Ranked(document, weights.EXACT_CODE_SCORE, [CODE]))
                    continue
                common = self.commonness.weight(system, document.code)
                score = (
                    weights.CODE_PREFIX_SCORE
                    - offset * weights.CODE_PREFIX_STEP
                    + weights.SUGGEST_COMMON_CODE_BONUS * common
                )
                hits.append(Ranked(document, score, [PREFIX]))
        return hits

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
        hits = self._code_hits(text, systems, releases, billable_only)
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
        typed = self._complete_earlier(typed, systems, releases)
        completions = self.completions(typed, systems, releases)
        readings = self.readings(typed, completions)
        if finished or not completions:
            readings += engine.read(text)
        if not finished and len(typed[-1]) >= weights.SUGGEST_PREFIX_MIN:
            readings.append(Reading(text, weights.SUGGEST_PREFIX_WEIGHT, prefix_last=True))
        scope = engine.scope(systems, billable_only, "", releases)
        depth = limit * weights.SUGGEST_CANDIDATES_PER_HIT
        seen = {(hit.document.system, hit.document.code) for hit in hits}
        cap = common_cap(len(typed[-1]) if typed[-1] else len(text.strip()))
        for hit in engine.text_hits(readings, scope=scope, depth=depth, seeds=self.seeds):
            if (hit.document.system, hit.document.code) not in seen:
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


def _root(word: str) -> str:
    """The part of a word its stem keeps ("urinary" -> "urinar"): the start of every word
    of its family in titles."""
    root = os.path.commonprefix([word, stem(word)])
    return root if len(root) >= 3 else word


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
