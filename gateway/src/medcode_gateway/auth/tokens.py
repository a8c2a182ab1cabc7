"""Verify access tokens locally with the accounts service's published keys (JWKS).

A page view then costs no call to the accounts service: the keys are fetched once and again
only when a token names a key id we do not know (key rotation), at most every few seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import jwt

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode_common.plans import DEFAULT_ACCOUNT_PLAN, Plan, parse_plan
from medcode_gateway.core.problems import Problem

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "ES256", "RS256"})
"""Asymmetric algorithms only: a token can never pick HS256 and sign with the public key."""
REFETCH_INTERVAL_SECONDS = 10.0
MAX_REMEMBERED_TOKENS = 100_000


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What the gateway needs from a verified access token."""

    user_id: str
    plan: Plan


class AccessTokenVerifier:
    """Checks signature, expiry, issuer and audience; caches the key set."""

    def __init__(self, *, leeway_seconds: float = 5.0) -> None:
        self._keys: dict[str, jwt.PyJWK] = {}
        self._issuer = ""
        self._audience = ""
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self._leeway = leeway_seconds
        # A signature check is the costliest step of a request; a token already verified is
        # trusted until it expires.
        self._verified: dict[str, tuple[float, AccessClaims]] = {}

    def cached(self, token: str) -> AccessClaims | None:
        """The claims of a token verified earlier and not yet expired, without any I/O."""
        found = self._verified.get(token)
        if found is None:
            return None
        if found[0] <= time.time():
            self._verified.pop(token, None)
            return None
        return found[1]

    async def _refresh(self, stub: accounts_grpc.AccountsServiceStub, timeout: float) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < REFETCH_INTERVAL_SECONDS:
                return
            reply = await stub.GetJwks(pb.GetJwksRequest(), timeout=timeout)
            key_set = jwt.PyJWKSet.from_json(reply.jwks_json)
            self._keys = {k.key_id: k for k in key_set.keys if k.key_id}
            self._issuer, self._audience = reply.issuer, reply.audience
            self._fetched_at = time.monotonic()

    async def _key_for(
        self, kid: str, stub: accounts_grpc.AccountsServiceStub, timeout: float
    ) -> jwt.PyJWK:
        if kid not in self._keys:
            await self._refresh(stub, timeout)
        key = self._keys.get(kid)
        if key is None or key.algorithm_name not in ALLOWED_ALGORITHMS:
            raise Problem(401, "the access token is signed with an unknown key; sign in again")
        return key

    async def verify(
        self, token: str, *, stub: accounts_grpc.AccountsServiceStub, timeout: float
    ) -> AccessClaims:
        """The claims of a valid token; 401 problem for anything else."""
        remembered = self.cached(token)
        if remembered is not None:
            return remembered
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Problem(401, "the access token is malformed") from None
        key = await self._key_for(str(header.get("kid", "")), stub, timeout)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[key.algorithm_name],
                audience=self._audience or None,
                issuer=self._issuer or None,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Problem(401, "the access token has expired; refresh it") from None
        except jwt.PyJWTError as error:
            raise Problem(401, f"the access token is not valid: {error}") from None
        try:
            plan = parse_plan(str(claims.get("plan", DEFAULT_ACCOUNT_PLAN)))
        except ValueError:
            raise Problem(401, "the access token names an unknown plan; sign in again") from None
        verified = AccessClaims(user_id=str(claims["sub"]), plan=plan)
        if len(self._verified) >= MAX_REMEMBERED_TOKENS:
            self._verified.clear()
        self._verified[token] = (float(claims["exp"]) + self._leeway, verified)
        return verified
