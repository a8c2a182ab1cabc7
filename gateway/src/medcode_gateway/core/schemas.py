"""What every response model shares: no field may go unlisted, and the problem document.

Partners generate clients from `/openapi.json`, so a response model must list every field
its route returns; `extra="forbid"` makes the contract tests fail on any unlisted field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_JSON = "application/problem+json"


class Out(BaseModel):
    """A response body: every field it may carry is declared."""

    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    """An RFC 9457 problem document; some problems add extension members."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="A URI naming the problem kind.")
    title: str = Field(description="Short summary of the problem kind.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, and what to do.")
    instance: str | None = Field(default=None, description="The request path.")


_PROBLEM_SCHEMA = ProblemOut.model_json_schema()


def problem(description: str) -> dict[str, Any]:
    """An OpenAPI `responses` entry for an error status answered with a problem document."""
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}}}


def problems(table: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status with its meaning, documented as problem+json."""
    return {status: problem(description) for status, description in table.items()}


#: Problems any API route may answer: from request validation, the API-key layer in front of
#: every route, and the services behind it.
COMMON_PROBLEMS = problems(
    {
        401: "The API key or access token is not valid.",
        413: "The request body, or a message built from it, is larger than the gateway or a "
        "service accepts.",
        422: "The request does not match the schema; `errors` lists each mismatch.",
        429: "The API key's rate limit or monthly quota is reached; see Retry-After.",
        500: "An unexpected error; the request id in X-Request-ID helps support find it.",
        503: "A service behind this route is unavailable.",
        504: "A service behind this route did not answer in time.",
    }
)
