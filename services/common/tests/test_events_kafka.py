"""Event bus on Kafka (kafka-python) against librdkafka's in-process mock cluster.

No Kafka broker is obtainable here; confluent-kafka's ``test.mock.num.brokers`` starts a mock
cluster that speaks the Kafka protocol on 127.0.0.1. The Producer that owns it must stay alive
for as long as the cluster is used.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence

import pytest

from medcode_common.events import EventBus, EventSettings, create_bus
from medcode_common.events.kafka import KafkaEventBus

from . import events_conformance as conf

confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = pytest.mark.timeout(90)
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def bootstrap() -> Iterator[str]:
    owner = confluent_kafka.Producer({"test.mock.num.brokers": 1, "log_level": 3})
    md = owner.list_topics(timeout=10)
    addrs = [f"{b.host}:{b.port}" for b in md.brokers.values()]
    assert addrs and all(a.startswith("127.0.0.1:") for a in addrs), addrs
    yield ",".join(addrs)
    owner.flush(5)
    del owner  # tears the mock cluster down


@pytest.fixture
def make_bus(bootstrap: str) -> Iterator[conf.MakeBus]:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    buses: list[EventBus] = []

    def make() -> EventBus:
        settings = EventSettings(backend="kafka", kafka_bootstrap=bootstrap, topic_prefix=prefix)
        bus = create_bus(settings)
        assert isinstance(bus, KafkaEventBus)
        bus.ensure_topics([conf.VIEW, conf.RELEASE])
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        bus.close()


def settle(
    buses: Sequence[EventBus], group: str, types: Sequence[str], timeout: float = 90
) -> None:
    """Wait until every consumer owns partitions: the group has finished rebalancing.

    The consumers poll in their own threads meanwhile. Polled in turn from one thread, the
    follower's SyncGroup reaches librdkafka's mock too late and is rejected (InvalidRequest).
    """
    deadline = time.monotonic() + timeout
    while True:
        owned = [b.assignment(group, types) for b in buses if isinstance(b, KafkaEventBus)]
        if all(owned) and not set.intersection(*owned):
            return
        assert time.monotonic() < deadline, f"group never settled: {owned}"
        time.sleep(0.1)


def test_round_trip(make_bus: conf.MakeBus) -> None:
    conf.round_trip(make_bus)


def test_ack_after_success(make_bus: conf.MakeBus) -> None:
    conf.ack_after_success(make_bus)


def test_group_split(make_bus: conf.MakeBus) -> None:
    conf.group_split(make_bus, settle)


def test_idempotent_skip(make_bus: conf.MakeBus) -> None:
    conf.idempotent_skip(make_bus)


def test_stored_envelope_keeps_its_id(make_bus: conf.MakeBus) -> None:
    conf.stored_envelope_keeps_its_id(make_bus)


def test_ordering(make_bus: conf.MakeBus) -> None:
    conf.ordering(make_bus)


def test_committed_offsets_survive_restart(make_bus: conf.MakeBus) -> None:
    """A new consumer in the group resumes after the last committed (handled) event."""
    first, g = make_bus(), conf.new_group()
    ids = [first.publish(conf.VIEW, conf.view(i)) for i in range(3)]
    got: list[str] = []
    conf.drain([first], g, lambda _b, e: got.append(e.id), [conf.VIEW], lambda: len(got) == 3)
    first.close()
    later = make_bus().publish(conf.VIEW, conf.view(99))
    second = make_bus()
    more: list[str] = []
    conf.drain([second], g, lambda _b, e: more.append(e.id), [conf.VIEW], lambda: bool(more))
    assert got == ids and more == [later]
