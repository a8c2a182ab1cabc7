"""Metering on a real Redis Streams bus: ViewConsumed out, UserRegistered in (group "metering")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from redis.asyncio import Redis

from medcode.events.v1 import events_pb2
from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.events import Event, EventSettings, create_bus
from medcode_common.events.bus import make_envelope
from medcode_common.events.valkey_server import free_port
from medcode_common.service_auth import GATEWAY, METERING
from medcode_metering.events import USER_REGISTERED, VIEW_CONSUMED
from medcode_metering.publishing import StreamsViewPublisher, ThreadedViewPublisher
from medcode_metering.testing import DurableValkey, MeteringThread, loopback_settings

pytestmark = pytest.mark.timeout(60)
USER = pb.SUBJECT_TYPE_USER


def wait_for(condition: Callable[[], bool], *, seconds: float = 20.0) -> None:
    """Poll until `condition` holds; the bus works in the background."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture
def service(valkey: DurableValkey, clock: Any) -> Iterator[MeteringThread]:
    server = MeteringThread(
        loopback_settings(valkey.url),
        event_settings=EventSettings(redis_url=valkey.url),
        clock=clock,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stub(service: MeteringThread) -> Iterator[pb_grpc.MeteringServiceStub]:
    with service_auth.channel(service.address, identity=GATEWAY, audience=METERING) as channel:
        yield pb_grpc.MeteringServiceStub(channel)


def view(subject: str, code: str, plan: str = "PLAN_FREE", **kw: Any) -> pb.ConsumeViewRequest:
    fields: dict[str, Any] = {"subject_type": USER, "subject_id": subject, "plan": plan}
    return pb.ConsumeViewRequest(**(fields | kw), system="icd10cm", code=code)


def test_only_charged_views_are_published(
    valkey: DurableValkey, stub: pb_grpc.MeteringServiceStub
) -> None:
    stub.ConsumeView(view("u1", "E11.9"))  # charged
    stub.ConsumeView(view("u1", "E11.9"))  # repeat: free, not an event
    stub.ConsumeView(view("p1", "E11.9", plan="PLAN_PRO"))  # unlimited: not metered
    stub.ConsumeView(view("g1", "A00", "PLAN_GUEST", subject_type=pb.SUBJECT_TYPE_GUEST))  # charged
    stub.ConsumeView(view("g1", "A01", "PLAN_GUEST", subject_type=pb.SUBJECT_TYPE_GUEST))  # denied
    bus = create_bus(EventSettings(redis_url=valkey.url))
    got: list[Event] = []
    wait_for(
        lambda: bus.consume("reader", got.append, types=[VIEW_CONSUMED]) >= 0 and len(got) >= 2
    )
    bus.close()
    sent = [e.decode(events_pb2.ViewConsumed) for e in got]
    assert [e.type for e in got] == ["medcode.events.v1.ViewConsumed"] * 2
    assert sent == [
        events_pb2.ViewConsumed(
            subject_type="user", subject_id="u1", system="icd10cm", code="E11.9", remaining=5
        ),
        events_pb2.ViewConsumed(
            subject_type="guest", subject_id="g1", system="icd10cm", code="A00", remaining=0
        ),
    ]


def test_user_registered_delivered_twice_links_the_guest_once(
    valkey: DurableValkey, service: MeteringThread, stub: pb_grpc.MeteringServiceStub
) -> None:
    guest_view = view("g7", "I10", "PLAN_GUEST", subject_type=pb.SUBJECT_TYPE_GUEST)
    assert stub.ConsumeView(guest_view).allowed
    bus = create_bus(EventSettings(redis_url=valkey.url))
    stream = bus.stream(USER_REGISTERED)  # type: ignore[attr-defined]
    _id, envelope = make_envelope(
        USER_REGISTERED, events_pb2.UserRegistered(user_id="u7", guest_id="g7", plan="PLAN_FREE"), 1
    )
    raw = redis.Redis.from_url(valkey.url)
    for _ in range(2):  # the same event (same id) twice, as a redelivery would bring it
        raw.xadd(stream, {b"e": envelope})
    bus.publish(
        USER_REGISTERED, events_pb2.UserRegistered(user_id="u8", plan="PLAN_FREE")
    )  # no guest
    runtime = service.runtime
    assert runtime is not None and runtime.consumer is not None
    consumer = runtime.consumer
    wait_for(lambda: consumer.handled >= 3)
    assert raw.xpending(stream, "metering")["pending"] == 0  # all acknowledged
    raw.close()
    bus.close()
    allowance = stub.GetViewAllowance(
        pb.GetViewAllowanceRequest(subject_type=USER, subject_id="u7", plan="PLAN_FREE")
    )
    assert allowance.remaining == 5  # the guest's one view, counted once
    again = stub.ConsumeView(view("u7", "I10"))
    assert (again.reason, again.remaining) == (pb.VIEW_REASON_REPEAT_VIEW, 5)
    fresh = stub.GetViewAllowance(
        pb.GetViewAllowanceRequest(subject_type=USER, subject_id="u8", plan="PLAN_FREE")
    )
    assert fresh.remaining == 6


def test_a_dead_bus_never_fails_a_view(valkey: DurableValkey, clock: Any) -> None:
    dead = EventSettings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    server = MeteringThread(loopback_settings(valkey.url), event_settings=dead, clock=clock)
    server.start()
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=METERING) as channel:
            stub = pb_grpc.MeteringServiceStub(channel)
            replies = [stub.ConsumeView(view("u1", f"C{i}")) for i in range(3)]
        assert [r.remaining for r in replies] == [5, 4, 3]
        publisher = server.runtime.publisher if server.runtime else None
        assert publisher is not None
        wait_for(lambda: publisher.failed == 3)
        assert publisher.published == 0
    finally:
        server.stop()


def test_a_full_event_buffer_drops_instead_of_waiting(loop: asyncio.AbstractEventLoop) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    bus = create_bus(EventSettings(redis_url=dead))
    publishers = [
        ThreadedViewPublisher(bus, max_queued=2),
        StreamsViewPublisher(Redis.from_url(dead), stream="s", max_queued=2),
    ]
    for publisher in publishers:  # not started: nothing drains them
        for i in range(5):
            publisher.submit(events_pb2.ViewConsumed(subject_id=f"u{i}"))
        assert publisher.dropped == 3
        loop.run_until_complete(publisher.aclose())  # tries the 2 it kept, on a dead server
        assert publisher.failed == 2


def test_the_threaded_publisher_for_other_buses_delivers_in_order(
    valkey: DurableValkey, loop: asyncio.AbstractEventLoop
) -> None:
    settings = EventSettings(redis_url=valkey.url)
    publisher = ThreadedViewPublisher(create_bus(settings))
    publisher.start()
    for i in range(3):
        publisher.submit(events_pb2.ViewConsumed(subject_id=f"u{i}", remaining=i))
    reader = create_bus(settings)
    got: list[Event] = []
    wait_for(lambda: reader.consume("r", got.append, types=[VIEW_CONSUMED]) >= 0 and len(got) >= 3)
    assert [e.decode(events_pb2.ViewConsumed).subject_id for e in got] == ["u0", "u1", "u2"]
    loop.run_until_complete(publisher.aclose())
    reader.close()
