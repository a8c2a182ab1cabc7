"""Sign-up, email confirmation, sign-in, token refresh and sign-out (`/v1/auth/*`), backed by
the accounts service.

Sign-up answers 202 and mails a link; opening it (`GET /v1/auth/confirm?token=...`) creates
the account, which then signs in. The link does not sign in by itself: a GET anyone can make
a browser send must never start a session (login CSRF). Sign-in answers carry the tokens in
the body (API clients) and as cookies (browsers): an HttpOnly session cookie with the access
token, a refresh cookie scoped to /v1/auth, and a readable CSRF cookie for the double-submit
check.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode_gateway.accounts import render as convert
from medcode_gateway.accounts.schemas import (
    ConfirmedOut,
    CredentialsIn,
    RefreshIn,
    SessionOut,
    SignUpOut,
)
from medcode_gateway.auth.caller import auth_state, client_ip
from medcode_gateway.auth.cookies import (
    GUEST_COOKIE,
    REFRESH_COOKIE,
    clear_session_cookies,
    set_session_cookies,
)
from medcode_gateway.auth.guards import require_csrf, same_origin
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import Problem
from medcode_gateway.core.schemas import problems
from medcode_gateway.web.account_pages import confirm_and_offer_sign_in

router = APIRouter(prefix="/v1/auth", tags=["auth"], dependencies=[Depends(same_origin)])

_ERRORS = problems(
    {
        400: "Malformed email or a password that breaks the rules.",
        401: "Wrong credentials or an invalid refresh token.",
        403: "Cross-site request, missing CSRF token, or an email not confirmed yet.",
        429: "Too many attempts; Retry-After says when to retry.",
        503: "The accounts service is unavailable.",
    }
)
_SIGN_UP_ERRORS = problems(
    {
        400: "Malformed email or a password that breaks the rules.",
        403: "Cross-site request.",
        429: "Too many sign-ups from this network or at all, or too busy; see Retry-After.",
        503: "The accounts service is unavailable.",
    }
)
_CONFIRM_ERRORS = problems(
    {
        400: "The token is missing or malformed.",
        403: "Cross-site request (a script on another site; a clicked link sends no Origin).",
        404: "The link is unknown, already used or expired; register again for a new one.",
        409: "The email already has an account; sign in.",
        503: "The accounts service is unavailable.",
    }
)
TokenParam = Annotated[str, Query(min_length=1, max_length=200, description="From the link.")]


def _session_response(request: Request, user: pb.User, tokens: pb.TokenPair) -> JSONResponse:
    response = JSONResponse(convert.session(user, tokens))
    set_session_cookies(
        response,
        access_token=tokens.access_token,
        access_max_age=tokens.access_expires_in,
        refresh_token=tokens.refresh_token,
        refresh_max_age=tokens.refresh_expires_in,
        secure=auth_state(request).cookie_secure,
    )
    return response


def _refresh_token(request: Request, body: RefreshIn | None) -> str:
    """The refresh token from the body, or from the cookie (then CSRF applies)."""
    if body is not None and body.refresh_token:
        return body.refresh_token
    cookie = request.cookies.get(REFRESH_COOKIE)
    if not cookie:
        raise Problem(401, "no refresh token: send refresh_token or the refresh cookie")
    require_csrf(request)
    return cookie


@router.post(
    "/register",
    status_code=202,
    response_model=SignUpOut,
    responses=_SIGN_UP_ERRORS,
    summary="Start a sign-up: mails a confirmation link",
)
async def register(body: CredentialsIn, request: Request, clients: Clients) -> JSONResponse:
    """Mail a confirmation link (or, for an address that has an account, a note to its owner).

    The answer is the same either way and carries no tokens. The account, with the free
    plan's views and the guest's views so far counted in, exists once the link is opened.
    """
    guest_id = auth_state(request).signer.verify(request.cookies.get(GUEST_COOKIE)) or ""
    reply = await clients.accounts.Register(
        pb.RegisterRequest(
            email=body.email,
            password=body.password,
            guest_id=guest_id,
            client_ip=client_ip(request),
        ),
        timeout=clients.auth_timeout,
    )
    return JSONResponse(convert.sign_up(reply.confirm_within_seconds), status_code=202)


@router.get(
    "/confirm",
    response_model=ConfirmedOut,
    responses=_CONFIRM_ERRORS,
    summary="Confirm an email from its link; creates the account",
)
async def confirm(token: TokenParam, request: Request, clients: Clients) -> Response:
    """Open the mailed link: creates the account (once; the link expires), then sign in.

    A browser (Accept: text/html) gets the site's pages instead of JSON: the sign-in page on
    success, a page that explains a used or expired link otherwise.
    """
    if "text/html" in request.headers.get("accept", ""):
        return await confirm_and_offer_sign_in(request, token)
    reply = await clients.accounts.ConfirmEmail(
        pb.ConfirmEmailRequest(token=token), timeout=clients.timeout
    )
    return JSONResponse(convert.confirmed(reply.user))


@router.post("/login", response_model=SessionOut, responses=_ERRORS)
async def login(body: CredentialsIn, request: Request, clients: Clients) -> JSONResponse:
    """Exchange email and password for tokens."""
    reply = await clients.accounts.Login(
        pb.LoginRequest(email=body.email, password=body.password, client_ip=client_ip(request)),
        timeout=clients.auth_timeout,
    )
    return _session_response(request, reply.user, reply.tokens)


@router.post("/refresh", response_model=SessionOut, responses=_ERRORS)
async def refresh(
    request: Request, clients: Clients, body: RefreshIn | None = None
) -> JSONResponse:
    """Spend a refresh token for a new pair; reusing a spent one ends the whole session."""
    token = _refresh_token(request, body)
    reply = await clients.accounts.Refresh(
        pb.RefreshRequest(refresh_token=token), timeout=clients.auth_timeout
    )
    return _session_response(request, reply.user, reply.tokens)


@router.post("/logout", status_code=204, responses=_ERRORS)
async def logout(request: Request, clients: Clients, body: RefreshIn | None = None) -> Response:
    """Revoke the session's refresh tokens and clear the cookies; logging out twice is fine."""
    token = body.refresh_token if body is not None and body.refresh_token else None
    if token is None and request.cookies.get(REFRESH_COOKIE):
        token = _refresh_token(request, None)
    if token:
        await clients.accounts.Logout(
            pb.LogoutRequest(refresh_token=token), timeout=clients.auth_timeout
        )
    response = Response(status_code=204)
    clear_session_cookies(response, secure=auth_state(request).cookie_secure)
    return response
