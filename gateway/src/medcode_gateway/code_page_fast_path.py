"""Answer repeat code-page views before routing, metered exactly like the route does.

A cache hit for a caller known from memory (see `caller_known_without_io`) skips FastAPI's
routing and dependency injection: it costs a dictionary read, plus one metering call when the
caller's plan is metered. Everything else (cache misses, first-time guests, unknown tokens,
a metering error) falls through to the route, which gives the same answer the slow way.
"""

from __future__ import annotations

import re

import grpc
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from medcode_gateway.auth.caller import caller_known_without_io
from medcode_gateway.cache import ResponseCache
from medcode_gateway.code_pages import page_key, page_response

CODE_PAGE = re.compile(r"^/v1/codes/[^/]+/[^/]+$")


class CodePageFastPath:
    """Serve cached code pages to callers that need no lookup, after metering them."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self._app = app
        self._cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not CODE_PAGE.match(scope["path"])
        ):
            await self._app(scope, receive, send)
            return
        entry = self._cache.get(page_key(scope))
        request = Request(scope)
        caller = caller_known_without_io(request) if entry is not None else None
        if entry is None or caller is None:
            await self._app(scope, receive, send)
            return
        try:
            response = await page_response(
                entry=entry,
                caller=caller,
                clients=scope["app"].state.clients,
                instance=scope["path"],
                cache_state="hit",
            )
        except grpc.aio.AioRpcError:
            await self._app(scope, receive, send)  # the route turns the failure into a problem
            return
        await response(scope, receive, send)
