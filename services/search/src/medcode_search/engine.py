"""Case2Code ranking, one pipeline for every backend: exact code, code prefix, then words.

Code-shaped queries are answered from the corpus's sorted code lists (exact first, then the
subtree in code order). Words are read several ways (as typed, synonym rewrites, typo
correction: `readings.py`); the backend finds each reading's candidates (`CandidateSource`:
tantivy in process or an Elasticsearch index), and this engine re-scores them by how much
of the query each code's own words and headings explain (`ranking.Rescorer`), moves default
children and split headings, and boosts popular codes. Only candidate retrieval differs
between backends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from medcode_search import weights
from medcode_search.candidate_plan import Planner
from medcode_search.candidates import Candidate, CandidateSource, Scope
from medcode_search.code_prefix import search_code_hits
from medcode_search.commonness import Commonness, common_words, load_common_codes
from medcode_search.completion import Completer
from medcode_search.corpus import Corpus
from medcode_search.defaults import promote_default_children
from medcode_search.explain import explain_profiled
from medcode_search.fields import edition
from medcode_search.guesses import Guesser
from medcode_search.hits import CODE, PREFIX, Ranked
from medcode_search.matching import PrefixMatcher
from medcode_search.paging import stitch_tiers
from medcode_search.query import ParsedQuery, parse
from medcode_search.ranking import Profile, Rescorer
from medcode_search.readings import Reader, Reading
from medcode_search.splits import lift_split_headings
from medcode_search.synonyms import SynonymExpander
from medcode_search.typeahead import TypeAhead

MAX_QUERY = 256
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
    # NaN -> 1.0
    return min(max(factor, 1.0), weights.POPULARITY_CAP) if factor == factor else 1.0


class SearchEngine:
    """Ranks one corpus's documents for queries, with candidates from `source`; immutable
    once built, so it is safe to share between threads."""

    def __init__(
        self,
        corpus: Corpus,
        source: CandidateSource,
        synonyms: SynonymExpander,
        *,
        popularity: Popularity | None = None,
        common_codes: Mapping[tuple[str, str], float] | None = None,
    ) -> None:
        """`common_codes` ((system, code) -> 0..1) is type-ahead's start-up commonness list;
        None reads the packaged one (`data/common_codes.tsv`)."""
        self.corpus = corpus
        self.documents = corpus.documents
        self.popularity = popularity
        self.source = source
        self._rescorer = Rescorer(corpus.documents, corpus.frequencies)
        self._planner = Planner(
            rarity=self._rescorer.weight,
            families=self._rescorer.families,
            regions=self._rescorer.regions,
            has_tables=corpus.has_tables,
            has_index_lines=corpus.has_index_lines,
        )
        self._reader = Reader(synonyms, corpus.corrector)
        #: Clinical Tables matching (an AND of prefixes in code order) from the corpus.
        self.matcher = PrefixMatcher(corpus, synonyms, self._rescorer.families)
        listed = load_common_codes() if common_codes is None else common_codes
        commonness = Commonness(corpus.documents, listed)
        completer = Completer(
            corpus.word_counts,
            lay_phrases=[*synonyms.lay_phrases(), *((w,) for w in self._rescorer.families.words())],
            common=common_words(corpus, commonness),
            system_weights=weights.COMPLETION_SYSTEM_WEIGHTS,
        )
        #: Type-ahead: completions of the word being typed, ranked with a commonness prior.
        self.typeahead = TypeAhead(self, Guesser(completer, self.matcher, self.read), commonness)

    def warm(self) -> None:
        """Profile every document now (seconds of CPU) rather than on first use, so the first
        queries after a build are as fast as later ones; run it in a worker thread."""
        for number in range(len(self.documents)):
            self._rescorer.profile(number)
        for system, releases in self.corpus.releases.items():
            for release in releases:  # Clinical Tables and type-ahead's word statistics
                self.matcher.index(system, release)

    # -- words -----------------------------------------------------------------------------
    def scope(
        self,
        systems: Sequence[str],
        billable_only: bool,
        within: str,
        releases: Mapping[str, str] | None,
    ) -> Scope:
        """The filters of a search, leaving out any that would keep everything."""
        editions: tuple[str, ...] = ()
        indexed = self.corpus.releases
        if releases is not None and any(indexed.get(s, set()) - {releases[s]} for s in systems):
            # Several releases of a searched system are indexed: keep the chosen one of each.
            editions = tuple(edition(s, releases[s]) for s in systems)
        every = not systems or set(systems) == set(self.corpus.codes)
        return Scope(editions, () if every else tuple(systems), billable_only, within)

    def _text_hits(self, text: str, *, scope: Scope, depth: int) -> list[Ranked]:
        return self.text_hits(self._reader.read(text, prefix_last=False), scope=scope, depth=depth)

    def read(self, text: str) -> list[Reading]:
        """The readings a search makes of `text` (as typed, synonyms, typo corrections)."""
        return self._reader.read(text, prefix_last=False)

    def text_hits(
        self,
        readings: Sequence[Reading],
        *,
        scope: Scope,
        depth: int,
        seeds: Callable[[ParsedQuery], Sequence[int]] | None = None,
    ) -> list[Ranked]:
        """Each reading's candidates from the backend (one request for all), re-scored;
        `seeds` names more documents to weigh for a reading (those outside `scope` are not)."""
        parsed_readings = [(reading, parse(reading.text)) for reading in readings]
        parsed_readings = [(reading, parsed) for reading, parsed in parsed_readings if parsed.words]
        plans = [
            self._planner.plan(parsed, prefix_last=reading.prefix_last)
            for reading, parsed in parsed_readings
        ]
        results = self.source.candidates(plans, scope, depth) if plans else []
        if seeds is not None:
            results = [
                self._seeded(found, seeds(parsed), scope) if not reading.prefix_last else found
                for (reading, parsed), found in zip(parsed_readings, results, strict=True)
            ]
        found: dict[int, Ranked] = {}
        named: set[str] = set()  # every stem of every reading: did it name a side?
        rescorer = self._rescorer
        for (reading, parsed), candidates in zip(parsed_readings, results, strict=True):
            named.update(parsed.stems)
            best = candidates[0].score if candidates else 1.0
            top = best if best > 0 else 1.0
            asked = rescorer.ask(parsed.stems)
            for candidate in candidates:
                number = candidate.number
                profile = rescorer.profile(number)
                if reading.prefix_last:
                    fit = candidate.score / top
                else:
                    share = weights.BM25_SHARE * candidate.score / top
                    fit = share + rescorer.quality(profile, asked)
                ranked = Ranked(self.documents[number], reading.weight * fit * profile.prior)
                ranked.reasons = [reading.kind] if reading.kind else []
                ranked.matched_text = reading.text if reading.kind else ""
                ranked.number = number
                ranked.read_as = reading.text
                previous = found.get(number)
                if previous is None or previous.score < ranked.score:
                    found[number] = ranked
        hits = list(found.values())
        promote_default_children(hits, rescorer.defaults)
        lift_split_headings(hits, rescorer.splits, frozenset(named))
        return hits

    def _seeded(
        self, found: list[Candidate], numbers: Sequence[int], scope: Scope
    ) -> list[Candidate]:
        """`found` plus the seeded documents in scope, each at the lowest score found (the
        re-scoring decides; an index score is only a small share of it)."""
        have = {candidate.number for candidate in found}
        floor = found[-1].score if found else 0.0
        extra = [
            Candidate(number, floor)
            for number in numbers
            if number not in have and scope.admits(self.documents[number])
        ]
        return found + extra if extra else found

    def profile(self, number: int) -> Profile:
        """Document `number`'s stems as the re-scoring sees them (cached)."""
        return self._rescorer.profile(number)

    def explain(self, hit: Ranked, query: str) -> None:
        if hit.number >= 0:  # a code or code prefix hit says so already
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
        chosen = self.chosen_systems(systems, releases)
        if not chosen:
            return [], 0
        code_hits = [
            hit
            for hit in search_code_hits(self.corpus, text, chosen, releases)
            if (not billable_only or hit.document.billable)
            and (not within or within in hit.document.ancestors)
        ]
        scope = self.scope(chosen, billable_only, within, releases)
        ranked = stitch_tiers(
            offset + limit,
            lambda depth: self._ranked_at(text, code_hits, scope, depth, popularity),
        )
        page = ranked[offset : offset + limit]
        for hit in page:
            self.explain(hit, text)
        return page, len(ranked)

    def _ranked_at(
        self,
        text: str,
        code_hits: list[Ranked],
        scope: Scope,
        depth: int,
        popularity: Popularity | None,
    ) -> list[Ranked]:
        """Every hit found with `depth` candidates per reading, best first (fresh copies of
        the code hits, so ranking at another depth starts from the same scores)."""
        ranked = [replace(hit, reasons=list(hit.reasons)) for hit in code_hits]
        seen = {(h.document.system, h.document.code) for h in ranked}
        for hit in self._text_hits(text, scope=scope, depth=depth):
            if (hit.document.system, hit.document.code) not in seen:
                ranked.append(hit)
        self._boost_popular(ranked, popularity)
        ranked.sort(key=lambda hit: -hit.score)
        return ranked

    def chosen_systems(
        self, systems: Sequence[str], releases: Mapping[str, str] | None
    ) -> list[str]:
        chosen = list(systems) or sorted(self.corpus.codes)
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
        billable_only: bool = False,
        popularity: Popularity | None = None,
        releases: Mapping[str, str] | None = None,
    ) -> list[Ranked]:
        """Type-ahead (`typeahead.TypeAhead`): the fragment being typed completed to whole
        words and searched; a code prefix lists its codes first."""
        text = check_query(query)
        chosen = self.chosen_systems(systems, releases)
        if not chosen:
            return []
        return self.typeahead.suggest(
            text + " " if query[-1:].isspace() else text,  # a space: the last word is done
            systems=chosen,
            releases=releases,
            limit=limit,
            billable_only=billable_only,
            popularity=popularity,
        )
