"""Run the search service: serve, build the index from the codes service, keep it fresh."""

from __future__ import annotations

import asyncio
import logging
import signal

from medcode_common.metrics import new_registry, serving_metrics
from medcode_search.app import SearchApp
from medcode_search.settings import SearchSettings

log = logging.getLogger(__name__)


async def serve(settings: SearchSettings) -> None:
    """Serve until SIGINT/SIGTERM; health turns SERVING once the first index is ready."""
    registry = new_registry()
    app = SearchApp(settings, registry=registry)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with serving_metrics(registry, host=settings.host, port=settings.metrics_port):
        await app.start()
        ready = asyncio.create_task(app.wait_ready())
        await stop.wait()
        ready.cancel()
        log.info("shutting down (grace %.1fs)", settings.grace_seconds)
        await app.stop(settings.grace_seconds)


def main() -> None:
    """Entry point of `medcode-search`."""
    from medcode_common.logs import configure_logging

    configure_logging()
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(SearchSettings()))
    else:
        uvloop.run(serve(SearchSettings()))
