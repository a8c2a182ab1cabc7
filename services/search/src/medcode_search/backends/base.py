"""The interface every search backend offers the service: load an index, search, suggest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Protocol

from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine
from medcode_search.hits import Ranked
from medcode_search.matching import MatchPage, MatchQuery

Fetch = Callable[[], Awaitable[list[IndexedCode]]]
"""Exports the documents of the releases being indexed (only called when a build is needed)."""
OnSwap = Callable[[], None]
"""Called in the same step as the index of a `load` starts serving (see `SearchBackend.load`)."""


def ignore_swap() -> None:
    """The default `on_swap`: nothing to record."""


class BackendUnavailable(RuntimeError):
    """No index is served yet, or the search engine cannot be reached."""


class SearchBackend(Protocol):
    """One index behind the gRPC service. Every backend serves a `SearchEngine` (one ranking)
    whose candidates come from its own index.

    `load` builds (or reopens) the index named `key` and switches to it only when it is
    complete, so searches keep answering from the previous index meanwhile.
    """

    name: str
    #: The engine being served (None before the first index is ready).
    engine: SearchEngine | None

    async def load(self, *, key: str, fetch: Fetch, on_swap: OnSwap = ignore_swap) -> None:
        """Serve the index of `key` (a fingerprint of releases), building it when missing.

        `on_swap` runs with no await between it and the switch (or at once when `key`
        already serves), so the caller can record which releases are served in the same
        step; it does not run when this replica keeps serving another index (a follower).
        """
        ...

    def ready(self) -> bool:
        """True once some index is being served."""
        ...

    def document_count(self) -> int:
        """Documents in the index being served."""
        ...

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
        """Ranked hits for one page and the total; ValueError for a bad query. `releases`
        (system -> release) searches one release of each system it names, and only those."""
        ...

    async def suggest(
        self,
        query: str,
        *,
        systems: Sequence[str],
        limit: int,
        billable_only: bool = False,
        releases: Mapping[str, str] | None = None,
    ) -> list[Ranked]:
        """Type-ahead completions; ValueError for a bad query."""
        ...

    async def match_prefixes(self, query: MatchQuery) -> MatchPage:
        """Clinical Tables matching over the served corpus (the same for every backend);
        ValueError for bad input."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
