"""What the words typed so far most likely are: type-ahead's reading of a half-typed query.

The last word is a fragment being typed, unless the text ends in a space; earlier words are
finished, or prefixes themselves ("chron kid dis"). `Completer` ranks whole words and lay
phrases by their priors; this module adds what the earlier words say about the fragment,
from the titles they share (each searched release's `PrefixIndex`), and turns the likeliest
completions into weighted search readings.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from medcode_search import weights
from medcode_search.completion import Completer, Completion
from medcode_search.matching import PrefixMatcher
from medcode_search.prefix_match import PrefixIndex
from medcode_search.query import CONNECTORS, stem
from medcode_search.readings import Reading

#: About how many words a title has: reading titles costs this per title.
_WORDS_PER_TITLE = 8
#: Earlier words completed as prefixes at most (each costs a count over titles).
_MOST_EARLIER = 4


class Guesser:
    """Completes half-typed queries for one corpus (its words, titles and readings)."""

    def __init__(
        self,
        completer: Completer,
        matcher: PrefixMatcher,
        read: Callable[[str], list[Reading]],
    ) -> None:
        self.completer = completer
        self._matcher = matcher
        #: How a search reads a text (as typed, synonym rewrite, typo corrections).
        self._read = read

    def indexes(
        self, systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[PrefixIndex]:
        """Each searched release's title words ("" when no release was chosen: all of them)."""
        chosen = releases if releases is not None else dict.fromkeys(systems, "")
        return [self._matcher.index(s, chosen[s]) for s in systems if s in chosen]

    def completions(
        self, typed: Sequence[str], systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[Completion]:
        """The likeliest completions of the fragment ("" after a space: the next words),
        given the words typed before it."""
        *done, fragment = typed
        indexes = self.indexes(systems, releases) if done else []
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
            rows: frozenset[int] | None = None
            for earlier in done:
                said = index.word_rows(_root(earlier)) if earlier not in CONNECTORS else None
                if said:
                    rows = said if rows is None else rows & said
            if not rows:
                continue
            cost = index.postings_in(fragment)
            if cost <= min(weights.CONTEXT_POSTINGS, len(rows) * _WORDS_PER_TITLE):
                among = index.words_among(fragment, rows)  # the fragment's words' own rows
            elif len(rows) <= weights.CONTEXT_ROWS and len(fragment) > 1:  # the titles' words
                among = Counter(
                    w for n in rows for w in set(index.rows[n].folded) if w.startswith(fragment)
                )
            else:  # one letter, or a common fragment and many titles: its likeliest words
                among = Counter(
                    {w: len(rows & index.word_rows(w)) for w in self.completer.shortlist(fragment)}
                )
            counts.update(among)
        return counts

    def complete_earlier(
        self, typed: list[str], systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[str]:
        """Earlier words may be prefixes too ("chron kid dis"): each that no code or lay
        phrase says as typed is completed to its likeliest word among the others; a word
        that starts no word is left to typo correction ("diabetis")."""
        *done, last = typed
        prior = self.completer.vocabulary(systems).prior
        known = [w for w in done if w in prior or w in CONNECTORS or w.isdigit()]
        if len(known) == len(done) or len(done) - len(known) > _MOST_EARLIER:
            return typed  # a pasted paragraph is not type-ahead: typo correction only
        indexes = self.indexes(systems, releases)
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
            for reading in self._read(" ".join([*done, completion.word])):
                weighted = Reading(reading.text, reading.weight * factor, reading.kind)
                kept = found.get(weighted.text)
                if kept is None or kept.weight < weighted.weight:
                    found[weighted.text] = weighted
        return list(found.values())


def _root(word: str) -> str:
    """The part of a word its stem keeps ("urinary" -> "urinar"): the start of every word
    of its family in titles."""
    root = os.path.commonprefix([word, stem(word)])
    return root if len(root) >= 3 else word
