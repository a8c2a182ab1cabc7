"""CasePilot question allowances per plan and calendar month (UTC), decided by one Lua script.

Like views, check and charge are one atomic step, so concurrent gateway replicas never answer
more questions than the allowance. Guests are also capped per client network a day, since a
guest id is only a cookie that can be cleared.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from medcode_common.plans import Plan
from medcode_metering.allowance import IP_DAY_TTL_SECONDS, MONTH_TTL_SECONDS, Decision
from medcode_metering.batching import ScriptBatcher
from medcode_metering.calendar import day_of, month_of
from medcode_metering.scripts import load_script, text


@dataclass(frozen=True, slots=True)
class QuestionPolicy:
    """Questions a month for guests and free accounts, and guest questions per network a day."""

    guest_questions: int
    free_questions: int
    guest_ip_daily_cap: int


def question_month_key(subject_type: str, subject_id: str, month: str) -> str:
    """Questions a subject asked in one calendar month."""
    return f"medcode:questions:{subject_type}:{subject_id}:{month}"


class QuestionMeter:
    """Counts CasePilot questions per subject per calendar month (UTC)."""

    def __init__(
        self,
        redis: Redis,
        *,
        policy: QuestionPolicy,
        clock: Callable[[], float] = time.time,
        batcher: ScriptBatcher | None = None,
    ) -> None:
        self._batcher = batcher or ScriptBatcher(redis)
        self.policy = policy
        self._clock = clock
        self._consume = load_script(redis, "consume_question.lua")

    def limit(self, plan: Plan) -> int | None:
        """The month's question allowance of `plan`; None when unlimited (Pro, internal, and
        partners, whose keys pay their API quota instead)."""
        if plan is Plan.GUEST:
            return self.policy.guest_questions
        if plan is Plan.FREE:
            return self.policy.free_questions
        return None

    async def consume(
        self, *, subject_type: str, subject_id: str, plan: Plan, ip: str | None = None
    ) -> Decision:
        """Charge one question unless the month's allowance (or a guest network's day) is spent."""
        limit = self.limit(plan)
        if limit is None:
            return Decision(True, None, "unlimited")
        now = self._clock()
        capped = plan is Plan.GUEST and ip is not None
        keys = [
            question_month_key(subject_type, subject_id, month_of(now)),
            f"medcode:guest-ip-questions:{ip if capped else '-'}:{day_of(now)}",
        ]
        args: list[str | int] = [
            limit,
            self.policy.guest_ip_daily_cap if capped else -1,
            MONTH_TTL_SECONDS,
            IP_DAY_TTL_SECONDS,
        ]
        reason_raw, remaining = await self._batcher.run(self._consume, keys=keys, args=args)
        reason = text(reason_raw)
        return Decision(reason == "allowed", int(remaining), reason)
