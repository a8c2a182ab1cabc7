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


def problem(description: str) -> dict[str, Any]:
    """An OpenAPI `responses` entry for an error status answered with a problem document."""
    return {"description": description, "model": ProblemOut, "content": {PROBLEM_JSON: {}}}


def problems(table: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status with its meaning, documented as problem+json."""
    return {status: problem(description) for status, description in table.items()}
