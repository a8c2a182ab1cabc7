"""Sign-up throttling per client network and for everyone, and sign-up mail per address.

The same sliding-window log as the sign-in throttle (rows in the database, so replicas agree):
a network (IPv4 /24, IPv6 /64, where one user or one host's addresses live) may start
`max_per_network` sign-ups per window, everyone together `max_global`, and one address gets at
most `max_mails_per_address` sign-up mails, so nobody can flood another's inbox through us.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from medcode_accounts.errors import Throttled
from medcode_accounts.models import SignUpAttempt

EVERYONE = "all"
NETWORK_BUSY = "too many sign-ups from your network; try again later"
EVERYONE_BUSY = "too many sign-ups right now; try again later"


def network_key(client_ip: str) -> str:
    """The client's network: IPv4 /24, IPv6 /64 (IPv4-mapped addresses count as IPv4)."""
    address = ipaddress.ip_address(client_ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return f"net:{ipaddress.ip_network(f'{address}/{prefix}', strict=False)}"


def mail_key(email_key: str) -> str:
    """Hashed, so the addresses people typed are not kept in the clear."""
    return "mail:" + hashlib.sha256(email_key.encode()).hexdigest()


@dataclass(frozen=True)
class SignUpThrottle:
    """Limits per window; `client_ip` "" (not sent) is counted only under everyone."""

    window_seconds: int
    max_per_network: int
    max_global: int
    max_mails_per_address: int

    def _since(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window_seconds)

    def _wait(self, session: Session, *, key: str, limit: int, now: datetime) -> int | None:
        """Seconds until `key` is under `limit` again, or None when it is under it now."""
        times = session.scalars(
            select(SignUpAttempt.attempted_at)
            .where(SignUpAttempt.key == key, SignUpAttempt.attempted_at > self._since(now))
            .order_by(SignUpAttempt.attempted_at.desc())
            .limit(limit)
        ).all()
        if len(times) < limit:
            return None
        free_at = times[-1] + timedelta(seconds=self.window_seconds)
        return max(1, math.ceil((free_at - now).total_seconds()))

    def check(self, session: Session, *, client_ip: str, now: datetime) -> None:
        """Raise Throttled when the client's network or everyone used the window's sign-ups."""
        if client_ip:
            wait = self._wait(
                session, key=network_key(client_ip), limit=self.max_per_network, now=now
            )
            if wait is not None:
                raise Throttled(NETWORK_BUSY, retry_after=wait)
        wait = self._wait(session, key=EVERYONE, limit=self.max_global, now=now)
        if wait is not None:
            raise Throttled(EVERYONE_BUSY, retry_after=wait)

    def record(self, session: Session, *, client_ip: str, now: datetime) -> None:
        """Count one sign-up; drop rows that left every window."""
        session.execute(delete(SignUpAttempt).where(SignUpAttempt.attempted_at <= self._since(now)))
        session.add(SignUpAttempt(key=EVERYONE, attempted_at=now))
        if client_ip:
            session.add(SignUpAttempt(key=network_key(client_ip), attempted_at=now))

    def may_mail(self, session: Session, *, email_key: str, now: datetime) -> bool:
        """Whether the address may get one more sign-up mail now (and count it if so)."""
        key = mail_key(email_key)
        if self._wait(session, key=key, limit=self.max_mails_per_address, now=now) is not None:
            return False
        session.add(SignUpAttempt(key=key, attempted_at=now))
        return True
