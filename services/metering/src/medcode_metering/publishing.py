"""Publish ViewConsumed without ever failing or slowing a view decision.

A view appends its event to a bounded buffer (a full buffer drops it, logged) and returns; a
background worker publishes. On the Redis Streams backend the worker is a task on the
service's own loop that sends each poll's events as one pipeline of XADDs (about a tenth of
the CPU of a publish per event from a thread, measured); other backends (Kafka) publish
through the `EventBus` from a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque

from redis.asyncio import Redis

from medcode.events.v1 import events_pb2
from medcode_common.events import EventBus, EventSettings, create_bus
from medcode_common.events.bus import make_envelope
from medcode_metering.events import VIEW_CONSUMED

log = logging.getLogger(__name__)

STREAM_FIELD = b"e"
"""The entry field RedisStreamsBus reads the envelope from."""
STREAM_MAXLEN = 1_000_000
"""Approximate cap of the stream, as RedisStreamsBus publishes it."""


class _Buffered:
    """The bounded buffer and counters both publishers share."""

    def __init__(self, *, max_queued: int, poll_seconds: float) -> None:
        self._buffer: deque[events_pb2.ViewConsumed] = deque()
        self._max_queued = max_queued
        self._poll_seconds = poll_seconds
        self.published = 0
        self.failed = 0
        self.dropped = 0

    def submit(self, event: events_pb2.ViewConsumed) -> None:
        """Queue one event without waiting; drop it (and say so) when the bus cannot keep up."""
        if len(self._buffer) < self._max_queued:
            self._buffer.append(event)
            return
        self.dropped += 1
        if self.dropped in (1, 10) or self.dropped % 1000 == 0:
            log.warning("event buffer full: %s ViewConsumed events dropped", self.dropped)

    def _take(self, limit: int) -> list[events_pb2.ViewConsumed]:
        return [self._buffer.popleft() for _ in range(min(limit, len(self._buffer)))]

    def _failed(self, count: int, error: BaseException) -> None:
        """Count and log, the first failure and then one in each thousand (a bus outage)."""
        before, self.failed = self.failed, self.failed + count
        if before == 0 or before // 1000 != self.failed // 1000:
            log.warning("publishing ViewConsumed failed (%s events so far): %r", self.failed, error)


class ThreadedViewPublisher(_Buffered):
    """Any `EventBus`, one publish per event, from a thread polling the buffer."""

    def __init__(self, bus: EventBus, *, max_queued: int = 10_000, poll_seconds: float = 0.02):
        super().__init__(max_queued=max_queued, poll_seconds=poll_seconds)
        self._bus = bus
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="view-events", daemon=True)

    def start(self) -> None:
        """Start the publishing thread."""
        self._thread.start()

    def _run(self) -> None:
        while True:
            stopping = self._stop.wait(self._poll_seconds)
            for event in self._take(len(self._buffer)):
                try:
                    self._bus.publish(VIEW_CONSUMED, event, key=event.subject_id)
                    self.published += 1
                except Exception as error:  # any bus failure: the view was already decided
                    self._failed(1, error)
            if stopping:
                return

    async def aclose(self, *, timeout: float = 5.0) -> None:
        """Publish what is buffered (up to `timeout`), then stop and release the bus."""
        self._stop.set()
        if self._thread.is_alive():
            await asyncio.to_thread(self._thread.join, timeout)
        else:  # never started: drain once here
            await asyncio.to_thread(self._run)
        self._bus.close()


class StreamsViewPublisher(_Buffered):
    """Redis Streams, in the envelope format RedisStreamsBus consumers read, pipelined."""

    def __init__(
        self,
        redis: Redis,
        *,
        stream: str,
        max_queued: int = 10_000,
        poll_seconds: float = 0.02,
        max_batch: int = 500,
    ) -> None:
        super().__init__(max_queued=max_queued, poll_seconds=poll_seconds)
        self._redis = redis
        self._stream = stream
        self._max_batch = max_batch
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the publishing task on the running loop."""
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            await self._flush()

    async def _flush(self) -> None:
        while batch := self._take(self._max_batch):
            pipe = self._redis.pipeline(transaction=False)
            for event in batch:
                _id, data = make_envelope(VIEW_CONSUMED, event, 1)
                pipe.xadd(
                    self._stream, {STREAM_FIELD: data}, maxlen=STREAM_MAXLEN, approximate=True
                )
            try:
                await pipe.execute()
                self.published += len(batch)
            except Exception as error:  # bus down: the views were already decided
                self._failed(len(batch), error)

    async def aclose(self) -> None:
        """Publish what is buffered, then stop and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._flush()
        await self._redis.aclose()


ViewPublisher = ThreadedViewPublisher | StreamsViewPublisher


def create_view_publisher(settings: EventSettings, *, max_queued: int) -> ViewPublisher:
    """The fast in-loop publisher on Redis Streams, the threaded one on any other bus."""
    if settings.backend == "redis":
        redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        stream = f"{settings.topic_prefix}{VIEW_CONSUMED}"
        return StreamsViewPublisher(redis, stream=stream, max_queued=max_queued)
    return ThreadedViewPublisher(create_bus(settings), max_queued=max_queued)
