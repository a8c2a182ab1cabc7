"""Refresh rotation, reuse detection, logout, expiry, and the signing key's life cycle."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from medcode.accounts.v1 import accounts_service_pb2 as pb

from .conftest import Running, StartServer, code_of

INVALID = (grpc.StatusCode.UNAUTHENTICATED, "refresh token is not valid; sign in again")


def refresh(server: Running, token: str) -> pb.RefreshResponse:
    return server.stub.Refresh(pb.RefreshRequest(refresh_token=token), timeout=30)


def logout(server: Running, token: str) -> pb.LogoutResponse:
    return server.stub.Logout(pb.LogoutRequest(refresh_token=token), timeout=30)


def test_refresh_rotates_and_the_old_token_is_spent(server: Running) -> None:
    first = server.sign_up("ann@example.com").tokens
    second = refresh(server, first.refresh_token)
    assert second.user.email == "ann@example.com"
    assert second.tokens.refresh_token != first.refresh_token
    assert second.tokens.access_token != first.access_token
    third = refresh(server, second.tokens.refresh_token)
    assert third.tokens.refresh_token not in (first.refresh_token, second.tokens.refresh_token)


def test_reusing_a_spent_token_revokes_the_whole_family(server: Running) -> None:
    stolen = server.sign_up("ben@example.com").tokens.refresh_token
    current = refresh(server, stolen).tokens.refresh_token
    other_session = server.stub.Login(
        pb.LoginRequest(email="ben@example.com", password="plum tree 1987 sailing")
    ).tokens.refresh_token
    status, message = code_of(lambda: refresh(server, stolen))
    assert status == grpc.StatusCode.UNAUTHENTICATED
    assert "already used" in message
    assert code_of(lambda: refresh(server, current)) == INVALID
    assert refresh(server, other_session).user.email == "ben@example.com"  # other family lives


def test_logout_revokes_the_family_and_twice_is_fine(server: Running) -> None:
    first = server.sign_up("cat@example.com").tokens.refresh_token
    current = refresh(server, first).tokens.refresh_token
    logout(server, current)
    logout(server, current)
    logout(server, "mcr_never-issued")
    assert code_of(lambda: refresh(server, current)) == INVALID


def test_bad_refresh_tokens_are_rejected_without_change(server: Running) -> None:
    assert code_of(lambda: refresh(server, ""))[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(lambda: refresh(server, "x" * 201))[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(lambda: logout(server, ""))[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(lambda: refresh(server, "mcr_unknown")) == INVALID


def test_refresh_tokens_expire_after_thirty_days(server: Running) -> None:
    token = server.sign_up("dan@example.com").tokens.refresh_token
    server.clock.advance(30 * 86400)
    assert code_of(lambda: refresh(server, token)) == INVALID


def test_the_key_is_generated_once_private_and_reused(
    start_server: StartServer, tmp_path: Path
) -> None:
    data = tmp_path / "keys"
    first = start_server(data_dir=data)
    kid = jwt.get_unverified_header(first.sign_up("eli@example.com").tokens.access_token)["kid"]
    first.close()
    key_file = data / "signing_key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = start_server(data_dir=data)
    token = second.stub.Login(
        pb.LoginRequest(email="eli@example.com", password="plum tree 1987 sailing")
    ).tokens.access_token
    assert jwt.get_unverified_header(token)["kid"] == kid


def test_rotation_publishes_old_and_new_keys(start_server: StartServer, tmp_path: Path) -> None:
    old_file, new_file = tmp_path / "old.pem", tmp_path / "new.pem"
    for path in (old_file, new_file):
        path.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    old = start_server(data_dir=tmp_path / "a", signing_key_file=old_file)
    old_token = old.sign_up("fin@example.com").tokens.access_token
    new = start_server(
        data_dir=tmp_path / "b", signing_key_file=new_file, extra_jwks_key_files=[old_file]
    )
    new_token = new.sign_up("gus@example.com").tokens.access_token
    jwks = new.stub.GetJwks(pb.GetJwksRequest())
    keys = {k.key_id: k for k in jwt.PyJWKSet.from_json(jwks.jwks_json).keys}
    assert len(keys) == 2
    for token in (old_token, new_token):
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(
            token,
            keys[kid].key,
            algorithms=["EdDSA"],
            audience=jwks.audience,
            issuer=jwks.issuer,
            options={"verify_exp": False},
        )
        assert claims["plan"] == "free"
    assert (
        jwt.get_unverified_header(new_token)["kid"] != jwt.get_unverified_header(old_token)["kid"]
    )


def test_refresh_carries_a_new_plan(server: Running) -> None:
    token = server.sign_up("hoa@example.com").tokens.refresh_token
    server.runtime.backend.accounts.set_plan(email="hoa@example.com", plan="pro")
    access = refresh(server, token).tokens.access_token
    assert jwt.decode(access, options={"verify_signature": False})["plan"] == "pro"


def test_concurrent_use_of_one_token_lets_one_win_then_revokes_the_family(
    server: Running,
) -> None:
    token = server.sign_up("ivo@example.com").tokens.refresh_token

    def attempt(_: int) -> str:
        try:
            return refresh(server, token).tokens.refresh_token
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED  # type: ignore[attr-defined]
            return ""

    with ThreadPoolExecutor(max_workers=6) as pool:
        winners = [t for t in pool.map(attempt, range(6)) if t]
    assert len(winners) == 1
    assert code_of(lambda: refresh(server, winners[0])) == INVALID


def test_a_configured_key_file_must_exist(start_server: StartServer, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError) as failure:
        start_server(signing_key_file=tmp_path / "missing.pem")
    assert "missing.pem does not exist" in str(failure.value.__cause__)
