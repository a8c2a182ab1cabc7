"""The one plan policy every package shares: which plans exist and what kind each is.

The numbers a plan allows (views a month, API quotas) are configuration of the service that
enforces them (metering for views, accounts for key quotas); which plans are view-metered,
which an account may hold and which may hold API keys is decided here only, so accounts,
metering and the gateway cannot disagree.
"""

from __future__ import annotations

from enum import StrEnum

from medcode.plans.v1 import plans_pb2


class Plan(StrEnum):
    """A plan by its name in URLs, tokens, the database and the CLI."""

    GUEST = "guest"
    FREE = "free"
    PRO = "pro"
    PARTNER = "partner"
    INTERNAL = "internal"

    @property
    def proto(self) -> int:
        """The `medcode.plans.v1.Plan` value."""
        return _TO_PROTO[self]

    @property
    def view_metered(self) -> bool:
        """True when code-page views count against a monthly allowance."""
        return self in VIEW_METERED


_TO_PROTO = {
    Plan.GUEST: plans_pb2.PLAN_GUEST,
    Plan.FREE: plans_pb2.PLAN_FREE,
    Plan.PRO: plans_pb2.PLAN_PRO,
    Plan.PARTNER: plans_pb2.PLAN_PARTNER,
    Plan.INTERNAL: plans_pb2.PLAN_INTERNAL,
}
_FROM_PROTO = {value: plan for plan, value in _TO_PROTO.items()}

#: Plans whose code-page views are counted (the allowances are metering's configuration).
VIEW_METERED = frozenset({Plan.GUEST, Plan.FREE})
#: Plans an account can be on; a guest is a visitor without an account.
ACCOUNT_PLANS = (Plan.FREE, Plan.PRO, Plan.PARTNER, Plan.INTERNAL)
#: Plans that may hold API keys.
KEY_PLANS = (Plan.PARTNER, Plan.INTERNAL)
#: The plan a new account starts on.
DEFAULT_ACCOUNT_PLAN = Plan.FREE


def parse_plan(text: str) -> Plan:
    """The plan named by `text` (any case, spaces around), or ValueError listing the names."""
    try:
        return Plan(text.strip().lower())
    except ValueError:
        names = ", ".join(plan.value for plan in Plan)
        raise ValueError(f"unknown plan {text!r}; use one of: {names}") from None


def plan_from_proto(value: int, legacy: str = "") -> Plan | None:
    """The plan a message carries: its enum field, else its deprecated text field from an
    older sender; None when neither is set. ValueError for an unknown value or name."""
    if value != plans_pb2.PLAN_UNSPECIFIED:
        try:
            return _FROM_PROTO[value]
        except KeyError:
            raise ValueError(f"unknown plan value {value}") from None
    return parse_plan(legacy) if legacy.strip() else None
