"""Plans and the API-key limits each plan gets by default."""

from __future__ import annotations

from dataclasses import dataclass

from medcode_accounts.errors import InvalidInput

USER_PLANS = ("free", "pro", "partner", "internal")
"""Plans an account can be on ("guest" is a visitor without an account, never stored)."""
KEY_PLANS = ("partner", "internal")
"""Plans that may hold API keys."""
DEFAULT_PLAN = "free"


@dataclass(frozen=True, slots=True)
class KeyLimits:
    """Calls per calendar month (UTC) and sustained calls per second."""

    monthly_quota: int
    rate_per_second: float


def parse_user_plan(raw: str) -> str:
    plan = raw.strip().lower()
    if plan not in USER_PLANS:
        raise InvalidInput(f"unknown plan {raw!r}; use one of {', '.join(USER_PLANS)}")
    return plan


def parse_key_plan(raw: str) -> str:
    plan = raw.strip().lower()
    if plan not in KEY_PLANS:
        raise InvalidInput(
            f"API keys are for the {' and '.join(KEY_PLANS)} plans; {raw!r} is not one of them"
        )
    return plan
