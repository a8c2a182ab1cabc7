"""Drain the outbox to the event bus: in order, one replica at a time, backing off when down.

Each row is marked published only after the broker took it. A crash in between sends that
row again on the next pass with the same event id, which consumers deduplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from medcode_accounts.database import Database
from medcode_accounts.models import OutboxEvent, PublisherLease
from medcode_common.events import EventBus

log = logging.getLogger(__name__)

LEASE_NAME = "outbox"


class OutboxPublisher:
    """Publishes unpublished outbox rows in id order while it holds the publisher lease."""

    def __init__(
        self,
        *,
        db: Database,
        bus: EventBus,
        clock: Callable[[], datetime],
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        batch_size: int = 100,
        lease_seconds: float = 30.0,
    ) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock
        self._poll = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._batch = batch_size
        self._lease = timedelta(seconds=lease_seconds)
        self._holder = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"[-64:]
        self._wake = asyncio.Event()
        self._stopping = False
        self.published = 0
        self.failures = 0

    def wake(self) -> None:
        """Publish soon: called after a transaction added outbox rows (on the server's loop)."""
        self._wake.set()

    def _hold_lease(self) -> bool:
        """Take or renew the lease; False while another replica holds a live one."""
        now = self._clock()
        try:
            with self._db.write() as session:
                lease = session.get(PublisherLease, LEASE_NAME)
                if lease is None:
                    session.add(
                        PublisherLease(
                            name=LEASE_NAME, holder=self._holder, expires_at=now + self._lease
                        )
                    )
                    return True
                if lease.holder != self._holder and lease.expires_at > now:
                    return False
                lease.holder, lease.expires_at = self._holder, now + self._lease
                return True
        except IntegrityError:  # another replica created the row first
            return False

    def publish_pending(self) -> int:
        """One pass: send up to a batch in order; raises at the first row the bus refuses."""
        if not self._hold_lease():
            return 0
        with self._db.read() as session:
            rows = session.execute(
                select(
                    OutboxEvent.id,
                    OutboxEvent.event_type,
                    OutboxEvent.partition_key,
                    OutboxEvent.envelope,
                )
                .where(OutboxEvent.published_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(self._batch)
            ).all()
        for row_id, event_type, key, envelope in rows:
            self._bus.publish_envelope(event_type, envelope, key=key)
            with self._db.write() as session:
                session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id == row_id)
                    .values(published_at=self._clock())
                )
            self.published += 1
        return len(rows)

    async def run(self) -> None:
        """Publish until `stop()`; exponential backoff while the bus or database fails."""
        failures = 0
        while not self._stopping:
            self._wake.clear()
            try:
                sent = await asyncio.to_thread(self.publish_pending)
            except Exception as error:  # broker or database down: retry later, lose nothing
                failures += 1
                self.failures += 1
                delay = min(self._max_backoff, 0.25 * 2 ** min(failures, 16))
                log.warning("outbox publish failed (%r); retrying in %.1fs", error, delay)
                await self._sleep(delay, wakeable=False)
                continue
            if failures:
                log.info("outbox publishing resumed after %s failed attempts", failures)
                failures = 0
            if sent < self._batch:
                await self._sleep(self._poll, wakeable=True)

    async def _sleep(self, seconds: float, *, wakeable: bool) -> None:
        deadline = asyncio.get_running_loop().time() + seconds
        while not self._stopping:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0 or (wakeable and self._wake.is_set()):
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=left)
            if not wakeable:
                self._wake.clear()

    def stop(self) -> None:
        """Ask `run()` to return after its current pass."""
        self._stopping = True
        self._wake.set()

    def close(self) -> None:
        """Release the bus connection."""
        self._bus.close()
