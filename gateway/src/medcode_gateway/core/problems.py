"""RFC 9457 problem responses, and the one place gRPC status codes become HTTP statuses."""

from __future__ import annotations

import logging
import math
from http import HTTPStatus
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from medcode_common.request_ids import HEADER, accept_or_new

PROBLEM_JSON = "application/problem+json"
error_log = logging.getLogger("medcode_gateway.errors")

GRPC_TO_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}


#: How gRPC words its message size limit, on receiving and on sending (a server's refusal
#: arrives prefixed, e.g. "SERVER: Received message larger than max (5003004 vs. 4194304)").
MESSAGE_TOO_LARGE = ("Received message larger than max", "Sent message larger than max")


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(self, status: int, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extensions = extensions


def problem_response(
    status: int, detail: str, *, instance: str = "", **extensions: Any
) -> JSONResponse:
    """A problem+json response.

    `type` defaults to about:blank, whose `title` is the HTTP reason phrase; callers that name
    a specific problem pass `type=` and `title=` among the extensions.
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def internal_error_response(request_id: str, *, instance: str) -> JSONResponse:
    """A 500 problem that gives the caller the id to quote and reveals nothing internal."""
    return problem_response(
        500,
        f"an unexpected error occurred; quote request id {request_id} when reporting it",
        instance=instance,
        request_id=request_id,
    )


def http_status_for(code: grpc.StatusCode) -> int:
    """The HTTP status for a gRPC status (500 for anything unexpected)."""
    return GRPC_TO_HTTP.get(code, 500)


def retry_after_of(error: grpc.aio.AioRpcError) -> str | None:
    """Whole seconds from a service's `retry-after` trailing metadata, if it sent one."""
    for name, value in error.trailing_metadata() or ():
        if name == "retry-after":
            try:
                return str(max(1, math.ceil(float(value))))
            except ValueError:
                return None
    return None


def is_message_too_large(error: grpc.aio.AioRpcError) -> bool:
    """Whether a RESOURCE_EXHAUSTED is gRPC's message size limit (on either side of the
    call), not a quota: the request was too large, and waiting will not help."""
    details = error.details() or ""
    return error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and any(
        wording in details for wording in MESSAGE_TOO_LARGE
    )


def rpc_error_response(error: grpc.aio.AioRpcError, *, instance: str) -> JSONResponse:
    """The problem for a failed call to a service: its status mapped to HTTP, its details
    (named as an upstream error for 5xx), and its `retry-after` on a 429."""
    if is_message_too_large(error):
        return problem_response(
            413,
            f"request too large: a service refused a message this size ({error.details()}); "
            "send fewer or shorter items",
            instance=instance,
        )
    status = http_status_for(error.code())
    detail = error.details() or error.code().name
    if status >= 500:
        detail = f"upstream service error: {error.code().name}: {detail}"
    response = problem_response(status, detail, instance=instance)
    retry_after = retry_after_of(error)
    if status == 429 and retry_after:
        response.headers["Retry-After"] = retry_after
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error the gateway returns a problem document."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Problem)
        return problem_response(
            error.status, error.detail, instance=request.url.path, **error.extensions
        )

    async def on_rpc_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, grpc.aio.AioRpcError)
        return rpc_error_response(error, instance=request.url.path)

    async def on_http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        return problem_response(error.status_code, str(error.detail), instance=request.url.path)

    async def on_validation_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        return problem_response(
            422, "the request does not match the schema", instance=request.url.path, errors=errors
        )

    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        # Only what escaped the request observer (which answers everything inside it) gets
        # here: still a problem document with an id to quote, never a text/plain 500.
        request_id = accept_or_new(request.headers.get(HEADER))
        error_log.error(
            "unhandled error outside the request observer on %s %s",
            request.method,
            request.url.path,
            exc_info=error,
            extra={"request_id": request_id},
        )
        response = internal_error_response(request_id, instance=request.url.path)
        response.headers[HEADER] = request_id
        return response

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(grpc.aio.AioRpcError, on_rpc_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
