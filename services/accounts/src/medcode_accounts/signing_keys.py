"""Ed25519 signing keys: generated once into the data dir (0600) or loaded; published as a JWKS."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)

ALGORITHM = "EdDSA"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """RFC 8037 OKP key with an RFC 7638 thumbprint as `kid`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = _b64url(raw)
    thumbprint_input = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = _b64url(hashlib.sha256(thumbprint_input.encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}


@dataclass(frozen=True)
class SigningKeys:
    """The key that signs now, plus every public key the JWKS publishes (rotation)."""

    private_key: Ed25519PrivateKey
    kid: str
    jwks: dict[str, Any]

    def jwks_json(self) -> str:
        return json.dumps(self.jwks, separators=(",", ":"), sort_keys=True)


def _write_new_key(path: Path) -> Ed25519PrivateKey:
    """Create the key file with O_EXCL and mode 0600, so it is never readable by others."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    log.info("generated a new Ed25519 signing key at %s", path)
    return key


def _read_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def _read_public(path: Path) -> Ed25519PublicKey:
    """A published-only key file may hold the old private key or just its public half."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return _read_private(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def load_signing_keys(*, key_file: Path, extra_files: list[Path], generate: bool) -> SigningKeys:
    """Load (or, when allowed and missing, generate) the signing key and the published set."""
    if key_file.exists():
        private_key = _read_private(key_file)
    elif generate:
        private_key = _write_new_key(key_file)
    else:
        raise FileNotFoundError(f"signing key file {key_file} does not exist")
    current = public_jwk(private_key.public_key())
    keys = [current]
    for path in extra_files:
        jwk = public_jwk(_read_public(path))
        if jwk["kid"] not in {k["kid"] for k in keys}:
            keys.append(jwk)
    return SigningKeys(private_key=private_key, kid=current["kid"], jwks={"keys": keys})
