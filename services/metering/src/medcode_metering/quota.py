"""Partner API keys: a token bucket for bursts plus a calendar-month quota (UTC), atomic in Lua."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from redis.asyncio import Redis

from medcode_metering.allowance import MONTH_TTL_SECONDS, Decision
from medcode_metering.batching import ScriptBatcher
from medcode_metering.calendar import month_of, seconds_to_month_end
from medcode_metering.scripts import load_script, text


def bucket_capacity(rate_per_second: float, burst: int | None) -> int:
    """The burst size: `burst` when given (and positive), else ceil(rate), at least 1."""
    return burst if burst else max(1, math.ceil(rate_per_second))


class QuotaLimiter:
    """Charges partner calls; denials say how long to wait (next token, or the month's end)."""

    def __init__(
        self,
        redis: Redis,
        *,
        clock: Callable[[], float] = time.time,
        batcher: ScriptBatcher | None = None,
    ) -> None:
        self._clock = clock
        self._batcher = batcher or ScriptBatcher(redis)
        self._script = load_script(redis, "take_quota.lua")

    async def take(
        self, *, key_id: str, monthly_quota: int, rate_per_second: float, burst: int | None = None
    ) -> Decision:
        """Take one call from the bucket and the month's quota, or say why not."""
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be positive")
        if monthly_quota < 1:
            raise ValueError("monthly_quota must be at least 1")
        now = self._clock()
        month = month_of(now)
        # One hash tag per key so both keys land in the same slot on a Redis Cluster.
        keys = [f"medcode:quota:{{{key_id}}}:bucket", f"medcode:quota:{{{key_id}}}:{month}"]
        args: list[str | int] = [repr(now), repr(float(rate_per_second))]
        args.append(bucket_capacity(rate_per_second, burst))
        args += [monthly_quota, MONTH_TTL_SECONDS, repr(seconds_to_month_end(now))]
        reason_raw, remaining, retry_raw = await self._batcher.run(
            self._script, keys=keys, args=args
        )
        reason = text(reason_raw)
        retry = text(retry_raw)
        return Decision(
            reason == "allowed", int(remaining), reason, float(retry) if retry else None
        )
