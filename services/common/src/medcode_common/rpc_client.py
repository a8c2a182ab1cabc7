"""Client interceptors that send the current request id with every call a process makes.

Installed on every channel from one service to another (the gateway's, search's channel to
codes), so the callee's log lines carry the id of the request that caused them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from medcode_common.request_ids import outgoing_metadata


def with_request_id(details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
    """`details` with `x-request-id` added (a new Metadata: the caller's is never changed)."""
    pairs = outgoing_metadata(details.metadata)
    if pairs is None:
        return details
    return details._replace(metadata=grpc.aio.Metadata(*pairs))  # type: ignore[attr-defined,no-any-return]


class RequestIdUnaryUnary(grpc.aio.UnaryUnaryClientInterceptor):
    """Sends the current request id with each unary call."""

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(with_request_id(client_call_details), request)


class RequestIdUnaryStream(grpc.aio.UnaryStreamClientInterceptor):
    """Sends the current request id with each server-streaming call."""

    async def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(with_request_id(client_call_details), request)


class RequestIdStreamUnary(grpc.aio.StreamUnaryClientInterceptor):
    """Sends the current request id with each client-streaming call."""

    async def intercept_stream_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(with_request_id(client_call_details), request_iterator)


class RequestIdStreamStream(grpc.aio.StreamStreamClientInterceptor):
    """Sends the current request id with each bidirectional call."""

    async def intercept_stream_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(with_request_id(client_call_details), request_iterator)


def request_id_interceptors() -> list[grpc.aio.ClientInterceptor]:
    """One interceptor per call shape (aio picks interceptors by the shape they implement)."""
    return [
        RequestIdUnaryUnary(),
        RequestIdUnaryStream(),
        RequestIdStreamUnary(),
        RequestIdStreamStream(),
    ]
