"""Case2Code ranking: exact code, code prefix, then words (stemmed, fuzzy, synonyms).

Code-shaped queries are answered from sorted in-memory code lists (exact first, then the
subtree in code order); words go to tantivy (BM25 over titles and inclusion terms, once per
synonym rewrite or typo correction of the query), and its candidates are re-scored by how
much of the query each code's own words and headings explain (`ranking.Rescorer`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import tantivy

from medcode_codes.normalize import MalformedCode, normalize_code
from medcode_codes.systems import System
from medcode_search.defaults import promote_default_children
from medcode_search.documents import IndexedCode
from medcode_search.index import edition
from medcode_search.query import ParsedQuery, parse, text_stems, texts_stems
from medcode_search.ranking import BM25_SHARE, Rescorer
from medcode_search.spelling import WORD, Corrector
from medcode_search.splits import lift_split_headings
from medcode_search.synonyms import SynonymExpander, normalise_phrase

MAX_QUERY = 256
CODE, PREFIX, TITLE, TERM, SYNONYM, FUZZY = "code", "prefix", "title", "term", "synonym", "fuzzy"
HEADING, REFERENCE = "heading", "reference"
_PREFIX_LIMIT = 500
_REWRITE_WEIGHT = 98.0
_TYPO_WEIGHT = 80.0
#: How much a stem found in the title (BM25), an inclusion term or a heading above (rarity)
#: counts when choosing candidates.
_TITLE_BOOST, _TERM_BOOST = 3.0, 3.0
_CONTEXT_BOOST = 0.5
#: Words other codes' notes say about a code ("chilblains (T69.1)") choose it too, modestly.
REFERENCED_BOOST = 1.0
#: Candidates taken from the index per reading of the query, then re-scored.
_CANDIDATES = 50
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
    number: int = -1  # the document's position, when it came from the word index


def check_query(query: str) -> str:
    """The stripped query, or ValueError for empty or over-long input."""
    text = query.strip()
    if not text:
        raise ValueError("the query is empty; type a code or some words")
    if len(text) > MAX_QUERY:
        raise ValueError(f"the query is {len(text)} characters; at most {MAX_QUERY}")
    return text


def popularity_factor(popularity: Popularity | None, code: str) -> float:
    """The popularity multiplier for `code`, clamped to [1.0, POPULARITY_CAP] whatever it says."""
    if popularity is None:
        return 1.0
    factor = popularity(code)
    return min(max(factor, 1.0), POPULARITY_CAP) if factor == factor else 1.0  # NaN -> 1.0


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
        #: system -> its releases in this index (a filter is needed only when there are several).
        self._releases: dict[str, set[str]] = {}
        for document in documents:
            self._releases.setdefault(document.system, set()).add(document.release)
        for number, document in enumerate(documents):
            self._codes.setdefault(document.system, []).append(
                (document.code.replace(".", ""), number)
            )
        for entries in self._codes.values():
            entries.sort()
        self._in_order = self._addresses_are_positions()
        self._rescorer = Rescorer(documents, self._searcher)
        self._corrector = Corrector(
            (text for d in documents for text in (d.title, *d.terms)),
            self._searcher,
            self._schema,
            lambda address: self.documents[self._doc(address)].title,
        )

    def warm(self) -> None:
        """Profile every document now (seconds of CPU) rather than on first use, so the first
        queries after a build are as fast as later ones; run it in a worker thread."""
        for number in range(len(self.documents)):
            self._rescorer.profile(number)

    def _addresses_are_positions(self) -> bool:
        """True when tantivy's doc ids are the documents' positions (one segment, in order),
        so a hit needs no stored-field read to find its document."""
        if self._searcher.num_segments != 1 or self._searcher.num_docs != len(self.documents):
            return False
        probes = {0, len(self.documents) // 2, len(self.documents) - 1} - {-1}
        return all(self._searcher.doc(tantivy.DocAddress(0, n))["doc"][0] == n for n in probes)

    def _doc(self, address: tantivy.DocAddress) -> int:
        if self._in_order:
            return int(address.doc)
        return int(self._searcher.doc(address)["doc"][0])

    # -- codes -----------------------------------------------------------------------------
    def _code_hits(
        self, text: str, systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[Ranked]:
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
                if releases is not None and self.documents[number].release != releases[system]:
                    continue
                exact = key == bare
                score = 1000.0 if exact else 900.0 - offset * 0.001
                hits.append(Ranked(self.documents[number], score, [CODE if exact else PREFIX]))
        return hits

    # -- words -----------------------------------------------------------------------------
    def _filters(
        self,
        systems: Sequence[str],
        billable_only: bool,
        within: str,
        releases: Mapping[str, str] | None = None,
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses = []
        if releases is not None and any(
            self._releases.get(s, set()) - {releases[s]} for s in systems
        ):
            # Several releases of a searched system are indexed: keep the chosen one of each.
            chosen = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "edition", key))
                for key in (edition(s, releases[s]) for s in systems)
            ]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(chosen)))
        if systems and set(systems) != set(self._codes):  # every system: nothing to filter
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

    def _stem_clauses(self, stem: str, rarity: float) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """One stem's clauses: BM25 on titles, its rarity on terms, headings and notes."""
        title = tantivy.Query.term_query(self._schema, "title", stem)
        term = tantivy.Query.term_query(self._schema, "terms", stem)
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(title, _TITLE_BOOST)),
            (tantivy.Occur.Should, tantivy.Query.const_score_query(term, _TERM_BOOST * rarity)),
        ]
        # The index's main term often lives only in a heading or another code's note.
        for name, boost in (("context", _CONTEXT_BOOST), ("referenced", REFERENCED_BOOST)):
            if boost:
                found = tantivy.Query.term_query(self._schema, name, stem)
                scored = tantivy.Query.const_score_query(found, boost * rarity)
                clauses.append((tantivy.Occur.Should, scored))
        return clauses

    def _word_query(self, parsed: ParsedQuery, prefix_last: bool) -> tantivy.Query:
        """A flat OR of stem terms, cheap for tantivy to take the top k of.

        Titles score by BM25. Inclusion terms score a constant per stem (its rarity): most
        codes have none, so BM25's length normalisation would make any code that has several
        look far longer than average and bury a term that says exactly what was asked.
        """
        stems = parsed.searched
        if prefix_last:
            stems = tuple(stem for stem in stems if stem not in text_stems(parsed.words[-1]))
        clauses = []
        for asked in stems:
            rarity = self._rescorer.weight(asked)
            for stem in (asked, *self._rescorer.families.others(asked)):
                clauses.extend(self._stem_clauses(stem, rarity))
        if prefix_last:
            # Type-ahead: the last word is still being typed, so match it as a prefix.
            pattern = re.escape(parsed.words[-1]) + ".*"
            query = tantivy.Query.regex_query(self._schema, "title_raw", pattern)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, 2.0)))
        return tantivy.Query.boolean_query(clauses)

    def _variants(self, text: str, prefix_last: bool) -> list[tuple[str, float, str]]:
        """(text, weight, kind) per way of reading the query: as typed, its clinical
        rewrite, its typo correction. Each reading's best hit scores about its weight."""
        if prefix_last:
            return [(text, 100.0, "")]
        typed = parse(text).words
        expansions = self._synonyms.expand(text)
        covered = sum(len(lay.split()) for lay, _clinical in expansions)
        whole_lay_phrase = bool(expansions) and covered >= len(typed)
        # A lay phrase is a known phrase, not a typo ("underactive" is not "interactive").
        lay = {word for phrase, _clinical in expansions for word in phrase.split()}
        corrected = [w if w in lay else self._corrector.correct(w) for w in typed]
        fixed = corrected != list(typed)
        literal = _REWRITE_WEIGHT if whole_lay_phrase else _TYPO_WEIGHT if fixed else 100.0
        variants = [(text, literal, "")]
        for rewrite in self._synonyms.rewrite(text)[1:]:
            variants.append((rewrite, 100.0 if whole_lay_phrase else _REWRITE_WEIGHT, SYNONYM))
        if fixed:
            variants.append((" ".join(corrected), 100.0, FUZZY))
        return variants

    def _text_hits(
        self,
        text: str,
        *,
        systems: Sequence[str],
        billable_only: bool,
        within: str,
        depth: int,
        prefix_last: bool,
        releases: Mapping[str, str] | None = None,
    ) -> list[Ranked]:
        found: dict[int, Ranked] = {}
        filters = self._filters(systems, billable_only, within, releases)
        named: set[str] = set()  # every stem of every reading: did it name a side?
        for variant, weight, kind in self._variants(text, prefix_last):
            parsed = parse(variant)
            if not parsed.words:
                continue
            named.update(parsed.stems)
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._word_query(parsed, prefix_last)), *filters]
            )
            results = self._searcher.search(query, depth, count=False).hits
            top = results[0][0] if results else 1.0
            asked = self._rescorer.ask(parsed.stems)
            for score, address in results:
                number = self._doc(address)
                profile = self._rescorer.profile(number)
                if prefix_last:
                    fit = score / top
                else:
                    fit = BM25_SHARE * score / top + self._rescorer.quality(profile, asked)
                ranked = Ranked(self.documents[number], weight * fit * profile.prior)
                ranked.reasons = [kind] if kind else []
                ranked.matched_text = variant if kind else ""
                ranked.number = number
                previous = found.get(number)
                if previous is None or previous.score < ranked.score:
                    found[number] = ranked
        hits = list(found.values())
        promote_default_children(hits, self._rescorer.defaults)
        lift_split_headings(hits, self._rescorer.splits, frozenset(named))
        return hits

    @staticmethod
    def explain(hit: Ranked, query: str) -> None:
        """Fill in why a hit matched (title, inclusion term, synonym, fuzzy): only for the
        hits a caller will see, since it reads every inclusion term."""
        if CODE in hit.reasons or PREFIX in hit.reasons:
            return
        words = WORD.findall(normalise_phrase(hit.matched_text or query))
        document = hit.document
        title_words = set(WORD.findall(normalise_phrase(document.title)))
        stems = {w[:5] for w in title_words}
        in_title = [w for w in words if w in title_words or (len(w) >= 5 and w[:5] in stems)]
        reasons = list(hit.reasons)
        if in_title:
            reasons.append(TITLE)
        for term in document.terms:
            term_words = set(WORD.findall(normalise_phrase(term)))
            if any(w in term_words for w in words if w not in in_title):
                reasons.append(TERM)
                hit.matched_text = hit.matched_text or term
                break
        else:
            if not in_title and not reasons:
                asked = text_stems(hit.matched_text or query)
                lent = texts_stems(document.referenced)
                reasons.append(_elsewhere(asked, lent, texts_stems(document.context)))
        hit.reasons = reasons

    def _explain_indexed(self, hit: Ranked, query: str) -> None:
        """`explain` from the stems the re-scoring already holds (no re-tokenising)."""
        if hit.number < 0:
            self.explain(hit, query)
            return
        stems = set(parse(hit.matched_text or query).stems)
        profile = self._rescorer.profile(hit.number)
        title, *terms = (text for text, _core in profile.texts)
        reasons = list(hit.reasons)
        if stems & title:
            reasons.append(TITLE)
        rest = stems - title
        for position, term in enumerate(terms):
            if rest & term:
                reasons.append(TERM)
                hit.matched_text = hit.matched_text or hit.document.terms[position]
                break
        else:
            if not reasons:
                reasons.append(_elsewhere(rest, profile.referenced, profile.context - profile.own))
        hit.reasons = reasons

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
        releases: Mapping[str, str] | None = None,
    ) -> tuple[list[Ranked], int]:
        """Ranked hits for `query` (page `offset`..`offset+limit`) and the total found.

        `popularity` (code -> multiplier, clamped to [1.0, 1.1]; else the engine's own) boosts
        word matches only: an exact code or a code prefix keeps its place. `releases`
        (system -> release, from `releases.choose`) limits each system to one release and
        leaves out systems it does not name; None searches everything indexed.
        """
        text = check_query(query)
        chosen = self._chosen_systems(systems, releases)
        if not chosen:
            return [], 0
        ranked = [
            hit
            for hit in self._code_hits(text, chosen, releases)
            if (not billable_only or hit.document.billable)
            and (not within or within in hit.document.ancestors)
        ]
        seen = {(h.document.system, h.document.code) for h in ranked}
        depth = max(_CANDIDATES, offset + limit + 20)
        for hit in self._text_hits(
            text,
            systems=chosen,
            billable_only=billable_only,
            within=within,
            depth=depth,
            prefix_last=False,
            releases=releases,
        ):
            if (hit.document.system, hit.document.code) not in seen:
                ranked.append(hit)
        self._boost_popular(ranked, popularity)
        ranked.sort(key=lambda hit: -hit.score)
        page = ranked[offset : offset + limit]
        for hit in page:
            self._explain_indexed(hit, text)
        return page, len(ranked)

    def _chosen_systems(
        self, systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[str]:
        chosen = list(systems) or sorted(self._codes)
        return chosen if releases is None else [s for s in chosen if s in releases]

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
        releases: Mapping[str, str] | None = None,
    ) -> list[Ranked]:
        """Type-ahead: codes starting with what was typed, else titles whose words start so."""
        text = check_query(query)
        chosen = self._chosen_systems(systems, releases)
        if not chosen:
            return []
        hits = self._code_hits(text, chosen, releases)
        if len(hits) < limit:
            hits.extend(
                self._text_hits(
                    text,
                    systems=chosen,
                    billable_only=False,
                    within="",
                    depth=limit * 3,
                    prefix_last=True,
                    releases=releases,
                )
            )
        self._boost_popular(hits, popularity)
        hits.sort(key=lambda hit: -hit.score)
        for hit in hits[:limit]:
            self._explain_indexed(hit, text)
        return hits[:limit]


def _elsewhere(asked: AbstractSet[str], lent: AbstractSet[str], headings: AbstractSet[str]) -> str:
    """Why a hit matched when none of its own texts has the words: another code's note names
    it, its heading has them, or only a typo-tolerant reading matched."""
    if asked & lent:
        return REFERENCE
    if asked & headings:
        return HEADING
    return FUZZY
