"""Pytest fixtures: a real search service on loopback over the real codes service (pytest11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common.grpc_server import create_server, mark_serving
from medcode_common.loop_thread import LoopThread
from medcode_search.indexer import IndexHolder
from medcode_search.service import SERVICE_NAME, SearchServicer
from medcode_search.settings import SearchSettings


class SearchThread(LoopThread):
    """The search service on its own event loop; `start()` returns once the index is built."""

    name = "search-server"

    def __init__(self, settings: SearchSettings) -> None:
        super().__init__()
        self._settings = settings
        self.port = 0
        self.holder: IndexHolder | None = None

    async def startup(self) -> None:
        settings = self._settings
        self.holder = IndexHolder(
            index_dir=settings.index_dir,
            codes_addr=settings.codes_addr,
            export_timeout=settings.export_timeout_seconds,
        )
        servicer = SearchServicer(self.holder)
        self._server, self.port, health = create_server(
            settings=settings,
            register=lambda s: pb_grpc.add_SearchServiceServicer_to_server(servicer, s),
        )
        await self._server.start()
        await self.holder.refresh()
        await mark_serving(health, [SERVICE_NAME])

    async def shutdown(self) -> None:
        await self._server.stop(0)
        if self.holder is not None:
            await self.holder.close()


@pytest.fixture(scope="session")
def search_address(codes_address: str, codes_data_dir: Path) -> Iterator[str]:
    """host:port of a real search service indexing the test codes service (index reused)."""
    settings = SearchSettings(
        host="127.0.0.1", port=0, codes_addr=codes_address, index_dir=codes_data_dir / "search"
    )
    server = SearchThread(settings)
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop()
