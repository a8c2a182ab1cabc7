"""Accounts-service messages to JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode_common.plans import plan_from_proto


def timestamp(value: Timestamp, *, present: bool = True) -> str | None:
    """ISO 8601 UTC, or None for an unset timestamp."""
    if not present or (value.seconds == 0 and value.nanos == 0):
        return None
    return value.ToDatetime().isoformat() + "Z"


def plan_name(value: int, legacy: str) -> str:
    """A plan as the API names it ("free", "partner", ...)."""
    plan = plan_from_proto(value, legacy)
    return plan.value if plan is not None else ""


def user(message: pb.User) -> dict[str, Any]:
    """A user as the API shows it."""
    return {
        "user_id": message.user_id,
        "email": message.email,
        "plan": plan_name(message.plan, message.legacy_plan),
        "created_at": timestamp(message.created_at),
    }


def session(message: pb.User, tokens: pb.TokenPair) -> dict[str, Any]:
    """A sign-in answer."""
    return {
        "user": user(message),
        "access_token": tokens.access_token,
        "token_type": tokens.token_type or "Bearer",
        "expires_in": tokens.access_expires_in,
        "refresh_token": tokens.refresh_token,
        "refresh_expires_in": tokens.refresh_expires_in,
    }


def api_key(message: pb.ApiKey) -> dict[str, Any]:
    """A key without its secret."""
    return {
        "key_id": message.key_id,
        "prefix": message.prefix,
        "name": message.name,
        "plan": plan_name(message.plan, message.legacy_plan),
        "monthly_quota": message.monthly_quota,
        "rate_per_second": message.rate_per_second,
        "created_at": timestamp(message.created_at),
        "last_used_at": timestamp(message.last_used_at, present=message.HasField("last_used_at")),
        "revoked": message.revoked,
    }


def sign_up(confirm_within_seconds: int) -> dict[str, Any]:
    """The one answer to every sign-up, whoever owns the address."""
    hours = max(1, confirm_within_seconds // 3600)
    return {
        "status": "confirmation_sent",
        "message": (
            "Check your inbox: open the link we sent to finish signing up "
            f"(it works for {hours} hour{'s' if hours != 1 else ''}). If this address "
            "already has an account, we told its owner instead."
        ),
        "confirm_within_seconds": confirm_within_seconds,
    }


def confirmed(message: pb.User) -> dict[str, Any]:
    """The answer to an opened confirmation link."""
    return {
        "status": "confirmed",
        "user": user(message),
        "message": "Your email is confirmed and your free account is ready: sign in to use it.",
    }
