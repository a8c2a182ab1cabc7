"""Metering on the event bus: consume UserRegistered in group "metering" (publishing: see
`publishing`). The consumer polls on its own thread with its own bus, so its blocking reads
never touch the service's event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from medcode.events.v1 import events_pb2
from medcode_common.events import Event, EventBus, IdempotentHandler, MemorySeenStore
from medcode_metering.validation import InvalidRequest, identifier

log = logging.getLogger(__name__)

VIEW_CONSUMED = events_pb2.ViewConsumed.DESCRIPTOR.full_name
USER_REGISTERED = events_pb2.UserRegistered.DESCRIPTOR.full_name
CONSUMER_GROUP = "metering"

Linker = Callable[[str, str], None]
"""link(guest_id, user_id); raises to leave the event for redelivery."""


def registration_handler(link: Linker) -> Callable[[Event], None]:
    """Handle UserRegistered: link the guest the user came from; skip ids already handled."""

    def handle(event: Event) -> None:
        message = event.decode(events_pb2.UserRegistered)
        if not message.guest_id:
            return
        try:
            identifier(message.guest_id, field="guest_id")
            identifier(message.user_id, field="user_id")
        except InvalidRequest as error:
            # Redelivery cannot fix a malformed event; acknowledge it rather than block the stream.
            log.warning("skipping UserRegistered %s: %s", event.id, error)
            return
        link(message.guest_id, message.user_id)
        log.info("linked guest %s to user %s", message.guest_id, message.user_id)

    return IdempotentHandler(handle, MemorySeenStore())


class RegistrationConsumer:
    """Polls UserRegistered in consumer group "metering" on a thread until closed."""

    def __init__(self, bus: EventBus, *, link: Linker, block_ms: int = 1000) -> None:
        self._bus = bus
        self._link = link
        self._handler = registration_handler(self._link_or_flag)
        self._block_ms = block_ms
        self._stop = threading.Event()
        self._link_failed = False
        self._thread = threading.Thread(target=self._run, name="registrations", daemon=True)
        self.handled = 0

    def start(self) -> RegistrationConsumer:
        """Start polling."""
        self._thread.start()
        return self

    def _link_or_flag(self, guest_id: str, user_id: str) -> None:
        try:
            self._link(guest_id, user_id)
        except Exception:
            self._link_failed = True  # the bus redelivers it; _run backs off meanwhile
            raise

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.handled += self._bus.consume(
                    CONSUMER_GROUP, self._handler, types=[USER_REGISTERED], block_ms=self._block_ms
                )
            except Exception as error:  # bus down: keep trying, the events wait in the stream
                log.warning("polling UserRegistered failed: %r; retrying", error)
                self._stop.wait(1.0)
            if self._link_failed:
                self._link_failed = False
                self._stop.wait(1.0)

    def close(self) -> None:
        """Stop after the current poll, then release the bus."""
        self._stop.set()
        self._thread.join(self._block_ms / 1000 + 10)
        self._bus.close()
