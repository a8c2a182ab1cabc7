"""Cross-site request forgery defences for state-changing endpoints.

Two layers: a request whose Origin names another site is refused outright, and a request
that relies on the browser's session cookies (rather than an explicit Bearer token) must echo
the CSRF cookie in X-CSRF-Token (double submit), which another site's page cannot read.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from medcode_gateway.auth.cookies import csrf_ok
from medcode_gateway.core.problems import Problem


async def same_origin(request: Request) -> None:
    """FastAPI dependency: 403 when the Origin header names a different host."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return
    host = request.headers.get("host", "")
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:  # e.g. "http://[::1": an unclosed IPv6 bracket
        raise Problem(403, "cross-site request refused: the Origin header is malformed") from None
    if netloc.lower() != host.lower():
        raise Problem(403, "cross-site request refused: Origin does not match this site")


def require_csrf(request: Request) -> None:
    """403 unless the X-CSRF-Token header matches the CSRF cookie."""
    if not csrf_ok(request):
        raise Problem(
            403, "missing or wrong X-CSRF-Token header: echo the medcode_csrf cookie's value"
        )
