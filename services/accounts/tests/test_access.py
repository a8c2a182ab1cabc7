"""Who may call accounts (finding: anyone who reached port 50054 could read users, list keys
and create operator keys): user, session and key methods only through the gateway, operator
keys only from the operator's CLI, nothing without a service token."""

from __future__ import annotations

import grpc

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode.plans.v1 import plans_pb2
from medcode_accounts.access import POLICY, SERVICE
from medcode_accounts.models import ApiKey
from medcode_common import service_auth
from medcode_common.service_auth import ACCOUNTS, CODES, METERING, SEARCH

from .conftest import Running, code_of

OPERATOR_KEY = pb.CreateApiKeyRequest(name="ops", plan=plans_pb2.PLAN_INTERNAL)


def test_get_user_without_a_token_is_unauthenticated(server: Running) -> None:
    user_id = server.sign_up("alice@example.com").user.user_id
    with grpc.insecure_channel(server.thread.address) as anonymous:
        stub = pb_grpc.AccountsServiceStub(anonymous)
        code, message = code_of(lambda: stub.GetUser(pb.GetUserRequest(user_id=user_id)))
        assert code == grpc.StatusCode.UNAUTHENTICATED
        assert "service token" in message
        assert code_of(lambda: stub.CreateApiKey(OPERATOR_KEY))[0] == (
            grpc.StatusCode.UNAUTHENTICATED
        )
    assert server.stub.GetUser(pb.GetUserRequest(user_id=user_id)).user.email == (
        "alice@example.com"
    )


def test_other_services_cannot_read_users_or_keys(server: Running) -> None:
    user_id = server.sign_up("bob@example.com").user.user_id
    for identity in (CODES, SEARCH, METERING):
        with service_auth.channel(
            server.thread.address, identity=identity, audience=ACCOUNTS
        ) as other:
            stub = pb_grpc.AccountsServiceStub(other)
            for method, request in (
                (stub.GetUser, pb.GetUserRequest(user_id=user_id)),
                (stub.ListApiKeys, pb.ListApiKeysRequest(owner_user_id=user_id)),
                (stub.VerifyApiKey, pb.VerifyApiKeyRequest(api_key="mc_live_x")),
                (stub.Login, pb.LoginRequest(email="bob@example.com", password="x")),
            ):
                code, message = code_of(lambda m=method, r=request: m(r))  # type: ignore[misc]
                assert code == grpc.StatusCode.PERMISSION_DENIED
                assert message.startswith(f"{identity} may not call /{SERVICE.full_name}/")


def test_the_gateway_cannot_create_list_or_revoke_operator_keys(server: Running) -> None:
    code, message = code_of(lambda: server.stub.CreateApiKey(OPERATOR_KEY))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert "only by the cli identity" in message
    for call in (
        lambda: server.stub.ListApiKeys(pb.ListApiKeysRequest(owner_user_id="")),
        lambda: server.stub.RevokeApiKey(pb.RevokeApiKeyRequest(key_id="0123456789ab")),
    ):
        assert code_of(call)[0] == grpc.StatusCode.PERMISSION_DENIED
    with server.runtime.backend.db.read() as session:
        assert session.query(ApiKey).count() == 0  # the refused call created nothing


def test_the_cli_creates_operator_keys_the_gateway_verifies(server: Running) -> None:
    reply = server.operator.CreateApiKey(OPERATOR_KEY)
    assert reply.key.owner_user_id == "" and reply.secret.startswith("mc_live_")
    verified = server.stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=reply.secret))
    assert verified.key.key_id == reply.key.key_id


def test_users_keep_managing_their_own_keys_through_the_gateway(server: Running) -> None:
    user_id = server.sign_up("carol@example.com").user.user_id
    server.runtime.backend.accounts.set_plan(email="carol@example.com", plan="partner")
    key = server.stub.CreateApiKey(pb.CreateApiKeyRequest(owner_user_id=user_id, name="mine"))
    listed = server.stub.ListApiKeys(pb.ListApiKeysRequest(owner_user_id=user_id)).keys
    assert [k.key_id for k in listed] == [key.key.key_id]


def test_every_method_has_a_policy() -> None:
    assert service_auth.undeclared_methods(SERVICE, POLICY) == []
