"""What a product owner asks of search: how often people search, how often they find nothing,
and how long the index being served took to build."""

from __future__ import annotations

from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge

from medcode_search.indexer import IndexHolder

SearchKind = Literal["search", "suggest", "match_prefixes"]


class SearchMetrics:
    """Search counters on one registry (the service's own, or a private one in tests)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.searches = Counter(
            "medcode_searches",
            "Searches answered (search: /v1/search; suggest: type-ahead; match_prefixes: the"
            " Clinical Tables endpoints).",
            ["kind"],
            registry=self.registry,
        )
        self.zero_results = Counter(
            "medcode_zero_result_searches",
            "Searches answered with no hit at all: words the index does not know yet.",
            ["kind"],
            registry=self.registry,
        )

    def answered(self, kind: SearchKind, *, hits: int) -> None:
        """Count one answered search and whether it found anything."""
        self.searches.labels(kind).inc()
        if hits == 0:
            self.zero_results.labels(kind).inc()

    def watch_index(self, holder: IndexHolder) -> None:
        """Read the served index's build time and rebuild state from `holder` at each scrape."""
        Gauge(
            "medcode_search_index_build_seconds",
            "Seconds the served index took to export, build (or reopen) and swap in.",
            registry=self.registry,
        ).set_function(lambda: holder.build_seconds)
        Gauge(
            "medcode_search_index_rebuilding",
            "1 while a new index is being built (the old one keeps answering).",
            registry=self.registry,
        ).set_function(lambda: 1.0 if holder.rebuilding else 0.0)
