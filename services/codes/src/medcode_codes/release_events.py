"""Announce releases on the event bus (`ReleasePublished`), best effort.

The codes service is the source of truth and must keep serving when the bus is down, so a
failed publish is logged and dropped: consumers also poll, and catch up on their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from medcode.events.v1 import events_pb2
from medcode_common.events import EventBus, create_bus

log = logging.getLogger(__name__)

RELEASE_PUBLISHED = events_pb2.ReleasePublished.DESCRIPTOR.full_name
Release = tuple[str, str]  # (system, release)


class ReleasePublisher:
    """Publishes one ReleasePublished per release; never raises."""

    def __init__(self, bus_factory: Callable[[], EventBus] = create_bus) -> None:
        self._bus_factory = bus_factory
        self._bus: EventBus | None = None
        self.published = 0

    def _publish_all(self, releases: list[Release]) -> None:
        for system, release in releases:
            try:
                self._bus = self._bus or self._bus_factory()
                message = events_pb2.ReleasePublished(system=system, release=release)
                event_id = self._bus.publish(RELEASE_PUBLISHED, message, key=system)
            except Exception as error:  # the bus is down or misconfigured: keep serving
                log.warning(
                    "could not publish ReleasePublished %s %s (event bus: %r)",
                    system,
                    release,
                    error,
                )
                continue
            self.published += 1
            log.info("published ReleasePublished %s %s (event %s)", system, release, event_id)

    async def publish(self, releases: Iterable[Release]) -> None:
        """Publish on a worker thread (bus calls block) and wait for it."""
        chosen = sorted(releases)
        if chosen:
            await asyncio.to_thread(self._publish_all, chosen)

    def close(self) -> None:
        """Release the bus connection."""
        if self._bus is not None:
            self._bus.close()
            self._bus = None
