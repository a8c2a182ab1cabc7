"""Browser cookies: the signed guest id, the session pair, and the CSRF double-submit token.

The gateway keeps no session store: the session cookie holds the accounts service's signed
access token, and the guest cookie is an HMAC-signed random id, so any replica can read both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from starlette.requests import Request
from starlette.responses import Response

GUEST_COOKIE = "medcode_guest"
SESSION_COOKIE = "medcode_session"
REFRESH_COOKIE = "medcode_refresh"
CSRF_COOKIE = "medcode_csrf"
CSRF_HEADER = "x-csrf-token"
REFRESH_PATH = "/v1/auth"
GUEST_MAX_AGE = 400 * 24 * 3600
"""Browsers cap cookie lifetimes at 400 days; a guest id that outlives a month is enough."""


class GuestSigner:
    """Signs guest ids so a client cannot pick someone else's id or mint fresh ones offline."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, guest_id: str) -> bytes:
        digest = hmac.new(self._secret, guest_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18])

    def sign(self, guest_id: str) -> str:
        """The cookie value for `guest_id`."""
        return f"{guest_id}.{self._mac(guest_id).decode()}"

    def verify(self, value: str | None) -> str | None:
        """The guest id in a cookie value, or None when it is missing, malformed or forged.

        Anything a client sends is checked, so the MAC is compared as bytes: comparing str
        refuses non-ASCII characters with an exception instead of an answer.
        """
        if not value or not value.isascii() or value.count(".") != 1:
            return None
        guest_id, mac = value.split(".")
        if len(guest_id) != 32 or not hmac.compare_digest(mac.encode(), self._mac(guest_id)):
            return None
        return guest_id


def new_guest_id() -> str:
    """A random guest id (UUID4 hex)."""
    return uuid.uuid4().hex


def set_guest_cookie(response: Response, value: str, *, secure: bool) -> None:
    """Remember the guest for a long time; HttpOnly so scripts cannot copy it."""
    response.set_cookie(
        GUEST_COOKIE, value, max_age=GUEST_MAX_AGE, httponly=True, secure=secure, samesite="lax"
    )


def set_session_cookies(
    response: Response,
    *,
    access_token: str,
    access_max_age: int,
    refresh_token: str,
    refresh_max_age: int,
    secure: bool,
) -> None:
    """Session cookies for browsers; the refresh token only travels to /v1/auth."""
    response.set_cookie(
        SESSION_COOKIE,
        access_token,
        max_age=access_max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=refresh_max_age,
        path=REFRESH_PATH,
        httponly=True,
        secure=secure,
        samesite="strict",
    )
    # Readable by the page's own scripts (not HttpOnly): they echo it in X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        max_age=refresh_max_age,
        httponly=False,
        secure=secure,
        samesite="strict",
    )


def clear_session_cookies(response: Response, *, secure: bool) -> None:
    """Forget the session in the browser."""
    response.delete_cookie(SESSION_COOKIE, httponly=True, secure=secure, samesite="lax")
    response.delete_cookie(
        REFRESH_COOKIE, path=REFRESH_PATH, httponly=True, secure=secure, samesite="strict"
    )
    response.delete_cookie(CSRF_COOKIE, httponly=False, secure=secure, samesite="strict")


def csrf_ok(request: Request) -> bool:
    """Double-submit check: the X-CSRF-Token header must equal the CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode())
