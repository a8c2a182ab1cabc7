"""Service tokens and keys: what verifies, what is refused, and that keys are made once."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_common.service_auth import (
    CODES,
    GATEWAY,
    IDENTITIES,
    ServiceKeyError,
    TokenSigner,
    TokenVerifier,
    create_keys,
    load_public_keys,
)
from medcode_common.service_auth.interceptor import bearer_token
from medcode_common.service_auth.keys import load_private_key, private_key_path
from medcode_common.service_auth.tokens import TokenRefused


@pytest.fixture(scope="module")
def gateway_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def verifier(gateway_key: Ed25519PrivateKey) -> TokenVerifier:
    """Codes' view: it trusts the gateway's public key."""
    return TokenVerifier(audience=CODES, public_keys={GATEWAY: gateway_key.public_key()})


def signed(key: Ed25519PrivateKey, **claims: object) -> str:
    now = int(time.time())
    body = {"iss": GATEWAY, "aud": CODES, "iat": now, "exp": now + 300, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="EdDSA")


def test_a_token_from_a_trusted_identity_names_it(
    gateway_key: Ed25519PrivateKey, verifier: TokenVerifier
) -> None:
    token = TokenSigner(GATEWAY, gateway_key).token(CODES)
    assert verifier.verify(token) == GATEWAY
    assert verifier.verify(token) == GATEWAY  # the remembered answer


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 120, "iat": int(time.time()) - 420}, "expired"),
        ({"aud": "accounts"}, "not addressed to codes"),
        ({"iss": "metering"}, "'metering' is not a trusted identity"),
        ({"iss": "someone"}, "'someone' is not a trusted identity"),
        ({"exp": None}, "invalid"),
        ({"iat": int(time.time()), "exp": int(time.time()) + 7200}, "lives longer"),
    ],
    ids=["expired", "wrong-audience", "untrusted", "unknown", "no-exp", "too-long"],
)
def test_bad_tokens_are_refused(
    gateway_key: Ed25519PrivateKey, verifier: TokenVerifier, claims: dict[str, object], reason: str
) -> None:
    with pytest.raises(TokenRefused, match=reason):
        verifier.verify(signed(gateway_key, **claims))


def test_a_forged_token_is_refused(verifier: TokenVerifier) -> None:
    """Signed by another key in the gateway's name: the signature does not verify."""
    with pytest.raises(TokenRefused, match="invalid"):
        verifier.verify(signed(Ed25519PrivateKey.generate()))


def test_unsigned_and_symmetric_tokens_are_refused(verifier: TokenVerifier) -> None:
    now = int(time.time())
    claims = {"iss": GATEWAY, "aud": CODES, "iat": now, "exp": now + 300}
    for token in (
        jwt.encode(claims, None, algorithm="none"),
        jwt.encode(claims, "a guessed secret that is long enough 32+", algorithm="HS256"),
    ):
        with pytest.raises(TokenRefused):
            verifier.verify(token)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_refused_cleanly(text: str) -> None:
    verifier = TokenVerifier(audience=CODES, public_keys={})
    with pytest.raises(TokenRefused):
        verifier.verify(text)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.sampled_from("AZaz09-_.x"))
def test_a_tampered_token_never_verifies_as_someone_else(position: int, replacement: str) -> None:
    key = Ed25519PrivateKey.generate()
    verifier = TokenVerifier(audience=CODES, public_keys={GATEWAY: key.public_key()})
    token = signed(key)
    index = position % len(token)
    tampered = token[:index] + replacement + token[index + 1 :]
    try:
        caller = verifier.verify(tampered)
    except TokenRefused:
        return
    assert caller == GATEWAY  # only a no-op change (same bytes after decoding) can pass


@given(
    st.lists(
        st.tuples(st.sampled_from(["authorization", "x-request-id", "other"]), st.text()),
        max_size=5,
    )
)
def test_bearer_token_reads_the_first_bearer_entry(pairs: list[tuple[str, str]]) -> None:
    expected = next(
        (v[len("Bearer ") :] for k, v in pairs if k == "authorization" and v.startswith("Bearer ")),
        None,
    )
    assert bearer_token(pairs) == expected


def test_the_signer_reuses_a_token_for_half_its_life(gateway_key: Ed25519PrivateKey) -> None:
    now = [1_000_000.0]
    signer = TokenSigner(GATEWAY, gateway_key, ttl_seconds=300, clock=lambda: now[0])
    first = signer.token(CODES)
    assert signer.token(CODES) == first
    assert signer.token("search") != first  # one per callee
    now[0] += 149
    assert signer.token(CODES) == first
    now[0] += 2
    renewed = signer.token(CODES)
    assert renewed != first
    claims = jwt.decode(renewed, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["exp"] - claims["iat"]) == (GATEWAY, CODES, 300)


def test_keys_are_made_once_with_private_files_0600(tmp_path: Path) -> None:
    folder = tmp_path / "pki"
    assert create_keys(folder) == list(IDENTITIES)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert len(before) == 2 * len(IDENTITIES)
    for identity in IDENTITIES:
        mode = stat.S_IMODE(private_key_path(folder, identity).stat().st_mode)
        assert mode == 0o600, (identity, oct(mode))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert create_keys(folder) == []
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert set(load_public_keys(folder)) == set(IDENTITIES)


def test_a_lost_public_key_is_rewritten_from_its_private_key(tmp_path: Path) -> None:
    create_keys(tmp_path)
    public = tmp_path / "gateway.pub.pem"
    original = public.read_bytes()
    public.write_bytes(b"not a key")
    assert create_keys(tmp_path) == []
    assert public.read_bytes() == original


def test_no_keys_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ServiceKeyError, match="MEDCODE_SERVICE_KEYS_DIR"):
        load_public_keys(tmp_path)
    with pytest.raises(ServiceKeyError, match="no service private key"):
        load_private_key(tmp_path / "gateway.key.pem")
    (tmp_path / "gateway.pub.pem").write_text("garbage")
    with pytest.raises(ServiceKeyError, match="cannot read"):
        load_public_keys(tmp_path)
