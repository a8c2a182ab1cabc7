"""Fresh answers: drop cached answers when the codes service serves new or corrected data.

The codes service announces every code set and data set it starts serving, or serves again
from changed files (`release.published`, a corrected fee schedule under the same release
name included). Each gateway process clears its caches on every announcement, in its own
consumer group, so every replica hears it. Imports are rare; a cleared cache refills from
the next requests.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Sequence

from medcode.events.v1 import events_pb2
from medcode_common.events import Event, EventBus, EventConsumer
from medcode_gateway.core.cache import ResponseCache

log = logging.getLogger(__name__)

RELEASE_PUBLISHED = events_pb2.ReleasePublished.DESCRIPTOR.full_name


def default_group() -> str:
    """A consumer group of this process alone: every replica and worker must clear its own."""
    return f"gateway-cache-{socket.gethostname()}-{os.getpid()}"


class CacheInvalidator:
    """Clears `caches` on the event loop whenever a release is published."""

    def __init__(
        self,
        *,
        caches: Sequence[ResponseCache],
        loop: asyncio.AbstractEventLoop,
        bus_factory: Callable[[], EventBus],
        group: str,
    ) -> None:
        self._caches = list(caches)
        self._loop = loop
        self.cleared = 0
        self._consumer = EventConsumer(
            bus_factory=bus_factory, group=group, types=[RELEASE_PUBLISHED], handler=self._handle
        )

    def _handle(self, event: Event) -> None:
        release = event.decode(events_pb2.ReleasePublished)
        name = release.system or release.dataset_kind
        log.info("release published: %s %s; clearing cached answers", name, release.release)
        # The caches belong to the event loop's thread: clear them there, and wait for it so
        # the event is acknowledged only once they are clear.
        asyncio.run_coroutine_threadsafe(self._clear(), self._loop).result(timeout=10)

    async def _clear(self) -> None:
        for cache in self._caches:
            cache.clear()
        self.cleared += 1

    def start(self) -> CacheInvalidator:
        """Start listening."""
        self._consumer.start()
        return self

    def stop(self) -> None:
        """Stop listening (after the current poll)."""
        self._consumer.stop()
