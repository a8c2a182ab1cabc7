"""Drain the outbox to the event bus: in order, one replica at a time, backing off when down.

Each row is marked published only after the broker took it. A crash in between sends that
row again on the next pass with the same event id, which consumers deduplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from medcode_accounts.database import Database
from medcode_accounts.leases import hold_lease, holder_name, release_lease
from medcode_accounts.models import OutboxEvent
from medcode_accounts.polling import Poller
from medcode_common.events import EventBus

LEASE_NAME = "outbox"


class OutboxPublisher(Poller):
    """Publishes unpublished outbox rows in id order while it holds the publisher lease."""

    name = "outbox"

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
        super().__init__(
            poll_seconds=poll_seconds,
            max_backoff_seconds=max_backoff_seconds,
            batch_size=batch_size,
        )
        self._db = db
        self._bus = bus
        self._clock = clock
        self._lease = timedelta(seconds=lease_seconds)
        self._holder = holder_name()
        self.published = 0

    def _hold_lease(self) -> bool:
        """Take or renew the lease; False while another replica holds a live one."""
        return hold_lease(
            self._db, name=LEASE_NAME, holder=self._holder, now=self._clock(), ttl=self._lease
        )

    def finish(self) -> None:
        release_lease(self._db, name=LEASE_NAME, holder=self._holder, now=self._clock())

    def one_pass(self) -> int:
        return self.publish_pending()

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

    def close(self) -> None:
        """Release the pass thread and the bus connection."""
        super().close()
        self._bus.close()
