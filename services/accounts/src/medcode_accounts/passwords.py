"""Password policy (NIST SP 800-63B) and argon2id hashing.

Length 8..128 with no composition rules, and no password that appears in zxcvbn's list of
30,000 common passwords or that contains the email's local part. Passwords are NFKC-normalised
before every check and hash, as 800-63B recommends for Unicode input.
"""

from __future__ import annotations

import secrets
import threading
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from medcode_accounts.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_LOCAL_PART_MATCH = 3  # shorter local parts ("a@x.org") would ban half of all passwords


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's common-password frequency list (MIT licensed), lower case."""
    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def normalise_password(raw: str) -> str:
    """NFKC form, so the same password typed on two keyboards hashes the same."""
    return unicodedata.normalize("NFKC", raw)


def check_password(password: str, *, email_local_part: str) -> str:
    """The normalised password if the policy accepts it; InvalidInput saying why otherwise."""
    normal = normalise_password(password)
    if len(normal) < MIN_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_LENGTH} characters")
    if len(normal) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters")
    folded = normal.casefold()
    if folded in common_passwords():
        raise InvalidInput("password is too common; choose one that is harder to guess")
    local = email_local_part.casefold()
    if folded == local or (len(local) >= MIN_LOCAL_PART_MATCH and local in folded):
        raise InvalidInput("password must not contain the email address")
    return normal


class PasswordHashing:
    """argon2id with argon2-cffi's defaults; counts verifications so tests can see them."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self._lock = threading.Lock()
        self.verifications = 0

    def hash(self, normal_password: str) -> str:
        """A new argon2id hash."""
        return self._hasher.hash(normal_password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Check `password`; with no stored hash, spend the same work on a dummy hash."""
        with self._lock:
            self.verifications += 1
        try:
            ok = self._hasher.verify(stored_hash or self._dummy_hash, normalise_password(password))
        except (VerificationError, InvalidHashError):
            return False
        return ok and stored_hash is not None

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(stored_hash)
