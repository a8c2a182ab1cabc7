"""The code page's meter: who is looking, charging their view, and what the banner says.

Charged exactly like `GET /v1/codes/...` (`metering.views.charge_view`): guests and free
users spend a view, a repeat within 24 h is free, Pro and internal plans are unlimited. The
words come from `metering.messages`, built from the numbers metering enforces.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import grpc
from starlette.requests import Request

from medcode_common.plans import Plan
from medcode_gateway.auth.caller import Caller, auth_state, client_ip, resolve_caller
from medcode_gateway.auth.cookies import GUEST_COOKIE, new_guest_id
from medcode_gateway.core.problems import Problem
from medcode_gateway.metering import messages
from medcode_gateway.metering.views import charge_view
from medcode_gateway.web.visitor import SiteUser

log = logging.getLogger(__name__)
#: What a metered visitor reads while views cannot be counted (metering unreachable).
METER_DOWN = (
    "Page views cannot be counted right now, so only the descriptions are shown. "
    "Please try again in a moment."
)
#: Metering failures that degrade the page instead of failing it.
_DEGRADED = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})
#: full: every section; descriptions: guests (the rest locked); paywall: no views left.
Access = Literal["full", "descriptions", "paywall"]


@dataclass(frozen=True, slots=True)
class PageMeter:
    """What this visitor may see of a code page, and what to tell them."""

    access: Access
    guest: bool
    remaining: int | None
    views_left: str
    rule: str
    reason: str


async def page_caller(request: Request) -> Caller:
    """The caller, as for the API, except that a stale or forged session makes a guest (a
    page never fails because a sign-in expired)."""
    try:
        return await resolve_caller(request)
    except Problem:
        auth = auth_state(request)
        ip = client_ip(request)
        guest_id = auth.signer.verify(request.cookies.get(GUEST_COOKIE))
        if guest_id is not None:
            return Caller("guest", guest_id, Plan.GUEST, ip)
        minted = new_guest_id()
        return Caller("guest", minted, Plan.GUEST, ip, guest_cookie_to_set=auth.signer.sign(minted))


def site_user(caller: Caller) -> SiteUser | None:
    """The signed-in user for the layout's navigation, known without asking accounts."""
    if caller.kind != "user":
        return None
    return SiteUser(user_id=caller.subject_id, email="", plan=caller.plan.value)


async def charge_page_view(request: Request, caller: Caller, system: str, code: str) -> PageMeter:
    """Charge one view of `system`/`code` and say what the visitor may see."""
    guest = caller.kind == "guest"
    try:
        outcome = await charge_view(
            caller=caller, system=system, code=code, clients=request.app.state.clients
        )
    except grpc.aio.AioRpcError as error:
        if error.code() not in _DEGRADED:
            raise
        # A metering outage degrades the page (descriptions only), never the whole site.
        log.warning("code page shown without metering: ConsumeView failed: %s", error.code())
        return PageMeter("descriptions", guest, None, "", METER_DOWN, "")
    if outcome.remaining is None:  # not view-metered: Pro, internal, partner keys
        return PageMeter("full", guest, None, "", "", "")
    policy = outcome.policy
    rule = ""
    if policy is not None:
        rule = messages.guest_rule(policy) if guest else messages.free_rule(policy)
    left = messages.views_left(outcome.remaining)
    if not outcome.allowed:
        reason = (
            messages.limit_reached(guest=guest, reason=outcome.reason, policy=policy)
            if policy is not None
            else rule
        )
        return PageMeter("paywall", guest, 0, messages.views_left(0), rule, reason)
    return PageMeter("descriptions" if guest else "full", guest, outcome.remaining, left, rule, "")
