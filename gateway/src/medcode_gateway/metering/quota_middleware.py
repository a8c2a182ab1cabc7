"""Charge every partner API call against its key's rate limit and monthly quota.

A pure ASGI layer in front of routing and the lookup cache, so a cached answer costs quota
like any other. Answers carry the IETF RateLimit-* fields; a denial is 429 with Retry-After.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import grpc
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_gateway.auth.caller import AuthState, presented_api_key
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem, http_status_for, problem_response

EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json")


def rate_limit_headers(reply: mpb.TakeQuotaResponse) -> list[tuple[str, str]]:
    """RateLimit-Limit/Remaining/Reset (draft-ietf-httpapi-ratelimit-headers) for the month."""
    return [
        ("RateLimit-Limit", str(reply.limit)),
        ("RateLimit-Remaining", str(max(0, reply.remaining))),
        ("RateLimit-Reset", str(math.ceil(reply.reset_seconds))),
    ]


class ApiKeyQuotaMiddleware:
    """Verify the presented API key and take one unit of its quota before the request runs."""

    def __init__(self, app: ASGIApp, *, exempt: Sequence[str] = EXEMPT_PATHS) -> None:
        self._app = app
        self._exempt = tuple(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self._exempt):
            await self._app(scope, receive, send)
            return
        api_key = presented_api_key(Headers(scope=scope))
        if api_key is None:
            await self._app(scope, receive, send)
            return
        state = scope["app"].state
        auth: AuthState = state.auth
        clients: ServiceClients = state.clients
        try:
            key = await auth.keys.verify(api_key, stub=clients.accounts, timeout=clients.timeout)
            reply = await clients.metering.TakeQuota(
                mpb.TakeQuotaRequest(
                    key_id=key.key_id,
                    monthly_quota=key.monthly_quota,
                    rate_per_second=key.rate_per_second,
                ),
                timeout=clients.timeout,
            )
        except Problem as problem:
            await problem_response(problem.status, problem.detail, instance=scope["path"])(
                scope, receive, send
            )
            return
        except grpc.aio.AioRpcError as error:
            detail = f"API key check failed upstream: {error.code().name}"
            status = http_status_for(error.code())
            await problem_response(status, detail, instance=scope["path"])(scope, receive, send)
            return
        headers = rate_limit_headers(reply)
        if not reply.allowed:
            await self._deny(reply, headers, scope, receive, send)
            return
        scope.setdefault("state", {}).update(
            api_key=key, quota_limit=reply.limit, quota_remaining=max(0, reply.remaining)
        )
        await self._app(scope, receive, _with_headers(send, headers))

    @staticmethod
    async def _deny(
        reply: mpb.TakeQuotaResponse,
        headers: list[tuple[str, str]],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        retry = max(1, math.ceil(reply.retry_after_seconds))
        if reply.reason == mpb.QUOTA_REASON_QUOTA_EXHAUSTED:
            detail = "the API key's monthly quota is used up; it resets at the start of next month"
        else:
            detail = f"too many requests for this API key; retry in {retry} s"
        response = problem_response(429, detail, instance=scope["path"])
        for name, value in [*headers, ("Retry-After", str(retry))]:
            response.headers[name] = value
        await response(scope, receive, send)


def _with_headers(send: Send, headers: list[tuple[str, str]]) -> Send:
    """An ASGI `send` that adds `headers` to the response start."""
    encoded = [(name.lower().encode(), value.encode()) for name, value in headers]

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *encoded]}
        await send(message)

    return sender
