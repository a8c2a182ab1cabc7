"""Errors as friendly HTML pages for people; the API keeps its problem documents.

A request is answered in HTML when the browser asks for HTML and the path is not an API or
machine endpoint, so `curl /v1/...` and API clients never see a page.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import grpc
from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from medcode_gateway.core.problems import Problem, http_status_for
from medcode_gateway.web.templating import render

#: Paths whose errors stay problem JSON whatever the Accept header says.
MACHINE_PREFIXES = (
    "/v1/",
    "/api/",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/metrics",
    "/healthz",
    "/readyz",
    "/static/",
    "/sitemap",
    "/robots.txt",
)
Handler = Callable[[Request, Any], Response | Awaitable[Response]]
HEADINGS = {
    404: "Page not found",
    405: "That action is not available here",
    429: "Too many requests",
    503: "Temporarily unavailable",
    504: "Temporarily unavailable",
}


def wants_html(request: Request) -> bool:
    """Whether to answer with a page: a browser (Accept: text/html) on a site path."""
    path = request.url.path
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not path.startswith(MACHINE_PREFIXES)


def described(error: Exception) -> tuple[int, str]:
    """The HTTP status of an error and what a person may be told about it."""
    if isinstance(error, grpc.aio.AioRpcError):
        status = http_status_for(error.code())
        detail = error.details() or ""
    elif isinstance(error, Problem):
        status, detail = error.status, error.detail
    elif isinstance(error, StarletteHTTPException):
        status, detail = error.status_code, str(error.detail)
    else:
        status, detail = 500, ""
    if status == 404:
        return status, "There is no page at this address. The code or page may have moved."
    if status >= 500:  # never show internals; the request id is in the logs
        return status, "A part of MedCode is not answering right now. Please try again shortly."
    return status, detail or HTTPStatus(status).phrase


async def error_page(request: Request, status: int, message: str) -> Response:
    """The HTML error page (the same layout as every page, so search still works)."""
    heading = HEADINGS.get(status, HTTPStatus(status).phrase)
    return await render(
        request, "error.html", {"heading": heading, "message": message}, status=status
    )


def html_or(fallback: Handler) -> Handler:
    """An exception handler: a page for browsers on site paths, else `fallback`'s answer."""

    async def handle(request: Request, error: Exception) -> Response:
        if not wants_html(request):
            answer = fallback(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        status, message = described(error)
        return await error_page(request, status, message)

    return handle


def install_html_errors(app: FastAPI) -> None:
    """Wrap the problem handlers (install them first) so browsers get pages."""
    for error_class in (StarletteHTTPException, Problem, grpc.aio.AioRpcError):
        fallback = app.exception_handlers[error_class]
        app.add_exception_handler(error_class, html_or(fallback))
