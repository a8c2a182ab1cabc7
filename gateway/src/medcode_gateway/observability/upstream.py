"""The gateway's client interceptors: the request id on every call, failures in the log.

A failed call is logged where it happens, with the service, method and status code, so a
503 or 504 in the access log has its cause on the line before it, whichever code path
turned the error into an answer (a route, a fast path, the quota layer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import grpc

from medcode_common.request_ids import current_request_id
from medcode_common.rpc_client import (
    RequestIdStreamStream,
    RequestIdStreamUnary,
    RequestIdUnaryStream,
    with_request_id,
)
from medcode_common.rpc_observer import HEALTH_PREFIX
from medcode_gateway.core.problems import http_status_for

log = logging.getLogger("medcode_gateway.upstream")


def _method_name(details: grpc.aio.ClientCallDetails) -> str:
    method = details.method
    return method.decode() if isinstance(method, bytes) else str(method)


def report_failure(service: str, method: str, error: grpc.aio.AioRpcError) -> None:
    """WARNING when the service failed (the caller gets a 5xx); DEBUG for answers such as
    NOT_FOUND, which the access line already shows, and for health probes."""
    failed = http_status_for(error.code()) >= 500 and not method.startswith(HEALTH_PREFIX)
    log.log(
        logging.WARNING if failed else logging.DEBUG,
        "upstream %s %s failed: %s (%s)",
        service,
        method,
        error.code().name,
        error.details() or "",
        extra={
            "upstream": service,
            "method": method,
            "code": error.code().name,
            "request_id": current_request_id(),
        },
    )


class UpstreamObserver(grpc.aio.UnaryUnaryClientInterceptor):
    """Adds the request id to each unary call and logs the call if it fails."""

    def __init__(self, service: str) -> None:
        self._service = service

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        call = await continuation(with_request_id(client_call_details), request)
        try:
            await call
        except grpc.aio.AioRpcError as error:
            report_failure(self._service, _method_name(client_call_details), error)
        return call  # the caller awaits it again and gets the same answer or error


def upstream_interceptors(service: str) -> list[grpc.aio.ClientInterceptor]:
    """The interceptors for the channel to `service` (codes, search, accounts, metering)."""
    return [
        UpstreamObserver(service),
        RequestIdUnaryStream(),
        RequestIdStreamUnary(),
        RequestIdStreamStream(),
    ]
