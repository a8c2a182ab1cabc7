"""Code-page view metering: guests and free users spend views; other callers pass.

The gateway holds no policy: the metering service decides (atomically, in Redis) and this
module only turns its answer into headers or a 403 problem with the way out (register or
upgrade). Partner keys were already charged per call by the quota middleware.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import JSONResponse

from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_gateway.auth.caller import Caller
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import problem_response

VIEW_LIMIT_TYPE = "/problems/view-limit"
METERED_PLANS = frozenset({"guest", "free"})
_SUBJECT = {"guest": mpb.SUBJECT_TYPE_GUEST, "user": mpb.SUBJECT_TYPE_USER}


@dataclass(frozen=True, slots=True)
class ViewOutcome:
    """Whether the page may be shown, and what to tell the caller."""

    allowed: bool
    remaining: int | None
    reason: int


async def charge_view(
    *, caller: Caller, system: str, code: str, clients: ServiceClients
) -> ViewOutcome:
    """Ask the metering service to charge one view, unless the caller is not view-metered."""
    if caller.kind == "api_key" or caller.plan not in METERED_PLANS:
        return ViewOutcome(True, None, mpb.VIEW_REASON_UNLIMITED)
    reply = await clients.metering.ConsumeView(
        mpb.ConsumeViewRequest(
            subject_type=_SUBJECT[caller.kind],
            subject_id=caller.subject_id,
            plan=caller.plan,
            system=system,
            code=code,
            client_ip=caller.client_ip if caller.kind == "guest" else "",
        ),
        timeout=clients.timeout,
    )
    return ViewOutcome(reply.allowed, None if reply.unlimited else reply.remaining, reply.reason)


def view_limit_problem(*, caller: Caller, outcome: ViewOutcome, instance: str) -> JSONResponse:
    """403 problem+json that says why and what unlocks more views."""
    if outcome.reason == mpb.VIEW_REASON_IP_CAP_REACHED:
        detail = "guest views from this network are used up for today; register a free account"
    elif caller.kind == "guest":
        detail = "guest accounts are limited to 1 code-page view; register a free account for more"
    else:
        detail = "this month's free code-page views are used up; upgrade to Pro for unlimited views"
    hint = {"register": "/v1/auth/register"} if caller.kind == "guest" else {"upgrade": "/pricing"}
    response = problem_response(
        403,
        detail,
        instance=instance,
        type=VIEW_LIMIT_TYPE,
        title="View limit reached",
        remaining=0,
        **hint,
    )
    response.headers["X-Views-Remaining"] = "0"
    return response
