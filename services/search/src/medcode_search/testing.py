"""Pytest fixtures: a real search service on loopback over the real codes service (pytest11)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common.grpc_server import create_server, mark_serving
from medcode_search.indexer import IndexHolder
from medcode_search.service import SERVICE_NAME, SearchServicer
from medcode_search.settings import SearchSettings


class SearchThread:
    """The search service on its own event loop; `start()` returns once the index is built."""

    def __init__(self, settings: SearchSettings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-server", daemon=True)
        self.port = 0
        self.holder: IndexHolder | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as error:  # reported by start(), in the test's thread
            self._error = error
            return
        finally:
            self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
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

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(timeout=300):
            raise RuntimeError("search service did not build its index")
        if self._error is not None:
            raise RuntimeError("search service failed to start") from self._error

    def stop(self) -> None:
        async def shutdown() -> None:
            await self._server.stop(0)
            if self.holder is not None:
                await self.holder.close()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


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
