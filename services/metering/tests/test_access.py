"""Who may call metering: only the gateway spends views and quota, only accounts links a
guest (finding: anyone who reached the port could spend any key's quota or user's views)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import ACCOUNTS, CLI, CODES, GATEWAY, METERING, SEARCH
from medcode_metering.access import POLICY, SERVICE
from medcode_metering.testing import DurableValkey, MeteringThread, loopback_settings

QUOTA = pb.TakeQuotaRequest(key_id="k1", monthly_quota=10, rate_per_second=5)
VIEW = pb.ConsumeViewRequest(
    subject_type=pb.SUBJECT_TYPE_USER, subject_id="u1", plan="PLAN_FREE", system="icd10cm",
    code="E11.9",
)  # fmt: skip
ALLOWANCE = pb.GetViewAllowanceRequest(
    subject_type=pb.SUBJECT_TYPE_USER, subject_id="u1", plan="PLAN_FREE"
)
LINK = pb.LinkGuestRequest(guest_id="g1", user_id="u1")
QUESTION = pb.ConsumeQuestionRequest(
    subject_type=pb.SUBJECT_TYPE_USER, subject_id="u1", plan="PLAN_FREE"
)
Call = Callable[[pb_grpc.MeteringServiceStub], Any]
CALLS: dict[str, Call] = {
    "TakeQuota": lambda stub: stub.TakeQuota(QUOTA, timeout=10),
    "ConsumeView": lambda stub: stub.ConsumeView(VIEW, timeout=10),
    "GetViewAllowance": lambda stub: stub.GetViewAllowance(ALLOWANCE, timeout=10),
    "LinkGuest": lambda stub: stub.LinkGuest(LINK, timeout=10),
    "ConsumeQuestion": lambda stub: stub.ConsumeQuestion(QUESTION, timeout=10),
}


@pytest.fixture
def address(valkey: DurableValkey, clock: Any) -> Iterator[str]:
    server = MeteringThread(loopback_settings(valkey.url, events_enabled=False), clock=clock)
    server.start()
    yield server.address
    server.stop()


def code_of(call: Call, stub: pb_grpc.MeteringServiceStub) -> grpc.StatusCode:
    try:
        call(stub)
    except grpc.RpcError as error:
        return error.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


@pytest.mark.parametrize("method", sorted(CALLS))
def test_without_a_token_nothing_is_spent(address: str, method: str) -> None:
    with grpc.insecure_channel(address) as anonymous:
        code = code_of(CALLS[method], pb_grpc.MeteringServiceStub(anonymous))
    assert code == grpc.StatusCode.UNAUTHENTICATED
    with service_auth.channel(address, identity=GATEWAY, audience=METERING) as gateway:
        stub = pb_grpc.MeteringServiceStub(gateway)
        assert stub.GetViewAllowance(ALLOWANCE, timeout=10).remaining == 6
        assert stub.TakeQuota(QUOTA, timeout=10).remaining == 9  # the refused call took none
        assert stub.ConsumeQuestion(QUESTION, timeout=10).remaining == 19


@pytest.mark.parametrize("identity", [CODES, SEARCH, ACCOUNTS, CLI])
def test_only_the_gateway_spends_views_and_quota(address: str, identity: str) -> None:
    with service_auth.channel(address, identity=identity, audience=METERING) as other:
        stub = pb_grpc.MeteringServiceStub(other)
        for method in ("TakeQuota", "ConsumeView", "GetViewAllowance", "ConsumeQuestion"):
            assert code_of(CALLS[method], stub) == grpc.StatusCode.PERMISSION_DENIED, method
    with service_auth.channel(address, identity=GATEWAY, audience=METERING) as gateway:
        stub = pb_grpc.MeteringServiceStub(gateway)
        assert stub.TakeQuota(QUOTA, timeout=10).remaining == 9


@pytest.mark.parametrize("identity", [GATEWAY, CODES, SEARCH, CLI])
def test_only_accounts_links_a_guest(address: str, identity: str) -> None:
    with service_auth.channel(address, identity=identity, audience=METERING) as other:
        assert code_of(CALLS["LinkGuest"], pb_grpc.MeteringServiceStub(other)) == (
            grpc.StatusCode.PERMISSION_DENIED
        )
    with service_auth.channel(address, identity=ACCOUNTS, audience=METERING) as accounts:
        assert code_of(CALLS["LinkGuest"], pb_grpc.MeteringServiceStub(accounts)) == (
            grpc.StatusCode.OK
        )


def test_every_method_has_a_policy() -> None:
    assert service_auth.undeclared_methods(SERVICE, POLICY) == []
