"""What a person reads about the meter, built from the numbers metering enforces.

The allowances are metering's configuration (`MEDCODE_METERING_GUEST_VIEWS`, `_FREE_VIEWS`);
every sentence here takes them from metering's reply, so changing them changes the wording.
"""

from __future__ import annotations

from medcode.metering.v1 import metering_service_pb2 as mpb


def _views(count: int) -> str:
    return f"{count} page view" if count == 1 else f"{count} page views"


def _more(count: int) -> str:
    return f"{count} more view" if count == 1 else f"{count} more views"


def views_left(remaining: int) -> str:
    """ "3 views left this month", "1 view left this month", "no views left this month"."""
    if remaining <= 0:
        return "no views left this month"
    return f"{remaining} view{'' if remaining == 1 else 's'} left this month"


def _register(policy: mpb.ViewPolicy) -> str:
    if policy.free_extra_views > 0:
        return f"Register free account to get {_more(policy.free_extra_views)}."
    return "Register a free account to keep your place."


def guest_rule(policy: mpb.ViewPolicy) -> str:
    """The business's sentence for guests, with the configured numbers."""
    return f"Guest accounts are limited to {_views(policy.guest_views)}. {_register(policy)}"


def free_rule(policy: mpb.ViewPolicy) -> str:
    """The rule for free accounts, with the configured numbers."""
    total = policy.guest_views + policy.free_extra_views
    return f"Free accounts are limited to {_views(total)} a month. Upgrade to Pro for unlimited."


def limit_reached(*, guest: bool, reason: int, policy: mpb.ViewPolicy) -> str:
    """Why no more pages are shown, and what unlocks more."""
    if reason == mpb.VIEW_REASON_IP_CAP_REACHED:
        daily = _views(policy.guest_ip_daily_cap)
        return f"Guest views from this network ({daily} a day) are used up. {_register(policy)}"
    return guest_rule(policy) if guest else free_rule(policy)
