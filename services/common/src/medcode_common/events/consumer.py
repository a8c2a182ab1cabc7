"""Consume events on a background thread: one bus and one consumer group per thread.

Bus reads block, so they never run on a service's event loop. A handler that raises leaves
its event unacknowledged (it comes back); a bus that is down is logged and retried with
backoff, and never stops the service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from medcode_common.events.bus import EventBus, Handler

log = logging.getLogger(__name__)

_MAX_BACKOFF = 30.0


class EventConsumer:
    """Polls `types` in consumer group `group` on a daemon thread until `stop()`."""

    def __init__(
        self,
        *,
        bus_factory: Callable[[], EventBus],
        group: str,
        types: Sequence[str],
        handler: Handler,
        block_ms: int = 1000,
    ) -> None:
        self._bus_factory = bus_factory
        self._group = group
        self._types = list(types)
        self._handler = handler
        self._block_ms = block_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"events-{group}", daemon=True)
        self.handled = 0

    def start(self) -> EventConsumer:
        """Start polling."""
        self._thread.start()
        return self

    def _run(self) -> None:
        bus: EventBus | None = None
        backoff = 1.0
        while not self._stop.is_set():
            try:
                bus = bus or self._bus_factory()
                self.handled += bus.consume(
                    self._group, self._handler, types=self._types, block_ms=self._block_ms
                )
                backoff = 1.0
            except Exception as error:  # the bus is down or misconfigured: degrade, retry
                log.warning(
                    "event bus unavailable for group %s (%r); retrying in %.0fs",
                    self._group,
                    error,
                    backoff,
                )
                self._stop.wait(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
        if bus is not None:
            bus.close()

    def stop(self, *, timeout: float = 5.0) -> None:
        """Stop after the current poll and close the bus."""
        self._stop.set()
        self._thread.join(timeout)
