"""View allowances (guests, free users) on Valkey/Redis, decided by atomic Lua scripts.

Each decision runs as one Lua script: check and charge happen in a single atomic step, so many
gateway replicas hitting the same subject concurrently can never grant more than the allowance.
Time is read in Python (injectable clock) and passed into the scripts, so tests control it and
calendar-month boundaries (UTC) are computed in one place. The client is `redis.asyncio`, so a
decision never blocks the service's event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from medcode_common.plans import Plan
from medcode_metering.batching import ScriptBatcher
from medcode_metering.calendar import day_of, month_of
from medcode_metering.scripts import load_script, text

MONTH_TTL_SECONDS = 32 * 24 * 3600
"""Month counters outlive their month by a day or so; nobody reads them after that."""
REPEAT_WINDOW_SECONDS = 24 * 3600
IP_DAY_TTL_SECONDS = 25 * 3600
SUBJECT_TYPES = frozenset({"guest", "user"})


@dataclass(frozen=True, slots=True)
class ViewPolicy:
    """The configured allowances: guest views a month, a free account's extra views on top,
    guest views per client network a day."""

    guest_views: int
    free_extra_views: int
    guest_ip_daily_cap: int


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of one metering check; `remaining` is None when the plan is unlimited."""

    allowed: bool
    remaining: int | None
    reason: str
    retry_after_seconds: float | None = None


def month_key(subject_type: str, subject_id: str, month: str) -> str:
    """Views a subject used in one calendar month."""
    return f"medcode:views:{subject_type}:{subject_id}:{month}"


def seen_key(subject_type: str, subject_id: str) -> str:
    """The subject's 24-hour repeat markers: a sorted set of code -> view time."""
    return f"medcode:seen:{subject_type}:{subject_id}"


class ViewMeter:
    """Counts code-page views per subject per calendar month (UTC)."""

    def __init__(
        self,
        redis: Redis,
        *,
        guest_views: int = 1,
        free_views: int = 5,
        guest_ip_daily_cap: int = 10,
        clock: Callable[[], float] = time.time,
        batcher: ScriptBatcher | None = None,
    ) -> None:
        self._redis = redis
        self._batcher = batcher or ScriptBatcher(redis)
        self._guest_views = guest_views
        self._free_views = free_views
        self._ip_cap = guest_ip_daily_cap
        self._clock = clock
        self._consume = load_script(redis, "consume_view.lua")
        self._link = load_script(redis, "link_guest.lua")

    @property
    def policy(self) -> ViewPolicy:
        """The allowances this meter enforces."""
        return ViewPolicy(self._guest_views, self._free_views, self._ip_cap)

    def limit(self, plan: Plan) -> int | None:
        """The month's allowance of `plan`; None when unlimited (partners are metered per API
        key by QuotaLimiter, not by page views)."""
        if not plan.view_metered:
            return None
        if plan is Plan.GUEST:
            return self._guest_views
        # A registered user's month includes what they used as a guest (see link_guest).
        return self._guest_views + self._free_views

    async def consume(
        self, *, subject_type: str, subject_id: str, plan: Plan, code: str, ip: str | None = None
    ) -> Decision:
        """Charge one view of `code` unless it is a repeat within 24 h or the allowance is spent.

        `code` should carry its system (e.g. ``icd10cm:E11.9``) so equal codes of two systems
        are different pages.
        """
        limit = self.limit(plan)
        if limit is None:
            return Decision(True, None, "unlimited")
        now = self._clock()
        capped = plan is Plan.GUEST and ip is not None
        keys = [
            month_key(subject_type, subject_id, month_of(now)),
            seen_key(subject_type, subject_id),
            f"medcode:guest-ip:{ip if capped else '-'}:{day_of(now)}",
        ]
        args: list[str | int] = [
            repr(now),
            limit,
            self._ip_cap if capped else -1,
            MONTH_TTL_SECONDS,
            REPEAT_WINDOW_SECONDS,
            IP_DAY_TTL_SECONDS,
            code,
        ]
        reason_raw, remaining = await self._batcher.run(self._consume, keys=keys, args=args)
        reason = text(reason_raw)
        return Decision(reason in ("allowed", "repeat_view"), int(remaining), reason)

    async def remaining(self, *, subject_type: str, subject_id: str, plan: Plan) -> int | None:
        """Views left this month; None for unlimited plans."""
        limit = self.limit(plan)
        if limit is None:
            return None
        used = await self._redis.get(month_key(subject_type, subject_id, month_of(self._clock())))
        return max(0, limit - int(text(used) if used is not None else 0))

    async def link_guest(self, *, guest_id: str, user_id: str) -> int:
        """Carry a guest's month usage and live repeat markers to the user who registered from it.

        The user's count becomes max(user, guest): registering must not hand out a fresh guest
        allowance, and running it twice (a retried event) changes nothing. The guest's 24-hour
        markers are copied too, so reopening the page just seen as a guest is not charged.
        Returns the user's month count after linking.
        """
        now = self._clock()
        month = month_of(now)
        keys = [
            month_key("guest", guest_id, month),
            month_key("user", user_id, month),
            seen_key("guest", guest_id),
            seen_key("user", user_id),
        ]
        args: list[str | int] = [repr(now), REPEAT_WINDOW_SECONDS, MONTH_TTL_SECONDS]
        used, _copied = await self._batcher.run(self._link, keys=keys, args=args)
        return int(used)
