"""Domain errors and their gRPC status codes, mapped in one place for every RPC."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

Response = TypeVar("Response")


class AccountsError(Exception):
    """Base of every error a caller can cause; the message is shown to the caller."""

    status = grpc.StatusCode.INTERNAL


class InvalidInput(AccountsError, ValueError):
    """The request itself is wrong (missing, malformed, too long)."""

    status = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(AccountsError, LookupError):
    """The named user or key does not exist (or is not the caller's)."""

    status = grpc.StatusCode.NOT_FOUND


class AlreadyExists(AccountsError):
    """An account with this email exists."""

    status = grpc.StatusCode.ALREADY_EXISTS


class Unauthenticated(AccountsError):
    """Credentials or tokens that do not prove who the caller is."""

    status = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(AccountsError):
    """The caller is known but their plan does not allow this."""

    status = grpc.StatusCode.PERMISSION_DENIED


class FailedPrecondition(AccountsError):
    """The request is fine but the account's state does not allow it now."""

    status = grpc.StatusCode.FAILED_PRECONDITION


class Throttled(AccountsError):
    """Too many attempts (or too busy); `retry_after` seconds until a retry may succeed."""

    status = grpc.StatusCode.RESOURCE_EXHAUSTED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def unary(
    method: Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[Response]],
) -> Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[Response]]:
    """Abort with the error's status (and `retry-after` metadata when throttled).

    A database that cannot be reached is UNAVAILABLE (retryable), never a leaked traceback.
    """

    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Response:
        try:
            return await method(self, request, context)
        except AccountsError as error:
            if isinstance(error, Throttled):
                context.set_trailing_metadata((("retry-after", str(error.retry_after)),))
            await context.abort(error.status, str(error))
            raise  # unreachable: abort raises
        except OperationalError:
            log.exception("database error in %s", method.__name__)
            await context.abort(
                grpc.StatusCode.UNAVAILABLE, "the accounts database is unavailable; try again"
            )
            raise

    return wrapper
