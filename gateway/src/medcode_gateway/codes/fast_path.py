"""Answer repeat code-page views before routing, metered exactly like the route does.

A cache hit for a caller known from memory (see `caller_known_without_io`) skips FastAPI's
routing and dependency injection: it costs a dictionary read, plus one metering call when the
caller's plan is metered. Cache misses, first-time guests, unknown tokens and query
parameters the route does not declare fall through to the route, which gives the same
answer the slow way. A failed metering call is answered with the route's problem for it, at
once: going through the route would charge the view a second time.
"""

from __future__ import annotations

import re

import grpc
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from medcode_gateway.auth.caller import caller_known_without_io
from medcode_gateway.codes import routes
from medcode_gateway.codes.pages import page_key, page_response
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.problems import rpc_error_response
from medcode_gateway.core.route_parameters import find_route, query_parameters

CODE_PAGE = re.compile(r"^/v1/codes/[^/]+/[^/]+$")


class CodePageFastPath:
    """Serve cached code pages to callers that need no lookup, after metering them."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self._app = app
        self._cache = cache
        route = find_route(routes.router, "/v1/codes/{system}/{code}")
        self.declared = frozenset(parameter.name for parameter in query_parameters(route))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not CODE_PAGE.match(scope["path"])
        ):
            await self._app(scope, receive, send)
            return
        if not self.declared.issuperset(QueryParams(scope["query_string"]).keys()):
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
        except grpc.aio.AioRpcError as error:
            await rpc_error_response(error, instance=scope["path"])(scope, receive, send)
            return
        await response(scope, receive, send)
