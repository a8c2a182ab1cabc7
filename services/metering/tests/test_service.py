"""MeteringService through real gRPC on loopback, over a real valkey-server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.events.valkey_server import free_port
from medcode_common.health_probe import grpc_serving
from medcode_common.service_auth import ACCOUNTS, GATEWAY, METERING
from medcode_metering.service import SERVICE_NAME
from medcode_metering.testing import DurableValkey, MeteringThread, loopback_settings

pytestmark = pytest.mark.timeout(120)

GUEST, USER = pb.SUBJECT_TYPE_GUEST, pb.SUBJECT_TYPE_USER


@pytest.fixture
def service(valkey: DurableValkey, clock: Any) -> Iterator[MeteringThread]:
    server = MeteringThread(
        loopback_settings(valkey.url, events_enabled=False, guest_ip_daily_cap=3), clock=clock
    )
    server.start()
    assert grpc_serving(server.address)
    yield server
    server.stop()


@pytest.fixture
def stub(service: MeteringThread) -> Iterator[pb_grpc.MeteringServiceStub]:
    with service_auth.channel(service.address, identity=GATEWAY, audience=METERING) as channel:
        yield pb_grpc.MeteringServiceStub(channel)


@pytest.fixture
def linker(service: MeteringThread) -> Iterator[pb_grpc.MeteringServiceStub]:
    """Metering as the accounts service sees it (LinkGuest is accounts' alone)."""
    with service_auth.channel(service.address, identity=ACCOUNTS, audience=METERING) as channel:
        yield pb_grpc.MeteringServiceStub(channel)


def view(subject: str = "u1", code: str = "E11.9", **kw: Any) -> pb.ConsumeViewRequest:
    fields: dict[str, Any] = {"subject_type": USER, "subject_id": subject, "plan": "PLAN_FREE"}
    fields |= {"system": "icd10cm", "code": code, **kw}
    return pb.ConsumeViewRequest(**fields)


def guest_view(guest: str = "g1", code: str = "E11.9", **kw: Any) -> pb.ConsumeViewRequest:
    return view(guest, code, subject_type=GUEST, plan="PLAN_GUEST", **kw)


async def _concurrently(address: str, requests: list[Any], method: str) -> list[Any]:
    """Send every request at once on one aio channel (HTTP/2 multiplexed)."""
    signer = service_auth.load_signer(GATEWAY)
    async with service_auth.aio_channel(address, signer=signer, audience=METERING) as channel:
        call = getattr(pb_grpc.MeteringServiceStub(channel), method)
        return list(await asyncio.gather(*(call(r, timeout=30) for r in requests)))


def test_hundred_simultaneous_views_with_five_left_allow_exactly_five(
    service: MeteringThread,
    stub: pb_grpc.MeteringServiceStub,
    linker: pb_grpc.MeteringServiceStub,
) -> None:
    assert stub.ConsumeView(guest_view()).reason == pb.VIEW_REASON_ALLOWED
    linker.LinkGuest(pb.LinkGuestRequest(guest_id="g1", user_id="u1"))
    assert (
        stub.GetViewAllowance(
            pb.GetViewAllowanceRequest(subject_type=USER, subject_id="u1", plan="PLAN_FREE")
        ).remaining
        == 5
    )
    requests = [view(code=f"A{i:02d}") for i in range(100)]
    replies = asyncio.run(_concurrently(service.address, requests, "ConsumeView"))
    assert sum(r.allowed for r in replies) == 5
    assert sorted(r.remaining for r in replies if r.allowed) == [0, 1, 2, 3, 4]
    assert {r.reason for r in replies if not r.allowed} == {pb.VIEW_REASON_LIMIT_REACHED}


def test_hundred_simultaneous_takes_against_seven_allow_exactly_seven(
    service: MeteringThread,
) -> None:
    take = pb.TakeQuotaRequest(key_id="pk_1", monthly_quota=7, rate_per_second=10_000)
    replies = asyncio.run(_concurrently(service.address, [take] * 100, "TakeQuota"))
    assert sum(r.allowed for r in replies) == 7
    assert {r.reason for r in replies if not r.allowed} == {pb.QUOTA_REASON_QUOTA_EXHAUSTED}
    assert all(r.limit == 7 and r.remaining == 0 for r in replies if not r.allowed)


def test_rate_limited_take_says_when_to_retry(stub: pb_grpc.MeteringServiceStub) -> None:
    take = pb.TakeQuotaRequest(key_id="pk_2", monthly_quota=100, rate_per_second=2, burst=1)
    first, second = stub.TakeQuota(take), stub.TakeQuota(take)
    assert (first.allowed, first.remaining, first.reason) == (True, 99, pb.QUOTA_REASON_ALLOWED)
    assert (second.allowed, second.reason) == (False, pb.QUOTA_REASON_RATE_LIMITED)
    assert second.retry_after_seconds == pytest.approx(0.5)
    assert 0 < second.reset_seconds <= 31 * 86400


def test_valkey_killed_and_restarted_mid_test_loses_no_granted_view(
    valkey: DurableValkey, stub: pb_grpc.MeteringServiceStub
) -> None:
    granted = [stub.ConsumeView(view(code=f"B{i}")) for i in range(4)]
    assert [g.remaining for g in granted] == [5, 4, 3, 2]
    valkey.kill()
    with pytest.raises(grpc.RpcError) as down:
        stub.ConsumeView(view(code="B9"))
    assert down.value.code() == grpc.StatusCode.UNAVAILABLE
    valkey.start()  # same port, same dir: the append-only file is replayed
    allowance = stub.GetViewAllowance(
        pb.GetViewAllowanceRequest(subject_type=USER, subject_id="u1", plan="PLAN_FREE")
    )
    assert (allowance.remaining, allowance.limit) == (2, 6)
    assert stub.ConsumeView(view(code="B0")).reason == pb.VIEW_REASON_REPEAT_VIEW
    last = stub.ConsumeView(view(code="B5"))
    assert (last.allowed, last.remaining, last.reason) == (True, 1, pb.VIEW_REASON_ALLOWED)


def test_repeat_view_within_a_day_is_free(stub: pb_grpc.MeteringServiceStub, clock: Any) -> None:
    first = stub.ConsumeView(view())
    clock.now += 23 * 3600
    again = stub.ConsumeView(view())
    other_system = stub.ConsumeView(view(system="icd10pcs", code="E11.9"))
    assert (first.remaining, first.reason) == (5, pb.VIEW_REASON_ALLOWED)
    assert (again.allowed, again.remaining, again.reason) == (True, 5, pb.VIEW_REASON_REPEAT_VIEW)
    assert (other_system.remaining, other_system.reason) == (4, pb.VIEW_REASON_ALLOWED)


def test_guest_registers_keeps_usage_and_page_just_seen(
    stub: pb_grpc.MeteringServiceStub, linker: pb_grpc.MeteringServiceStub
) -> None:
    seen = stub.ConsumeView(guest_view(code="I10"))
    assert (seen.allowed, seen.remaining, seen.limit) == (True, 0, 1)
    assert stub.ConsumeView(guest_view(code="I11")).reason == pb.VIEW_REASON_LIMIT_REACHED
    for _ in range(2):  # idempotent
        linker.LinkGuest(pb.LinkGuestRequest(guest_id="g1", user_id="u7"))
    again = stub.ConsumeView(view("u7", code="I10"))
    assert (again.allowed, again.remaining, again.reason) == (True, 5, pb.VIEW_REASON_REPEAT_VIEW)
    fresh = stub.ConsumeView(view("u7", code="I11"))
    assert (fresh.remaining, fresh.limit, fresh.reason) == (4, 6, pb.VIEW_REASON_ALLOWED)


def test_guest_ip_cap_per_day_across_guest_ids(stub: pb_grpc.MeteringServiceStub) -> None:
    replies = [stub.ConsumeView(guest_view(f"g{i}", client_ip="203.0.113.9")) for i in range(4)]
    assert [r.reason for r in replies] == [pb.VIEW_REASON_ALLOWED] * 3 + [
        pb.VIEW_REASON_IP_CAP_REACHED
    ]
    assert not replies[3].allowed
    # IPv6 guests share a cap per /64: one host's addresses count together.
    v6 = [
        stub.ConsumeView(guest_view(f"h{i}", client_ip=f"2001:db8:1:2::{i + 1:x}"))
        for i in range(4)
    ]
    assert [r.allowed for r in v6] == [True, True, True, False]
    assert stub.ConsumeView(guest_view("h9", client_ip="2001:db8:1:3::1")).allowed


def test_paid_plans_are_unlimited_and_uncharged(stub: pb_grpc.MeteringServiceStub) -> None:
    for plan in ("PLAN_PRO", "PLAN_INTERNAL", "PLAN_PARTNER"):
        reply = stub.ConsumeView(view("p1", plan=plan))
        assert (reply.allowed, reply.unlimited, reply.reason) == (
            True,
            True,
            pb.VIEW_REASON_UNLIMITED,
        )
    allowance = stub.GetViewAllowance(
        pb.GetViewAllowanceRequest(subject_type=USER, subject_id="p1", plan="PLAN_PRO")
    )
    assert allowance.unlimited and allowance.resets_at.ToJsonString() == "2026-04-01T00:00:00Z"


LONG = "x" * 129
BAD_VIEWS = [
    ({"subject_type": pb.SUBJECT_TYPE_UNSPECIFIED}, "subject_type"),
    ({"subject_id": ""}, "subject_id is required"),
    ({"subject_id": LONG}, "longer than 128"),
    ({"subject_id": "u 1"}, "printable ASCII"),
    ({"plan": 99}, "unknown plan value 99"),
    ({"plan": "PLAN_UNSPECIFIED"}, "plan is required"),
    ({"plan": "PLAN_UNSPECIFIED", "legacy_plan": "gold"}, "unknown plan 'gold'"),
    ({"plan": "PLAN_GUEST"}, "a user cannot be on the guest plan"),
    ({"subject_type": GUEST, "plan": "PLAN_FREE"}, "a guest cannot be on the free plan"),
    ({"system": ""}, "system"),
    ({"code": ""}, "code must be"),
    ({"code": "E11.9;DROP"}, "code must be"),
    ({"client_ip": "not-an-ip"}, "is not an IP address"),
]


@pytest.mark.parametrize(("change", "message"), BAD_VIEWS)
def test_bad_view_requests_are_invalid_argument_and_charge_nothing(
    stub: pb_grpc.MeteringServiceStub, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(grpc.RpcError) as error:
        stub.ConsumeView(view(**change))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert message in (error.value.details() or "")
    assert stub.ConsumeView(view()).remaining == 5  # nothing was charged before


BAD_TAKES = [
    ({"key_id": ""}, "key_id is required"),
    ({"key_id": "k{1}"}, "must not contain"),
    ({"monthly_quota": 0}, "monthly_quota must be at least 1"),
    ({"rate_per_second": 0}, "rate_per_second"),
    ({"rate_per_second": -1}, "rate_per_second"),
    ({"rate_per_second": float("nan")}, "rate_per_second"),
    ({"rate_per_second": float("inf")}, "rate_per_second"),
    ({"burst": -1}, "burst"),
]


@pytest.mark.parametrize(("change", "message"), BAD_TAKES)
def test_bad_quota_requests_are_invalid_argument(
    stub: pb_grpc.MeteringServiceStub, change: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {"key_id": "pk", "monthly_quota": 5, "rate_per_second": 1.0}
    with pytest.raises(grpc.RpcError) as error:
        stub.TakeQuota(pb.TakeQuotaRequest(**(fields | change)))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert message in (error.value.details() or "")


@pytest.mark.parametrize(
    ("guest_id", "user_id", "message"),
    [("", "u1", "guest_id is required"), ("g1", "", "user_id"), ("g1", LONG, "user_id")],
)
def test_bad_link_requests_are_invalid_argument(
    linker: pb_grpc.MeteringServiceStub, guest_id: str, user_id: str, message: str
) -> None:
    with pytest.raises(grpc.RpcError) as error:
        linker.LinkGuest(pb.LinkGuestRequest(guest_id=guest_id, user_id=user_id))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert message in (error.value.details() or "")


def test_unreachable_store_is_unavailable(clock: Any) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    server = MeteringThread(loopback_settings(dead, events_enabled=False), clock=clock)
    server.start()
    try:
        with (
            service_auth.channel(server.address, identity=GATEWAY, audience=METERING) as channel,
            service_auth.channel(server.address, identity=ACCOUNTS, audience=METERING) as accounts,
        ):
            health = health_pb2_grpc.HealthStub(channel)
            named = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
            assert named.status == health_pb2.HealthCheckResponse.NOT_SERVING  # not ready
            assert grpc_serving(server.address)  # but alive: no restart for a Redis outage
            stub = pb_grpc.MeteringServiceStub(channel)
            calls = [
                lambda: stub.ConsumeView(view()),
                lambda: stub.GetViewAllowance(
                    pb.GetViewAllowanceRequest(subject_type=USER, subject_id="u", plan="PLAN_FREE")
                ),
                lambda: stub.TakeQuota(
                    pb.TakeQuotaRequest(key_id="k", monthly_quota=1, rate_per_second=1)
                ),
                lambda: pb_grpc.MeteringServiceStub(accounts).LinkGuest(
                    pb.LinkGuestRequest(guest_id="g", user_id="u")
                ),
            ]
            for call in calls:
                with pytest.raises(grpc.RpcError) as error:
                    call()
                assert error.value.code() == grpc.StatusCode.UNAVAILABLE
                assert "metering store is unavailable" in (error.value.details() or "")
    finally:
        server.stop()


def test_replies_carry_the_configured_policy(valkey: DurableValkey, clock: Any) -> None:
    """What a person reads about allowances comes from the numbers metering enforces."""
    settings = loopback_settings(
        valkey.url, events_enabled=False, guest_views=2, free_views=7, guest_ip_daily_cap=4
    )
    server = MeteringThread(settings, clock=clock)
    server.start()
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=METERING) as channel:
            stub = pb_grpc.MeteringServiceStub(channel)
            consumed = stub.ConsumeView(guest_view(), timeout=10)
            allowance = stub.GetViewAllowance(
                pb.GetViewAllowanceRequest(subject_type=USER, subject_id="u9", plan="PLAN_FREE"),
                timeout=10,
            )
    finally:
        server.stop()
    policy = pb.ViewPolicy(guest_views=2, free_extra_views=7, guest_ip_daily_cap=4)
    assert consumed.policy == policy and allowance.policy == policy
    assert (consumed.limit, consumed.remaining) == (2, 1)
    assert (allowance.limit, allowance.remaining) == (9, 9)


def test_an_older_gateways_text_plan_is_still_read(stub: pb_grpc.MeteringServiceStub) -> None:
    old = pb.ConsumeViewRequest(
        subject_type=GUEST, subject_id="g-old", legacy_plan="guest", system="icd10cm", code="I10"
    )
    assert stub.ConsumeView(old, timeout=10).reason == pb.VIEW_REASON_ALLOWED
    unlimited = pb.GetViewAllowanceRequest(subject_type=USER, subject_id="p", legacy_plan="Pro")
    assert stub.GetViewAllowance(unlimited, timeout=10).unlimited
