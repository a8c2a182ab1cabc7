"""Every error under /fhir is an OperationOutcome, whoever raised it.

The gateway answers errors as RFC 9457 problems from many layers (body limits, API-key
quota, validation, the routes, the last-resort 500). Rather than teach each layer FHIR, this
pure ASGI layer sits outermost and rewrites a problem answered on a /fhir path into an
OperationOutcome with the same status and headers. Routes pick the FHIR issue code and the
parameter at fault with the `fhir_code` and `expression` extensions of `Problem`.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcode_gateway.core.problems import PROBLEM_JSON

FHIR_JSON = "application/fhir+json"
FHIR_PREFIX = "/fhir"

#: The FHIR issue type (http://hl7.org/fhir/issue-type) for an HTTP status, when the route
#: did not name one.
ISSUE_CODE_BY_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    410: "deleted",
    413: "too-costly",
    415: "not-supported",
    422: "invalid",
    429: "throttled",
    503: "transient",
    504: "timeout",
}


def issue_code_for(status: int) -> str:
    """The issue type of an error status with no more specific code."""
    return ISSUE_CODE_BY_STATUS.get(status, "exception" if status >= 500 else "processing")


def operation_outcome(
    diagnostics: str,
    *,
    code: str = "invalid",
    severity: str = "error",
    expression: list[str] | None = None,
) -> dict[str, Any]:
    """An OperationOutcome with one issue, its text both human (`details.text`) and
    machine-oriented (`diagnostics`), as tools show one or the other."""
    issue: dict[str, Any] = {
        "severity": severity,
        "code": code,
        "details": {"text": diagnostics},
        "diagnostics": diagnostics,
    }
    if expression:
        issue["expression"] = list(expression)
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def outcome_from_problem(problem: dict[str, Any], status: int) -> dict[str, Any]:
    """The OperationOutcome saying what a problem document says."""
    detail = str(problem.get("detail") or problem.get("title") or "request failed")
    errors = problem.get("errors")
    if isinstance(errors, list) and errors:
        where = "; ".join(
            f"{'.'.join(str(part) for part in e.get('loc', []))}: {e.get('msg', '')}"
            for e in errors
            if isinstance(e, dict)
        )
        detail = f"{detail} ({where})" if where else detail
    code = problem.get("fhir_code")
    expression = problem.get("expression")
    return operation_outcome(
        detail,
        code=code if isinstance(code, str) and code else issue_code_for(status),
        severity="fatal" if status >= 500 else "error",
        expression=[str(e) for e in expression] if isinstance(expression, list) else None,
    )


def is_fhir_path(path: str) -> bool:
    """Whether a request path is in the FHIR area."""
    return path == FHIR_PREFIX or path.startswith(FHIR_PREFIX + "/")


class FhirOutcomes:
    """Rewrite problem+json answers on /fhir paths as OperationOutcome resources."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_fhir_path(scope["path"]):
            await self._app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewriting_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                if headers.get("content-type", "").startswith(PROBLEM_JSON):
                    start = message
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await _send_outcome(start, b"".join(chunks), send)

        await self._app(scope, receive, rewriting_send)


async def _send_outcome(start: Message, body: bytes, send: Send) -> None:
    status = int(start["status"])
    try:
        problem = json.loads(body)
    except ValueError:
        problem = {}
    outcome = outcome_from_problem(problem if isinstance(problem, dict) else {}, status)
    payload = json.dumps(outcome, ensure_ascii=False).encode()
    headers = MutableHeaders(raw=list(start["headers"]))
    headers["content-type"] = FHIR_JSON + "; charset=utf-8"
    headers["content-length"] = str(len(payload))
    await send({**start, "headers": headers.raw})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
