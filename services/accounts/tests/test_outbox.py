"""UserRegistered through the outbox: atomic with the new (confirmed) user, delivered in order
after outages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import select, update

from medcode.events.v1 import events_pb2
from medcode.plans.v1 import plans_pb2
from medcode_accounts.models import OutboxEvent
from medcode_accounts.outbox import USER_REGISTERED
from medcode_common.events import Event, EventSettings, IdempotentHandler, MemorySeenStore
from medcode_common.events.redis_streams import RedisStreamsBus
from medcode_common.events.valkey_server import free_port

from .broker import FixedPortValkey
from .conftest import ManualClock, Running, StartServer

DEADLINE_S = 60.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll until `condition` holds; a generous deadline only turns a hang into a failure."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[FixedPortValkey]:
    server = FixedPortValkey(free_port(), tmp_path / "valkey").start()
    yield server
    server.stop()


def collect(url: str, handler: Callable[[Event], None], until: Callable[[], bool]) -> None:
    bus = RedisStreamsBus.from_url(url, consumer_name="test")
    try:
        wait_for(
            lambda: (
                bool(bus.consume("test", handler, types=[USER_REGISTERED], block_ms=100) >= 0)
                and until()
            ),
            "events",
        )
    finally:
        bus.close()


def test_register_stages_the_event_with_a_salted_email_hash(
    start_server: StartServer, broker: FixedPortValkey
) -> None:
    server = start_server(event_settings=EventSettings(redis_url=broker.url))
    user = server.sign_up("Ivy@Example.com", guest_id="guest-42").user
    got: list[Event] = []
    collect(broker.url, got.append, lambda: len(got) == 1)
    assert got[0].type == "medcode.events.v1.UserRegistered"
    message = got[0].decode(events_pb2.UserRegistered)
    assert (message.user_id, message.guest_id, message.plan, message.legacy_plan) == (
        user.user_id,
        "guest-42",
        plans_pb2.PLAN_FREE,
        "free",
    )
    assert message.email_hash == server.runtime.backend.accounts.signups.email_hash(
        "ivy@example.com"
    )
    assert "ivy" not in message.email_hash.lower() and len(message.email_hash) == 64
    publisher = server.runtime.publisher
    assert publisher is not None
    wait_for(lambda: publisher.published == 1, "the row to be marked published")
    with server.runtime.backend.db.read() as session:
        row = session.scalars(select(OutboxEvent)).one()
    assert row.event_id == got[0].id and row.published_at is not None


def test_events_survive_a_broker_outage_in_order_and_once(
    start_server: StartServer, broker: FixedPortValkey, tmp_path: Path
) -> None:
    server = start_server(
        event_settings=EventSettings(redis_url=broker.url), outbox_max_backoff_seconds=0.5
    )
    publisher = server.runtime.publisher
    assert publisher is not None
    broker.stop()
    users = [server.sign_up(f"user{i}@example.com").user.user_id for i in range(5)]
    wait_for(lambda: publisher.failures >= 2, "the publisher to notice the broker is down")
    assert publisher.published == 0
    broker.start()  # same port, empty: nothing was delivered before
    applied: list[str] = []
    handler = IdempotentHandler(
        lambda e: applied.append(e.decode(events_pb2.UserRegistered).user_id), MemorySeenStore()
    )
    collect(broker.url, handler, lambda: len(applied) == 5)
    assert applied == users
    wait_for(lambda: publisher.published == 5, "every row to be marked published")

    # A crash between publish and mark: every row is unmarked, so the next poll resends all.
    with server.runtime.backend.db.write() as session:
        session.execute(update(OutboxEvent).values(published_at=None))
    wait_for(lambda: publisher.published == 10, "the republish")
    collect(broker.url, handler, lambda: handler.skipped == 5)
    assert applied == users


def test_two_replicas_publish_each_event_once(
    start_server: StartServer, broker: FixedPortValkey, tmp_path: Path
) -> None:
    clock = ManualClock()
    shared = tmp_path / "shared"
    events = EventSettings(redis_url=broker.url)
    replicas: list[Running] = [
        start_server(clock=clock, data_dir=shared, event_settings=events) for _ in range(2)
    ]
    for i in range(6):
        replicas[i % 2].sign_up(f"r{i}@example.com")
    client = redis.Redis.from_url(broker.url)
    stream = f"medcode.{USER_REGISTERED}"
    wait_for(lambda: client.xlen(stream) >= 6, "six events")
    publishers = [r.runtime.publisher for r in replicas if r.runtime.publisher]
    # Sent first, marked after: wait for the marks before reading the table.
    wait_for(lambda: sum(p.published for p in publishers) >= 6, "six rows marked")
    with replicas[0].runtime.backend.db.read() as session:
        pending = session.scalars(select(OutboxEvent).where(OutboxEvent.published_at.is_(None)))
        assert list(pending) == []
    assert client.xlen(stream) == 6
    assert sorted(p.published for p in publishers) == [0, 6]
    client.close()
