"""The Elasticsearch backend: an index per set of releases behind an alias, one builder.

Every pod ranks with the same engine as the tantivy backend (`engine.SearchEngine`): the
corpus (documents, rarity, code lists, spelling) is held in memory, and only the candidates
of each reading of a query come from Elasticsearch (`elastic_candidates.py`), from the
concrete index the corpus was read from. One pod at a time builds: the one holding the build
lease (`elastic_lease.py`) exports the documents, loads a new index and moves the alias;
the others keep serving and wait, then read the new index back and switch to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from elasticsearch import ApiError, Elasticsearch, TransportError

from medcode_search.backends.base import BackendUnavailable, Fetch, OnSwap, ignore_swap
from medcode_search.backends.elastic_candidates import ElasticCandidates
from medcode_search.backends.elastic_index import IndexStore
from medcode_search.backends.elastic_lease import BuildLease, Held, LeaseLost
from medcode_search.corpus import Corpus
from medcode_search.documents import IndexedCode
from medcode_search.engine import Popularity, SearchEngine
from medcode_search.hits import Ranked
from medcode_search.matching import MatchPage, MatchQuery
from medcode_search.settings import SearchSettings
from medcode_search.synonyms import SynonymExpander, load_synonyms

log = logging.getLogger(__name__)
T = TypeVar("T")


class ElasticBackend:
    """Serves the engine of the concrete index the alias points at; builds under the lease."""

    name = "elasticsearch"

    def __init__(
        self,
        *,
        client: Elasticsearch,
        alias: str,
        replicas: int = 1,
        popularity: Popularity | None = None,
        builds: bool = True,
        holder: str = "",
        lease_seconds: float = 120.0,
        follow_seconds: float = 5.0,
        follow_timeout: float = 600.0,
        warm: bool = True,
    ) -> None:
        self._client = client
        self.alias = alias
        self.store = IndexStore(client, alias=alias, replicas=replicas)
        #: None on pods that only read (MEDCODE_SEARCH_ELASTICSEARCH_BUILDS=false).
        self.lease = (
            BuildLease(
                client,
                alias=alias,
                holder=holder or socket.gethostname(),
                seconds=lease_seconds,
                replicas=replicas,
            )
            if builds
            else None
        )
        self._popularity = popularity
        self._synonyms = SynonymExpander(load_synonyms())
        self._follow_seconds = follow_seconds
        self._follow_timeout = follow_timeout
        self._warm = warm
        self.engine: SearchEngine | None = None
        #: The concrete index the engine's corpus was read from (and searches go to).
        self.serving = ""

    @classmethod
    def connect(cls, settings: SearchSettings, *, popularity: Popularity | None) -> ElasticBackend:
        """A backend on the cluster the settings name (comma-separated nodes)."""
        client = Elasticsearch(
            settings.elasticsearch_url.split(","),
            request_timeout=settings.elasticsearch_timeout_seconds,
        )
        return cls(
            client=client,
            alias=settings.elasticsearch_alias,
            replicas=settings.elasticsearch_replicas,
            popularity=popularity,
            builds=settings.elasticsearch_builds,
            holder=settings.elasticsearch_holder,
            lease_seconds=settings.elasticsearch_lease_seconds,
            follow_seconds=settings.elasticsearch_follow_seconds,
            follow_timeout=settings.elasticsearch_follow_timeout_seconds,
            warm=settings.warm,
        )

    def index_name(self, key: str) -> str:
        """The concrete index of one set of releases under this mapping version."""
        return self.store.index_name(key)

    async def _call(self, work: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(work)
        except (ApiError, TransportError) as error:
            raise BackendUnavailable(f"Elasticsearch: {error}") from error

    # -- building and following ----------------------------------------------------------------
    async def load(self, *, key: str, fetch: Fetch, on_swap: OnSwap = ignore_swap) -> None:
        """Serve `key`'s index: build it under the lease, or wait for the pod that does."""
        target = self.index_name(key)
        deadline = time.monotonic() + self._follow_timeout
        while True:
            current = await self._call(self.store.aliased)
            if current == [target]:
                await self._serve(target, None)
                on_swap()
                return
            # A newer release of this service moved the alias: never build it back.
            held = None if self.store.newer_mapping(current) else await self._acquire(key)
            if held is not None:
                documents = await self._build(held, target, fetch)
                await self._serve(target, documents)
                on_swap()
                return
            if time.monotonic() >= deadline:
                log.info("%s is not aliased yet; still serving %s", target, self.serving or "none")
                return  # a follower keeps what it serves; the next refresh looks again
            await asyncio.sleep(self._follow_seconds)

    async def _acquire(self, key: str) -> Held | None:
        """The build lease for `key`, or None (held elsewhere, or this pod never builds)."""
        lease = self.lease
        return None if lease is None else await self._call(lambda: lease.acquire(key))

    async def _build(self, held: Held, target: str, fetch: Fetch) -> list[IndexedCode] | None:
        """Export, load and swap in `target` while holding the lease (None: it was already
        built by the pod that held the lease before)."""
        assert self.lease is not None
        lease = self.lease
        renewing = asyncio.create_task(self._keep_renewed(lease, held))
        try:
            current = await self._call(self.store.aliased)
            if current == [target]:
                return None
            documents = await fetch()
            await self._call(lambda: self.store.fill(target, documents))
            await _stopped(renewing)
            await self._call(lambda: lease.renew(held))  # LeaseLost: another pod builds now
            deleted = await self._call(lambda: self.store.swap(target, current))
            log.info("alias %s moved to %s (deleted %s)", self.alias, target, deleted or "none")
            return documents
        finally:
            await _stopped(renewing)
            await self._call(lambda: lease.release(held))

    async def _keep_renewed(self, lease: BuildLease, held: Held) -> None:
        """Renew the lease every third of its life while the build runs."""
        while True:
            await asyncio.sleep(lease.seconds / 3)
            try:
                await self._call(lambda: lease.renew(held))
            except LeaseLost:
                log.error("index build lease lost while building %s", held.key)
                return
            except BackendUnavailable as error:
                log.warning("could not renew the index build lease: %s", error)

    async def _serve(self, target: str, documents: list[IndexedCode] | None) -> None:
        """Switch to `target` (read back unless this pod just built it from `documents`)."""
        if self.serving == target and self.engine is not None:
            return
        if documents is None:
            documents = await self._call(lambda: self.store.read(target))
        engine = await asyncio.to_thread(self._engine_over, target, documents)
        self.engine, self.serving = engine, target
        gc.freeze()  # long-lived documents and profiles: keep the collector off them
        log.info("elasticsearch index %s serving %d documents", target, len(documents))

    def _engine_over(self, target: str, documents: list[IndexedCode]) -> SearchEngine:
        source = ElasticCandidates(self._client, target)
        engine = SearchEngine(
            Corpus(documents), source, self._synonyms, popularity=self._popularity
        )
        if self._warm:  # the previous engine answers meanwhile
            engine.warm()
        return engine

    def ready(self) -> bool:
        return self.engine is not None

    def document_count(self) -> int:
        return len(self.engine.documents) if self.engine is not None else 0

    # -- searching ---------------------------------------------------------------------------
    def _serving_engine(self) -> SearchEngine:
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
        engine = self._serving_engine()
        return await self._call(
            lambda: engine.search(
                query,
                systems=systems,
                billable_only=billable_only,
                limit=limit,
                offset=offset,
                within=within,
                releases=releases,
            )
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
        engine = self._serving_engine()
        return await self._call(
            lambda: engine.suggest(
                query,
                systems=systems,
                limit=limit,
                billable_only=billable_only,
                releases=releases,
            )
        )

    async def match_prefixes(self, query: MatchQuery) -> MatchPage:
        return self._serving_engine().matcher.match(query)

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)


async def _stopped(task: asyncio.Task[None]) -> None:
    """Cancel `task` and wait until it has stopped."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
