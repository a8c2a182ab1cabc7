"""The outermost ASGI layer: one request id per request, echoed, logged, counted.

It accepts a sane incoming X-Request-ID (else makes one), binds it for everything the
request does (log records, gRPC metadata), adds it to the response, writes one access line
(5xx at ERROR), and turns an unexpected exception into a problem+json 500 that names the
id and nothing else, so a user's report can be found in the logs. Query strings are never
logged: search words can describe a patient.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcode_common.request_ids import HEADER, accept_or_new, bound_request_id
from medcode_gateway.auth.caller import client_ip
from medcode_gateway.core.problems import internal_error_response
from medcode_gateway.observability.http_metrics import HttpMetrics

access_log = logging.getLogger("medcode_gateway.access")
error_log = logging.getLogger("medcode_gateway.errors")

_HEADER_BYTES = HEADER.lower().encode()
#: What the access log says when the client went away before an answer (nginx's convention).
CLIENT_CLOSED = 499
#: Probes and scrapes: their successful lines go to DEBUG, or they would drown the others.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestObserver:
    """Request id, access log, metrics and the catch-all 500 for every HTTP request."""

    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = accept_or_new(Headers(scope=scope).get(HEADER))
        header = (_HEADER_BYTES, request_id.encode())
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        with bound_request_id(request_id):
            try:
                await self._app(scope, receive, send_with_id)
            except asyncio.CancelledError:
                status = status or CLIENT_CLOSED
                raise
            except Exception:
                error_log.exception(
                    "unhandled error on %s %s",
                    scope["method"],
                    scope["path"],
                    extra={"request_id": request_id},
                )
                if status is not None:
                    raise  # the answer has begun: the server closes the connection
                response = internal_error_response(request_id, instance=scope["path"])
                await response(scope, receive, send_with_id)
            finally:
                self._finish(scope, status or 500, started, request_id)

    def _finish(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        """Count the request and write its access line (5xx at ERROR)."""
        seconds = time.perf_counter() - started
        route = self._metrics.observe(scope, status=status, seconds=seconds)
        if status >= 500:
            level = logging.ERROR
        elif scope["path"] in QUIET_PATHS:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not access_log.isEnabledFor(level):
            return
        duration_ms = round(seconds * 1000, 2)
        access_log.log(
            level,
            "%s %s %d %.1fms",
            scope["method"],
            scope["path"],
            status,
            duration_ms,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                "client": _client(scope),
                "request_id": request_id,
            },
        )


def _client(scope: Scope) -> str:
    """The caller's address as the gateway trusts it (through the configured trusted proxies)."""
    return client_ip(Request(scope))
