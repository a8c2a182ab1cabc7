"""Sign-in throttling per account and per client IP, kept in the database.

A sliding-window log: every failure is a row, so replicas behind a load balancer count the
same failures. An account is locked while it has `limit` failures in the last `window`
seconds; `retry_after` is when the oldest of those falls out of the window.
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
from medcode_accounts.models import LoginFailure

THROTTLED = "too many failed sign-in attempts; try again later"


def account_key(email_key: str) -> str:
    """Hashed, so unknown addresses that were tried are not stored in the clear."""
    return "account:" + hashlib.sha256(email_key.encode()).hexdigest()


def ip_key(client_ip: str) -> str:
    """IPv6 clients are counted per /64: one host usually holds a whole /64."""
    address = ipaddress.ip_address(client_ip)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return "ip:" + str(ipaddress.ip_network(f"{address}/64", strict=False))
    return f"ip:{address}"


@dataclass(frozen=True)
class LoginThrottle:
    """Limits per key family; `window_seconds` applies to both."""

    window_seconds: int
    max_per_account: int
    max_per_ip: int

    def _limits(self, *, email_key: str, client_ip: str) -> list[tuple[str, int]]:
        limits = [(account_key(email_key), self.max_per_account)]
        if client_ip:
            limits.append((ip_key(client_ip), self.max_per_ip))
        return limits

    def check(self, session: Session, *, email_key: str, client_ip: str, now: datetime) -> None:
        """Raise Throttled (with the longest wait) when the account or the IP is locked."""
        since = now - timedelta(seconds=self.window_seconds)
        waits = []
        for key, limit in self._limits(email_key=email_key, client_ip=client_ip):
            times = session.scalars(
                select(LoginFailure.failed_at)
                .where(LoginFailure.key == key, LoginFailure.failed_at > since)
                .order_by(LoginFailure.failed_at.desc())
                .limit(limit)
            ).all()
            if len(times) >= limit:
                free_at = times[-1] + timedelta(seconds=self.window_seconds)
                waits.append(max(1, math.ceil((free_at - now).total_seconds())))
        if waits:
            raise Throttled(THROTTLED, retry_after=max(waits))

    def record_failure(
        self, session: Session, *, email_key: str, client_ip: str, now: datetime
    ) -> None:
        """Log one failure under each key; drop rows that left every window."""
        session.execute(
            delete(LoginFailure).where(
                LoginFailure.failed_at <= now - timedelta(seconds=self.window_seconds)
            )
        )
        for key, _limit in self._limits(email_key=email_key, client_ip=client_ip):
            session.add(LoginFailure(key=key, failed_at=now))

    def clear_account(self, session: Session, *, email_key: str) -> None:
        """A successful sign-in forgives the account's failures (not the IP's)."""
        session.execute(delete(LoginFailure).where(LoginFailure.key == account_key(email_key)))
