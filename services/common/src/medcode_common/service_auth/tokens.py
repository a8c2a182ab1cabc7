"""Short-lived service tokens: an EdDSA JWT naming the caller (`iss`) and the callee (`aud`).

A caller signs one token per callee and reuses it for half its life, so signing costs
nothing per call; a callee verifies a token once and remembers it until it expires, so
checking costs a dictionary lookup per call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
#: Clock difference between pods that a token's times tolerate.
LEEWAY_SECONDS = 30
#: No caller may mint a token longer-lived than this, whatever its own setting says.
MAX_LIFETIME_SECONDS = 3600
_REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat"]


class TokenRefused(Exception):
    """The token does not prove a caller; the message says why (sent back as UNAUTHENTICATED)."""


class TokenSigner:
    """Signs as one identity; keeps one token per audience until half its life has passed."""

    def __init__(
        self,
        identity: str,
        private_key: Ed25519PrivateKey,
        *,
        ttl_seconds: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self._key = private_key
        self._ttl = ttl_seconds
        self._clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}  # audience -> (token, renew_at)
        self._lock = threading.Lock()

    def token(self, audience: str) -> str:
        """A valid token for calls to `audience` (renewed well before it expires)."""
        now = self._clock()
        cached = self._tokens.get(audience)
        if cached is not None and now < cached[1]:
            return cached[0]
        with self._lock:
            issued = int(now)
            claims = {"iss": self.identity, "aud": audience, "iat": issued,
                      "exp": issued + self._ttl}  # fmt: skip
            token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
            self._tokens[audience] = (token, issued + self._ttl / 2)
            return token


class TokenVerifier:
    """Checks tokens addressed to `audience` against the trusted identities' public keys."""

    def __init__(
        self,
        *,
        audience: str,
        public_keys: Mapping[str, Ed25519PublicKey],
        cache_size: int = 4096,
    ) -> None:
        self.audience = audience
        self._keys = dict(public_keys)
        self._cache: dict[str, tuple[str, float]] = {}  # token -> (identity, valid_until)
        self._cache_size = cache_size

    @property
    def trusted(self) -> frozenset[str]:
        """Identities whose tokens can be verified here."""
        return frozenset(self._keys)

    def verify(self, token: str) -> str:
        """The caller's identity; TokenRefused when the token is not a valid one for us."""
        cached = self._cache.get(token)
        if cached is not None and time.time() < cached[1]:
            return cached[0]
        identity, expires = self._check(token)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()  # tokens are renewed every few minutes: the cache refills
        self._cache[token] = (identity, expires + LEEWAY_SECONDS)
        return identity

    def _check(self, token: str) -> tuple[str, float]:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            raise TokenRefused("the service token is not a JWT") from None
        issuer = unverified.get("iss")
        key = self._keys.get(issuer) if isinstance(issuer, str) else None
        if key is None or not isinstance(issuer, str):
            raise TokenRefused(f"the service token's issuer {issuer!r} is not a trusted identity")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRefused("the service token has expired") from None
        except jwt.InvalidAudienceError:
            raise TokenRefused(f"the service token is not addressed to {self.audience}") from None
        except jwt.InvalidTokenError as error:
            raise TokenRefused(f"the service token is invalid: {error}") from None
        if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
            raise TokenRefused("the service token lives longer than a service token may")
        return issuer, float(claims["exp"])
