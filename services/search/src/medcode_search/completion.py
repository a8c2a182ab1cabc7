"""Which words a half-typed word most likely is: type-ahead's completions.

A type-ahead query ends in a word still being typed ("toothac", "sprained ank"). Searching
for that fragment as a prefix of every title word finds thousands of codes with nothing to
rank them by; completing it to whole words first ("toothache", "ankle") lets the normal
ranking (synonyms, word families, typo correction of the finished words) do the rest.

Every word codes are known by (titles, inclusion terms, index lines) is a completion, and so
is every word of a lay phrase in the synonym list ("dandruff"). A word's prior is how often
codes say it, plus how often the commonly looked-up codes (`commonness`) say it. A lay
phrase whose start was typed is completed whole ("runny no" -> "nose", "shortness o" -> "of
breath", "underactive" -> "underactive thyroid", and after a space "pink " -> "eye"). When
earlier words were typed, words that share titles with them ("otitis me" -> "media") come
before words that share none.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from medcode_search import weights
from medcode_search.query import CONNECTORS, FREE_WORDS

#: Completions kept per prefix of up to this many letters, precomputed (short prefixes
#: match thousands of words; longer ones are ranked on the fly).
_PRECOMPUTED = 3


@dataclass(frozen=True, slots=True)
class Completion:
    """What the fragment (or, after a space, the next words) most likely is: one word or the
    rest of a lay phrase, with its score (higher is likelier)."""

    word: str
    score: float


class _Vocabulary:
    """The completions of one set of code systems: each word's prior and, per short prefix,
    its likeliest words."""

    def __init__(
        self, counts: Mapping[str, float], common: Mapping[str, float], lay_words: set[str]
    ) -> None:
        priors: dict[str, float] = {}
        for word in {*counts, *lay_words}:
            if word in FREE_WORDS or not word.isalnum():
                continue
            count = counts.get(word, 0) or (
                weights.COMPLETION_LAY_COUNT if word in lay_words else 0
            )
            priors[word] = math.log1p(count) + weights.COMPLETION_COMMON_BONUS * common.get(
                word, 0.0
            )
        self.prior = priors
        self.words = sorted(priors)
        top: dict[str, list[str]] = {}
        for word in self.words:
            for length in range(1, min(_PRECOMPUTED, len(word)) + 1):
                top.setdefault(word[:length], []).append(word)
        self.top = {
            p: heapq.nlargest(weights.COMPLETION_SHORTLIST, w, key=priors.__getitem__)
            for p, w in top.items()
        }


class Completer:
    """Completes fragments from one corpus's words and the synonym list's lay phrases; the
    words' priors are those of the code systems searched (one system's own, or all)."""

    def __init__(
        self,
        counts: Mapping[str, Mapping[str, float]],
        *,
        lay_phrases: Iterable[tuple[str, ...]] = (),
        common: Mapping[str, Mapping[str, float]] | None = None,
        system_weights: Mapping[str, float] | None = None,
    ) -> None:
        """`counts` and `common`: system -> word -> count (commonness); `system_weights`: how
        much a system's counts weigh among all systems' (default 1)."""
        common = common or {}
        system_weights = system_weights or {}
        #: word -> the lay phrases (two words or more) that say it, as word tuples.
        self._phrases: dict[str, list[tuple[str, ...]]] = {}
        lay_words: set[str] = set()
        for phrase in lay_phrases:
            lay_words.update(phrase)
            if len(phrase) > 1:
                for word in dict.fromkeys(phrase):
                    self._phrases.setdefault(word, []).append(phrase)
        every: Counter[str] = Counter()
        every_common: Counter[str] = Counter()
        self._systems: dict[str, _Vocabulary] = {}
        for system, said in counts.items():
            mine = common.get(system, {})
            self._systems[system] = _Vocabulary(said, mine, lay_words)
            share = system_weights.get(system, 1.0)
            every.update({word: share * count for word, count in said.items()})
            every_common.update(mine)
        self._every = _Vocabulary(every, every_common, lay_words)
        self._first_words = sorted({p[0] for ps in self._phrases.values() for p in ps})

    def vocabulary(self, systems: Sequence[str] = ()) -> _Vocabulary:
        """The completions of one searched system, or of all of them together."""
        if len(systems) == 1 and systems[0] in self._systems:
            return self._systems[systems[0]]
        return self._every

    def prior(self, word: str, systems: Sequence[str] = ()) -> float:
        """A word's prior among the searched systems (0 for a word nobody says)."""
        return self.vocabulary(systems).prior.get(word, 0.0)

    def shortlist(self, fragment: str, systems: Sequence[str] = ()) -> list[str]:
        """The likeliest words starting with `fragment`, by prior alone."""
        vocabulary = self.vocabulary(systems)
        if len(fragment) <= _PRECOMPUTED:
            return vocabulary.top.get(fragment, [])
        words = vocabulary.words
        low = bisect.bisect_left(words, fragment)
        high = bisect.bisect_left(words, fragment + "\U0010ffff", lo=low)
        if high - low <= weights.COMPLETION_SHORTLIST:
            return words[low:high]
        return heapq.nlargest(
            weights.COMPLETION_SHORTLIST, words[low:high], key=vocabulary.prior.__getitem__
        )

    def phrase_rests(self, typed: Sequence[str], systems: Sequence[str] = ()) -> dict[str, float]:
        """The rests of lay phrases whose start was typed -> their scores: after earlier
        words ("runny no" -> "nose"; "runny" + "" after a space -> "nose"), or from the
        fragment alone when it starts a phrase's first word ("underactiv")."""
        *done, fragment = typed
        prior = self.vocabulary(systems).prior
        found: dict[str, float] = {}
        for start in range(len(done)):
            tail = tuple(done[start:])
            for phrase in self._phrases.get(tail[0], ()):
                size = len(tail)
                if (
                    len(phrase) > size
                    and phrase[:size] == tail
                    and phrase[size].startswith(fragment)
                ):
                    rest = " ".join(phrase[size:])
                    said = max(prior.get(word, 0.0) for word in phrase[size:])
                    score = said + weights.COMPLETION_PHRASE_BONUS
                    found[rest] = max(found.get(rest, 0.0), score)
        if not found and len(fragment) >= weights.COMPLETION_PHRASE_START_LENGTH:
            at = bisect.bisect_left(self._first_words, fragment)
            while at < len(self._first_words) and self._first_words[at].startswith(fragment):
                first = self._first_words[at]
                for phrase in self._phrases[first]:
                    if phrase[0] == first:  # just below the word alone, shorter phrases first
                        gap = weights.COMPLETION_PHRASE_START_GAP * (len(phrase) - 1)
                        found[" ".join(phrase)] = prior.get(first, 0.0) - gap
                at += 1
        return found

    def complete(
        self,
        typed: Sequence[str],
        *,
        systems: Sequence[str] = (),
        context: Mapping[str, int] | None = None,
        limit: int = 3,
    ) -> list[Completion]:
        """The likeliest completions of the last of `typed` (folded words; "" when a space
        ended the last word, to continue with a phrase's next words), best first.

        `context` counts, for candidate words, the titles each shares with the earlier words
        (or, after a space, follows the last of them in); when any has one, words with none
        fall behind.
        """
        *_done, fragment = typed
        prior = self.vocabulary(systems).prior
        found = self.shortlist(fragment, systems) if fragment else []
        scores = {word: prior[word] for word in found}
        if len(fragment) >= weights.COMPLETION_WHOLE_WORD_LENGTH and fragment in prior:
            scores[fragment] = prior[fragment] + weights.COMPLETION_WHOLE_WORD_BONUS
        if context and any(context.values()):
            for word, count in context.items():
                if count and word in prior:
                    base = scores.get(word, prior[word])
                    scores[word] = base + weights.COMPLETION_CONTEXT_WEIGHT * math.log1p(count)
            for word in scores:
                if not context.get(word):
                    scores[word] -= weights.COMPLETION_NO_CONTEXT_PENALTY
        if len(fragment) >= 2 and (fragment in CONNECTORS or fragment in FREE_WORDS):
            # "drainage of": a connector typed whole is the word meant, not "office".
            scores[fragment] = max(scores.values(), default=0.0) + 1.0
        for rest, score in self.phrase_rests(typed, systems).items():
            scores[rest] = max(scores.get(rest, 0.0), score)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [Completion(word, score) for word, score in best]
