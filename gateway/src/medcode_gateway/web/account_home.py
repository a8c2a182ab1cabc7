"""The account page: who is signed in, their plan, views left this month, and API keys.

Numbers come from the services at request time (the plan from the accounts service, not the
session token, which may predate a plan change; the views from metering), and a new key's
secret is shown exactly once: it crosses the redirect in a short-lived HttpOnly cookie that
only /account receives and that the page deletes as it shows the secret.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import grpc
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medcode.accounts.v1 import accounts_service_pb2 as apb
from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_common.plans import KEY_PLANS, Plan, plan_from_proto
from medcode_gateway.auth.caller import auth_state
from medcode_gateway.auth.guards import same_origin
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.metering import messages
from medcode_gateway.web.forms import FormErrors, posted_form, refusal
from medcode_gateway.web.templating import render
from medcode_gateway.web.visitor import SiteUser, signed_in_user

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
ACCOUNT_PATH = "/account"
#: Renews a page session from the refresh cookie, which browsers send only under /v1/auth.
RESUME_PATH = "/v1/auth/resume"
NEW_KEY_COOKIE = "medcode_new_key"
NEW_KEY_MAX_AGE = 120
_SECRET = re.compile(r"mc_[a-z]+_[A-Za-z0-9_-]{8,200}")
KEY_WORDING = {
    grpc.StatusCode.PERMISSION_DENIED: "API keys come with the Partner and Internal plans.",
    grpc.StatusCode.NOT_FOUND: "There is no such key on your account; it may be revoked already.",
}
NOTICES = {"revoked": "The key is revoked: it stops working at once."}
KeyIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$")]


@dataclass(frozen=True, slots=True)
class Views:
    """Code-page views as the account page states them."""

    unlimited: bool
    left: str = ""
    renews: str = ""
    rule: str = ""
    unavailable: bool = False


def long_date(value: datetime) -> str:
    """ "1 January 2027": a date nobody misreads, whatever their country."""
    return f"{value.day} {value:%B %Y}"


async def views_for(clients: ServiceClients, user_id: str, plan: Plan) -> Views:
    """Views left this month and when they renew, from metering (unlimited plans: none)."""
    if not plan.view_metered:
        return Views(unlimited=True)
    try:
        reply = await clients.metering.GetViewAllowance(
            mpb.GetViewAllowanceRequest(
                subject_type=mpb.SUBJECT_TYPE_USER, subject_id=user_id, plan=plan.proto
            ),
            timeout=clients.timeout,
        )
    except grpc.aio.AioRpcError as error:  # the page still shows the rest of the account
        log.warning("account page without views left: GetViewAllowance failed: %s", error.code())
        return Views(unlimited=False, unavailable=True)
    if reply.unlimited:
        return Views(unlimited=True)
    return Views(
        unlimited=False,
        left=messages.views_left(reply.remaining).capitalize(),
        renews=long_date(reply.resets_at.ToDatetime()),
        rule=messages.free_rule(reply.policy),
    )


def key_rows(keys: Any) -> list[dict[str, Any]]:
    """The user's keys as the table shows them."""
    return [
        {
            "key_id": key.key_id,
            "name": key.name or "(no name)",
            "prefix": key.prefix,
            "created": long_date(key.created_at.ToDatetime()),
            "last_used": (
                long_date(key.last_used_at.ToDatetime())
                if key.HasField("last_used_at")
                else "never"
            ),
            "revoked": key.revoked,
        }
        for key in keys
    ]


async def account_page(
    request: Request,
    user: SiteUser,
    *,
    errors: FormErrors | None = None,
    key_name: str = "",
    notice: str | None = None,
) -> HTMLResponse:
    """The account page for `user`, with the plan and views as the services state them now."""
    clients: ServiceClients = request.app.state.clients
    reply = await clients.accounts.GetUser(
        apb.GetUserRequest(user_id=user.user_id), timeout=clients.timeout
    )
    plan = plan_from_proto(reply.user.plan, reply.user.legacy_plan) or Plan.FREE
    keys: list[dict[str, Any]] = []
    if plan in KEY_PLANS:
        listed = await clients.accounts.ListApiKeys(
            apb.ListApiKeysRequest(owner_user_id=user.user_id), timeout=clients.timeout
        )
        keys = key_rows(listed.keys)
    new_secret = request.cookies.get(NEW_KEY_COOKIE, "")
    errors = errors or FormErrors()
    response = await render(
        request,
        "account/account.html",
        {
            "user": SiteUser(user.user_id, reply.user.email, plan.value),
            "plan": plan.value.capitalize(),
            "views": await views_for(clients, user.user_id, plan),
            "keys_allowed": plan in KEY_PLANS,
            "keys": keys,
            "new_secret": new_secret if _SECRET.fullmatch(new_secret) else "",
            "errors": errors,
            "key_name": key_name,
            "notice": notice,
        },
        status=errors.status if errors else 200,
        headers={"Cache-Control": "no-store", **errors.headers},
    )
    if new_secret:
        response.delete_cookie(
            NEW_KEY_COOKIE,
            path=ACCOUNT_PATH,
            httponly=True,
            secure=auth_state(request).cookie_secure,
            samesite="strict",
        )
    return response


def to_sign_in() -> RedirectResponse:
    """No live session: renew it from the refresh cookie if there is one, else sign in; then
    come back here."""
    return RedirectResponse(f"{RESUME_PATH}?next={ACCOUNT_PATH}", status_code=303)


@router.get(ACCOUNT_PATH, response_class=HTMLResponse)
async def account(
    request: Request, notice: Annotated[str | None, Query(max_length=32)] = None
) -> Response:
    """The signed-in user's account."""
    user = await signed_in_user(request)
    if user is None:
        return to_sign_in()
    return await account_page(request, user, notice=NOTICES.get(notice or ""))


@router.post(f"{ACCOUNT_PATH}/api-keys", dependencies=[Depends(same_origin)])
async def create_key(request: Request) -> Response:
    """Create a key and show its secret once, on the account page the browser goes to next."""
    user = await signed_in_user(request)
    if user is None:
        return to_sign_in()
    form, errors = await posted_form(request)
    name = form.get("name", "").strip()
    if not errors:
        clients: ServiceClients = request.app.state.clients
        try:
            reply = await clients.accounts.CreateApiKey(
                apb.CreateApiKeyRequest(owner_user_id=user.user_id, name=name),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as error:
            errors = refusal(error, fields=("name",), wording=KEY_WORDING)
        else:
            response = RedirectResponse(f"{ACCOUNT_PATH}#new-key", status_code=303)
            response.set_cookie(
                NEW_KEY_COOKIE,
                reply.secret,
                max_age=NEW_KEY_MAX_AGE,
                path=ACCOUNT_PATH,
                httponly=True,
                secure=auth_state(request).cookie_secure,
                samesite="strict",
            )
            return response
    return await account_page(request, user, errors=errors, key_name=name)


@router.post(f"{ACCOUNT_PATH}/api-keys/{{key_id}}/revoke", dependencies=[Depends(same_origin)])
async def revoke_key(key_id: KeyIdPath, request: Request) -> Response:
    """Revoke one of the user's keys; every gateway stops accepting it at once."""
    user = await signed_in_user(request)
    if user is None:
        return to_sign_in()
    _, errors = await posted_form(request)
    if not errors:
        clients: ServiceClients = request.app.state.clients
        try:
            await clients.accounts.RevokeApiKey(
                apb.RevokeApiKeyRequest(owner_user_id=user.user_id, key_id=key_id),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as error:
            errors = refusal(error, fields=(), wording=KEY_WORDING)
        else:
            return RedirectResponse(f"{ACCOUNT_PATH}?notice=revoked", status_code=303)
    return await account_page(request, user, errors=errors)
