"""Pytest fixtures: a real search service on loopback over the real codes service (pytest11)."""

from __future__ import annotations

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
        warm=False,  # ~15 s of profiling per session; test_rescoring covers warming itself
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
