"""Case2Code ranking: exact code, code prefix, then words (stemmed, fuzzy, synonyms).

Code-shaped queries are answered from sorted in-memory code lists (exact first, then the
subtree in code order); words go to tantivy (BM25 over titles and inclusion terms, plus
typo-tolerant matches on unstemmed titles), once per synonym rewrite of the query.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import tantivy

from medcode_codes.normalize import MalformedCode, normalize_code
from medcode_codes.systems import System
from medcode_search.documents import IndexedCode
from medcode_search.synonyms import SynonymExpander, normalise_phrase

MAX_QUERY = 256
CODE, PREFIX, TITLE, TERM, SYNONYM, FUZZY = "code", "prefix", "title", "term", "synonym", "fuzzy"
_WORD = re.compile(r"[a-z0-9]+")
_BILLABLE_BOOST = 1.3
#: Small priors a coder would apply between otherwise equal titles.
_TITLE_PRIORS = (
    ("initial encounter", 1.05),
    ("subsequent encounter", 0.95),
    ("sequela", 0.95),
    ("unspecified", 1.02),
)
_PREFIX_LIMIT = 500
_REWRITE_WEIGHT = 98.0
_TYPO_WEIGHT = 80.0
#: Popular codes may gain at most this factor: enough to order near-ties, never to lift a
#: weak match over a clearly better one.
POPULARITY_CAP = 1.1
Popularity = Callable[[str], float]


@dataclass(slots=True)
class Ranked:
    """A hit being ranked: the document, its score and why it matched."""

    document: IndexedCode
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_text: str = ""


def check_query(query: str) -> str:
    """The stripped query, or ValueError for empty or over-long input."""
    text = query.strip()
    if not text:
        raise ValueError("the query is empty; type a code or some words")
    if len(text) > MAX_QUERY:
        raise ValueError(f"the query is {len(text)} characters; at most {MAX_QUERY}")
    return text


def _prior(document: IndexedCode) -> float:
    """Billable codes above their headings; initial encounters and unspecified defaults
    slightly above later encounters, for the same text."""
    boost = _BILLABLE_BOOST if document.billable else 1.0
    if document.billable:
        # The general code (I10, J18.9) before its more specific siblings for generic words.
        boost *= 1 + 0.02 * max(0, 7 - len(document.code.replace(".", "")))
    title = document.title.lower()
    for words, factor in _TITLE_PRIORS:
        if words in title:
            boost *= factor
    return boost


def popularity_factor(popularity: Popularity | None, code: str) -> float:
    """The popularity multiplier for `code`, clamped to [1.0, POPULARITY_CAP] whatever it says."""
    if popularity is None:
        return 1.0
    factor = popularity(code)
    return min(max(factor, 1.0), POPULARITY_CAP) if factor == factor else 1.0  # NaN -> 1.0


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps cost 1), stopping early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _fuzzy_distance(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


class SearchEngine:
    """Ranks documents for queries; immutable once built, so it is safe to share."""

    def __init__(
        self,
        documents: Sequence[IndexedCode],
        index: tantivy.Index,
        synonyms: SynonymExpander,
        *,
        popularity: Popularity | None = None,
    ) -> None:
        self.documents = documents
        self.popularity = popularity
        self._index = index
        self._searcher = index.searcher()
        self._schema = index.schema
        self._synonyms = synonyms
        self._codes: dict[str, list[tuple[str, int]]] = {}
        self._vocabulary: Counter[str] = Counter()
        for number, document in enumerate(documents):
            self._codes.setdefault(document.system, []).append(
                (document.code.replace(".", ""), number)
            )
            self._vocabulary.update(_WORD.findall(document.title.lower()))
        for entries in self._codes.values():
            entries.sort()

    # -- codes -----------------------------------------------------------------------------
    def _code_hits(self, text: str, systems: Sequence[str]) -> list[Ranked]:
        hits: list[Ranked] = []
        for system in systems:
            try:
                canonical = normalize_code(System(system), text)
            except (MalformedCode, ValueError):
                continue
            bare = canonical.replace(".", "")
            entries = self._codes.get(system, [])
            start = bisect.bisect_left(entries, (bare, -1))
            for offset, (key, number) in enumerate(entries[start : start + _PREFIX_LIMIT]):
                if not key.startswith(bare):
                    break
                exact = key == bare
                score = 1000.0 if exact else 900.0 - offset * 0.001
                hits.append(Ranked(self.documents[number], score, [CODE if exact else PREFIX]))
        return hits

    def _doc(self, address: tantivy.DocAddress) -> int:
        return int(self._searcher.doc(address)["doc"][0])

    # -- typos -----------------------------------------------------------------------------
    def _correct(self, word: str) -> str:
        """The indexed word a typo most likely meant ("alzimer" -> "alzheimer"), else itself.

        tantivy's fuzzy automaton finds titles with a word within the edit distance; the
        closest such word (then the most frequent) wins.
        """
        distance = _fuzzy_distance(word)
        if not distance or word in self._vocabulary or word.isdigit():
            return word
        query = tantivy.Query.fuzzy_term_query(
            self._schema, "title_raw", word, distance=distance, transposition_cost_one=True
        )
        best: tuple[int, int, str] | None = None
        for _score, address in self._searcher.search(query, 20).hits:
            title = self.documents[self._searcher.doc(address)["doc"][0]].title.lower()
            for candidate in set(_WORD.findall(title)):
                gap = _edit_distance(word, candidate, distance)
                if gap <= distance:
                    key = (gap, -self._vocabulary[candidate], candidate)
                    best = key if best is None or key < best else best
        return best[2] if best else word

    # -- words -----------------------------------------------------------------------------
    def _filters(
        self, systems: Sequence[str], billable_only: bool, within: str
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses = []
        if systems:
            either = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "system", s))
                for s in systems
            ]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(either)))
        if billable_only:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "billable", 1))
            )
        if within:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "ancestors", within))
            )
        return clauses

    def _word_query(self, words: list[str], prefix_last: bool) -> tantivy.Query:
        text = " ".join(words)
        exact, _errors = self._index.parse_query_lenient(
            text,
            ["title", "terms", "context"],
            field_boosts={"title": 3.0, "terms": 2.0, "context": 0.5},
        )
        clauses = [(tantivy.Occur.Should, exact)]
        if len(words) > 1 and not prefix_last:
            # The whole phrase as written in a title or inclusion term ("high blood pressure"
            # is an inclusion term of I10) outranks the same words scattered.
            phrase, _errors = self._index.parse_query_lenient(
                f'"{text}"', ["terms"], field_boosts={"terms": 15.0}
            )
            clauses.append((tantivy.Occur.Should, phrase))
        if prefix_last:
            # Type-ahead: the last word is still being typed, so match it as a prefix.
            pattern = re.escape(words[-1]) + ".*"
            query = tantivy.Query.regex_query(self._schema, "title_raw", pattern)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, 2.0)))
        # Typos are handled before this point (`_correct` rewrites unknown words), which is
        # both more precise and far cheaper than a fuzzy clause for every word.
        return tantivy.Query.boolean_query(clauses)

    def _text_hits(
        self,
        text: str,
        *,
        systems: Sequence[str],
        billable_only: bool,
        within: str,
        depth: int,
        prefix_last: bool,
    ) -> list[Ranked]:
        found: dict[int, Ranked] = {}
        variants = self._synonyms.rewrite(text) if not prefix_last else [text]
        typed = _WORD.findall(normalise_phrase(text))
        expansions = self._synonyms.expand(text) if not prefix_last else []
        covered = sum(len(lay.split()) for lay, _clinical in expansions)
        whole_lay_phrase = bool(expansions) and covered >= len(typed)
        keep_last = typed[-1:] if prefix_last else []
        corrected = [self._correct(w) for w in typed[: len(typed) - len(keep_last)]] + keep_last
        if corrected != typed:
            variants = [*variants, " ".join(corrected)]
        for index, variant in enumerate(variants):
            words = _WORD.findall(normalise_phrase(variant))
            if not words:
                continue
            query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, self._word_query(words, prefix_last)),
                    *self._filters(systems, billable_only, within),
                ]
            )
            results = self._searcher.search(query, depth).hits
            scored = [(score * _prior(self.documents[self._doc(a)]), a) for score, a in results]
            top = max((score for score, _ in scored), default=0.0) or 1.0
            # Each variant's best hit scores 100 (the original) or a little less (a rewrite),
            # so a lay query's clinical rewrite competes with literal matches of lay words.
            is_fix = corrected != typed and index == len(variants) - 1
            if is_fix:
                weight = 100.0  # the typed words did not exist; the correction is the query
            elif index == 0:
                weight = _TYPO_WEIGHT if corrected != typed else 100.0
                if whole_lay_phrase:
                    weight = _REWRITE_WEIGHT  # "heart attack" means the clinical rewrite
            else:
                weight = 100.0 if whole_lay_phrase else _REWRITE_WEIGHT
            for score, address in scored:
                number = self._doc(address)
                document = self.documents[number]
                ranked = Ranked(document, score / top * weight)
                ranked.reasons, ranked.matched_text = self._why(
                    document, words, synonym=index > 0 and not is_fix
                )
                if is_fix:
                    ranked.reasons = [FUZZY, *[r for r in ranked.reasons if r != FUZZY]]
                    ranked.matched_text = variant
                elif index > 0:
                    ranked.matched_text = variant
                previous = found.get(number)
                if previous is None or previous.score < ranked.score:
                    found[number] = ranked
        return list(found.values())

    @staticmethod
    def _why(document: IndexedCode, words: list[str], *, synonym: bool) -> tuple[list[str], str]:
        title_words = set(_WORD.findall(normalise_phrase(document.title)))
        stems = {w[:5] for w in title_words}
        in_title = [w for w in words if w in title_words or (len(w) >= 5 and w[:5] in stems)]
        reasons = [SYNONYM] if synonym else []
        if in_title:
            reasons.append(TITLE)
        for term in document.terms:
            term_words = set(_WORD.findall(normalise_phrase(term)))
            if any(w in term_words for w in words if w not in in_title):
                reasons.append(TERM)
                return reasons, term
        if not in_title and not synonym:
            reasons.append(FUZZY)
        return reasons, ""

    # -- public ----------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        systems: Sequence[str] = (),
        billable_only: bool = False,
        limit: int = 20,
        offset: int = 0,
        within: str = "",
        popularity: Popularity | None = None,
    ) -> tuple[list[Ranked], int]:
        """Ranked hits for `query` (page `offset`..`offset+limit`) and the total found.

        `popularity` (code -> multiplier, clamped to [1.0, 1.1]; else the engine's own) boosts
        word matches only: an exact code or a code prefix keeps its place.
        """
        text = check_query(query)
        chosen = list(systems) or sorted(self._codes)
        ranked = [
            hit
            for hit in self._code_hits(text, chosen)
            if (not billable_only or hit.document.billable)
            and (not within or within in hit.document.ancestors)
        ]
        seen = {(h.document.system, h.document.code) for h in ranked}
        depth = max(50, offset + limit + 20)
        for hit in self._text_hits(
            text,
            systems=chosen,
            billable_only=billable_only,
            within=within,
            depth=depth,
            prefix_last=False,
        ):
            if (hit.document.system, hit.document.code) not in seen:
                ranked.append(hit)
        self._boost_popular(ranked, popularity)
        ranked.sort(key=lambda hit: -hit.score)
        return ranked[offset : offset + limit], len(ranked)

    def _boost_popular(self, ranked: list[Ranked], popularity: Popularity | None) -> None:
        """Multiply word-match scores by the bounded popularity factor (codes stay put)."""
        chosen = popularity or self.popularity
        if chosen is None:
            return
        for hit in ranked:
            if CODE not in hit.reasons and PREFIX not in hit.reasons:
                hit.score *= popularity_factor(chosen, hit.document.code)

    def suggest(
        self,
        query: str,
        *,
        systems: Sequence[str] = (),
        limit: int = 10,
        popularity: Popularity | None = None,
    ) -> list[Ranked]:
        """Type-ahead: codes starting with what was typed, else titles whose words start so."""
        text = check_query(query)
        chosen = list(systems) or sorted(self._codes)
        hits = self._code_hits(text, chosen)
        if len(hits) < limit:
            hits.extend(
                self._text_hits(
                    text,
                    systems=chosen,
                    billable_only=False,
                    within="",
                    depth=limit * 3,
                    prefix_last=True,
                )
            )
        self._boost_popular(hits, popularity)
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit]
