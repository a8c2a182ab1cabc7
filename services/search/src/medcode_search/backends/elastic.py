"""The Elasticsearch backend: one index per set of releases behind an alias.

A new index is bulk-loaded beside the one being served, refreshed, and then the alias is
moved to it in one update_aliases call (atomic for searchers); the old index is deleted
after the swap. Searches always go to the alias.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import Search
from elasticsearch.helpers import bulk

from medcode_search.backends import elastic_query as rules
from medcode_search.backends.base import BackendUnavailable, Fetch, OnSwap, ignore_swap
from medcode_search.backends.elastic_mapping import (
    MAPPING_VERSION,
    concrete_index,
    from_source,
    to_source,
)
from medcode_search.documents import IndexedCode
from medcode_search.engine import Popularity, check_query, popularity_factor
from medcode_search.explain import explain
from medcode_search.hits import CODE, PREFIX, SYNONYM, Ranked
from medcode_search.synonyms import SynonymExpander, load_synonyms

log = logging.getLogger(__name__)
T = TypeVar("T")
_BULK_CHUNK = 2000


class ElasticBackend:
    """Searches the alias; `load` builds a new concrete index and swaps the alias to it."""

    name = "elasticsearch"

    def __init__(
        self,
        *,
        client: Elasticsearch,
        alias: str,
        replicas: int = 1,
        popularity: Popularity | None = None,
        builds: bool = True,
    ) -> None:
        self._client = client
        self._builds = builds
        self.alias = alias
        self._replicas = replicas
        self._popularity = popularity
        self._synonyms = SynonymExpander(load_synonyms())
        self._serving: str = ""
        self._count = 0

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        alias: str,
        replicas: int,
        timeout: float,
        popularity: Popularity | None,
        builds: bool = True,
    ) -> ElasticBackend:
        """A backend on a cluster at `url` (comma-separated nodes)."""
        client = Elasticsearch(url.split(","), request_timeout=timeout)
        return cls(
            client=client, alias=alias, replicas=replicas, popularity=popularity, builds=builds
        )

    def index_name(self, key: str) -> str:
        """The concrete index of one set of releases under this mapping version."""
        return f"{self.alias}-{MAPPING_VERSION}-{key}"

    async def _call(self, work: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(work)
        except (ApiError, TransportError) as error:
            raise BackendUnavailable(f"Elasticsearch: {error}") from error

    # -- building ----------------------------------------------------------------------------
    async def load(self, *, key: str, fetch: Fetch, on_swap: OnSwap = ignore_swap) -> None:
        target = self.index_name(key)
        current = await self._call(self._aliased)
        if current:
            self._count = await self._call(self._counted)
            self._serving = current[0]  # serve what the alias points at while building
        if current == [target]:
            on_swap()
            return
        if not self._builds:
            return  # a follower serves whatever alias the building replica moved
        documents = await fetch()
        await self._call(lambda: self._build(target, documents))
        self._count = await self._call(lambda: self._counted(target))
        await self._call(lambda: self._swap(target, current))
        self._serving = target
        on_swap()
        log.info("elasticsearch index %s serving %d documents", target, self._count)

    def _aliased(self) -> list[str]:
        found = self._client.options(ignore_status=404).indices.get_alias(name=self.alias)
        return [] if found.meta.status == 404 else sorted(found.body)

    def _counted(self, index: str = "") -> int:
        return int(self._client.count(index=index or self.alias)["count"])

    def _build(self, target: str, documents: Iterable[IndexedCode]) -> None:
        """Create `target` fresh (a leftover from a crashed build is dropped) and fill it."""
        self._client.options(ignore_status=404).indices.delete(index=target)
        concrete_index(target, replicas=self._replicas).create(using=self._client)
        actions = (
            {"_index": target, "_id": f"{d.system}:{d.code}", "_source": to_source(d)}
            for d in documents
        )
        loaded, _errors = bulk(self._client, actions, chunk_size=_BULK_CHUNK)
        self._client.indices.refresh(index=target)
        log.info("elasticsearch index %s loaded %d documents", target, loaded)

    def _swap(self, target: str, previous: Sequence[str]) -> None:
        """Move the alias in one update_aliases call, then delete the indices it left."""
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": self.alias}} for old in previous
        ]
        actions.append({"add": {"index": target, "alias": self.alias}})
        self._client.indices.update_aliases(actions=actions)
        for old in previous:
            if old != target:
                self._client.options(ignore_status=404).indices.delete(index=old)

    def ready(self) -> bool:
        return bool(self._serving)

    def document_count(self) -> int:
        return self._count

    # -- searching ---------------------------------------------------------------------------
    def _ranked(self, request: Search, text: str, rewritten: str) -> tuple[list[Ranked], int]:
        """Run `request`; name why each hit matched from the query clauses it satisfied."""
        response = request.using(self._client).execute()
        ranked = []
        for hit in response:
            found = Ranked(from_source(hit.to_dict()), float(hit.meta.score or 0.0))
            names = set(getattr(hit.meta, "matched_queries", ()) or ())
            if rules.CODE in names:
                found.reasons = [CODE]
            elif rules.PREFIX in names:
                found.reasons = [PREFIX]
            elif rules.SYNONYM in names and rules.TEXT not in names:
                found.reasons, found.matched_text = [SYNONYM], rewritten
            explain(found, text)
            ranked.append(found)
        total = response.hits.total.value  # type: ignore[attr-defined]
        return self._boost(ranked), int(total)

    def _boost(self, ranked: list[Ranked]) -> list[Ranked]:
        """The same bounded popularity multiplier as the engine, on word matches only."""
        if self._popularity is not None:
            for hit in ranked:
                if CODE not in hit.reasons and PREFIX not in hit.reasons:
                    hit.score *= popularity_factor(self._popularity, hit.document.code)
        return sorted(ranked, key=lambda hit: -hit.score)  # stable: code order kept on ties

    def _check_serving(self) -> None:
        if not self._serving:
            raise BackendUnavailable("the search index is being built")

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
        text = check_query(query)
        self._check_serving()
        request = rules.search_request(
            self.alias,
            text,
            systems=systems,
            billable_only=billable_only,
            within=within,
            depth=offset + limit + 20,
            synonyms=self._synonyms,
            releases=releases,
        )
        rewritten = " ".join(rules.rewrite(text, self._synonyms)[0])

        ranked, total = await self._call(lambda: self._ranked(request, text, rewritten))
        return ranked[offset : offset + limit], total

    async def suggest(
        self,
        query: str,
        *,
        systems: Sequence[str],
        limit: int,
        releases: Mapping[str, str] | None = None,
    ) -> list[Ranked]:
        text = check_query(query)
        self._check_serving()
        request = rules.suggest_request(
            self.alias, text, systems=systems, limit=limit, releases=releases
        )
        ranked, _total = await self._call(lambda: self._ranked(request, text, ""))
        return ranked[:limit]

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)
