"""Sign-up and Login over gRPC: validation, case-insensitive uniqueness, one error, throttling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import jwt
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.plans.v1 import plans_pb2
from medcode_accounts.models import OutboxEvent, OutboxMail, SignUp, User
from medcode_accounts.passwords import PasswordHashing

from .conftest import PASSWORD, ManualClock, Running, StartServer, cheap_hashing, code_of

BAD = "email or password is incorrect"


def count(server: Running, table: type) -> int:
    with server.runtime.backend.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def user_count(server: Running) -> int:
    return count(server, User)


def login(server: Running, email: str, password: str, ip: str = "") -> pb.LoginResponse:
    return server.stub.Login(
        pb.LoginRequest(email=email, password=password, client_ip=ip), timeout=30
    )


def test_a_confirmed_sign_up_signs_in_with_a_token_the_jwks_verifies(server: Running) -> None:
    reply = server.sign_up(" Ada.Lovelace@Example.ORG ", guest_id="guest-1")
    assert reply.user.email == "Ada.Lovelace@example.org"
    assert (reply.user.plan, reply.user.legacy_plan) == (plans_pb2.PLAN_FREE, "free")
    assert reply.tokens.token_type == "Bearer"
    assert reply.tokens.access_expires_in == 900
    assert reply.tokens.refresh_expires_in == 30 * 86400
    jwks = server.stub.GetJwks(pb.GetJwksRequest())
    header = jwt.get_unverified_header(reply.tokens.access_token)
    key = next(k for k in jwt.PyJWKSet.from_json(jwks.jwks_json).keys if k.key_id == header["kid"])
    claims = jwt.decode(
        reply.tokens.access_token,
        key.key,
        algorithms=["EdDSA"],
        audience=jwks.audience,
        issuer=jwks.issuer,
        options={"verify_exp": False},  # the test clock is in 2026-03
    )
    assert header["alg"] == "EdDSA"
    assert claims["sub"] == reply.user.user_id
    assert claims["plan"] == "free"
    assert claims["exp"] - claims["iat"] == 900
    assert set(claims) == {"sub", "plan", "iat", "exp", "iss", "aud", "jti"}
    got = server.stub.GetUser(pb.GetUserRequest(user_id=reply.user.user_id))
    assert got.user == reply.user


def test_email_is_unique_whatever_its_case(server: Running) -> None:
    server.sign_up("bob@example.com")
    again = server.register("BOB@Example.Com", "another pass 123")
    assert again == server.register("new.person@example.com")  # nothing tells them apart
    note = server.mail.wait_for("bob@example.com", count=2)
    assert "tried to sign up" in str(note["Subject"])
    assert user_count(server) == 1


@pytest.mark.parametrize(
    ("email", "password", "fields", "says"),
    [
        ("", PASSWORD, {}, "email is required"),
        ("not-an-address", PASSWORD, {}, "email is not valid"),
        ("a@b@example.com", PASSWORD, {}, "email is not valid"),
        ("x" * 250 + "@example.com", PASSWORD, {}, "longer than 254"),
        ("carol@example.com", "short7!", {}, "at least 8"),
        ("carol@example.com", "p" * 129, {}, "at most 128"),
        ("carol@example.com", "password1", {}, "too common"),
        ("carol@example.com", "Baseball", {}, "too common"),
        ("carol@example.com", "aaaaaaaa", {}, "short pattern repeated"),
        ("carol@example.com", "xyzxyzxyz", {}, "short pattern repeated"),
        ("carol@example.com", " " * 8, {}, "only spaces"),
        ("carol@example.com", "\u3000\t \n  \u2003 ", {}, "only spaces"),
        ("carol@example.com", "zzzzzzzzzzy1", {}, "4 different characters"),
        ("carol@example.com", "my carol secret", {}, "must not contain the email"),
        ("carol@example.com", PASSWORD, {"guest_id": "g" * 200}, "guest_id is longer"),
        ("carol@example.com", PASSWORD, {"guest_id": "has space"}, "guest_id may contain"),
        ("carol@example.com", PASSWORD, {"client_ip": "999.1.1.1"}, "not an IP address"),
    ],
)
def test_bad_registrations_say_why_and_change_nothing(
    server: Running, email: str, password: str, fields: dict[str, str], says: str
) -> None:
    status, message = code_of(lambda: server.register(email, password, **fields))
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    assert says in message
    assert [count(server, t) for t in (User, SignUp, OutboxEvent, OutboxMail)] == [0, 0, 0, 0]


def test_unknown_email_and_wrong_password_look_the_same_and_verify_once(server: Running) -> None:
    server.sign_up("dora@example.com")
    hashing = server.runtime.backend.accounts.hashing
    before = hashing.verifications
    unknown = code_of(lambda: login(server, "nobody@example.com", PASSWORD))
    after_unknown = hashing.verifications
    wrong = code_of(lambda: login(server, "dora@example.com", "not her password"))
    assert unknown == wrong == (grpc.StatusCode.UNAUTHENTICATED, BAD)
    assert after_unknown - before == 1
    assert hashing.verifications - after_unknown == 1
    reply = login(server, "DORA@example.com", PASSWORD)
    assert reply.user.email == "dora@example.com"
    assert reply.tokens.refresh_token.startswith("mcr_")


@pytest.mark.parametrize(
    ("email", "password", "says"),
    [
        ("", PASSWORD, "email is required"),
        ("e@example.com", "", "password is required"),
        ("not an email", PASSWORD, "email is not valid"),
        ("e@example.com", "p" * 600, "password is too long"),
    ],
)
def test_login_without_credentials_is_invalid(
    server: Running, email: str, password: str, says: str
) -> None:
    status, message = code_of(lambda: login(server, email, password))
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    assert message.startswith(says)


def throttled_retry_after(server: Running, email: str, ip: str) -> int:
    with pytest.raises(grpc.RpcError) as failure:
        login(server, email, PASSWORD, ip)
    error = failure.value
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # type: ignore[attr-defined]
    metadata = dict(error.trailing_metadata())  # type: ignore[attr-defined]
    return int(metadata["retry-after"])


def test_account_is_throttled_after_five_failures_until_the_window_passes(
    server: Running,
) -> None:
    server.sign_up("eve@example.com")
    for i in range(5):
        server.clock.advance(10)
        code_of(lambda i=i: login(server, "eve@example.com", f"wrong guess {i}", "10.0.0.1"))
    # Even the right password from another address waits: the account is locked.
    assert throttled_retry_after(server, "eve@example.com", "10.0.0.2") == 900 - 40
    server.clock.advance(900 - 40)
    assert login(server, "eve@example.com", PASSWORD, "10.0.0.2").user.email == "eve@example.com"


def test_ip_is_throttled_across_accounts(start_server: StartServer) -> None:
    server = start_server(login_max_failures_per_ip=3, login_max_failures_per_account=100)
    server.sign_up("fay@example.com")
    for i in range(3):
        code_of(lambda i=i: login(server, f"user{i}@example.com", "whatever 123", "192.0.2.7"))
    assert throttled_retry_after(server, "fay@example.com", "192.0.2.7") == 900
    assert login(server, "fay@example.com", PASSWORD, "192.0.2.8").user.email


def test_a_successful_login_forgives_the_account_failures(server: Running) -> None:
    server.sign_up("gil@example.com")
    for _ in range(4):
        code_of(lambda: login(server, "gil@example.com", "nope nope nope"))
    login(server, "gil@example.com", PASSWORD)
    for _ in range(4):
        code_of(lambda: login(server, "gil@example.com", "nope nope nope"))
    assert login(server, "gil@example.com", PASSWORD).user.email == "gil@example.com"


def test_login_rehashes_when_the_parameters_changed(
    start_server: StartServer, tmp_path: Path
) -> None:
    clock = ManualClock()
    old = start_server(clock=clock, hashing=cheap_hashing(), data_dir=tmp_path / "shared")
    old.sign_up("hal@example.com")
    old.close()
    new = start_server(
        clock=clock,
        hashing=PasswordHashing(PasswordHasher(time_cost=2, memory_cost=2048)),
        data_dir=tmp_path / "shared",
    )
    with new.runtime.backend.db.read() as session:
        before = session.scalar(select(User.password_hash))
    assert before is not None and "m=1024,t=1" in before
    login(new, "hal@example.com", PASSWORD)
    with new.runtime.backend.db.read() as session:
        after = session.scalar(select(User.password_hash))
    assert after is not None and "m=2048,t=2" in after
    assert login(new, "hal@example.com", PASSWORD).user.email == "hal@example.com"


@pytest.mark.parametrize(
    ("user_id", "status"),
    [
        ("", grpc.StatusCode.INVALID_ARGUMENT),
        ("not-a-uuid", grpc.StatusCode.INVALID_ARGUMENT),
        ("0" * 500, grpc.StatusCode.INVALID_ARGUMENT),
        ("6f1c8d2e-0b7a-4f53-9d55-3f1f2a8b9c10", grpc.StatusCode.NOT_FOUND),
    ],
)
def test_get_user_rejects_bad_and_unknown_ids(
    server: Running, user_id: str, status: grpc.StatusCode
) -> None:
    assert code_of(lambda: server.stub.GetUser(pb.GetUserRequest(user_id=user_id)))[0] == status


def test_concurrent_confirmations_of_one_link_make_one_account(server: Running) -> None:
    server.register("race@example.com")
    token = server.link_token("race@example.com")

    def attempt(_: int) -> grpc.StatusCode:
        try:
            server.confirm(token)
        except grpc.RpcError as error:
            return error.code()  # type: ignore[no-any-return, attr-defined]
        return grpc.StatusCode.OK

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(attempt, range(6)))
    assert sorted(c.name for c in codes) == ["NOT_FOUND"] * 5 + ["OK"]
    assert user_count(server) == 1
    assert count(server, OutboxEvent) == 1


def test_ipv6_clients_are_counted_per_64(start_server: StartServer) -> None:
    server = start_server(login_max_failures_per_ip=2, login_max_failures_per_account=100)
    server.sign_up("ian@example.com")
    for host in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9"):
        code_of(lambda host=host: login(server, "x@example.com", "whatever 123", host))
    assert throttled_retry_after(server, "ian@example.com", "2001:db8:1:2::77") == 900
    assert login(server, "ian@example.com", PASSWORD, "2001:db8:1:3::1").user.email
