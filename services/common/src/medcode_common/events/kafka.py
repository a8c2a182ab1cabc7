"""Kafka backend (kafka-python): one topic per event type, manual commits after handling.

Producer: ``acks="all"`` so a published event survives a broker loss. Consumer:
``enable_auto_commit=False`` and a commit of ``offset + 1`` only once the handler returned.
When a handler raises, the consumer seeks back to the failed offset, so the same event is
fetched again on the next poll and the partition's later events wait behind it (order kept).

kafka-python is pinned ``>=2.3,<3``: 3.0 cannot decode the ApiVersions reply of librdkafka's
mock cluster that the tests run against.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf.message import Message
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata

from medcode_common.events.bus import Handler, make_envelope, parse_envelope, run_handler
from medcode_common.events.redis_streams import default_consumer_name

log = logging.getLogger(__name__)


class KafkaEventBus:
    """:class:`~medcode_common.events.bus.EventBus` over Kafka."""

    def __init__(
        self,
        bootstrap: str,
        *,
        topic_prefix: str = "medcode.",
        consumer_name: str | None = None,
        request_timeout_ms: int = 10_000,
        metadata_max_age_ms: int = 5_000,
        security: Mapping[str, Any] | None = None,
    ) -> None:
        self._bootstrap = bootstrap.split(",")
        #: TLS/SASL configuration shared by the producer and every consumer.
        self.security = dict(security or {})
        self._prefix = topic_prefix
        self.consumer_name = consumer_name or default_consumer_name()
        self._timeout_ms = request_timeout_ms
        self._metadata_max_age_ms = metadata_max_age_ms
        self._producer: KafkaProducer | None = None
        self._consumers: dict[tuple[str, tuple[str, ...]], KafkaConsumer] = {}
        self._lock = threading.Lock()  # guards _consumers; each consumer is single-threaded

    def topic(self, event_type: str) -> str:
        """Topic name of ``event_type``."""
        return f"{self._prefix}{event_type}"

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = KafkaProducer(
                bootstrap_servers=self._bootstrap,
                acks="all",
                retries=5,
                # One in-flight request per connection: retries cannot reorder a partition.
                max_in_flight_requests_per_connection=1,
                request_timeout_ms=self._timeout_ms,
                max_block_ms=self._timeout_ms,
                client_id=f"{self.consumer_name}-producer",
                **self.security,
            )
        return self._producer

    def ensure_topics(self, types: Sequence[str]) -> None:
        """Fetch topic metadata, which auto-creates missing topics where the cluster allows it.

        Consumers that subscribe before their topic exists rebalance again when it appears;
        calling this first avoids that extra round.
        """
        producer = self._get_producer()
        for t in types:
            producer.partitions_for(self.topic(t))

    def publish(
        self, event_type: str, message: Message, *, key: str | None = None, schema_version: int = 1
    ) -> str:
        """Send and wait for the acks=all acknowledgement; key defaults to the type."""
        event_id, data = make_envelope(event_type, message, schema_version)
        self.publish_envelope(event_type, data, key=key)
        return event_id

    def publish_envelope(self, event_type: str, envelope: bytes, *, key: str | None = None) -> None:
        """Send a stored envelope as is (its id unchanged) and wait for acks=all."""
        future = self._get_producer().send(
            self.topic(event_type), value=envelope, key=(key or event_type).encode()
        )
        future.get(timeout=self._timeout_ms / 1000)

    def _get_consumer(self, group: str, types: Sequence[str]) -> KafkaConsumer:
        """One subscribed consumer per (group, types); kept so the group membership persists."""
        k = (group, tuple(sorted(types)))
        with self._lock:
            return self._consumers.get(k) or self._new_consumer(k)

    def _new_consumer(self, k: tuple[str, tuple[str, ...]]) -> KafkaConsumer:
        consumer = KafkaConsumer(
            *[self.topic(t) for t in k[1]],
            bootstrap_servers=self._bootstrap,
            group_id=k[0],
            client_id=self.consumer_name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",  # a new group sees events published before it
            metadata_max_age_ms=self._metadata_max_age_ms,
            request_timeout_ms=max(self._timeout_ms, 30_001),  # must exceed session timeout
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
            **self.security,
        )
        self._consumers[k] = consumer
        return consumer

    def consume(
        self,
        group: str,
        handler: Handler,
        *,
        types: Sequence[str],
        max_batch: int = 100,
        block_ms: int = 1000,
    ) -> int:
        """One poll; commits each event after its handler returns, seeks back on failure."""
        consumer = self._get_consumer(group, types)
        try:
            records = consumer.poll(timeout_ms=block_ms, max_records=max_batch)
        except KafkaError as exc:
            # Group coordination errors (e.g. a SyncGroup rejected mid-rebalance) are raised
            # from poll; the consumer rejoins on the next poll, so report "nothing handled".
            log.warning("poll for group %s failed, will rejoin: %r", group, exc)
            return 0
        handled = 0
        for tp, batch in records.items():
            for rec in batch:
                if not run_handler(handler, parse_envelope(rec.value)):
                    consumer.seek(tp, rec.offset)  # redeliver it, and hold back the rest
                    break
                self._commit(consumer, tp, rec.offset + 1)
                handled += 1
        return handled

    @staticmethod
    def _commit(consumer: KafkaConsumer, tp: TopicPartition, next_offset: int) -> None:
        """Commit synchronously; a rebalance may reject it, then the event comes back later."""
        try:
            consumer.commit({tp: OffsetAndMetadata(next_offset, "", -1)})
        except CommitFailedError:
            log.warning(
                "commit of %s@%s rejected by a rebalance; will be redelivered", tp, next_offset
            )

    def assignment(self, group: str, types: Sequence[str]) -> set[TopicPartition]:
        """Partitions this bus currently owns for (group, types); for tests and health checks."""
        return set(self._get_consumer(group, types).assignment())

    def close(self) -> None:
        """Leave groups cleanly (fast rebalance for the others) and flush the producer."""
        for consumer in self._consumers.values():
            consumer.close(autocommit=False)
        self._consumers.clear()
        if self._producer is not None:
            self._producer.close(timeout=self._timeout_ms / 1000)
            self._producer = None
