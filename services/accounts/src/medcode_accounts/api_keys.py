"""Partner API keys `mc_live_<id>_<secret>`: shown once, stored as SHA-256, revocable.

The secret has 238 bits of entropy, so a fast hash is as safe as a slow one here and keeps
verification (on every partner call the gateway has not cached) cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import func, select, update

from medcode.events.v1 import events_pb2
from medcode_accounts.database import Database
from medcode_accounts.errors import (
    FailedPrecondition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from medcode_accounts.models import ApiKey, User
from medcode_accounts.outbox import add_event
from medcode_accounts.plans import KEY_PLANS, KeyLimits, parse_key_plan
from medcode_accounts.validation import parse_user_id

KEY_PREFIX = "mc_live_"
KEY_ID_LENGTH = 12
SECRET_LENGTH = 40
MAX_NAME_LENGTH = 100
_ALPHABET = string.ascii_letters + string.digits
_KEY_ID = re.compile(f"[0-9a-f]{{{KEY_ID_LENGTH}}}")
_FULL_KEY = re.compile(f"mc_live_([0-9a-f]{{{KEY_ID_LENGTH}}})_([A-Za-z0-9]{{{SECRET_LENGTH}}})")
INVALID_KEY = "API key is not valid or has been revoked"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_name(raw: str) -> str:
    name = raw.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"name is longer than {MAX_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in name):
        raise InvalidInput("name may not contain control characters")
    return name


def revoked_event(key: ApiKey) -> events_pb2.ApiKeyRevoked:
    """ApiKeyRevoked for a key just revoked (`revoked_at` set)."""
    when = Timestamp()
    if key.revoked_at is not None:
        when.FromDatetime(key.revoked_at)
    owner = str(key.owner_user_id) if key.owner_user_id else ""
    return events_pb2.ApiKeyRevoked(key_id=key.key_id, owner_user_id=owner, revoked_at=when)


def check_key_id(raw: str) -> str:
    if not raw:
        raise InvalidInput("key_id is required")
    if not _KEY_ID.fullmatch(raw):
        raise InvalidInput(f"key_id must be {KEY_ID_LENGTH} lower-case hex characters")
    return raw


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    """Default limits per plan and how many live keys one user may hold."""

    defaults: dict[str, KeyLimits]
    max_keys_per_user: int
    touch_seconds: int


class ApiKeys:
    """Create, list, revoke and verify API keys (blocking calls)."""

    def __init__(self, *, db: Database, policy: KeyPolicy, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._policy = policy
        self._clock = clock

    def _limits(self, plan: str, quota: int, rate: float, *, operator: bool) -> KeyLimits:
        """Zero takes the plan default; users may lower their limits, only operators raise them."""
        if quota < 0 or rate < 0:
            raise InvalidInput("monthly_quota and rate_per_second must not be negative")
        default = self._policy.defaults[plan]
        limits = KeyLimits(quota or default.monthly_quota, rate or default.rate_per_second)
        if not operator and (
            limits.monthly_quota > default.monthly_quota
            or limits.rate_per_second > default.rate_per_second
        ):
            raise PermissionDenied(
                f"the {plan} plan allows at most {default.monthly_quota} calls a month and "
                f"{default.rate_per_second:g} per second; ask us for more"
            )
        return limits

    def create(
        self, *, owner_user_id: str, name: str, plan: str, monthly_quota: int, rate: float
    ) -> tuple[ApiKey, str]:
        """A new key and its full text (shown once); an empty owner makes an operator key."""
        label = _check_name(name)
        owner = parse_user_id(owner_user_id, field="owner_user_id") if owner_user_id else None
        now = self._clock()
        with self._db.write() as session:
            if owner is None:
                if not plan:
                    raise InvalidInput("plan is required for an operator key: partner or internal")
                chosen = parse_key_plan(plan)
            else:
                user = session.get(User, owner)
                if user is None:
                    raise NotFound(f"no user with id {owner}")
                if user.plan not in KEY_PLANS:
                    raise PermissionDenied(
                        f"API keys are available on the partner and internal plans; this "
                        f"account is on the {user.plan} plan"
                    )
                chosen = parse_key_plan(plan) if plan else user.plan
                if chosen != user.plan:
                    raise PermissionDenied(f"this account's keys bill to its {user.plan} plan")
                live = session.scalar(
                    select(func.count())
                    .select_from(ApiKey)
                    .where(ApiKey.owner_user_id == owner, ApiKey.revoked_at.is_(None))
                )
                if (live or 0) >= self._policy.max_keys_per_user:
                    raise FailedPrecondition(
                        f"an account may hold at most {self._policy.max_keys_per_user} active "
                        "API keys; revoke one first"
                    )
            limits = self._limits(chosen, monthly_quota, rate, operator=owner is None)
            key_id = secrets.token_hex(KEY_ID_LENGTH // 2)
            secret = "".join(secrets.choice(_ALPHABET) for _ in range(SECRET_LENGTH))
            key = ApiKey(
                key_id=key_id,
                owner_user_id=owner,
                name=label,
                plan=chosen,
                monthly_quota=limits.monthly_quota,
                rate_per_second=limits.rate_per_second,
                secret_hash=secret_hash(secret),
                created_at=now,
            )
            session.add(key)
        return key, f"{KEY_PREFIX}{key_id}_{secret}"

    def list_keys(self, *, owner_user_id: str) -> list[ApiKey]:
        """The owner's keys, newest first, revoked ones included (marked)."""
        owner = parse_user_id(owner_user_id, field="owner_user_id")
        with self._db.read() as session:
            if session.get(User, owner) is None:
                raise NotFound(f"no user with id {owner}")
            return list(
                session.scalars(
                    select(ApiKey)
                    .where(ApiKey.owner_user_id == owner)
                    .order_by(ApiKey.created_at.desc(), ApiKey.key_id)
                )
            )

    def list_all(self) -> list[tuple[ApiKey, str]]:
        """Operator: every key with its owner's email ("" for operator keys), newest first."""
        with self._db.read() as session:
            rows = session.execute(
                select(ApiKey, User.email)
                .outerjoin(User, ApiKey.owner_user_id == User.id)
                .order_by(ApiKey.created_at.desc(), ApiKey.key_id)
            ).all()
        return [(key, email or "") for key, email in rows]

    def revoke(self, *, owner_user_id: str, key_id: str) -> ApiKey:
        """Revoke a key: the owner's own, or with no owner (operator) any key.

        Revoking twice is fine; another user's key is NOT_FOUND. The first revocation stages
        ApiKeyRevoked, so gateways drop the key from their caches at once.
        """
        owner = parse_user_id(owner_user_id, field="owner_user_id") if owner_user_id else None
        kid = check_key_id(key_id)
        with self._db.write() as session:
            key = session.get(ApiKey, kid)
            if key is None or (owner is not None and key.owner_user_id != owner):
                raise NotFound(
                    f"no API key {kid} belongs to user {owner}" if owner else f"no API key {kid}"
                )
            if key.revoked_at is None:
                key.revoked_at = self._clock()
                add_event(session, message=revoked_event(key), key=kid, now=key.revoked_at)
        return key

    def verify(self, *, api_key: str) -> ApiKey:
        """The key's record if `api_key` is a live key; Unauthenticated otherwise."""
        if not api_key:
            raise InvalidInput("api_key is required")
        match = _FULL_KEY.fullmatch(api_key)
        if match is None:
            raise Unauthenticated(INVALID_KEY)
        key_id, secret = match.groups()
        with self._db.read() as session:
            key = session.get(ApiKey, key_id)
        presented = secret_hash(secret)
        stored = key.secret_hash if key is not None else secret_hash("")
        if key is None or not hmac.compare_digest(presented, stored) or key.revoked_at is not None:
            raise Unauthenticated(INVALID_KEY)
        self._touch(key)
        return key

    def _touch(self, key: ApiKey) -> None:
        """Record use at most once per `touch_seconds` per key, so verification stays a read."""
        now = self._clock()
        stale = now - timedelta(seconds=self._policy.touch_seconds)
        if key.last_used_at is not None and key.last_used_at > stale:
            return
        with self._db.write() as session:
            session.execute(
                update(ApiKey)
                .where(
                    ApiKey.key_id == key.key_id,
                    (ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at <= stale),
                )
                .values(last_used_at=now)
            )
        key.last_used_at = now
