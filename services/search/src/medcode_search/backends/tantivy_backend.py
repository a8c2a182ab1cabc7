"""The embedded backend: a tantivy index per set of releases, in its own folder.

The folder is named by the releases' fingerprint and keeps the documents beside the index,
so a restart reopens it in about 2 s and a new release builds beside the old one while the
old one keeps serving.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import tantivy

from medcode_search import documents, index
from medcode_search.backends.base import BackendUnavailable, Fetch, OnSwap, ignore_swap
from medcode_search.backends.tantivy_candidates import TantivyCandidates
from medcode_search.corpus import Corpus
from medcode_search.documents import IndexedCode
from medcode_search.engine import Popularity, SearchEngine
from medcode_search.hits import Ranked
from medcode_search.matching import MatchPage, MatchQuery
from medcode_search.synonyms import SynonymExpander, load_synonyms

log = logging.getLogger(__name__)
#: Index folders are named by a release-set fingerprint (indexer.fingerprint).
_INDEX_FOLDER = re.compile(r"[0-9a-f]{16}")


def tantivy_engine(
    docs: Sequence[IndexedCode],
    built: tantivy.Index | None = None,
    *,
    synonyms: SynonymExpander | None = None,
    popularity: Popularity | None = None,
) -> SearchEngine:
    """The search engine over `docs` with candidates from a tantivy index of them (built in
    memory when not given): what the tantivy backend serves, for tests and benchmarks."""
    built = built if built is not None else index.build(docs, None)
    synonyms = synonyms if synonyms is not None else SynonymExpander(load_synonyms())
    source = TantivyCandidates(built, len(docs))
    return SearchEngine(Corpus(docs), source, synonyms, popularity=popularity)


class TantivyBackend:
    """Serves one immutable SearchEngine and replaces it whole when a new index is ready."""

    name = "tantivy"

    def __init__(
        self, *, index_dir: Path, popularity: Popularity | None = None, warm: bool = True
    ) -> None:
        self._index_dir = index_dir
        self._popularity = popularity
        self._warm = warm
        self._synonyms = SynonymExpander(load_synonyms())
        self._key = ""
        self.engine: SearchEngine | None = None

    async def load(self, *, key: str, fetch: Fetch, on_swap: OnSwap = ignore_swap) -> None:
        if key == self._key and self.engine is not None:
            on_swap()
            return
        folder = self._index_dir / key
        sidecar = folder / "documents.jsonl"
        if sidecar.exists():
            docs = list(documents.load(sidecar))
            built = await asyncio.to_thread(index.open_saved, folder / "tantivy")
        else:
            docs = await fetch()
            folder.mkdir(parents=True, exist_ok=True)
            built = await asyncio.to_thread(index.build, docs, folder / "tantivy")
            documents.save(sidecar, docs)
        engine = await asyncio.to_thread(
            tantivy_engine,
            docs,
            built,
            synonyms=self._synonyms,
            popularity=self._popularity,
        )
        if self._warm:  # the old engine answers meanwhile; cold, the first queries are slower
            await asyncio.to_thread(engine.warm)
        self.engine = engine
        self._key = key
        on_swap()
        # A million long-lived objects (documents, stem profiles): freezing them keeps the
        # collector from walking them all (a full pass takes seconds) in the middle of a query.
        gc.freeze()
        await asyncio.to_thread(remove_stale_indexes, self._index_dir, keep=key)
        log.info("tantivy index %s serving %d documents", key, len(docs))

    def ready(self) -> bool:
        return self.engine is not None

    def document_count(self) -> int:
        return len(self.engine.documents) if self.engine is not None else 0

    def _serving(self) -> SearchEngine:
        if self.engine is None:
            raise BackendUnavailable("the search index is being built")
        return self.engine

    async def search(
        self,
        query: str,
        *,
        systems: Sequence[str],
        billable_only: bool,
        limit: int,
        offset: int,
        within: str,
        releases: Mapping[str, str] | None = None,
    ) -> tuple[list[Ranked], int]:
        return self._serving().search(
            query,
            systems=systems,
            billable_only=billable_only,
            limit=limit,
            offset=offset,
            within=within,
            releases=releases,
        )

    async def suggest(
        self,
        query: str,
        *,
        systems: Sequence[str],
        limit: int,
        billable_only: bool = False,
        releases: Mapping[str, str] | None = None,
    ) -> list[Ranked]:
        return self._serving().suggest(
            query,
            systems=systems,
            limit=limit,
            billable_only=billable_only,
            releases=releases,
        )

    async def match_prefixes(self, query: MatchQuery) -> MatchPage:
        return self._serving().matcher.match(query)

    async def close(self) -> None:
        """Nothing to release: the engine stays usable in process (benchmarks read it)."""


def remove_stale_indexes(index_dir: Path, *, keep: str) -> list[str]:
    """Delete the index folders of earlier release sets once a newer one serves, as the
    Elasticsearch backend deletes its old indices: each holds about 100 MB and would
    otherwise pile up with every release. Files that are not index folders stay."""
    removed = []
    for folder in sorted(index_dir.iterdir()) if index_dir.is_dir() else []:
        if folder.name == keep or not folder.is_dir() or not _INDEX_FOLDER.fullmatch(folder.name):
            continue
        if not (folder / "documents.jsonl").exists() and not (folder / "tantivy").exists():
            continue
        # An engine still answering from it keeps its open files (mmap) until it is dropped.
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    if removed:
        log.info("removed %d earlier index folder(s): %s", len(removed), ", ".join(removed))
    return removed
