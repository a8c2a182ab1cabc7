"""Domain errors to gRPC status codes, in one place for every RPC."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc

from medcode_codes.snapshot.releases import ReleaseNotFound
from medcode_common.codesystems import MalformedCode

Response = TypeVar("Response")


class CodeNotFound(LookupError):
    """The code is well formed but not in the selected release."""


class DatasetNotLoaded(LookupError):
    """The question needs a data set this installation has not imported."""


DOMAIN_ERRORS = (MalformedCode, ValueError, CodeNotFound, ReleaseNotFound, DatasetNotLoaded)


def _status_for(error: Exception) -> grpc.StatusCode | None:
    if isinstance(error, MalformedCode | ValueError):
        return grpc.StatusCode.INVALID_ARGUMENT
    if isinstance(error, CodeNotFound | ReleaseNotFound | DatasetNotLoaded):
        return grpc.StatusCode.NOT_FOUND
    return None


def unary(
    method: Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[Response]],
) -> Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[Response]]:
    """Abort with the mapped status when a unary RPC raises a domain error."""

    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Response:
        try:
            return await method(self, request, context)
        except DOMAIN_ERRORS as error:
            await context.abort(_status_for(error) or grpc.StatusCode.UNKNOWN, str(error))
            raise  # unreachable: abort raises

    return wrapper


def streaming(
    method: Callable[[Any, Any, grpc.aio.ServicerContext], AsyncIterator[Response]],
) -> Callable[[Any, Any, grpc.aio.ServicerContext], AsyncIterator[Response]]:
    """Abort with the mapped status when a server-streaming RPC raises a domain error."""

    @functools.wraps(method)
    async def wrapper(
        self: Any, request: Any, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[Response]:
        try:
            async for item in method(self, request, context):
                yield item
        except DOMAIN_ERRORS as error:
            await context.abort(_status_for(error) or grpc.StatusCode.UNKNOWN, str(error))

    return wrapper
