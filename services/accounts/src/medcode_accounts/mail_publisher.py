"""Send the mail outbox through the SMTP relay: in order, one replica at a time, with retries.

A message the relay cannot take now waits `retry_base_seconds * 2**(attempts - 1)` (at most
`max_backoff_seconds`) before its next try, kept in its row so a restart keeps the schedule;
after `max_attempts` tries, or at once when the relay refuses it for good (5xx), it is given
up and logged. A pass stops at the first temporary failure: the relay is likely down for all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from medcode_accounts.database import Database
from medcode_accounts.leases import hold_lease, holder_name, release_lease
from medcode_accounts.mail_messages import envelope_sender
from medcode_accounts.models import OutboxMail
from medcode_accounts.polling import Poller
from medcode_accounts.smtp_relay import PermanentFailure, SmtpRelay, TemporaryFailure

log = logging.getLogger(__name__)

LEASE_NAME = "mail"
MAX_ERROR_LENGTH = 500


class MailPublisher(Poller):
    """Delivers due `mail_outbox` rows while it holds the mail lease."""

    name = "mail"

    def __init__(
        self,
        *,
        db: Database,
        relay: SmtpRelay,
        sender: str,
        clock: Callable[[], datetime],
        poll_seconds: float = 1.0,
        max_attempts: int = 12,
        max_backoff_seconds: float = 600.0,
        retry_base_seconds: float = 1.0,
        batch_size: int = 20,
        lease_seconds: float = 120.0,
    ) -> None:
        super().__init__(
            poll_seconds=poll_seconds,
            max_backoff_seconds=max_backoff_seconds,
            batch_size=batch_size,
        )
        self._db = db
        self._relay = relay
        self._sender = envelope_sender(sender)
        self._clock = clock
        self._max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._holder = holder_name()
        self.sent = 0
        self.retried = 0
        self.given_up = 0

    def finish(self) -> None:
        release_lease(self._db, name=LEASE_NAME, holder=self._holder, now=self._clock())

    def one_pass(self) -> int:
        """Send what is due, oldest first; the number of rows tried."""
        now = self._clock()
        if not hold_lease(self._db, name=LEASE_NAME, holder=self._holder, now=now, ttl=self._lease):
            return 0
        with self._db.read() as session:
            rows = session.execute(
                select(OutboxMail.id, OutboxMail.recipient, OutboxMail.message, OutboxMail.attempts)
                .where(
                    OutboxMail.sent_at.is_(None),
                    OutboxMail.failed_at.is_(None),
                    OutboxMail.next_attempt_at <= now,
                )
                .order_by(OutboxMail.id)
                .limit(self._batch)
            ).all()
        for row_id, recipient, message, attempts in rows:
            try:
                self._relay.send(sender=self._sender, recipient=recipient, message=message)
            except PermanentFailure as error:
                self._give_up(row_id, attempts + 1, str(error))
            except TemporaryFailure as error:
                self._retry_later(row_id, attempts + 1, str(error))
                return len(rows)
            else:
                self._mark(row_id, attempts=attempts + 1, sent_at=self._clock(), message=b"")
                self.sent += 1
        return len(rows)

    def _retry_later(self, row_id: int, attempts: int, error: str) -> None:
        if attempts >= self._max_attempts:
            self._give_up(row_id, attempts, error)
            return
        delay = min(self._max_backoff, self._retry_base * 2 ** (attempts - 1))
        log.warning(
            "mail %s not sent (try %s): %s; next try in %.0fs", row_id, attempts, error, delay
        )
        self.retried += 1
        self._mark(
            row_id,
            attempts=attempts,
            next_attempt_at=self._clock() + timedelta(seconds=delay),
            last_error=error[:MAX_ERROR_LENGTH],
        )

    def _give_up(self, row_id: int, attempts: int, error: str) -> None:
        log.error("mail %s given up after %s tries: %s", row_id, attempts, error)
        self.given_up += 1
        self._mark(
            row_id,
            attempts=attempts,
            failed_at=self._clock(),
            last_error=error[:MAX_ERROR_LENGTH],
            message=b"",
        )

    def _mark(self, row_id: int, **values: object) -> None:
        with self._db.write() as session:
            session.execute(update(OutboxMail).where(OutboxMail.id == row_id).values(**values))
