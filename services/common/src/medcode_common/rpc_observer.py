"""The one server interceptor every service installs: request id, one log line, RED metrics.

Each RPC runs with the caller's `x-request-id` bound (a new id when it sent none or a bad
one), so everything the service logs while answering carries it; when the RPC ends, one line
says method, status code, duration and id, and the request counter and latency histogram
move. Health checks log at DEBUG: probes would otherwise drown the lines that matter.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from prometheus_client import CollectorRegistry, Counter, Histogram

from medcode_common.request_ids import accept_or_new, bound_request_id, from_metadata
from medcode_common.rpc_handlers import rewrap

log = logging.getLogger("medcode.rpc")

HEALTH_PREFIX = "/grpc.health.v1.Health/"
#: Codes that mean the service failed (not the caller): logged at WARNING.
SERVER_FAULTS = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
    }
)

Handler = Callable[..., Any]


class RpcMetrics:
    """`medcode_grpc_server_requests_total` and its latency histogram, on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "medcode_grpc_server_requests",
            "RPCs answered, by gRPC service, method and status code.",
            ["service", "method", "code"],
            registry=registry,
        )
        self.latency = Histogram(
            "medcode_grpc_server_request_duration_seconds",
            "Time from the RPC's start to its status, by gRPC service and method.",
            ["service", "method"],
            registry=registry,
        )
        self._series: dict[tuple[str, grpc.StatusCode], tuple[Counter, Histogram]] = {}

    def observe(self, full_method: str, code: grpc.StatusCode, seconds: float) -> None:
        """Count one RPC (label lookups are cached: labels() takes a lock on every call)."""
        series = self._series.get((full_method, code))
        if series is None:
            service, name = split_method(full_method)
            series = (
                self.requests.labels(service, name, code.name),
                self.latency.labels(service, name),
            )
            self._series[(full_method, code)] = series
        series[0].inc()
        series[1].observe(seconds)


def split_method(full_method: str) -> tuple[str, str]:
    """The gRPC service and method of a path: "/pkg.CodesService/GetCode" -> both parts."""
    service, _, method = full_method.lstrip("/").rpartition("/")
    return service or "unknown", method or full_method


class RpcObserver(grpc.aio.ServerInterceptor):
    """Wraps every method handler once (cached per method), observing each call."""

    def __init__(self, *, registry: CollectorRegistry | None = None) -> None:
        self.metrics = RpcMetrics(registry if registry is not None else CollectorRegistry())
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = await continuation(handler_call_details)
            if handler is None:  # unknown method: gRPC answers UNIMPLEMENTED itself
                return handler
            wrapped = self._wrap(handler, method)
            self._wrapped[method] = wrapped
        return wrapped

    def _wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        """The same handler, each of its behaviours observed; serializers untouched."""
        return rewrap(handler, lambda behaviour: self._observed_behaviour(behaviour, method))

    def _observed_behaviour(self, behaviour: Handler, method: str) -> Handler:
        observe = self._observe
        if inspect.isasyncgenfunction(behaviour):

            async def streaming(
                request: Any, context: grpc.aio.ServicerContext
            ) -> AsyncIterator[Any]:
                with observe(method, context):
                    async for response in behaviour(request, context):
                        yield response

            return streaming
        if inspect.iscoroutinefunction(behaviour):

            async def answering(request: Any, context: grpc.aio.ServicerContext) -> Any:
                with observe(method, context):
                    return await behaviour(request, context)

            return answering
        return behaviour  # a synchronous handler runs in a thread: no aio servicer has one

    @contextmanager
    def _observe(self, method: str, context: grpc.aio.ServicerContext) -> Iterator[None]:
        """Bind the caller's request id for the call; log and count it when it ends."""
        request_id = accept_or_new(from_metadata(context.invocation_metadata()))
        started = time.perf_counter()
        code: grpc.StatusCode | None = None
        with bound_request_id(request_id):
            try:
                yield
            except BaseException as error:
                # An abort set the code; anything else reaches the caller as UNKNOWN.
                code = context.code() or _code_of_exception(error)
                raise
            else:
                code = context.code() or grpc.StatusCode.OK
            finally:
                self._record(method, code or grpc.StatusCode.UNKNOWN, started, request_id)

    def _record(self, method: str, code: grpc.StatusCode, started: float, request_id: str) -> None:
        seconds = time.perf_counter() - started
        self.metrics.observe(method, code, seconds)
        if method.startswith(HEALTH_PREFIX):
            level = logging.DEBUG
        elif code in SERVER_FAULTS:
            level = logging.WARNING
        else:
            level = logging.INFO
        if log.isEnabledFor(level):
            duration_ms = round(seconds * 1000, 2)
            log.log(
                level,
                "%s %s %.1fms",
                method,
                code.name,
                duration_ms,
                extra={
                    "method": method,
                    "code": code.name,
                    "duration_ms": duration_ms,
                    "request_id": request_id,
                },
            )


def _code_of_exception(error: BaseException) -> grpc.StatusCode:
    """CANCELLED for a call the client gave up on; UNKNOWN for a handler that crashed."""
    if isinstance(error, asyncio.CancelledError | GeneratorExit):
        return grpc.StatusCode.CANCELLED
    return grpc.StatusCode.UNKNOWN
