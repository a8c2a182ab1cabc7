"""Liveness and readiness endpoints for probes and `medcode status`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from medcode_gateway.clients import Clients
from medcode_gateway.problems import problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the gateway process answers")
async def healthz() -> dict[str, str]:
    """Always 200 while the process runs; restart it only when this fails."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: every service the gateway depends on answers",
    responses={503: {"description": "Some services are not ready (problem+json)."}},
)
async def readyz(clients: Clients) -> JSONResponse:
    """200 when every dependency reports SERVING; 503 naming the failing ones otherwise."""
    failing = await clients.unready_services()
    if failing:
        names = ", ".join(sorted(failing))
        return problem_response(503, f"not ready: {names}", failing=failing)
    return JSONResponse(
        {"status": "ready", "services": {name: "SERVING" for name in clients.health}}
    )
