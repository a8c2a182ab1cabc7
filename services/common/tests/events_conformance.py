"""Backend-neutral event-bus behaviour; each backend's test module calls these functions.

``make_bus()`` must return a new bus (a new consumer identity) on the same, test-private
namespace. ``settle(buses, group, types)`` waits, while the consumers poll in their own
threads, until they have joined the group (Kafka rebalances); a no-op for Redis.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from medcode.events.v1 import events_pb2
from medcode_common.events import Event, EventBus, IdempotentHandler, MemorySeenStore
from medcode_common.events.bus import make_envelope

MakeBus = Callable[[], EventBus]
Settle = Callable[[Sequence[EventBus], str, Sequence[str]], None]

VIEW = "medcode.events.v1.ViewConsumed"
RELEASE = "medcode.events.v1.ReleasePublished"
DEADLINE_S = 30.0


def new_group() -> str:
    """A fresh group per test: a Kafka group's departed members delay the next join."""
    return f"g-{uuid.uuid4().hex[:8]}"


def view(i: int, subject: str = "u1") -> events_pb2.ViewConsumed:
    return events_pb2.ViewConsumed(
        subject_type="user", subject_id=subject, system="icd10cm", code="E11.9", remaining=i
    )


def drain(
    buses: Sequence[EventBus],
    group: str,
    handler: Callable[[EventBus, Event], None],
    types: Sequence[str],
    until: Callable[[], bool],
    timeout: float = DEADLINE_S,
    max_batch: int = 100,
) -> None:
    """Poll the buses in turn until ``until()`` holds; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out waiting for events"
        for bus in buses:
            bus.consume(
                group,
                lambda e, b=bus: handler(b, e),
                types=types,
                max_batch=max_batch,
                block_ms=100,
            )


def round_trip(make_bus: MakeBus) -> None:
    bus, g = make_bus(), new_group()
    sent = view(7)
    event_id = bus.publish(VIEW, sent)
    got: list[Event] = []
    drain([bus], g, lambda _b, e: got.append(e), [VIEW], lambda: bool(got))
    (event,) = got
    assert event.id == event_id
    assert event.type == VIEW
    assert event.schema_version == 1
    assert abs(datetime.now(UTC) - event.time) < timedelta(minutes=1)
    assert event.decode(events_pb2.ViewConsumed) == sent


def ack_after_success(make_bus: MakeBus) -> None:
    bus, g = make_bus(), new_group()
    event_id = bus.publish(VIEW, view(1))
    calls: list[str] = []
    done: list[str] = []

    def flaky(_b: EventBus, e: Event) -> None:
        calls.append(e.id)
        if len(calls) == 1:
            raise RuntimeError("transient failure")
        done.append(e.id)

    drain([bus], g, flaky, [VIEW], lambda: bool(done))
    assert calls == [event_id, event_id]
    assert done == [event_id]
    # Acknowledged now: further polls deliver nothing.
    assert bus.consume(g, lambda e: done.append(e.id), types=[VIEW], block_ms=300) == 0
    assert done == [event_id]


def group_split(make_bus: MakeBus, settle: Settle, n: int = 20) -> None:
    """Two consumers of one group, each polling in its own thread as separate processes would."""
    a, b, g = make_bus(), make_bus(), new_group()
    types = [VIEW]
    seen: dict[str, list[EventBus]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def record(bus: EventBus, e: Event) -> None:
        with lock:
            seen.setdefault(e.id, []).append(bus)

    def loop(bus: EventBus) -> None:
        # Small batches, so neither consumer can take the whole backlog in one read (Redis).
        while not stop.is_set():
            bus.consume(g, lambda e: record(bus, e), types=types, max_batch=2, block_ms=100)

    threads = [threading.Thread(target=loop, args=(bus,), daemon=True) for bus in (a, b)]
    for t in threads:
        t.start()
    try:
        settle([a, b], g, types)
        ids = {a.publish(VIEW, view(i, f"s{i}"), key=f"s{i}") for i in range(n)}
        deadline = time.monotonic() + DEADLINE_S
        while len(seen) < n:
            assert time.monotonic() < deadline, "timed out waiting for events"
            time.sleep(0.05)
        time.sleep(0.5)  # catch late duplicates
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
    assert set(seen) == ids
    assert all(len(v) == 1 for v in seen.values()), "an event went to two consumers"
    owners = [v[0] for v in seen.values()]
    assert a in owners and b in owners, "one consumer got every event"


def idempotent_skip(make_bus: MakeBus) -> None:
    """The same event id reaching a handler twice (here via two groups) runs it once."""
    bus = make_bus()
    bus.publish(RELEASE, events_pb2.ReleasePublished(system="icd10cm", release="2026"))
    inner: list[str] = []
    handler = IdempotentHandler(lambda e: inner.append(e.id), MemorySeenStore())
    for group in (new_group(), new_group()):
        deadline = time.monotonic() + DEADLINE_S
        before = handler.skipped + len(inner)
        while handler.skipped + len(inner) == before:
            assert time.monotonic() < deadline, "timed out waiting for events"
            bus.consume(group, handler, types=[RELEASE], block_ms=100)
    assert len(inner) == 1
    assert handler.skipped == 1


def stored_envelope_keeps_its_id(make_bus: MakeBus) -> None:
    """An outbox resending its stored envelope delivers the same id, so it applies once."""
    bus = make_bus()
    event_id, envelope = make_envelope(RELEASE, events_pb2.ReleasePublished(release="r"), 1)
    bus.publish_envelope(RELEASE, envelope)
    bus.publish_envelope(RELEASE, envelope)  # crash between publish and "mark sent"
    applied: list[str] = []
    handler = IdempotentHandler(lambda e: applied.append(e.id), MemorySeenStore())
    group = new_group()
    deadline = time.monotonic() + DEADLINE_S
    while handler.skipped + len(applied) < 2:
        assert time.monotonic() < deadline, "timed out waiting for events"
        bus.consume(group, handler, types=[RELEASE], block_ms=100)
    assert applied == [event_id] and handler.skipped == 1


def ordering(make_bus: MakeBus, n: int = 30) -> None:
    """One consumer sees a type in publish order, even across a failure and redelivery."""
    bus, g = make_bus(), new_group()
    for i in range(n):
        bus.publish(VIEW, view(i))
    order: list[int] = []
    failed: list[int] = []

    def handle(_b: EventBus, e: Event) -> None:
        i = e.decode(events_pb2.ViewConsumed).remaining
        if i == n // 3 and not failed:
            failed.append(i)
            raise RuntimeError("fail once mid-stream")
        order.append(i)

    drain([bus], g, handle, [VIEW], lambda: len(order) >= n)
    assert order == list(range(n))
