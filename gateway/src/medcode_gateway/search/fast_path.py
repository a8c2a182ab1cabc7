"""Answer plainly valid search and suggest requests before routing (a pure ASGI layer).

Search is the gateway's busiest call, and FastAPI's routing, dependency injection and
parameter validation are a large share of the gateway's CPU for it, which is what the tail
latency depends on under load. Here a request whose parameters are all plainly valid (read
with the route's own declaration, see `route_parameters`) is turned into the service request
by the route's own dependency (`search_request`, `suggest_request`), sent, and answered with
the route's own body; a failed call gets the route's problem for it. Anything else falls
through to the route, which answers or refuses it the slow way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from fastapi.responses import JSONResponse
from google.protobuf.message import Message
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem, rpc_error_response
from medcode_gateway.core.route_parameters import (
    QueryParameter,
    find_route,
    query_parameters,
    read_plain,
)
from medcode_gateway.search import routes
from medcode_gateway.search.render import search_body, suggest_body


@dataclass(frozen=True, slots=True)
class FastRoute:
    """One route the fast path answers: its parameters, its request builder, its call."""

    parameters: tuple[QueryParameter, ...]
    build: Callable[..., Message]
    answer: Callable[[ServiceClients, Any], Awaitable[dict[str, Any]]]


async def _search(clients: ServiceClients, request: Any) -> dict[str, Any]:
    return search_body(await clients.search.Search(request, timeout=clients.timeout))


async def _suggest(clients: ServiceClients, request: Any) -> dict[str, Any]:
    return suggest_body(await clients.search.Suggest(request, timeout=clients.timeout))


def fast_routes() -> Mapping[str, FastRoute]:
    """The routes answered here, each with the parameters its route declares."""
    return {
        "/v1/search": FastRoute(
            query_parameters(find_route(routes.router, "/v1/search")),
            routes.search_request,
            _search,
        ),
        "/v1/suggest": FastRoute(
            query_parameters(find_route(routes.router, "/v1/suggest")),
            routes.suggest_request,
            _suggest,
        ),
    }


class SearchFastPath:
    """Serve /v1/search and /v1/suggest without routing when every parameter is plain."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._routes = fast_routes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._routes.get(scope["path"]) if scope["type"] == "http" else None
        if route is None or scope["method"] != "GET":
            await self._app(scope, receive, send)
            return
        try:
            request = route.build(
                **read_plain(QueryParams(scope["query_string"]), route.parameters)
            )
        except (ValueError, Problem):  # NotPlain, or a value protobuf refuses
            await self._app(scope, receive, send)  # the route's answer or problem
            return
        try:
            body = await route.answer(scope["app"].state.clients, request)
        except grpc.aio.AioRpcError as error:
            # The route's problem for it, without calling again: a retry would double the
            # wait for a deadline and the load on a struggling search service.
            await rpc_error_response(error, instance=scope["path"])(scope, receive, send)
            return
        await JSONResponse(body)(scope, receive, send)
