"""The plans page: guest, free, pro and partner, with the allowances metering enforces.

Every number comes from metering's view policy (GetViewAllowance), and which plans are
metered from the shared plan policy, so the page cannot promise what is not enforced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import grpc
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_common.plans import Plan
from medcode_gateway.auth.caller import auth_state
from medcode_gateway.auth.cookies import GUEST_COOKIE, new_guest_id
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.metering import messages
from medcode_gateway.web.templating import render
from medcode_gateway.web.visitor import SiteUser, signed_in_user

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

#: The plans the page compares, in order (internal is the operator's own, not on offer).
PLANS_SHOWN = (Plan.GUEST, Plan.FREE, Plan.PRO, Plan.PARTNER)


@dataclass(frozen=True, slots=True)
class Allowance:
    """What the visitor's own meter says, and the policy in force."""

    plan: Plan
    known_visitor: bool
    unlimited: bool
    remaining: int
    policy: mpb.ViewPolicy


def monthly_views(plan: Plan, policy: mpb.ViewPolicy) -> int | None:
    """Code-page views a month on `plan` (None: unlimited)."""
    if not plan.view_metered:
        return None
    if plan is Plan.GUEST:
        return int(policy.guest_views)
    return int(policy.guest_views + policy.free_extra_views)


def views_text(count: int | None) -> str:
    """ "Unlimited code pages", "1 code page a month", "6 code pages a month"."""
    if count is None:
        return "Unlimited code pages"
    return f"{count} code page{'' if count == 1 else 's'} a month"


async def allowance(request: Request, user: SiteUser | None) -> Allowance:
    """The visitor's allowance (a guest without a cookie is asked about as a new guest)."""
    clients: ServiceClients = request.app.state.clients
    if user is not None:
        plan = Plan(user.plan)
        subject, subject_id, known = mpb.SUBJECT_TYPE_USER, user.user_id, True
    else:
        plan = Plan.GUEST
        guest_id = auth_state(request).signer.verify(request.cookies.get(GUEST_COOKIE))
        subject, subject_id, known = (
            mpb.SUBJECT_TYPE_GUEST,
            guest_id or new_guest_id(),
            bool(guest_id),
        )
    reply = await clients.metering.GetViewAllowance(
        mpb.GetViewAllowanceRequest(subject_type=subject, subject_id=subject_id, plan=plan.proto),
        timeout=clients.timeout,
    )
    return Allowance(plan, known, reply.unlimited, reply.remaining, reply.policy)


@router.get("/plans", response_class=HTMLResponse)
async def plans_page(request: Request) -> HTMLResponse:
    """The plans side by side, with the visitor's own plan and views left when known."""
    user = await signed_in_user(request)
    try:
        mine: Allowance | None = await allowance(request, user)
    except grpc.aio.AioRpcError as error:
        log.warning("plans page without allowances: GetViewAllowance failed: %s", error.code())
        mine = None
    policy = mine.policy if mine is not None else None
    rows = [
        {
            "plan": plan,
            "views": views_text(monthly_views(plan, policy)) if policy is not None else None,
            "current": mine is not None and mine.known_visitor and mine.plan is plan,
        }
        for plan in PLANS_SHOWN
    ]
    return await render(
        request,
        "plans.html",
        {
            "user": user,
            "plans": rows,
            "mine": mine,
            "policy": policy,
            "guest_rule": messages.guest_rule(policy) if policy is not None else "",
            "views_left": messages.views_left(mine.remaining) if mine is not None else "",
        },
    )
