"""Pytest fixtures: a real search service on loopback over the real codes service (pytest11).

`search_address` serves the embedded tantivy backend. `backend_search_address` (and
`backend_indexed_search_address`) run a test once per backend: tantivy always, and
Elasticsearch when ELASTICSEARCH_URL points at a cluster (the service builds its own alias
there and deletes it afterwards); without it the Elasticsearch run is skipped and says so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medcode_common.events import EventBus, create_bus
from medcode_common.loop_thread import LoopThread
from medcode_search.app import SearchApp
from medcode_search.settings import SearchSettings


class SearchThread(LoopThread):
    """The search service on its own event loop; `start()` returns once an index is served."""

    name = "search-server"

    def __init__(
        self, settings: SearchSettings, *, bus_factory: Callable[[], EventBus] = create_bus
    ) -> None:
        super().__init__()
        self._settings = settings
        self._bus_factory = bus_factory
        self.port = 0
        self.app: SearchApp | None = None

    async def startup(self) -> None:
        self.app = SearchApp(self._settings, bus_factory=self._bus_factory)
        self.port = await self.app.start()
        await self.app.wait_ready()

    async def shutdown(self) -> None:
        if self.app is not None:
            await self.app.stop(0)


def _serve(codes_address: str, index_dir: Path) -> Iterator[str]:
    settings = SearchSettings(
        host="127.0.0.1",
        port=0,
        codes_addr=codes_address,
        index_dir=index_dir,
        events=False,
        warm=False,  # seconds of profiling per session; test_rescoring covers warming itself
    )
    server = SearchThread(settings)
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop()


@pytest.fixture(scope="session")
def search_address(codes_address: str, codes_data_dir: Path) -> Iterator[str]:
    """host:port of a real search service indexing the test codes service (index reused)."""
    yield from _serve(codes_address, codes_data_dir / "search")


@pytest.fixture(scope="session")
def indexed_search_address(indexed_codes_address: str, codes_data_dir: Path) -> Iterator[str]:
    """host:port of a real search service over a codes service with the alphabetic index
    files loaded (its index is kept beside the default one, and reused)."""
    yield from _serve(indexed_codes_address, codes_data_dir / "search-indexed")


NO_CLUSTER = "ELASTICSEARCH_URL not set: the Elasticsearch backend is not tested here"
BACKENDS = ("tantivy", "elasticsearch")


def _serve_elasticsearch(codes_address: str, index_dir: Path) -> Iterator[str]:
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        pytest.skip(NO_CLUSTER)
    alias = f"medcode-test-{uuid.uuid4().hex[:8]}"
    settings = SearchSettings(
        host="127.0.0.1",
        port=0,
        backend="elasticsearch",
        elasticsearch_url=url,
        elasticsearch_alias=alias,
        elasticsearch_replicas=0,
        elasticsearch_timeout_seconds=120,
        codes_addr=codes_address,
        index_dir=index_dir,
        events=False,
        warm=False,
    )
    server = SearchThread(settings)
    server.start(timeout=1800)  # bulk-loading every code set into a cluster takes a while
    try:
        yield f"127.0.0.1:{server.port}"
    finally:
        server.stop()
        from elasticsearch import Elasticsearch

        with Elasticsearch(url.split(",")) as client:
            # Delete by name: clusters refuse wildcard deletes (action.destructive_requires_name).
            for name in client.indices.get(index=f"{alias}-*", allow_no_indices=True):
                client.indices.delete(index=name)


@pytest.fixture(scope="session")
def elasticsearch_search_address(
    codes_address: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """host:port of a real search service on the Elasticsearch backend (skipped without
    ELASTICSEARCH_URL)."""
    yield from _serve_elasticsearch(codes_address, tmp_path_factory.mktemp("es-search"))


@pytest.fixture(scope="session")
def elasticsearch_indexed_search_address(
    indexed_codes_address: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The Elasticsearch backend over the codes service with the index files loaded."""
    yield from _serve_elasticsearch(indexed_codes_address, tmp_path_factory.mktemp("es-indexed"))


@pytest.fixture(scope="session", params=BACKENDS)
def backend_search_address(request: pytest.FixtureRequest) -> str:
    """host:port of a search service on each backend in turn (one test run per backend)."""
    name = "search_address" if request.param == "tantivy" else "elasticsearch_search_address"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="session", params=BACKENDS)
def backend_indexed_search_address(request: pytest.FixtureRequest) -> str:
    """Like `backend_search_address`, over the codes service with the index files loaded."""
    if request.param == "tantivy":
        return str(request.getfixturevalue("indexed_search_address"))
    return str(request.getfixturevalue("elasticsearch_indexed_search_address"))
