"""The event-bus contract shared by every backend.

Delivery is at-least-once: an event is acknowledged only after its handler returns, so a crash
or a handler exception means it comes back. Handlers must therefore be idempotent, which
:class:`IdempotentHandler` provides for handlers that are not naturally so.
"""

from __future__ import annotations

import builtins
import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from google.protobuf.message import Message

from medcode.events.v1 import events_pb2

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class Event:
    """One delivered event: the decoded envelope, with the payload still serialized.

    The payload stays bytes so a consumer can route on ``type`` and check ``schema_version``
    before it commits to a message class.
    """

    id: str
    type: str
    time: datetime
    schema_version: int
    payload: bytes

    def decode(self, cls: builtins.type[M]) -> M:
        """Parse the payload as ``cls``."""
        msg = cls()
        msg.ParseFromString(self.payload)
        return msg


Handler = Callable[[Event], None]


class EventBus(Protocol):
    """Publish protobuf events by type and consume them in consumer groups."""

    def publish(
        self, event_type: str, message: Message, *, key: str | None = None, schema_version: int = 1
    ) -> str:
        """Publish ``message`` as ``event_type`` and return the new event id.

        ``key`` is a partitioning hint (Kafka); events of one type with the same key keep their
        order. The default key is the type itself, so each type is totally ordered.
        """
        ...

    def publish_envelope(self, event_type: str, envelope: bytes, *, key: str | None = None) -> None:
        """Publish an already serialized envelope, keeping its event id.

        For transactional outboxes: the envelope (and so its id) is fixed when the outbox row
        is written, so resending the row after a crash is deduplicated by consumers.
        """
        ...

    def consume(
        self,
        group: str,
        handler: Handler,
        *,
        types: Sequence[str],
        max_batch: int = 100,
        block_ms: int = 1000,
    ) -> int:
        """Deliver up to ``max_batch`` events of ``types`` to ``handler``; one poll.

        Returns how many events were handled and acknowledged. If the handler raises, the
        event stays unacknowledged (and later events of its stream/partition are held back,
        keeping order) so that it is redelivered on a later call.
        """
        ...

    def close(self) -> None:
        """Release connections; the bus is unusable afterwards."""
        ...


def make_envelope(event_type: str, message: Message, schema_version: int) -> tuple[str, bytes]:
    """Wrap ``message`` in a fresh envelope; returns (event id, serialized envelope)."""
    env = events_pb2.EventEnvelope(
        id=str(uuid.uuid4()),
        type=event_type,
        schema_version=schema_version,
        payload=message.SerializeToString(),
    )
    env.time.GetCurrentTime()
    return env.id, env.SerializeToString()


def parse_envelope(data: bytes) -> Event:
    """Decode a serialized envelope into an :class:`Event`."""
    env = events_pb2.EventEnvelope()
    env.ParseFromString(data)
    return Event(
        id=env.id,
        type=env.type,
        time=env.time.ToDatetime(tzinfo=UTC) if env.HasField("time") else datetime.now(UTC),
        schema_version=env.schema_version,
        payload=env.payload,
    )


def run_handler(handler: Handler, event: Event) -> bool:
    """Call ``handler``; log and return False on an exception so the caller skips the ack."""
    try:
        handler(event)
    except Exception:
        log.exception("handler failed for event %s (%s); left for redelivery", event.id, event.type)
        return False
    return True


class SeenStore(Protocol):
    """Remembers which event ids a consumer group has fully handled."""

    def seen(self, event_id: str) -> bool:
        """True if ``event_id`` was already handled."""
        ...

    def mark(self, event_id: str) -> None:
        """Record ``event_id`` as handled."""
        ...


class MemorySeenStore:
    """Bounded in-process store: fine for tests and single-process consumers.

    Bounded because redelivery only happens within a short window; the oldest ids go first.
    """

    def __init__(self, max_ids: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._max = max_ids

    def seen(self, event_id: str) -> bool:
        return event_id in self._ids

    def mark(self, event_id: str) -> None:
        self._ids[event_id] = None
        self._ids.move_to_end(event_id)
        while len(self._ids) > self._max:
            self._ids.popitem(last=False)


class IdempotentHandler:
    """Skip events whose id was already handled; mark an id only after the handler succeeds.

    Marking after success (not before) means a crash between the two redoes the work rather
    than losing it: at-least-once stays at-least-once, duplicates from redelivery are dropped.
    """

    def __init__(self, handler: Handler, store: SeenStore) -> None:
        self._handler = handler
        self._store = store
        self.skipped = 0

    def __call__(self, event: Event) -> None:
        if self._store.seen(event.id):
            self.skipped += 1
            log.debug("skipping duplicate event %s (%s)", event.id, event.type)
            return
        self._handler(event)
        self._store.mark(event.id)
