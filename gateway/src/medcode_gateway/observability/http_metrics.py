"""Request counts and latencies by route template, so a label never holds a raw path."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.routing import compile_path
from starlette.types import Scope

log = logging.getLogger(__name__)

#: The label of a request no route matches (scanners, typos): one series for all of them.
UNMATCHED = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_REMEMBERED_PATHS = 4096
_Template = tuple[re.Pattern[str], str, frozenset[str]]


class HttpMetrics:
    """`medcode_http_requests_total{route,method,status}` and the latency histogram."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "medcode_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "medcode_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method.",
            ["route", "method"],
            registry=registry,
        )
        self._routes_by_path: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._templates: list[_Template] | None = None
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, scope: Scope, *, status: int, seconds: float) -> str:
        """Count one answered request; returns the route label it was counted under."""
        route = self.route_of(scope)
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        key = (route, method, status)
        series = self._series.get(key)
        if series is None:  # labels() takes a lock and builds a key: once per series
            series = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)
        return route

    def route_of(self, scope: Scope) -> str:
        """The template of the route that answered ("/v1/codes/{system}/{code}").

        Routing records its route in the scope; answers given before routing (fast paths,
        the lookup cache, the quota layer) are matched here against the documented routes,
        remembering recent paths so a popular page is matched once.
        """
        routed = scope.get("route")
        path = getattr(routed, "path", None)
        if isinstance(path, str):
            return path
        key = (scope["method"], scope["path"])
        found = self._routes_by_path.get(key)
        if found is None:
            if self._templates is None:
                self._templates = _templates(scope.get("app"))
            found = _match(scope, self._templates)
            self._routes_by_path[key] = found
            if len(self._routes_by_path) > _REMEMBERED_PATHS:
                self._routes_by_path.popitem(last=False)
        return found


def _match(scope: Scope, templates: list[_Template]) -> str:
    """The template whose path and method match (path alone: a 405), or UNMATCHED."""
    partial = None
    for regex, template, methods in templates:
        if regex.match(scope["path"]):
            if scope["method"] in methods:
                return template
            partial = partial or template
    return partial or UNMATCHED


def _templates(app: object) -> list[_Template]:
    """Every documented route's path template, compiled the way Starlette compiles routes.

    The fast paths and the lookup cache answer documented routes only; the OpenAPI document
    is the public list of them (built once per app anyway). A refusal by the quota layer
    on an undocumented path counts as unmatched.
    """
    openapi = getattr(app, "openapi", None)
    try:
        paths = openapi().get("paths", {}) if callable(openapi) else {}
    except Exception:  # a schema that cannot be built must not fail the request
        log.exception("cannot list the routes for the metrics' route labels")
        paths = {}
    compiled = []
    for template, operations in paths.items():
        regex, _format, _convertors = compile_path(template)
        methods = frozenset(method.upper() for method in operations)
        compiled.append((regex, template, methods))
    return compiled
