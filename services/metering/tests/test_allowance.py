"""ViewMeter and QuotaLimiter (redis.asyncio + Lua) against a real valkey-server, 127.0.0.1 only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from redis.asyncio import BlockingConnectionPool, Redis

from medcode_common.plans import Plan
from medcode_metering import Decision, QuotaLimiter, ViewMeter
from medcode_metering.testing import DurableValkey

pytestmark = pytest.mark.timeout(60)

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Run[Any]:
    return loop.run_until_complete


@pytest.fixture
def client(valkey: DurableValkey, run: Run[Any]) -> Iterator[Redis]:
    pool = BlockingConnectionPool.from_url(valkey.url, max_connections=32, timeout=5)
    redis = Redis(connection_pool=pool)
    yield redis
    run(redis.aclose())
    run(pool.disconnect())


def views(**kw: Any) -> dict[str, Any]:
    return {"subject_type": "user", "subject_id": "u1", "plan": Plan.FREE, **kw}


def guest(gid: str = "g1", **kw: Any) -> dict[str, Any]:
    return {"subject_type": "guest", "subject_id": gid, "plan": Plan.GUEST, **kw}


def test_guest_one_view_then_repeat_is_free(client: Redis, clock: Any, run: Run[Any]) -> None:
    meter = ViewMeter(client, clock=clock)
    assert run(meter.consume(**guest(), code="E11.9")) == Decision(True, 0, "allowed")
    assert run(meter.consume(**guest(), code="I10")) == Decision(False, 0, "limit_reached")
    clock.now += 3600
    assert run(meter.consume(**guest(), code="E11.9")) == Decision(True, 0, "repeat_view")
    assert run(meter.remaining(subject_type="guest", subject_id="g1", plan=Plan.GUEST)) == 0
    clock.now += 24 * 3600
    assert run(meter.consume(**guest(), code="E11.9")) == Decision(False, 0, "limit_reached")


def test_repeat_window_expires_and_consumes_again(client: Redis, clock: Any, run: Run[Any]) -> None:
    meter = ViewMeter(client, clock=clock)
    start = clock.now
    assert run(meter.consume(**views(), code="A00")) == Decision(True, 5, "allowed")
    clock.now = start + 24 * 3600 - 1
    assert run(meter.consume(**views(), code="A00")) == Decision(True, 5, "repeat_view")
    clock.now = start + 24 * 3600 + 1
    assert run(meter.consume(**views(), code="A00")) == Decision(True, 4, "allowed")


def test_registered_guest_keeps_usage_and_gets_five_more(
    client: Redis, clock: Any, run: Run[Any]
) -> None:
    meter = ViewMeter(client, clock=clock)
    assert run(meter.consume(**guest(), code="A00")).allowed
    assert run(meter.link_guest(guest_id="g1", user_id="u1")) == 1
    assert run(meter.link_guest(guest_id="g1", user_id="u1")) == 1
    assert run(meter.remaining(subject_type="user", subject_id="u1", plan=Plan.FREE)) == 5
    results = [run(meter.consume(**views(), code=f"C{i}")) for i in range(7)]
    assert [r.allowed for r in results] == [True] * 5 + [False] * 2
    assert [r.remaining for r in results] == [4, 3, 2, 1, 0, 0, 0]
    run(meter.link_guest(guest_id="g1", user_id="u1"))  # a retried event must not refund views
    assert run(meter.remaining(subject_type="user", subject_id="u1", plan=Plan.FREE)) == 0


def test_linked_user_inherits_the_guests_repeat_markers(
    client: Redis, clock: Any, run: Run[Any]
) -> None:
    meter = ViewMeter(client, clock=clock)
    assert run(meter.consume(**guest(), code="icd10cm:E11.9")).reason == "allowed"
    clock.now += 600
    run(meter.link_guest(guest_id="g1", user_id="u1"))
    # The page seen as a guest ten minutes ago is free; another page is charged.
    assert run(meter.consume(**views(), code="icd10cm:E11.9")) == Decision(True, 5, "repeat_view")
    assert run(meter.consume(**views(), code="icd10cm:I10")) == Decision(True, 4, "allowed")
    # The marker keeps the guest's view time: 24 h after the guest view it is charged again.
    clock.now += 24 * 3600 - 600
    assert run(meter.consume(**views(), code="icd10cm:E11.9")) == Decision(True, 3, "allowed")


def test_link_does_not_move_a_users_newer_marker_back(
    client: Redis, clock: Any, run: Run[Any]
) -> None:
    meter = ViewMeter(client, clock=clock)
    start = clock.now
    assert run(meter.consume(**guest(), code="A")).allowed
    clock.now = start + 20 * 3600
    assert run(meter.consume(**views(), code="A")).reason == "allowed"
    run(meter.link_guest(guest_id="g1", user_id="u1"))  # guest's older time must not win
    clock.now = start + 30 * 3600
    assert run(meter.consume(**views(), code="A")).reason == "repeat_view"


def test_paid_plans_unlimited(client: Redis, clock: Any, run: Run[Any]) -> None:
    meter = ViewMeter(client, clock=clock)
    for plan in (Plan.PRO, Plan.INTERNAL, Plan.PARTNER):
        for i in range(10):
            got = run(meter.consume(subject_type="user", subject_id=plan, plan=plan, code=f"X{i}"))
            assert got == Decision(True, None, "unlimited")
        assert run(meter.remaining(subject_type="user", subject_id=plan, plan=plan)) is None
    assert meter.limit(Plan.FREE) == 6 and meter.limit(Plan.GUEST) == 1


def test_guest_ip_daily_cap_across_guest_ids(client: Redis, clock: Any, run: Run[Any]) -> None:
    meter = ViewMeter(client, guest_ip_daily_cap=3, clock=clock)
    got = [run(meter.consume(**guest(f"g{i}"), code="A", ip="10.0.0.1")) for i in range(5)]
    assert [d.reason for d in got] == ["allowed"] * 3 + ["ip_cap"] * 2
    assert got[3] == Decision(False, 1, "ip_cap")
    assert run(meter.consume(**guest("g9"), code="A", ip="10.0.0.2")).allowed
    clock.now += 24 * 3600  # next UTC day: the cap resets
    assert run(meter.consume(**guest("g4"), code="A", ip="10.0.0.1")).allowed


def test_month_rollover_resets(client: Redis, clock: Any, run: Run[Any]) -> None:
    clock.now = datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC).timestamp()
    meter = ViewMeter(client, clock=clock)
    allowed = [run(meter.consume(**views(), code=f"M{i}")).allowed for i in range(7)]
    assert allowed == [True] * 6 + [False]
    clock.now += 2  # April 1st 00:00:01 UTC
    assert run(meter.remaining(subject_type="user", subject_id="u1", plan=Plan.FREE)) == 6
    assert run(meter.consume(**views(), code="N1")) == Decision(True, 5, "allowed")


async def _together(calls: int, fn: Callable[[int], Awaitable[Decision]]) -> list[Decision]:
    return list(await asyncio.gather(*(fn(i) for i in range(calls))))


def test_concurrent_views_grant_exactly_the_allowance(
    client: Redis, clock: Any, run: Run[Any]
) -> None:
    meter = ViewMeter(client, clock=clock)
    run(meter.consume(**guest(), code="A00"))
    run(meter.link_guest(guest_id="g1", user_id="u1"))
    results = run(_together(100, lambda i: meter.consume(**views(), code=f"K{i}")))
    assert sum(r.allowed for r in results) == 5
    assert sum(r.reason == "limit_reached" for r in results) == 95
    assert run(meter.remaining(subject_type="user", subject_id="u1", plan=Plan.FREE)) == 0


def test_concurrent_partner_takes_grant_exactly_the_quota(
    client: Redis, clock: Any, run: Run[Any]
) -> None:
    limiter = QuotaLimiter(client, clock=clock)
    results = run(
        _together(100, lambda i: limiter.take(key_id="p1", monthly_quota=7, rate_per_second=1e4))
    )
    assert sum(r.allowed for r in results) == 7
    assert {r.reason for r in results if not r.allowed} == {"quota_exhausted"}


def test_token_bucket(client: Redis, clock: Any, run: Run[Any]) -> None:
    limiter = QuotaLimiter(client, clock=clock)

    def take() -> Decision:
        return run(limiter.take(key_id="p1", monthly_quota=1000, rate_per_second=2, burst=2))

    assert take() == Decision(True, 999, "allowed")
    assert take() == Decision(True, 998, "allowed")
    denied = take()
    assert (denied.allowed, denied.reason, denied.remaining) == (False, "rate_limited", 998)
    assert denied.retry_after_seconds == pytest.approx(0.5)
    clock.now += 0.5
    assert take() == Decision(True, 997, "allowed")
    assert take().reason == "rate_limited"


def test_quota_exhausted_retry_until_month_end(client: Redis, clock: Any, run: Run[Any]) -> None:
    clock.now = datetime(2026, 2, 28, 23, 0, tzinfo=UTC).timestamp()
    limiter = QuotaLimiter(client, clock=clock)
    assert run(limiter.take(key_id="p1", monthly_quota=1, rate_per_second=5)).allowed
    denied = run(limiter.take(key_id="p1", monthly_quota=1, rate_per_second=5))
    assert (denied.reason, denied.remaining) == ("quota_exhausted", 0)
    assert denied.retry_after_seconds == pytest.approx(3600)
    clock.now += 3600
    assert run(limiter.take(key_id="p1", monthly_quota=1, rate_per_second=5)).allowed


def test_restart_with_fsync_always_keeps_counts(
    valkey: DurableValkey, client: Redis, clock: Any, run: Run[Any]
) -> None:
    meter = ViewMeter(client, clock=clock)
    assert [run(meter.consume(**views(), code=f"R{i}")).allowed for i in range(3)] == [True] * 3
    valkey.kill()
    valkey.start()  # same port and dir; the script cache is gone: EVALSHA falls back to load
    run(client.connection_pool.disconnect())
    assert run(meter.remaining(subject_type="user", subject_id="u1", plan=Plan.FREE)) == 3
    assert run(meter.consume(**views(), code="R0")) == Decision(True, 3, "repeat_view")
    assert run(meter.consume(**views(), code="R9")) == Decision(True, 2, "allowed")
