"""The signed-in user (`/v1/me`), their partner API keys, and the caller's meter (`/v1/meter`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_gateway.auth import convert
from medcode_gateway.auth.caller import Caller, CallerDep, UserDep, remember_guest
from medcode_gateway.auth.guards import require_csrf, same_origin
from medcode_gateway.auth_schemas import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut, MeterOut, UserOut
from medcode_gateway.clients import Clients
from medcode_gateway.views import METERED_PLANS

router = APIRouter(prefix="/v1", tags=["account"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in (problem+json)."},
    403: {"description": "Plan does not allow it, or CSRF check failed (problem+json)."},
    404: {"description": "No such key (problem+json)."},
    503: {"description": "A service is unavailable (problem+json)."},
}
KeyIdParam = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$")]


def _csrf_for_cookie_sessions(request: Request, caller: Caller) -> None:
    """Cookie-authenticated changes must pass the double-submit check."""
    if caller.via_cookie:
        require_csrf(request)


@router.get("/me", response_model=UserOut, responses=_ERRORS, summary="The signed-in user")
async def me(caller: UserDep, clients: Clients) -> JSONResponse:
    """The account behind the access token (its current plan, from the accounts service)."""
    reply = await clients.accounts.GetUser(
        pb.GetUserRequest(user_id=caller.subject_id), timeout=clients.timeout
    )
    return JSONResponse(convert.user(reply.user))


@router.get("/me/api-keys", response_model=list[ApiKeyOut], responses=_ERRORS)
async def list_api_keys(caller: UserDep, clients: Clients) -> JSONResponse:
    """The user's keys, newest first, without secrets."""
    reply = await clients.accounts.ListApiKeys(
        pb.ListApiKeysRequest(owner_user_id=caller.subject_id), timeout=clients.timeout
    )
    return JSONResponse([convert.api_key(k) for k in reply.keys])


@router.post(
    "/me/api-keys",
    status_code=201,
    response_model=ApiKeyCreatedOut,
    responses=_ERRORS,
    dependencies=[Depends(same_origin)],
)
async def create_api_key(
    body: ApiKeyIn, caller: UserDep, clients: Clients, request: Request
) -> JSONResponse:
    """A new key for a partner or internal plan; the secret is in this answer only."""
    _csrf_for_cookie_sessions(request, caller)
    reply = await clients.accounts.CreateApiKey(
        pb.CreateApiKeyRequest(owner_user_id=caller.subject_id, name=body.name),
        timeout=clients.timeout,
    )
    return JSONResponse({**convert.api_key(reply.key), "secret": reply.secret}, status_code=201)


@router.delete(
    "/me/api-keys/{key_id}",
    status_code=204,
    responses=_ERRORS,
    dependencies=[Depends(same_origin)],
)
async def revoke_api_key(
    key_id: KeyIdParam, caller: UserDep, clients: Clients, request: Request
) -> Response:
    """Revoke one of the user's keys; it stops working within the gateway's key-cache TTL."""
    _csrf_for_cookie_sessions(request, caller)
    await clients.accounts.RevokeApiKey(
        pb.RevokeApiKeyRequest(owner_user_id=caller.subject_id, key_id=key_id),
        timeout=clients.timeout,
    )
    return Response(status_code=204)


@router.get(
    "/meter", response_model=MeterOut, responses=_ERRORS, summary="What the caller has left"
)
async def meter(caller: CallerDep, clients: Clients, request: Request) -> JSONResponse:
    """Code-page views left this month (guests, users) or the API key's monthly quota."""
    body: dict[str, Any] = {"subject_type": caller.kind, "plan": caller.plan, "unlimited": True}
    if caller.kind == "api_key":
        state = request.scope.get("state", {})
        body.update(unlimited=False, remaining=state.get("quota_remaining"))
        body["limit"] = state.get("quota_limit")
    elif caller.plan in METERED_PLANS:
        subject = mpb.SUBJECT_TYPE_GUEST if caller.kind == "guest" else mpb.SUBJECT_TYPE_USER
        reply = await clients.metering.GetViewAllowance(
            mpb.GetViewAllowanceRequest(
                subject_type=subject, subject_id=caller.subject_id, plan=caller.plan
            ),
            timeout=clients.timeout,
        )
        body.update(unlimited=reply.unlimited, remaining=reply.remaining, limit=reply.limit)
        body["resets_at"] = convert.timestamp(reply.resets_at)
    response = JSONResponse(body)
    remember_guest(response, caller, request)
    return response
