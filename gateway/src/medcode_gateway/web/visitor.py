"""Who is looking at a page (signed-in user or not) and their CSRF token for forms.

Pages never fail because a session went stale: an expired or forged session cookie just
renders the page for a visitor who is not signed in.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass

import grpc
from starlette.requests import Request
from starlette.responses import Response

from medcode.accounts.v1 import accounts_service_pb2 as apb
from medcode_gateway.auth.caller import auth_state
from medcode_gateway.auth.cookies import CSRF_COOKIE, SESSION_COOKIE
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem

log = logging.getLogger(__name__)
#: The hidden form field that carries the CSRF token (double submit: it must equal the cookie).
CSRF_FIELD = "csrf_token"
#: Where `csrf_token` keeps a token minted for this request, so the response can set it.
_MINTED_KEY = "medcode.web.csrf_minted"
CSRF_MAX_AGE = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class SiteUser:
    """The signed-in user as pages show them."""

    user_id: str
    email: str
    plan: str


async def signed_in_user(request: Request) -> SiteUser | None:
    """The user of the session cookie, or None (no cookie, or one that no longer verifies)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    auth = auth_state(request)
    clients: ServiceClients = request.app.state.clients
    try:
        claims = auth.tokens.cached(token) or await auth.tokens.verify(
            token, stub=clients.accounts, timeout=clients.timeout
        )
    except (Problem, grpc.aio.AioRpcError):
        return None
    try:
        reply = await clients.accounts.GetUser(
            apb.GetUserRequest(user_id=claims.user_id), timeout=clients.timeout
        )
        email = reply.user.email
    except grpc.aio.AioRpcError as error:
        log.warning("page rendered without the user's email: GetUser failed: %s", error.code())
        email = ""
    return SiteUser(user_id=claims.user_id, email=email, plan=claims.plan.value)


def csrf_token(request: Request) -> str:
    """The visitor's CSRF token: the cookie's, or a new one `set_csrf_cookie` will store."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    minted: str | None = request.scope.get(_MINTED_KEY)
    if minted is None:
        minted = request.scope[_MINTED_KEY] = secrets.token_urlsafe(24)
    return minted


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Store a token minted while rendering (same attributes as the session's CSRF cookie)."""
    minted: str | None = request.scope.get(_MINTED_KEY)
    if minted is None:
        return
    response.set_cookie(
        CSRF_COOKIE,
        minted,
        max_age=CSRF_MAX_AGE,
        httponly=False,
        secure=auth_state(request).cookie_secure,
        samesite="strict",
    )


def csrf_form_ok(request: Request, submitted: str | None) -> bool:
    """Double-submit check for HTML forms: the posted field must equal the CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), (submitted or "").encode())
