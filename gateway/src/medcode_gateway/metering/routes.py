"""The caller's meter (`/v1/meter`): code-page views left, or the API key's monthly quota."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_gateway.accounts import render as convert
from medcode_gateway.auth.caller import CallerDep, remember_guest
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.schemas import problems
from medcode_gateway.metering import messages
from medcode_gateway.metering.schemas import MeterOut

router = APIRouter(prefix="/v1", tags=["metering"])

_ERRORS = problems(
    {
        401: "Invalid access token or API key.",
        503: "A service is unavailable.",
    }
)


@router.get(
    "/meter", response_model=MeterOut, responses=_ERRORS, summary="What the caller has left"
)
async def meter(caller: CallerDep, clients: Clients, request: Request) -> JSONResponse:
    """Code-page views left this month (guests, users) or the API key's monthly quota."""
    body: dict[str, Any] = {
        "subject_type": caller.kind,
        "plan": caller.plan.value,
        "unlimited": True,
    }
    if caller.kind == "api_key":
        state = request.scope.get("state", {})
        body.update(unlimited=False, remaining=state.get("quota_remaining"))
        body["limit"] = state.get("quota_limit")
    elif caller.plan.view_metered:
        subject = mpb.SUBJECT_TYPE_GUEST if caller.kind == "guest" else mpb.SUBJECT_TYPE_USER
        reply = await clients.metering.GetViewAllowance(
            mpb.GetViewAllowanceRequest(
                subject_type=subject, subject_id=caller.subject_id, plan=caller.plan.proto
            ),
            timeout=clients.timeout,
        )
        body.update(unlimited=reply.unlimited, remaining=reply.remaining, limit=reply.limit)
        body["resets_at"] = convert.timestamp(reply.resets_at)
        body["policy"] = {
            "guest_views": reply.policy.guest_views,
            "free_extra_views": reply.policy.free_extra_views,
            "guest_ip_daily_cap": reply.policy.guest_ip_daily_cap,
        }
        guest = caller.kind == "guest"
        rule = messages.guest_rule if guest else messages.free_rule
        body["message"] = (
            f"{messages.views_left(reply.remaining).capitalize()}. {rule(reply.policy)}"
        )
    response = JSONResponse(body)
    remember_guest(response, caller, request)
    return response
