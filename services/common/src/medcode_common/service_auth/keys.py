"""Ed25519 key pairs of the service identities: made once by `medcode run`, read at start.

A folder holds `<identity>.pub.pem` for every identity a service trusts and, for a process
that calls others, its own `<identity>.key.pem` (0600). Public keys carry no secret; private
keys never leave the folder (Kubernetes mounts each from its own Secret).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from medcode_common.service_auth.identities import IDENTITIES

log = logging.getLogger(__name__)

PUBLIC_SUFFIX = ".pub.pem"
PRIVATE_SUFFIX = ".key.pem"


class ServiceKeyError(RuntimeError):
    """Keys are missing or unreadable: the process must not start without them (fail closed)."""


def public_key_path(keys_dir: Path, identity: str) -> Path:
    """Where `identity`'s public key lives in `keys_dir`."""
    return keys_dir / f"{identity}{PUBLIC_SUFFIX}"


def private_key_path(keys_dir: Path, identity: str) -> Path:
    """Where `identity`'s private key lives in `keys_dir`."""
    return keys_dir / f"{identity}{PRIVATE_SUFFIX}"


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to a temp file created with `mode`, then rename it over `path` (atomic)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)


def _public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def create_keys(keys_dir: Path, identities: tuple[str, ...] = IDENTITIES) -> list[str]:
    """Make a key pair for each identity that has no private key yet; return the new ones.

    Existing private keys are kept (a restart must not invalidate tokens in flight), and each
    public key is rewritten from its private key, so the pair always matches.
    """
    keys_dir.mkdir(parents=True, exist_ok=True)
    keys_dir.chmod(0o700)
    created = []
    for identity in identities:
        private_path = private_key_path(keys_dir, identity)
        if private_path.exists():
            key = load_private_key(private_path)
        else:
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_new(private_path, pem, 0o600)
            created.append(identity)
        public_path = public_key_path(keys_dir, identity)
        pem = _public_pem(key)
        if not public_path.exists() or public_path.read_bytes() != pem:
            _write_new(public_path, pem, 0o644)
    return created


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in PEM file `path`; ServiceKeyError if it is missing or wrong."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise ServiceKeyError(
            f"no service private key at {path}: `medcode run` creates one under var/pki; "
            "elsewhere set MEDCODE_SERVICE_KEYS_DIR or MEDCODE_SERVICE_KEY_FILE"
        ) from None
    except (OSError, ValueError) as error:
        raise ServiceKeyError(f"cannot read the service private key {path}: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ServiceKeyError(f"{path} is not an Ed25519 private key")
    if path.stat().st_mode & 0o007:
        log.warning("service private key %s is readable by other users; chmod 600 it", path)
    return key


def load_public_keys(keys_dir: Path) -> dict[str, Ed25519PublicKey]:
    """Every known identity's public key found in `keys_dir` (identity -> key).

    Raises ServiceKeyError when there is none at all: a service that trusted nobody would
    refuse every call, and one that skipped the check would be open; neither may start.
    """
    keys: dict[str, Ed25519PublicKey] = {}
    for identity in IDENTITIES:
        path = public_key_path(keys_dir, identity)
        if not path.is_file():
            continue
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError) as error:
            raise ServiceKeyError(f"cannot read the public key {path}: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ServiceKeyError(f"{path} is not an Ed25519 public key")
        keys[identity] = key
    if not keys:
        raise ServiceKeyError(
            f"no service public keys (<identity>{PUBLIC_SUFFIX}) in {keys_dir}: service "
            "authentication cannot be checked, so the service does not start. `medcode run` "
            "creates them under var/pki; elsewhere set MEDCODE_SERVICE_KEYS_DIR to the folder "
            "the keys Secret is mounted at"
        )
    return keys
