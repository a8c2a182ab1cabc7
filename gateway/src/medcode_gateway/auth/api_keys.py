"""Partner API keys: verified by the accounts service, remembered briefly by the gateway.

Caching keeps key verification off the hot path; a revoked key stops working within the
cache TTL (`MEDCODE_GATEWAY_API_KEY_CACHE_SECONDS`). Only a hash of the key is kept.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import grpc

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode_common.plans import Plan, plan_from_proto
from medcode_gateway.core.problems import Problem

KEY_PREFIX = "mc_live_"
MAX_KEY_LENGTH = 200
MAX_CACHED_KEYS = 10_000


@dataclass(frozen=True, slots=True)
class VerifiedKey:
    """The limits of a key the accounts service vouched for."""

    key_id: str
    plan: Plan
    monthly_quota: int
    rate_per_second: float
    owner_user_id: str


class ApiKeyVerifier:
    """Verify keys through the accounts service with a short TTL cache keyed by a hash."""

    def __init__(self, *, ttl_seconds: float) -> None:
        self._ttl = ttl_seconds
        self._cache: dict[bytes, tuple[float, VerifiedKey]] = {}

    async def verify(
        self, api_key: str, *, stub: accounts_grpc.AccountsServiceStub, timeout: float
    ) -> VerifiedKey:
        """The key's limits; 401 problem when it is malformed, unknown or revoked."""
        if not api_key.startswith(KEY_PREFIX) or len(api_key) > MAX_KEY_LENGTH:
            raise Problem(401, "the API key is malformed; keys look like mc_live_<id>_<secret>")
        digest = hashlib.sha256(api_key.encode()).digest()
        hit = self._cache.get(digest)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            reply = await stub.VerifyApiKey(
                pb.VerifyApiKeyRequest(api_key=api_key), timeout=timeout
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.INVALID_ARGUMENT):
                self._cache.pop(digest, None)
                raise Problem(401, "the API key is not valid or has been revoked") from None
            raise
        key = reply.key
        verified = VerifiedKey(
            key_id=key.key_id,
            plan=plan_from_proto(key.plan, key.legacy_plan) or Plan.PARTNER,
            monthly_quota=int(key.monthly_quota),
            rate_per_second=float(key.rate_per_second),
            owner_user_id=key.owner_user_id,
        )
        if self._ttl > 0:
            if len(self._cache) >= MAX_CACHED_KEYS:
                self._cache.clear()
            self._cache[digest] = (now + self._ttl, verified)
        return verified
