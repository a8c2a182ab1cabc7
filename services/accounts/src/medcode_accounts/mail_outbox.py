"""The mail outbox: messages are rows written in the transaction of the change that made them.

A sign-up and its confirmation mail commit together or not at all; the mail publisher sends
the rows later, so a relay that is slow or down never holds up (or loses) a sign-up.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medcode_accounts.database import Database
from medcode_accounts.models import OutboxMail


def add_mail(session: Session, *, kind: str, message: EmailMessage, now: datetime) -> None:
    """Stage `message` (to its single To: address) in the session's transaction.

    An internationalised address is written as UTF-8 (RFC 6532), sent with SMTPUTF8.
    """
    recipient = str(message["To"])
    chosen = policy.SMTP if recipient.isascii() else policy.SMTPUTF8
    session.add(
        OutboxMail(
            kind=kind,
            recipient=recipient,
            message=message.as_bytes(policy=chosen),
            created_at=now,
            attempts=0,
            next_attempt_at=now,
        )
    )


def unsent_mails(db: Database) -> int:
    """Messages still waiting for the relay (neither sent nor given up)."""
    with db.read() as session:
        query = select(func.count()).select_from(OutboxMail)
        return int(
            session.scalar(
                query.where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None))
            )
            or 0
        )
