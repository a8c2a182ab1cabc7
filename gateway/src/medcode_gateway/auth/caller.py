"""Resolve the caller of a request: partner key, signed-in user, or guest.

Order matters: an API key (already verified and charged by the quota middleware) wins, then
an explicit `Authorization: Bearer` access token, then the browser session cookie, and
finally the guest cookie, minted on first contact so a guest's views can be counted.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request, Response

from medcode_common.plans import Plan
from medcode_gateway.auth.api_keys import KEY_PREFIX, ApiKeyVerifier, VerifiedKey
from medcode_gateway.auth.cookies import (
    GUEST_COOKIE,
    SESSION_COOKIE,
    GuestSigner,
    new_guest_id,
    set_guest_cookie,
)
from medcode_gateway.auth.tokens import AccessTokenVerifier
from medcode_gateway.core.client_address import TrustedProxies, client_address, forwarded_entries
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.settings import GatewaySettings

CallerKind = Literal["guest", "user", "api_key"]
#: Where a request keeps its client address once found (the caller and the access log ask).
CLIENT_IP_SCOPE_KEY = "medcode.client_ip"


@dataclass(frozen=True, slots=True)
class AuthState:
    """Process-wide verifiers and cookie policy, kept on app.state.auth."""

    signer: GuestSigner
    tokens: AccessTokenVerifier
    keys: ApiKeyVerifier
    cookie_secure: bool
    trusted_proxies: TrustedProxies

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> AuthState:
        """Build from settings; without a configured secret, guests last one process lifetime."""
        secret = settings.cookie_secret
        key = secret.get_secret_value().encode() if secret else secrets.token_bytes(32)
        return cls(
            signer=GuestSigner(key),
            tokens=AccessTokenVerifier(),
            keys=ApiKeyVerifier(ttl_seconds=settings.api_key_cache_seconds),
            cookie_secure=settings.cookie_secure,
            trusted_proxies=TrustedProxies.parse(settings.trusted_proxies),
        )


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking, and how the gateway knows."""

    kind: CallerKind
    subject_id: str
    plan: Plan
    client_ip: str
    via_cookie: bool = False
    api_key: VerifiedKey | None = None
    guest_cookie_to_set: str | None = None


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def presented_api_key(headers: Mapping[str, str]) -> str | None:
    """An API key from X-API-Key or a Bearer token that looks like one."""
    key = headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token.startswith(KEY_PREFIX):
        return token
    return None


def client_ip(request: Request) -> str:
    """The client's address as the gateway trusts it: the one function every use of the client
    IP goes through (guest caps, sign-in throttling, the access log)."""
    known: str | None = request.scope.get(CLIENT_IP_SCOPE_KEY)
    if known is not None:
        return known
    peer = request.client.host if request.client else ""
    state: AuthState | None = getattr(request.app.state, "auth", None)
    trusted = state.trusted_proxies if state is not None else TrustedProxies()
    if trusted.networks:
        forwarded = forwarded_entries(request.headers.getlist("x-forwarded-for"))
    else:  # nobody may speak for a client: the header is not even read
        forwarded = []
    found = request.scope[CLIENT_IP_SCOPE_KEY] = client_address(peer, forwarded, trusted)
    return found


def auth_state(request: Request) -> AuthState:
    """The app's AuthState."""
    state: AuthState = request.app.state.auth
    return state


def session_token(request: Request) -> tuple[str | None, bool]:
    """The access token (Authorization header first, else the session cookie) and whether it
    came from the cookie (then CSRF rules apply)."""
    token = bearer_token(request)
    if token is None and SESSION_COOKIE in request.cookies:
        return request.cookies[SESSION_COOKIE], True
    return token, False


def caller_known_without_io(request: Request) -> Caller | None:
    """The caller when it can be told from memory alone (a checked key, a token seen before,
    a valid guest cookie); None when resolving needs the accounts service or mints a guest."""
    auth = auth_state(request)
    ip = client_ip(request)
    key: VerifiedKey | None = request.scope.get("state", {}).get("api_key")
    if key is not None:
        return Caller("api_key", key.key_id, key.plan, ip, api_key=key)
    token, via_cookie = session_token(request)
    if token:
        claims = auth.tokens.cached(token)
        if claims is None:
            return None
        return Caller("user", claims.user_id, claims.plan, ip, via_cookie=via_cookie)
    guest_id = auth.signer.verify(request.cookies.get(GUEST_COOKIE))
    return Caller("guest", guest_id, Plan.GUEST, ip) if guest_id is not None else None


async def resolve_caller(request: Request) -> Caller:
    """FastAPI dependency: the caller of this request (never fails for guests).

    What memory cannot tell is either a token to verify (401 when it is bad) or a new guest.
    """
    known = caller_known_without_io(request)
    if known is not None:
        return known
    auth = auth_state(request)
    ip = client_ip(request)
    token, via_cookie = session_token(request)
    if token:
        clients: ServiceClients = request.app.state.clients
        claims = await auth.tokens.verify(token, stub=clients.accounts, timeout=clients.timeout)
        return Caller("user", claims.user_id, claims.plan, ip, via_cookie=via_cookie)
    guest_id = new_guest_id()
    return Caller("guest", guest_id, Plan.GUEST, ip, guest_cookie_to_set=auth.signer.sign(guest_id))


def remember_guest(response: Response, caller: Caller, request: Request) -> None:
    """Set the guest cookie when this request minted a new guest id."""
    if caller.guest_cookie_to_set:
        secure = auth_state(request).cookie_secure
        set_guest_cookie(response, caller.guest_cookie_to_set, secure=secure)


async def require_user(caller: Annotated[Caller, Depends(resolve_caller)]) -> Caller:
    """FastAPI dependency: a signed-in user, else 401."""
    if caller.kind != "user":
        raise Problem(401, "sign in first: send a Bearer access token or the session cookie")
    return caller


CallerDep = Annotated[Caller, Depends(resolve_caller)]
UserDep = Annotated[Caller, Depends(require_user)]
