"""The search service assembled: backend, index holder, gRPC server and event consumers.

Shared by `server.main` (signals, health) and the test plugin (a thread on loopback), so
tests run exactly what production runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import grpc
from grpc_health.v1 import health
from prometheus_client import CollectorRegistry

from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common.events import EventBus, EventConsumer, create_bus
from medcode_common.grpc_server import create_server, mark_serving
from medcode_common.request_ids import bound_request_id, new_request_id
from medcode_common.service_auth import SEARCH, server_interceptor
from medcode_search.access import POLICY
from medcode_search.backends import create_backend
from medcode_search.consumers import RELEASE_PUBLISHED, release_handler
from medcode_search.indexer import IndexHolder
from medcode_search.metrics import SearchMetrics
from medcode_search.popularity import VIEW_CONSUMED, PopularityStore
from medcode_search.service import SERVICE_NAME, SearchServicer
from medcode_search.settings import SearchSettings

log = logging.getLogger(__name__)

POPULARITY_FILE = "popularity.sqlite"


class SearchApp:
    """One search service: `start` binds and serves, `stop` drains and closes everything."""

    def __init__(
        self,
        settings: SearchSettings,
        *,
        bus_factory: Callable[[], EventBus] = create_bus,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = SearchMetrics(registry)
        self._bus_factory = bus_factory
        self.popularity = PopularityStore(
            settings.index_dir / POPULARITY_FILE,
            half_life_days=settings.popularity_half_life_days,
        )
        self.holder = IndexHolder(
            backend=create_backend(settings, popularity=self.popularity.factor),
            codes_addr=settings.codes_addr,
            export_timeout=settings.export_timeout_seconds,
            history=settings.release_history,
        )
        self.metrics.watch_index(self.holder)
        self.consumers: list[EventConsumer] = []
        self.port = 0
        self._server: grpc.aio.Server | None = None
        self._health: health.aio.HealthServicer | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> int:
        """Bind, serve, and start following releases and views; returns the bound port."""
        servicer = SearchServicer(self.holder, metrics=self.metrics)
        self._server, self.port, self._health = create_server(
            settings=self.settings,
            register=lambda s: pb_grpc.add_SearchServiceServicer_to_server(servicer, s),
            auth=server_interceptor(SEARCH, POLICY),
            registry=self.metrics.registry,
        )
        await self._server.start()
        log.info(
            "search service (%s) on %s:%d", self.holder.backend.name, self.settings.host, self.port
        )
        self._refresher = asyncio.create_task(self._keep_fresh())
        if self.settings.events:
            self._start_consumers(asyncio.get_running_loop())
        return self.port

    def _start_consumers(self, loop: asyncio.AbstractEventLoop) -> None:
        on_release = release_handler(
            self.holder.refresh, loop, timeout=self.settings.export_timeout_seconds
        )
        self.consumers = [
            EventConsumer(
                bus_factory=self._bus_factory,
                group=self.settings.release_group,
                types=[RELEASE_PUBLISHED],
                handler=on_release,
            ).start(),
            EventConsumer(
                bus_factory=self._bus_factory,
                group=self.settings.popularity_group,
                types=[VIEW_CONSUMED],
                handler=self.popularity.handle,
            ).start(),
        ]

    async def _keep_fresh(self) -> None:
        """Build the first index as soon as the codes service answers, then poll (fallback)."""
        while not self._stop.is_set():
            try:
                # Each poll is a request of its own: codes' log lines for it carry this id.
                with bound_request_id(new_request_id()):
                    await self.holder.refresh()
            except grpc.aio.AioRpcError as error:
                log.warning("codes service not answering (%s); retrying", error.code().name)
                await asyncio.sleep(1.0)
                continue
            except Exception:  # a backend failure must not end the poll
                log.exception("index refresh failed; retrying")
                await asyncio.sleep(5.0)
                continue
            delay = self.settings.refresh_seconds if self.holder.ready() else 1.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=delay)

    async def wait_ready(self) -> None:
        """Return once an index is served, then report SERVING on the health service."""
        while not self.holder.ready() and not self._stop.is_set():
            await asyncio.sleep(0.05)
        if self.holder.ready() and self._health is not None:
            await mark_serving(self._health, [SERVICE_NAME])

    async def stop(self, grace: float) -> None:
        """Stop consuming, drain RPCs for `grace` seconds, close the index and counts."""
        self._stop.set()
        if self._health is not None:
            await self._health.enter_graceful_shutdown()
        for consumer in self.consumers:
            await asyncio.to_thread(consumer.stop)
        if self._refresher is not None:
            self._refresher.cancel()
        if self._server is not None:
            await self._server.stop(grace)
        await self.holder.close()
        self.popularity.close()
