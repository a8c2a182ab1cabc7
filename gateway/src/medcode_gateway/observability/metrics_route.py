"""GET /metrics: the gateway's registry in the Prometheus text format (not in the API docs)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CollectorRegistry

from medcode_common.metrics import exposition


def add_metrics_route(app: FastAPI, registry: CollectorRegistry) -> None:
    """Serve `registry` at /metrics for scrapers; hidden from the OpenAPI schema."""

    async def metrics() -> Response:
        body, content_type = exposition(registry)
        return Response(body, media_type=content_type)

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
