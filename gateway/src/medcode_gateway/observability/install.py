"""Wire request ids, the access log and /metrics into an app, outermost."""

from __future__ import annotations

from fastapi import FastAPI

from medcode_common.metrics import new_registry
from medcode_gateway.observability.http_metrics import HttpMetrics
from medcode_gateway.observability.metrics_route import add_metrics_route
from medcode_gateway.observability.middleware import RequestObserver


def install_observability(app: FastAPI) -> None:
    """Add the outermost middleware and GET /metrics, on a registry of this app's own."""
    registry = new_registry()
    app.state.metrics_registry = registry
    add_metrics_route(app, registry)
    app.add_middleware(RequestObserver, metrics=HttpMetrics(registry))
