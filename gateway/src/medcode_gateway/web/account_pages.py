"""The sign-up, confirmation, sign-in and sign-out pages, over the accounts service.

Plain HTML forms that work without JavaScript: each POST checks the double-submit CSRF token
(hidden field = `medcode_csrf` cookie) and a same-site Origin, answers a refusal by showing the
form again with what was typed (never the password), and a success by redirecting (303).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import grpc
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode_gateway.accounts import render as convert
from medcode_gateway.auth.caller import auth_state, client_ip
from medcode_gateway.auth.cookies import (
    GUEST_COOKIE,
    REFRESH_COOKIE,
    clear_session_cookies,
    set_session_cookies,
)
from medcode_gateway.auth.guards import same_origin
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.web import account_home
from medcode_gateway.web.forms import FormErrors, posted_form, refusal
from medcode_gateway.web.forms import safe_next as safe_next_path
from medcode_gateway.web.templating import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
router.include_router(account_home.router)
#: Where the sign-out form posts: under /v1/auth, the only path the refresh cookie is sent to,
#: so signing out revokes the session's refresh token instead of only forgetting it.
SIGN_OUT_PATH = "/v1/auth/sign-out"
CREDENTIALS = ("email", "password")
NOT_CONFIRMED = (
    "This email address is not confirmed yet. Open the link in the email we sent you to "
    "finish signing up. No email? Register again and we will send a new link."
)
LINK_WORDING = {
    grpc.StatusCode.NOT_FOUND: (
        "This confirmation link is unknown, already used or expired. Register again to get "
        "a new link."
    ),
    grpc.StatusCode.ALREADY_EXISTS: "This email address already has an account: sign in.",
}
#: Form pages carry the visitor's own CSRF token (and what they typed): no cache may keep them.
PRIVATE = {"Cache-Control": "no-store"}
NOTICES = {
    "confirmed": "Your email is confirmed and your free account is ready. Sign in to use it.",
    "signed-out": "You are signed out.",
}
#: Pages a successful sign-in should not go back to.
NOT_BACK_TO = ("/login", "/register", "/confirm", "/v1/")
# Query values people's browsers send are checked here, not by FastAPI, so a damaged link gets
# a page that says so rather than a validation problem document.
NextParam = Annotated[str | None, Query()]
NoticeParam = Annotated[str | None, Query()]
TokenParam = Annotated[str, Query()]
LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")
#: How long a mailed link works, when a check-inbox address does not say (the service's default).
DEFAULT_CONFIRM_SECONDS = 86400


def clients_of(request: Request) -> ServiceClients:
    """The app's gRPC clients."""
    clients: ServiceClients = request.app.state.clients
    return clients


def redirect(path: str) -> RedirectResponse:
    """POST-redirect-GET: the browser loads `path` with a GET."""
    return RedirectResponse(path, status_code=303)


def signed_in(request: Request, path: str, tokens: pb.TokenPair) -> RedirectResponse:
    """Go to `path` with the new session's cookies (the API's cookies, set the API's way)."""
    response = redirect(path)
    set_session_cookies(
        response,
        access_token=tokens.access_token,
        access_max_age=tokens.access_expires_in,
        refresh_token=tokens.refresh_token,
        refresh_max_age=tokens.refresh_expires_in,
        secure=auth_state(request).cookie_secure,
    )
    return response


async def form_page(
    request: Request, template: str, errors: FormErrors, **context: Any
) -> HTMLResponse:
    """A form page showing `errors` (status and headers from them)."""
    return await render(
        request,
        template,
        {"errors": errors, **context},
        status=errors.status if errors else 200,
        headers={**PRIVATE, **errors.headers},
    )


def missing(form: dict[str, str], labels: dict[str, str]) -> FormErrors:
    """A field error for each required field left empty."""
    return FormErrors(
        fields={
            name: f"Enter your {label}." for name, label in labels.items() if not form.get(name)
        }
    )


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    """The sign-up form."""
    return await form_page(request, "account/register.html", FormErrors(), email="")


@router.post("/register", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
async def register(request: Request) -> Response:
    """Start a sign-up; the answer is the same whether or not the address has an account."""
    form, errors = await posted_form(request)
    email = form.get("email", "").strip()
    errors = errors or missing(form, {"email": "email address", "password": "password"})
    if not errors:
        clients = clients_of(request)
        guest_id = auth_state(request).signer.verify(request.cookies.get(GUEST_COOKIE)) or ""
        try:
            reply = await clients.accounts.Register(
                pb.RegisterRequest(
                    email=email,
                    password=form["password"],
                    guest_id=guest_id,
                    client_ip=client_ip(request),
                ),
                timeout=clients.auth_timeout,
            )
        except grpc.aio.AioRpcError as error:
            errors = refusal(error, fields=CREDENTIALS, wording={})
        else:
            return redirect(f"/register/sent?within={reply.confirm_within_seconds}")
    return await form_page(request, "account/register.html", errors, email=email)


@router.get("/register/sent", response_class=HTMLResponse)
async def check_inbox(request: Request, within: Annotated[str, Query()] = "") -> HTMLResponse:
    """Check your inbox: the one answer to every sign-up."""
    seconds = int(within) if within.isdigit() and len(within) <= 8 else DEFAULT_CONFIRM_SECONDS
    seconds = min(max(seconds, 3600), 30 * 86400)
    message = str(convert.sign_up(seconds)["message"]).removeprefix("Check your inbox: ")
    message = message[:1].upper() + message[1:]  # the heading already says "Check your inbox"
    return await render(request, "account/check_inbox.html", {"message": message})


@router.get("/confirm", response_class=HTMLResponse)
async def confirm_page(request: Request, token: TokenParam = "") -> HTMLResponse:
    """The confirmation button: a GET never creates the account, the POST does."""
    errors = FormErrors()
    if not LINK_TOKEN.fullmatch(token):
        token = ""
        errors = FormErrors(
            summary="This link is incomplete or damaged. Open the link from your email exactly "
            "as it was sent (copy all of it), or register again for a new one.",
            status=400,
        )
    return await form_page(request, "account/confirm.html", errors, token=token)


@router.post("/confirm", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
async def confirm(request: Request) -> Response:
    """Confirm the email (creates the account), then offer to sign in."""
    form, errors = await posted_form(request)
    token = form.get("token", "")[:200]
    if errors:
        return await form_page(request, "account/confirm.html", errors, token=token)
    return await confirm_and_offer_sign_in(request, token)


async def confirm_and_offer_sign_in(request: Request, token: str) -> Response:
    """Confirm with `token`, then send the visitor to sign in; a refused link is explained.

    The confirm button and the mailed link opened in a browser (`GET /v1/auth/confirm`, which
    confirms as the API promises) both end here, so a person never reads raw JSON.
    """
    clients = clients_of(request)
    try:
        await clients.accounts.ConfirmEmail(
            pb.ConfirmEmailRequest(token=token), timeout=clients.timeout
        )
    except grpc.aio.AioRpcError as error:
        errors = refusal(error, fields=(), wording=LINK_WORDING)
        return await form_page(request, "account/confirm.html", errors, token="")
    return redirect("/login?notice=confirmed")


def came_from(request: Request) -> str | None:
    """The page of this site the visitor came from (Referer), unless it is an account form."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if not referer or parts.netloc.lower() != request.headers.get("host", "").lower():
        return None
    if parts.path.startswith(NOT_BACK_TO):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, next: NextParam = None, notice: NoticeParam = None
) -> HTMLResponse:
    """The sign-in form; `next` is where to go after (a path on this site only)."""
    return await form_page(
        request,
        "account/login.html",
        FormErrors(),
        email="",
        next=safe_next_path(next or came_from(request)),
        notice=NOTICES.get(notice or ""),
    )


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
async def login(request: Request) -> Response:
    """Sign in and go back where the visitor came from."""
    form, errors = await posted_form(request)
    email = form.get("email", "").strip()
    next_path = safe_next_path(form.get("next"))
    errors = errors or missing(form, {"email": "email address", "password": "password"})
    if not errors:
        clients = clients_of(request)
        try:
            reply = await clients.accounts.Login(
                pb.LoginRequest(
                    email=email, password=form["password"], client_ip=client_ip(request)
                ),
                timeout=clients.auth_timeout,
            )
        except grpc.aio.AioRpcError as error:
            wording = {
                grpc.StatusCode.UNAUTHENTICATED: "The email address or password is incorrect.",
                grpc.StatusCode.PERMISSION_DENIED: NOT_CONFIRMED,
            }
            errors = refusal(error, fields=CREDENTIALS, wording=wording)
        else:
            return signed_in(request, next_path, reply.tokens)
    return await form_page(
        request, "account/login.html", errors, email=email, next=next_path, notice=None
    )


@router.get(account_home.RESUME_PATH)
async def resume(request: Request, next: NextParam = None) -> Response:
    """Renew an expired page session with the refresh cookie and go on to `next`; without a
    usable refresh token, sign in first. The cookie is SameSite=Strict, so another site cannot
    make a browser do this."""
    next_path = safe_next_path(next)
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    secure = auth_state(request).cookie_secure
    if refresh_token:
        clients = clients_of(request)
        try:
            reply = await clients.accounts.Refresh(
                pb.RefreshRequest(refresh_token=refresh_token), timeout=clients.auth_timeout
            )
        except grpc.aio.AioRpcError as error:
            log.info("page session not renewed: %s", error.code())
        else:
            return signed_in(request, next_path, reply.tokens)
    response = redirect(f"/login?{urlencode({'next': next_path})}")
    if refresh_token:  # spent, revoked or expired: forget it
        clear_session_cookies(response, secure=secure)
    return response


@router.post(SIGN_OUT_PATH, dependencies=[Depends(same_origin)])
async def sign_out(request: Request) -> Response:
    """Revoke the session's refresh token and forget the session in this browser."""
    form, errors = await posted_form(request)
    if errors:
        return await render(
            request,
            "error.html",
            {"heading": "Not signed out", "message": errors.summary},
            status=errors.status,
        )
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if refresh_token:
        clients = clients_of(request)
        try:
            await clients.accounts.Logout(
                pb.LogoutRequest(refresh_token=refresh_token), timeout=clients.auth_timeout
            )
        except grpc.aio.AioRpcError as error:  # the browser forgets the session all the same
            log.warning("sign-out could not revoke the refresh token: %s", error.code())
    response = redirect("/login?notice=signed-out")
    clear_session_cookies(response, secure=auth_state(request).cookie_secure)
    return response
