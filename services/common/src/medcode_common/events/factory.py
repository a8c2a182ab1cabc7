"""Build the configured :class:`EventBus`; backends are imported lazily.

Lazy imports keep kafka-python out of processes that use Redis, and vice versa.
"""

from __future__ import annotations

from medcode_common.events.bus import EventBus
from medcode_common.events.settings import EventSettings


def create_bus(settings: EventSettings | None = None) -> EventBus:
    """Return a bus for ``settings`` (read from the environment when omitted)."""
    settings = settings or EventSettings()
    if settings.backend == "kafka":
        from medcode_common.events.kafka import KafkaEventBus

        return KafkaEventBus(
            settings.kafka_bootstrap,
            topic_prefix=settings.topic_prefix,
            consumer_name=settings.consumer_name or None,
            security=settings.kafka_options(),
        )
    from medcode_common.events.redis_streams import RedisStreamsBus

    return RedisStreamsBus.from_url(
        settings.redis_url,
        stream_prefix=settings.topic_prefix,
        consumer_name=settings.consumer_name or None,
        connection_options=settings.redis_options(),
    )
