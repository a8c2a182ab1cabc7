"""Send an envelope that already has its event id, on either bus backend.

`EventBus.publish` builds a fresh envelope (a new id) on every call, so an outbox row sent
twice after a crash would reach consumers as two different events. The outbox therefore sends
the envelope it stored, with its stored id, through each backend's own naming and client.
This leans on backend internals (named below) until the bus grows a publish-with-id call.
"""

from __future__ import annotations

from medcode_common.events import EventBus
from medcode_common.events.redis_streams import RedisStreamsBus

_REDIS_FIELD = b"e"  # medcode_common.events.redis_streams._FIELD: where consumers read it


def send_envelope(bus: EventBus, *, event_type: str, envelope: bytes, key: str) -> None:
    """Publish `envelope` as `event_type`; raises when the broker does not take it."""
    if isinstance(bus, RedisStreamsBus):
        bus._r.xadd(
            bus.stream(event_type), {_REDIS_FIELD: envelope}, maxlen=bus._maxlen, approximate=True
        )
        return
    from medcode_common.events.kafka import KafkaEventBus  # lazy: kafka-python only if used

    if isinstance(bus, KafkaEventBus):
        future = bus._get_producer().send(
            bus.topic(event_type), value=envelope, key=(key or event_type).encode()
        )
        future.get(timeout=bus._timeout_ms / 1000)
        return
    raise TypeError(f"cannot send a stored envelope on {type(bus).__name__}")
