"""MedCode event bus: protobuf events over Redis Streams or Kafka, consumed at-least-once."""

from __future__ import annotations

from medcode_common.events.bus import (
    Event,
    EventBus,
    Handler,
    IdempotentHandler,
    MemorySeenStore,
    SeenStore,
)
from medcode_common.events.consumer import EventConsumer
from medcode_common.events.factory import create_bus
from medcode_common.events.settings import EventSettings

__all__ = [
    "Event",
    "EventBus",
    "EventConsumer",
    "EventSettings",
    "Handler",
    "IdempotentHandler",
    "MemorySeenStore",
    "SeenStore",
    "create_bus",
]
