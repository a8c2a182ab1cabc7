"""Partner API keys: verified by the accounts service, remembered briefly by the gateway.

Caching keeps key verification off the hot path. A revoked key stops working at once: the
accounts service announces every revocation (ApiKeyRevoked) and `forget` drops the key from
this process's cache and refuses it from then on, including a verification that was in flight
when the news came; the cache TTL (`MEDCODE_GATEWAY_API_KEY_CACHE_SECONDS`) only bounds how
long a missed announcement (bus down) could matter. Only a hash of the key is kept.
"""

from __future__ import annotations

import hashlib
import re
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
MAX_REVOKED_IDS = 100_000  # the oldest are forgotten first; accounts refuses them anyway
REVOKED = "the API key is not valid or has been revoked"
_KEY_ID = re.compile(r"mc_live_([0-9a-f]{12})_")


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
        self._revoked: dict[str, None] = {}  # an insertion-ordered set of revoked key ids

    def forget(self, key_id: str) -> int:
        """Key `key_id` was revoked: drop its cached verifications (how many) and refuse it."""
        self._revoked.pop(key_id, None)
        self._revoked[key_id] = None
        while len(self._revoked) > MAX_REVOKED_IDS:
            del self._revoked[next(iter(self._revoked))]
        stale = [digest for digest, (_, key) in self._cache.items() if key.key_id == key_id]
        for digest in stale:
            del self._cache[digest]
        return len(stale)

    def _refuse_if_revoked(self, key_id: str) -> None:
        if key_id in self._revoked:
            raise Problem(401, REVOKED)

    async def verify(
        self, api_key: str, *, stub: accounts_grpc.AccountsServiceStub, timeout: float
    ) -> VerifiedKey:
        """The key's limits; 401 problem when it is malformed, unknown or revoked."""
        if not api_key.startswith(KEY_PREFIX) or len(api_key) > MAX_KEY_LENGTH:
            raise Problem(401, "the API key is malformed; keys look like mc_live_<id>_<secret>")
        named = _KEY_ID.match(api_key)
        if named is not None:
            self._refuse_if_revoked(named.group(1))
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
                raise Problem(401, REVOKED) from None
            raise
        key = reply.key
        verified = VerifiedKey(
            key_id=key.key_id,
            plan=plan_from_proto(key.plan, key.legacy_plan) or Plan.PARTNER,
            monthly_quota=int(key.monthly_quota),
            rate_per_second=float(key.rate_per_second),
            owner_user_id=key.owner_user_id,
        )
        self._refuse_if_revoked(verified.key_id)  # revoked while the answer was on its way
        if self._ttl > 0:
            if len(self._cache) >= MAX_CACHED_KEYS:
                self._cache.clear()
            self._cache[digest] = (now + self._ttl, verified)
        return verified
