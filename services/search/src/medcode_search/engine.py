"""Case2Code ranking: exact code, code prefix, then words (stemmed, fuzzy, synonyms).

Code-shaped queries are answered from sorted in-memory code lists (exact first, then the
subtree in code order); words go to tantivy (BM25 over titles and inclusion terms, once per
synonym rewrite or typo correction of the query), and its candidates are re-scored by how
much of the query each code's own words and headings explain (`ranking.Rescorer`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence

import tantivy

from medcode_common.codesystems import MalformedCode, System, normalize_code
from medcode_search.defaults import promote_default_children
from medcode_search.documents import IndexedCode
from medcode_search.explain import explain, explain_profiled
from medcode_search.hits import CODE, FUZZY, PREFIX, SYNONYM, Ranked
from medcode_search.query import parse
from medcode_search.ranking import BM25_SHARE, Rescorer
from medcode_search.spelling import Corrector
from medcode_search.splits import lift_split_headings
from medcode_search.synonyms import SynonymExpander
from medcode_search.word_query import WordQueries

MAX_QUERY = 256
_PREFIX_LIMIT = 500
_REWRITE_WEIGHT = 98.0
_TYPO_WEIGHT = 80.0
#: Candidates taken from the index per reading of the query, then re-scored.
_CANDIDATES = 50
#: Popular codes may gain at most this factor: enough to order near-ties, never to lift a
#: weak match over a clearly better one.
POPULARITY_CAP = 1.1
Popularity = Callable[[str], float]


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
        releases: dict[str, set[str]] = {}  # system -> its releases in this index
        for number, document in enumerate(documents):
            self._codes.setdefault(document.system, []).append(
                (document.code.replace(".", ""), number)
            )
            releases.setdefault(document.system, set()).add(document.release)
        for entries in self._codes.values():
            entries.sort()
        self._in_order = self._addresses_are_positions()
        self._rescorer = Rescorer(documents, self._searcher)
        self._queries = WordQueries(
            self._schema,
            self._rescorer,
            systems=set(self._codes),
            releases=releases,
            has_tables=any(d.table_terms for d in documents),
            has_index_lines=any(d.index_terms or d.table_terms for d in documents),
        )
        self._corrector = Corrector(
            (text for d in documents for text in (d.title, *d.word_texts, *d.table_terms)),
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
        filters = self._queries.filters(systems, billable_only, within, releases)
        named: set[str] = set()  # every stem of every reading: did it name a side?
        for variant, weight, kind in self._variants(text, prefix_last):
            parsed = parse(variant)
            if not parsed.words:
                continue
            named.update(parsed.stems)
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._queries.words(parsed, prefix_last)), *filters]
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

    def _explain(self, hit: Ranked, query: str) -> None:
        if hit.number < 0:
            explain(hit, query)
        else:
            explain_profiled(hit, query, self._rescorer.profile(hit.number))

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
            self._explain(hit, text)
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
            self._explain(hit, text)
        return hits[:limit]
