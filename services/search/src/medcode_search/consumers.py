"""The search service's event handlers (run by `medcode_common.events.EventConsumer`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from medcode.events.v1 import events_pb2
from medcode_common.events import Event, Handler

log = logging.getLogger(__name__)

RELEASE_PUBLISHED = events_pb2.ReleasePublished.DESCRIPTOR.full_name


def release_handler(
    refresh: Callable[[], Coroutine[Any, Any, bool]],
    loop: asyncio.AbstractEventLoop,
    *,
    timeout: float,
) -> Handler:
    """Rebuild the index on ReleasePublished; returns (acknowledging) once the new one serves.

    Refreshing is idempotent (an index of unchanged releases is not rebuilt), so duplicate
    events cost one ListReleases call.
    """

    def handle(event: Event) -> None:
        release = event.decode(events_pb2.ReleasePublished)
        log.info("release published: %s %s; refreshing the index", release.system, release.release)
        asyncio.run_coroutine_threadsafe(refresh(), loop).result(timeout)

    return handle
