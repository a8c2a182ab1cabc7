"""Plans as accounts stores them, and the API-key limits each plan gets by default.

Which plans exist and which may hold keys is the shared policy in `medcode_common.plans`;
accounts stores a plan by its name and turns it into the proto enum at its API.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcode_accounts.errors import InvalidInput
from medcode_common import plans
from medcode_common.plans import Plan, plan_from_proto

USER_PLANS = tuple(plan.value for plan in plans.ACCOUNT_PLANS)
"""Plans an account can be on ("guest" is a visitor without an account, never stored)."""
KEY_PLANS = tuple(plan.value for plan in plans.KEY_PLANS)
"""Plans that may hold API keys."""
DEFAULT_PLAN = plans.DEFAULT_ACCOUNT_PLAN.value


def plan_proto(name: str) -> int:
    """The `medcode.plans.v1.Plan` value of a stored plan name."""
    return Plan(name).proto


def requested_plan(value: int, legacy: str) -> str:
    """The plan a request names (its enum, else its deprecated text field), or "" for none."""
    try:
        chosen = plan_from_proto(value, legacy)
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    return chosen.value if chosen is not None else ""


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
