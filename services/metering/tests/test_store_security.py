"""Metering's counters behind a password (a real valkey-server with requirepass) and its TLS
settings for a rediss:// Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
import redis
from pydantic import ValidationError

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.health_probe import grpc_serving
from medcode_common.service_auth import GATEWAY, METERING
from medcode_metering.server import connect
from medcode_metering.service import SERVICE_NAME
from medcode_metering.settings import MeteringSettings
from medcode_metering.testing import MeteringThread, loopback_settings

PASSWORD = "metering-store-password"
VIEW = pb.ConsumeViewRequest(
    subject_type=pb.SUBJECT_TYPE_USER, subject_id="u1", plan="PLAN_FREE", system="icd10cm",
    code="E11.9",
)  # fmt: skip


@pytest.fixture(scope="module")
def locked() -> Iterator[ValkeyServer]:
    with ValkeyServer(password=PASSWORD) as server:
        yield server


def consume(address: str) -> pb.ConsumeViewResponse:
    with service_auth.channel(address, identity=GATEWAY, audience=METERING) as channel:
        return pb_grpc.MeteringServiceStub(channel).ConsumeView(VIEW, timeout=10)


def test_metering_counts_views_in_a_password_protected_store(
    locked: ValkeyServer, clock: Any
) -> None:
    server = MeteringThread(loopback_settings(locked.url, events_enabled=False), clock=clock)
    server.start()
    try:
        assert grpc_serving(server.address, service=SERVICE_NAME)
        assert (consume(server.address).allowed, consume(server.address).remaining) == (True, 5)
    finally:
        server.stop()


def test_without_the_password_the_store_is_unavailable(locked: ValkeyServer, clock: Any) -> None:
    anonymous = f"redis://127.0.0.1:{locked.port}/0"
    server = MeteringThread(loopback_settings(anonymous, events_enabled=False), clock=clock)
    server.start()
    try:
        assert not grpc_serving(server.address, service=SERVICE_NAME)  # not ready
        with pytest.raises(grpc.RpcError) as refused:
            consume(server.address)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        server.stop()


def test_a_rediss_store_is_verified_against_the_ca_file(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    settings = MeteringSettings(redis_url="rediss://:pw@redis.internal:6380/0", redis_ca_file=ca)
    client = connect(settings)  # lazy: nothing is dialled
    pool = client.connection_pool
    assert pool.connection_class.__name__ == "SSLConnection"
    kwargs = pool.connection_kwargs
    assert (kwargs["ssl_ca_certs"], kwargs["ssl_cert_reqs"]) == (str(ca), "required")
    assert kwargs["ssl_check_hostname"] is True and kwargs["password"] == "pw"
    assert isinstance(client, redis.asyncio.Redis)


def test_a_ca_file_for_a_plain_redis_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not rediss://"):
        MeteringSettings(redis_url="redis://redis:6379/0", redis_ca_file=tmp_path / "ca.pem")
