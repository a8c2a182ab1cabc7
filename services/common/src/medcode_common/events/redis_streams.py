"""Redis Streams backend: one stream per event type, consumer groups, XACK after handling.

Each poll first re-reads this consumer's own pending entries (failed handlers), then claims
entries another consumer left pending for longer than ``claim_idle_ms`` (it probably crashed),
and only then reads new entries. That order keeps a stream's events in order per consumer.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from typing import Any

import redis
from google.protobuf.message import Message

from medcode_common.events.bus import Handler, make_envelope, parse_envelope, run_handler

log = logging.getLogger(__name__)

_FIELD = b"e"


def default_consumer_name() -> str:
    """host-pid-random: unique per process, readable in XINFO CONSUMERS."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class RedisStreamsBus:
    """:class:`~medcode_common.events.bus.EventBus` over Redis/Valkey Streams."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        stream_prefix: str = "medcode.",
        consumer_name: str | None = None,
        claim_idle_ms: int = 30_000,
        maxlen: int | None = 1_000_000,
    ) -> None:
        self._r = client
        self._prefix = stream_prefix
        self.consumer_name = consumer_name or default_consumer_name()
        self._claim_idle_ms = claim_idle_ms
        self._maxlen = maxlen
        self._groups: set[tuple[str, str]] = set()

    @classmethod
    def from_url(
        cls, url: str, *, connection_options: dict[str, Any] | None = None, **kwargs: Any
    ) -> RedisStreamsBus:
        """Connect with timeouts so a dead server fails a call instead of hanging it.

        `connection_options` are redis-py's TLS arguments (`EventSettings.redis_options`);
        a password comes in the URL.
        """
        client = redis.Redis.from_url(
            url, socket_timeout=10, socket_connect_timeout=5, **(connection_options or {})
        )
        return cls(client, **kwargs)

    def stream(self, event_type: str) -> str:
        """Stream key of ``event_type``."""
        return f"{self._prefix}{event_type}"

    def publish(
        self, event_type: str, message: Message, *, key: str | None = None, schema_version: int = 1
    ) -> str:
        """XADD the envelope; ``key`` is ignored, a stream is already totally ordered."""
        event_id, data = make_envelope(event_type, message, schema_version)
        self.publish_envelope(event_type, data)
        return event_id

    def publish_envelope(self, event_type: str, envelope: bytes, *, key: str | None = None) -> None:
        """XADD a stored envelope as is (its id unchanged)."""
        self._r.xadd(
            self.stream(event_type),
            {_FIELD: envelope},
            maxlen=self._maxlen,
            approximate=True,
        )

    def _ensure_group(self, stream: str, group: str) -> None:
        """Create the group at the start of the stream, so it sees events published before it."""
        if (stream, group) in self._groups:
            return
        try:
            self._r.xgroup_create(stream, group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._groups.add((stream, group))

    def consume(
        self,
        group: str,
        handler: Handler,
        *,
        types: Sequence[str],
        max_batch: int = 100,
        block_ms: int = 1000,
    ) -> int:
        """One poll: own pending, then reclaimed, then new entries; see the module docstring."""
        streams = [self.stream(t) for t in types]
        for s in streams:
            self._ensure_group(s, group)
        batches = self._read(group, dict.fromkeys(streams, "0"), max_batch, None)
        if not any(entries for _, entries in batches):
            batches = self._claim(group, streams, max_batch)
        if not any(entries for _, entries in batches):
            batches = self._read(group, dict.fromkeys(streams, ">"), max_batch, block_ms)
        handled = 0
        for stream, entries in batches:
            for entry_id, fields in entries:
                if not fields or _FIELD not in fields:
                    # Trimmed away while pending: nothing to deliver, just drop it.
                    self._r.xack(stream, group, entry_id)
                    continue
                if not run_handler(handler, parse_envelope(fields[_FIELD])):
                    break  # hold back the rest of this stream to keep its order
                self._r.xack(stream, group, entry_id)
                handled += 1
        return handled

    def _read(
        self, group: str, ids: dict[str, str], count: int, block_ms: int | None
    ) -> list[tuple[str, list[tuple[bytes, dict[bytes, bytes]]]]]:
        streams: Any = ids  # redis-py's stub wants a wider dict type
        reply: Any = self._r.xreadgroup(
            group, self.consumer_name, streams, count=count, block=block_ms
        )
        return [(_s(name), list(entries)) for name, entries in reply or []]

    def _claim(
        self, group: str, streams: list[str], count: int
    ) -> list[tuple[str, list[tuple[bytes, dict[bytes, bytes]]]]]:
        """XAUTOCLAIM entries idle longer than ``claim_idle_ms`` from crashed consumers."""
        out = []
        for s in streams:
            reply: Any = self._r.xautoclaim(
                s, group, self.consumer_name, self._claim_idle_ms, start_id="0-0", count=count
            )
            entries = [(eid, f) for eid, f in reply[1] if eid is not None]
            if entries:
                log.info("claimed %s stale pending events from %s/%s", len(entries), s, group)
            out.append((s, entries))
        return out

    def close(self) -> None:
        self._r.close()


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
