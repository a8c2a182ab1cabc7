"""View allowances (guests, free users) and partner API quotas on Valkey/Redis.

Each decision runs as one Lua script: check and charge happen in a single atomic step, so many
gateway replicas hitting the same subject concurrently can never grant more than the allowance.
Time is read in Python (injectable clock) and passed into the scripts, so tests control it and
calendar-month boundaries (UTC) are computed in one place.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import redis

MONTH_TTL_SECONDS = 32 * 24 * 3600
"""Month counters outlive their month by a day or so; nobody reads them after that."""
REPEAT_WINDOW_SECONDS = 24 * 3600
IP_DAY_TTL_SECONDS = 25 * 3600
UNLIMITED_PLANS = frozenset({"pro", "internal", "partner"})
"""Partners are metered per API key by QuotaLimiter, not by page views."""
METERED_PLANS = frozenset({"guest", "free"})


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of one metering check; `remaining` is None when the plan is unlimited."""

    allowed: bool
    remaining: int | None
    reason: str
    retry_after_seconds: float | None = None


def _load_script(client: redis.Redis, name: str) -> Any:
    """Scripts ship as package files so they are reviewed and linted as Lua, not Python strings."""
    text = resources.files("medcode_metering").joinpath("lua", name).read_text("utf-8")
    return client.register_script(text)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _month(now: float) -> tuple[str, float]:
    """Return the UTC calendar month id (YYYYMM) and the seconds left until the month ends."""
    dt = datetime.fromtimestamp(now, UTC)
    year, month = (dt.year + 1, 1) if dt.month == 12 else (dt.year, dt.month + 1)
    end = datetime(year, month, 1, tzinfo=UTC).timestamp()
    return f"{dt.year:04d}{dt.month:02d}", end - now


class ViewMeter:
    """Counts code-page views per subject per calendar month (UTC)."""

    def __init__(
        self,
        redis: redis.Redis,
        *,
        guest_views: int = 1,
        free_views: int = 5,
        guest_ip_daily_cap: int = 3,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._guest_views = guest_views
        self._free_views = free_views
        self._ip_cap = guest_ip_daily_cap
        self._clock = clock
        self._script = _load_script(redis, "consume_view.lua")

    def _limit(self, plan: str) -> int | None:
        if plan in UNLIMITED_PLANS:
            return None
        if plan == "guest":
            return self._guest_views
        if plan == "free":
            # A registered user's month includes what they used as a guest (see link_guest).
            return self._guest_views + self._free_views
        raise ValueError(f"unknown plan {plan!r}")

    @staticmethod
    def _month_key(subject_type: str, subject_id: str, month: str) -> str:
        return f"medcode:views:{subject_type}:{subject_id}:{month}"

    def consume(
        self, *, subject_type: str, subject_id: str, plan: str, code: str, ip: str | None = None
    ) -> Decision:
        """Charge one view of `code` unless it is a repeat within 24 h or the allowance is spent."""
        limit = self._limit(plan)
        if limit is None:
            return Decision(True, None, "unlimited")
        now = self._clock()
        month, _ = _month(now)
        day = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d")
        capped = plan == "guest" and ip is not None
        keys = [
            self._month_key(subject_type, subject_id, month),
            f"medcode:seen:{subject_type}:{subject_id}:{code}",
            f"medcode:guest-ip:{ip if capped else '-'}:{day}",
        ]
        args = [
            repr(now),
            limit,
            self._ip_cap if capped else -1,
            MONTH_TTL_SECONDS,
            REPEAT_WINDOW_SECONDS,
            IP_DAY_TTL_SECONDS,
        ]
        reason_raw, remaining = self._script(keys=keys, args=args)
        reason = _text(reason_raw)
        return Decision(reason in ("allowed", "repeat_view"), int(remaining), reason)

    def remaining(self, *, subject_type: str, subject_id: str, plan: str) -> int | None:
        """Views left this month; None for unlimited plans."""
        limit = self._limit(plan)
        if limit is None:
            return None
        month, _ = _month(self._clock())
        used = self._redis.get(self._month_key(subject_type, subject_id, month))
        return max(0, limit - int(_text(used) if used is not None else 0))

    def link_guest(self, *, guest_id: str, user_id: str) -> None:
        """Carry a guest's month usage to the user who registered from it.

        The user's count becomes max(user, guest): registering must not hand out a fresh guest
        allowance, and running it twice (retried event) changes nothing.  WATCH/MULTI makes the
        read-and-set atomic against concurrent consumes of the user.
        """
        month, _ = _month(self._clock())
        guest_key = self._month_key("guest", guest_id, month)
        user_key = self._month_key("user", user_id, month)
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(guest_key, user_key)
                    guest_used = int(_text(pipe.get(guest_key) or 0))
                    user_used = int(_text(pipe.get(user_key) or 0))
                    pipe.multi()
                    if guest_used > user_used:
                        pipe.set(user_key, guest_used, ex=MONTH_TTL_SECONDS)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue


class QuotaLimiter:
    """Partner API keys: a token bucket for bursts plus a calendar-month quota (UTC)."""

    def __init__(self, redis: redis.Redis, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._script = _load_script(redis, "take_quota.lua")

    def take(
        self, *, key_id: str, monthly_quota: int, rate_per_second: float, burst: int | None = None
    ) -> Decision:
        """Take one call; denials say how long to wait (next token, or the month's end)."""
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        capacity = burst if burst is not None else max(1, math.ceil(rate_per_second))
        now = self._clock()
        month, to_month_end = _month(now)
        # One hash tag per key so both keys land in the same slot on a Redis Cluster.
        keys = [f"medcode:quota:{{{key_id}}}:bucket", f"medcode:quota:{{{key_id}}}:{month}"]
        args = [repr(now), repr(float(rate_per_second)), capacity, monthly_quota]
        args += [MONTH_TTL_SECONDS, repr(to_month_end)]
        reason_raw, remaining, retry_raw = self._script(keys=keys, args=args)
        reason = _text(reason_raw)
        retry = _text(retry_raw)
        return Decision(
            reason == "allowed", int(remaining), reason, float(retry) if retry else None
        )
