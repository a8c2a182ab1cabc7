"""Liveness and readiness endpoints for probes and `medcode status`."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import problem_response
from medcode_gateway.core.schemas import Out, problems

router = APIRouter(tags=["health"])


class LiveOut(Out):
    """The process answers."""

    status: Literal["ok"]


class ReadyOut(Out):
    """Ready (every service answers) or degraded (some feature's service does not)."""

    status: Literal["ready", "degraded"]
    services: dict[str, str] = Field(description="Each service's health: SERVING or why not.")


REQUIRED = frozenset({"codes"})


@router.get("/healthz", response_model=LiveOut, summary="Liveness: the gateway process answers")
async def healthz() -> dict[str, str]:
    """Always 200 while the process runs; restart it only when this fails."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Readiness: the code lookup path works; other services may be degraded",
    responses=problems({503: "The codes service is not ready."}),
)
async def readyz(clients: Clients) -> JSONResponse:
    """503 when the codes service is down; other failing services are listed as degraded.

    Taking the gateway out of rotation because, say, search is down would turn one broken
    feature into a broken site, so only the service every page needs decides readiness.
    """
    failing = await clients.unready_services()
    if REQUIRED & failing.keys():
        names = ", ".join(sorted(failing))
        return problem_response(503, f"not ready: {names}", failing=failing)
    services = {name: failing.get(name, "SERVING") for name in clients.health}
    body = {"status": "degraded" if failing else "ready", "services": services}
    return JSONResponse(body)
