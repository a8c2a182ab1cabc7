"""Code-page view metering: guests and free users spend views; other callers pass.

The gateway holds no policy: which plans are view-metered is the shared plan policy
(`medcode_common.plans`), the metering service decides (atomically, in Redis) and its reply
carries the allowances, from which this module words the 403 problem and its way out
(register or upgrade). Partner keys were already charged per call by the quota middleware.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import JSONResponse

from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_gateway.auth.caller import Caller
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import problem_response
from medcode_gateway.metering import messages

VIEW_LIMIT_TYPE = "/problems/view-limit"
_SUBJECT = {"guest": mpb.SUBJECT_TYPE_GUEST, "user": mpb.SUBJECT_TYPE_USER}


@dataclass(frozen=True, slots=True)
class ViewOutcome:
    """Whether the page may be shown, and what to tell the caller."""

    allowed: bool
    remaining: int | None
    reason: int
    policy: mpb.ViewPolicy | None = None


async def charge_view(
    *, caller: Caller, system: str, code: str, clients: ServiceClients
) -> ViewOutcome:
    """Ask the metering service to charge one view, unless the caller is not view-metered."""
    if caller.kind == "api_key" or not caller.plan.view_metered:
        return ViewOutcome(True, None, mpb.VIEW_REASON_UNLIMITED)
    reply = await clients.metering.ConsumeView(
        mpb.ConsumeViewRequest(
            subject_type=_SUBJECT[caller.kind],
            subject_id=caller.subject_id,
            plan=caller.plan.proto,
            system=system,
            code=code,
            client_ip=caller.client_ip if caller.kind == "guest" else "",
        ),
        timeout=clients.timeout,
    )
    remaining = None if reply.unlimited else reply.remaining
    return ViewOutcome(reply.allowed, remaining, reply.reason, reply.policy)


def view_limit_problem(*, caller: Caller, outcome: ViewOutcome, instance: str) -> JSONResponse:
    """403 problem+json that says why and what unlocks more views."""
    policy = outcome.policy or mpb.ViewPolicy()
    detail = messages.limit_reached(
        guest=caller.kind == "guest", reason=outcome.reason, policy=policy
    )
    hint = {"register": "/v1/auth/register"} if caller.kind == "guest" else {"upgrade": "/plans"}
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
