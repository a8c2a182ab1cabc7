"""The signed-in user (`/v1/me`) and their partner API keys (`/v1/me/api-keys`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode_gateway.accounts import render as convert
from medcode_gateway.accounts.schemas import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut, UserOut
from medcode_gateway.auth.caller import Caller, UserDep
from medcode_gateway.auth.guards import require_csrf, same_origin
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.schemas import problems

router = APIRouter(prefix="/v1", tags=["account"])

_ERRORS = problems(
    {
        400: "The request is malformed, e.g. a key name the accounts service refuses.",
        401: "Not signed in.",
        403: "Plan does not allow it, or CSRF check failed.",
        404: "No such key.",
        503: "A service is unavailable.",
    }
)
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
    """Revoke one of the user's keys; every gateway stops accepting it at once."""
    _csrf_for_cookie_sessions(request, caller)
    await clients.accounts.RevokeApiKey(
        pb.RevokeApiKeyRequest(owner_user_id=caller.subject_id, key_id=key_id),
        timeout=clients.timeout,
    )
    return Response(status_code=204)
