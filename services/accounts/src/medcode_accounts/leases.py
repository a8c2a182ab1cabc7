"""Leases in the database: one replica at a time does a job (publishing the outbox, mail)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from medcode_accounts.database import Database
from medcode_accounts.models import PublisherLease


def holder_name() -> str:
    """This process's name on a lease: host, pid and a random part (fits the column)."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"[-64:]


def hold_lease(db: Database, *, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease `name`; False while another holder's lease is live."""
    try:
        with db.write() as session:
            lease = session.get(PublisherLease, name)
            if lease is None:
                session.add(PublisherLease(name=name, holder=holder, expires_at=now + ttl))
                return True
            if lease.holder != holder and lease.expires_at > now:
                return False
            lease.holder, lease.expires_at = holder, now + ttl
            return True
    except IntegrityError:  # another replica created the row first
        return False


def release_lease(db: Database, *, name: str, holder: str, now: datetime) -> None:
    """Give lease `name` up if `holder` has it, so a restarted replica need not wait it out."""
    with db.write() as session:
        session.execute(
            update(PublisherLease)
            .where(PublisherLease.name == name, PublisherLease.holder == holder)
            .values(expires_at=now)
        )
