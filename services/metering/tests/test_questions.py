"""ConsumeQuestion through real gRPC over a real valkey-server: CasePilot questions per plan."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, METERING
from medcode_metering.testing import DurableValkey, MeteringThread, loopback_settings

pytestmark = pytest.mark.timeout(120)

GUEST, USER = pb.SUBJECT_TYPE_GUEST, pb.SUBJECT_TYPE_USER


@pytest.fixture
def service(valkey: DurableValkey, clock: Any) -> Iterator[MeteringThread]:
    settings = loopback_settings(
        valkey.url,
        events_enabled=False,
        guest_questions=2,
        free_questions=4,
        guest_question_ip_daily_cap=3,
    )
    server = MeteringThread(settings, clock=clock)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stub(service: MeteringThread) -> Iterator[pb_grpc.MeteringServiceStub]:
    with service_auth.channel(service.address, identity=GATEWAY, audience=METERING) as channel:
        yield pb_grpc.MeteringServiceStub(channel)


def ask(subject: str = "u1", plan: str = "PLAN_FREE", **kw: Any) -> pb.ConsumeQuestionRequest:
    kind = GUEST if plan == "PLAN_GUEST" else USER
    return pb.ConsumeQuestionRequest(subject_type=kind, subject_id=subject, plan=plan, **kw)


def test_free_user_gets_the_configured_month_then_limit_reached(
    stub: pb_grpc.MeteringServiceStub,
) -> None:
    replies = [stub.ConsumeQuestion(ask()) for _ in range(5)]
    assert [r.allowed for r in replies] == [True, True, True, True, False]
    assert [r.remaining for r in replies] == [3, 2, 1, 0, 0]
    assert replies[-1].reason == pb.QUESTION_REASON_LIMIT_REACHED
    assert all(r.limit == 4 and not r.unlimited for r in replies)
    assert replies[0].policy.free_questions == 4 and replies[0].policy.guest_questions == 2
    # Another user's month is untouched.
    assert stub.ConsumeQuestion(ask("u2")).remaining == 3


def test_a_new_month_gives_a_new_allowance(stub: pb_grpc.MeteringServiceStub, clock: Any) -> None:
    for _ in range(4):
        stub.ConsumeQuestion(ask())
    assert not stub.ConsumeQuestion(ask()).allowed
    clock.now = datetime(2026, 4, 1, 0, 0, 1, tzinfo=UTC).timestamp()
    assert stub.ConsumeQuestion(ask()).remaining == 3


@pytest.mark.parametrize("plan", ["PLAN_PRO", "PLAN_INTERNAL", "PLAN_PARTNER"])
def test_paid_plans_are_unlimited_and_uncharged(
    stub: pb_grpc.MeteringServiceStub, plan: str
) -> None:
    replies = [stub.ConsumeQuestion(ask("p1", plan)) for _ in range(10)]
    assert all(r.allowed and r.unlimited for r in replies)
    assert {r.reason for r in replies} == {pb.QUESTION_REASON_UNLIMITED}


def test_questions_and_views_are_separate_allowances(stub: pb_grpc.MeteringServiceStub) -> None:
    for _ in range(4):
        stub.ConsumeQuestion(ask())
    view = pb.ConsumeViewRequest(
        subject_type=USER, subject_id="u1", plan="PLAN_FREE", system="icd10cm", code="E11.9"
    )
    assert stub.ConsumeView(view).allowed


def test_guests_are_capped_per_network_a_day_across_guest_ids(
    stub: pb_grpc.MeteringServiceStub, clock: Any
) -> None:
    allowed = [
        stub.ConsumeQuestion(ask(f"g{i}", "PLAN_GUEST", client_ip="203.0.113.9")).allowed
        for i in range(5)
    ]
    assert allowed == [True, True, True, False, False]
    capped = stub.ConsumeQuestion(ask("g9", "PLAN_GUEST", client_ip="203.0.113.9"))
    assert capped.reason == pb.QUESTION_REASON_IP_CAP_REACHED and capped.remaining == 2
    assert stub.ConsumeQuestion(ask("g9", "PLAN_GUEST", client_ip="198.51.100.1")).allowed
    clock.now += 24 * 3600
    assert stub.ConsumeQuestion(ask("g8", "PLAN_GUEST", client_ip="203.0.113.9")).allowed


def test_hundred_simultaneous_questions_with_four_allowed_grant_exactly_four(
    service: MeteringThread,
) -> None:
    async def burst() -> list[pb.ConsumeQuestionResponse]:
        signer = service_auth.load_signer(GATEWAY)
        async with service_auth.aio_channel(
            service.address, signer=signer, audience=METERING
        ) as channel:
            call = pb_grpc.MeteringServiceStub(channel).ConsumeQuestion
            return list(await asyncio.gather(*(call(ask("u7"), timeout=30) for _ in range(100))))

    replies = asyncio.run(burst())
    assert sum(r.allowed for r in replies) == 4


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (pb.ConsumeQuestionRequest(subject_id="u1", plan="PLAN_FREE"), "subject_type"),
        (pb.ConsumeQuestionRequest(subject_type=USER, plan="PLAN_FREE"), "subject_id"),
        (pb.ConsumeQuestionRequest(subject_type=USER, subject_id="u1"), "plan"),
        (pb.ConsumeQuestionRequest(subject_type=GUEST, subject_id="g", plan="PLAN_FREE"), "guest"),
        (ask(client_ip="not-an-ip"), "client_ip"),
        (ask("a b"), "subject_id"),
    ],
)
def test_bad_requests_are_invalid_argument_and_charge_nothing(
    stub: pb_grpc.MeteringServiceStub, request_: pb.ConsumeQuestionRequest, message: str
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        stub.ConsumeQuestion(request_)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert message in raised.value.details()
    assert stub.ConsumeQuestion(ask()).remaining == 3
