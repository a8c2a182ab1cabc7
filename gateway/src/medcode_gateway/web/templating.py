"""Server-rendered pages: one Jinja2 environment and `render`, which adds what every page needs.

Every template sees `user` (signed-in user or None), `csrf_token` (for forms), `meter` (None
unless the page sets it), `path`, `canonical_url(path)`, `static_url(name)` and `site_name`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from medcode_gateway.web.assets import static_url
from medcode_gateway.web.visitor import csrf_token, set_csrf_cookie, signed_in_user

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SITE_NAME = "MedCode"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals.update(static_url=static_url, site_name=SITE_NAME)


def public_base_url(request: Request) -> str:
    """The configured public URL (MEDCODE_GATEWAY_PUBLIC_URL), else the address asked for."""
    settings = getattr(request.app.state, "settings", None)
    configured = getattr(settings, "public_url", "") if settings is not None else ""
    if configured:
        return str(configured).rstrip("/")
    return str(request.base_url).rstrip("/")


def canonical_url_for(request: Request, path: str) -> str:
    """The absolute canonical URL of a site path."""
    return public_base_url(request) + (path if path.startswith("/") else f"/{path}")


async def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render `template` with the page's context plus the common one (a page's keys win)."""
    full: dict[str, Any] = {
        "meter": None,
        "path": request.url.path,
        "canonical_url": lambda path: canonical_url_for(request, path),
        "csrf_token": csrf_token(request),
        **context,
    }
    if "user" not in full:
        full["user"] = await signed_in_user(request)
    body = environment.get_template(template).render(full)
    response = HTMLResponse(body, status_code=status, headers=dict(headers or {}))
    set_csrf_cookie(request, response)
    return response
