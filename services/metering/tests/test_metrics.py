"""Views granted and refused, by reason, counted by the real service over real gRPC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, METERING
from medcode_metering.testing import DurableValkey, MeteringThread, loopback_settings

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def service(valkey: DurableValkey, clock: Any) -> Iterator[MeteringThread]:
    server = MeteringThread(
        loopback_settings(valkey.url, events_enabled=False, guest_ip_daily_cap=2), clock=clock
    )
    server.start()
    yield server
    server.stop()


def guest_view(guest: str, code: str, ip: str = "203.0.113.9") -> pb.ConsumeViewRequest:
    return pb.ConsumeViewRequest(
        subject_type=pb.SUBJECT_TYPE_GUEST,
        subject_id=guest,
        plan="PLAN_GUEST",
        system="icd10cm",
        code=code,
        client_ip=ip,
    )


def counted(service: MeteringThread, name: str, reason: str) -> float:
    assert service.runtime is not None
    value = service.runtime.metrics.registry.get_sample_value(name, {"reason": reason})
    return value or 0.0


def test_each_decision_is_counted_under_its_reason(service: MeteringThread) -> None:
    with service_auth.channel(service.address, identity=GATEWAY, audience=METERING) as channel:
        stub = pb_grpc.MeteringServiceStub(channel)
        answers = [
            stub.ConsumeView(guest_view("g1", "E11.9"), timeout=5),  # charged
            stub.ConsumeView(guest_view("g1", "E11.9"), timeout=5),  # the same page again
            stub.ConsumeView(guest_view("g1", "I10"), timeout=5),  # over the guest's 1 view
            stub.ConsumeView(guest_view("g2", "I10"), timeout=5),  # the IP's 2nd guest view
            stub.ConsumeView(guest_view("g3", "J45.909"), timeout=5),  # over the IP's cap
            stub.ConsumeView(
                pb.ConsumeViewRequest(
                    subject_type=pb.SUBJECT_TYPE_USER,
                    subject_id="u1",
                    plan="PLAN_PRO",
                    system="icd10cm",
                    code="E11.9",
                ),
                timeout=5,
            ),
        ]
        with pytest.raises(grpc.RpcError):  # bad input decides nothing and counts nothing
            stub.ConsumeView(guest_view("g4", "E11.9", ip="not an ip"), timeout=5)
    assert [a.allowed for a in answers] == [True, True, False, True, False, True]
    granted = "medcode_views_granted_total"
    refused = "medcode_views_refused_total"
    assert counted(service, granted, "allowed") == 2
    assert counted(service, granted, "repeat_view") == 1
    assert counted(service, granted, "unlimited") == 1
    assert counted(service, refused, "limit_reached") == 1
    assert counted(service, refused, "ip_cap") == 1
