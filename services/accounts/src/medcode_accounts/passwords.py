"""Password policy (NIST SP 800-63B) and argon2id hashing.

Length 8..128 with no composition rules, and no password that appears in zxcvbn's list of
30,000 common passwords, contains the email's local part, is only spaces, or is one short
pattern repeated ("aaaaaaaa", "abababab", "passpass") or nearly one character (fewer than
MIN_DISTINCT different characters): 800-63B's "repetitive characters". Passwords are
NFKC-normalised before every check and hash, as 800-63B recommends for Unicode input.
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
MIN_DISTINCT = 4  # "aaaaaaa1" and "11112222" are a character or two repeated, not a secret


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's common-password frequency list (MIT licensed), lower case."""
    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def normalise_password(raw: str) -> str:
    """NFKC form, so the same password typed on two keyboards hashes the same."""
    return unicodedata.normalize("NFKC", raw)


def repeated_unit(text: str) -> str | None:
    """The shortest unit `text` is two or more copies of ("ab" for "ababab"), else None."""
    period = (text + text).find(text, 1)
    return text[:period] if 0 < period < len(text) else None


def check_password(password: str, *, email_local_part: str) -> str:
    """The normalised password if the policy accepts it; InvalidInput saying why otherwise."""
    normal = normalise_password(password)
    if len(normal) < MIN_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_LENGTH} characters")
    if len(normal) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters")
    if not normal.strip():
        raise InvalidInput("password must not be only spaces")
    folded = normal.casefold()
    if folded in common_passwords():
        raise InvalidInput("password is too common; choose one that is harder to guess")
    local = email_local_part.casefold()
    if folded == local or (len(local) >= MIN_LOCAL_PART_MATCH and local in folded):
        raise InvalidInput("password must not contain the email address")
    unit = repeated_unit(folded)
    if unit is not None and len(unit) < MIN_LENGTH:
        raise InvalidInput(
            "password must not be one character or a short pattern repeated "
            "(like aaaaaaaa or abcabcabc)"
        )
    if len(set(folded)) < MIN_DISTINCT:
        raise InvalidInput(
            f"password must have at least {MIN_DISTINCT} different characters; a character "
            "or two repeated is easy to guess"
        )
    return normal


class PasswordHashing:
    """argon2id with argon2-cffi's defaults; counts hashes and verifications so tests can see
    that every answer paid the same work."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self._lock = threading.Lock()
        self.verifications = 0
        self.hashes = 0

    def hash(self, normal_password: str) -> str:
        """A new argon2id hash."""
        with self._lock:
            self.hashes += 1
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
