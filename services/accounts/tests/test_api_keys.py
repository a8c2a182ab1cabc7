"""API keys over gRPC: plan gate, defaults, one-time secret, listing, revocation, verification."""

from __future__ import annotations

import grpc
import pytest
from sqlalchemy import select

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.events.v1 import events_pb2
from medcode.plans.v1 import plans_pb2
from medcode_accounts.models import OutboxEvent

from .conftest import Running, StartServer, code_of


def partner(server: Running, email: str = "pat@example.com", plan: str = "partner") -> str:
    user_id = server.sign_up(email).user.user_id
    server.runtime.backend.accounts.set_plan(email=email, plan=plan)
    return user_id


def create(server: Running, owner: str, **fields: object) -> pb.CreateApiKeyResponse:
    stub = server.stub if owner else server.operator  # operator keys are the CLI's
    return stub.CreateApiKey(
        pb.CreateApiKeyRequest(owner_user_id=owner, **fields),
        timeout=30,  # type: ignore[arg-type]
    )


def verify(server: Running, key: str) -> pb.VerifyApiKeyResponse:
    return server.stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=key), timeout=30)


def test_free_users_are_told_keys_need_a_partner_plan(server: Running) -> None:
    user_id = server.sign_up("fred@example.com").user.user_id
    status, message = code_of(lambda: create(server, user_id, name="mine"))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert "partner and internal plans" in message and "free plan" in message


def test_partner_key_has_plan_defaults_and_verifies(server: Running) -> None:
    owner = partner(server)
    reply = create(server, owner, name="billing system")
    key = reply.key
    assert reply.secret.startswith(f"mc_live_{key.key_id}_")
    assert key.prefix == f"mc_live_{key.key_id}"
    assert (key.plan, key.monthly_quota, key.rate_per_second) == (
        plans_pb2.PLAN_PARTNER,
        100_000,
        10.0,
    )
    assert key.owner_user_id == owner and not key.revoked
    assert not key.HasField("last_used_at")
    verified = verify(server, reply.secret).key
    assert verified.key_id == key.key_id and verified.HasField("last_used_at")


def test_last_use_is_written_at_most_once_a_minute(server: Running) -> None:
    secret = create(server, partner(server), name="k").secret
    first = verify(server, secret).key.last_used_at.ToDatetime()
    server.clock.advance(59)
    assert verify(server, secret).key.last_used_at.ToDatetime() == first
    server.clock.advance(2)
    assert verify(server, secret).key.last_used_at.ToDatetime() > first


def test_list_is_newest_first_without_secrets(server: Running) -> None:
    owner = partner(server)
    made = []
    for name in ("one", "two", "three"):
        made.append(create(server, owner, name=name))
        server.clock.advance(1)
    listed = server.stub.ListApiKeys(pb.ListApiKeysRequest(owner_user_id=owner)).keys
    assert [k.name for k in listed] == ["three", "two", "one"]
    assert all(m.secret not in str(listed) for m in made)


def test_revoked_keys_stop_verifying_and_revoking_twice_is_fine(server: Running) -> None:
    owner = partner(server)
    reply = create(server, owner, name="k")
    for _ in range(2):
        server.stub.RevokeApiKey(
            pb.RevokeApiKeyRequest(owner_user_id=owner, key_id=reply.key.key_id)
        )
    assert code_of(lambda: verify(server, reply.secret))[0] == grpc.StatusCode.UNAUTHENTICATED
    listed = server.stub.ListApiKeys(pb.ListApiKeysRequest(owner_user_id=owner)).keys
    assert [k.revoked for k in listed] == [True]


def test_users_cannot_revoke_each_others_keys(server: Running) -> None:
    alice = partner(server, "alice@example.com")
    mallory = partner(server, "mallory@example.com")
    reply = create(server, alice, name="k")
    status, _ = code_of(
        lambda: server.stub.RevokeApiKey(
            pb.RevokeApiKeyRequest(owner_user_id=mallory, key_id=reply.key.key_id)
        )
    )
    assert status == grpc.StatusCode.NOT_FOUND
    assert verify(server, reply.secret).key.key_id == reply.key.key_id


@pytest.mark.parametrize(
    "key",
    [
        "mc_live_",
        "sk_live_0123456789ab_" + "a" * 40,
        "mc_live_0123456789ab_" + "a" * 40,  # well formed, unknown
        "mc_live_0123456789AB_" + "a" * 40,
        "x" * 5000,
    ],
)
def test_malformed_and_unknown_keys_are_unauthenticated(server: Running, key: str) -> None:
    assert code_of(lambda: verify(server, key)) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "API key is not valid or has been revoked",
    )


def test_a_right_id_with_a_wrong_secret_is_unauthenticated(server: Running) -> None:
    reply = create(server, partner(server), name="k")
    forged = reply.secret[:-1] + ("A" if reply.secret[-1] != "A" else "B")
    assert code_of(lambda: verify(server, forged))[0] == grpc.StatusCode.UNAUTHENTICATED


def test_bad_requests_are_invalid_and_create_nothing(server: Running) -> None:
    owner = partner(server)
    cases = [
        lambda: create(server, owner, name="n" * 101),
        lambda: create(server, owner, name="bad\x00name"),
        lambda: create(server, owner, monthly_quota=-1),
        lambda: create(server, "not-a-uuid"),
        lambda: create(server, "", name="operator without a plan"),
        lambda: create(server, "", plan=plans_pb2.PLAN_FREE),
        lambda: server.stub.RevokeApiKey(pb.RevokeApiKeyRequest(owner_user_id=owner, key_id="zz")),
        lambda: server.stub.RevokeApiKey(pb.RevokeApiKeyRequest(owner_user_id=owner)),
        lambda: server.operator.ListApiKeys(pb.ListApiKeysRequest(owner_user_id="")),
        lambda: verify(server, ""),
    ]
    for call in cases:
        assert code_of(call)[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert list(server.stub.ListApiKeys(pb.ListApiKeysRequest(owner_user_id=owner)).keys) == []


def test_unknown_owner_and_key_are_not_found(server: Running) -> None:
    ghost = "6f1c8d2e-0b7a-4f53-9d55-3f1f2a8b9c10"
    owner = partner(server)
    assert code_of(lambda: create(server, ghost))[0] == grpc.StatusCode.NOT_FOUND
    assert (
        code_of(lambda: server.stub.ListApiKeys(pb.ListApiKeysRequest(owner_user_id=ghost)))[0]
        == grpc.StatusCode.NOT_FOUND
    )
    assert (
        code_of(
            lambda: server.stub.RevokeApiKey(
                pb.RevokeApiKeyRequest(owner_user_id=owner, key_id="0123456789ab")
            )
        )[0]
        == grpc.StatusCode.NOT_FOUND
    )


def test_users_may_lower_but_not_raise_their_limits(server: Running) -> None:
    owner = partner(server)
    lowered = create(server, owner, monthly_quota=500, rate_per_second=2.5).key
    assert (lowered.monthly_quota, lowered.rate_per_second) == (500, 2.5)
    assert code_of(lambda: create(server, owner, monthly_quota=100_001))[0] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert code_of(lambda: create(server, owner, plan=plans_pb2.PLAN_INTERNAL))[0] == (
        grpc.StatusCode.PERMISSION_DENIED
    )


def test_each_user_has_a_key_cap(start_server: StartServer) -> None:
    server = start_server(max_api_keys_per_user=2)
    owner = partner(server)
    first = create(server, owner).key
    create(server, owner)
    status, message = code_of(lambda: create(server, owner))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and "at most 2" in message
    server.stub.RevokeApiKey(pb.RevokeApiKeyRequest(owner_user_id=owner, key_id=first.key_id))
    assert create(server, owner).key.key_id


def test_operator_keys_take_any_limits(server: Running) -> None:
    reply = create(
        server, "", plan=plans_pb2.PLAN_INTERNAL, monthly_quota=10**12, rate_per_second=5000
    )
    key = verify(server, reply.secret).key
    assert (key.plan, key.monthly_quota, key.rate_per_second, key.owner_user_id) == (
        plans_pb2.PLAN_INTERNAL,
        10**12,
        5000.0,
        "",
    )


def revocations(server: Running) -> list[tuple[str, str, int]]:
    """(key id, owner, revoked at) of every ApiKeyRevoked staged in the outbox, in order."""
    with server.runtime.backend.db.read() as session:
        envelopes = session.scalars(
            select(OutboxEvent.envelope)
            .where(OutboxEvent.event_type == events_pb2.ApiKeyRevoked.DESCRIPTOR.full_name)
            .order_by(OutboxEvent.id)
        ).all()
    found = []
    for raw in envelopes:
        event = events_pb2.ApiKeyRevoked.FromString(
            events_pb2.EventEnvelope.FromString(raw).payload
        )
        found.append((event.key_id, event.owner_user_id, event.revoked_at.seconds))
    return found


def test_leaving_the_partner_plan_revokes_keys(server: Running) -> None:
    owner = partner(server)
    reply = create(server, owner, name="k")
    _user, revoked = server.runtime.backend.accounts.set_plan(email="pat@example.com", plan="pro")
    assert revoked == 1
    assert code_of(lambda: verify(server, reply.secret))[0] == grpc.StatusCode.UNAUTHENTICATED
    now = int(server.clock.now.timestamp())
    assert revocations(server) == [(reply.key.key_id, owner, now)]


def test_an_operator_revokes_any_key_once_and_says_so_on_the_bus(server: Running) -> None:
    operator_key = create(server, "", plan=plans_pb2.PLAN_INTERNAL, name="ops")
    owner = partner(server)
    users_key = create(server, owner, name="k")
    for reply in (operator_key, users_key):
        for _ in range(2):  # twice is fine, and announced once
            request = pb.RevokeApiKeyRequest(key_id=reply.key.key_id)
            server.operator.RevokeApiKey(request, timeout=30)
        assert code_of(lambda r=reply: verify(server, r.secret))[0] == (
            grpc.StatusCode.UNAUTHENTICATED
        )
    now = int(server.clock.now.timestamp())
    assert revocations(server) == [
        (operator_key.key.key_id, "", now),
        (users_key.key.key_id, owner, now),
    ]
    unknown = pb.RevokeApiKeyRequest(key_id="0123456789ab")
    assert code_of(lambda: server.operator.RevokeApiKey(unknown)) == (
        grpc.StatusCode.NOT_FOUND,
        "no API key 0123456789ab",
    )


def test_an_owner_revoking_a_key_announces_it_too(server: Running) -> None:
    owner = partner(server)
    reply = create(server, owner, name="k")
    server.stub.RevokeApiKey(pb.RevokeApiKeyRequest(owner_user_id=owner, key_id=reply.key.key_id))
    assert [key_id for key_id, _owner, _at in revocations(server)] == [reply.key.key_id]
