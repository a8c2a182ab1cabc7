"""Run the search service: serve, build the index from the codes service, keep it fresh."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import grpc

from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common.grpc_server import create_server, mark_serving
from medcode_search.indexer import IndexHolder
from medcode_search.service import SERVICE_NAME, SearchServicer
from medcode_search.settings import SearchSettings

log = logging.getLogger(__name__)


async def keep_fresh(holder: IndexHolder, *, every: float, stop: asyncio.Event) -> None:
    """Build the first index as soon as the codes service answers, then poll for releases."""
    while not stop.is_set():
        try:
            await holder.refresh()
        except grpc.aio.AioRpcError as error:
            log.warning("codes service not answering (%s); retrying", error.code().name)
            await asyncio.sleep(1.0)
            continue
        delay = every if holder.engine is not None else 1.0
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)


async def serve(settings: SearchSettings) -> None:
    """Serve until SIGINT/SIGTERM; health turns SERVING once the first index is ready."""
    holder = IndexHolder(
        index_dir=settings.index_dir,
        codes_addr=settings.codes_addr,
        export_timeout=settings.export_timeout_seconds,
    )
    server, port, health = create_server(
        settings=settings,
        register=lambda s: pb_grpc.add_SearchServiceServicer_to_server(SearchServicer(holder), s),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    log.info("search service listening on %s:%d", settings.host, port)
    refresher = asyncio.create_task(keep_fresh(holder, every=settings.refresh_seconds, stop=stop))
    while holder.engine is None and not stop.is_set():
        await asyncio.sleep(0.1)
    if holder.engine is not None:
        await mark_serving(health, [SERVICE_NAME])
    await stop.wait()
    await health.enter_graceful_shutdown()
    refresher.cancel()
    await server.stop(settings.grace_seconds)
    await holder.close()


def main() -> None:
    """Entry point of `medcode-search`."""
    from medcode_common.logs import configure_logging

    configure_logging()
    asyncio.run(serve(SearchSettings()))
