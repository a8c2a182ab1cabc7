"""Prometheus metrics: a registry per process (or per test server) and its /metrics listener.

No metric lives in prometheus_client's global registry: tests run several servers in one
process, and each must count only its own calls. A service builds one registry, hands it to
everything that counts, and `serving_metrics` exposes it on MEDCODE_<SERVICE>_METRICS_PORT.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    start_http_server,
)

log = logging.getLogger(__name__)


def new_registry() -> CollectorRegistry:
    """A registry with the process, Python and GC collectors a scrape usually expects."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


def exposition(registry: CollectorRegistry) -> tuple[bytes, str]:
    """The registry in the Prometheus text format, and its content type."""
    return generate_latest(registry), CONTENT_TYPE_LATEST


@dataclass
class MetricsListener:
    """prometheus_client's HTTP server answering GET /metrics, in a daemon thread."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        return int(self.server.server_port)

    def stop(self) -> None:
        """Stop answering and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_metrics_listener(registry: CollectorRegistry, *, host: str, port: int) -> MetricsListener:
    """Serve `registry` on host:port (0: a free port, for tests); OSError when taken."""
    server, thread = start_http_server(port, addr=host, registry=registry)
    log.info("metrics on http://%s:%d/metrics", host, server.server_port)
    return MetricsListener(server, thread)


@contextmanager
def serving_metrics(
    registry: CollectorRegistry, *, host: str, port: int
) -> Iterator[MetricsListener | None]:
    """Expose `registry` for the block as a service's setting says (port 0: off).

    A taken port is a warning, not a failure: metrics must never keep a service from
    answering (two `medcode run` on one machine share the default ports).
    """
    listener = None
    if port != 0:
        try:
            listener = start_metrics_listener(registry, host=host, port=port)
        except OSError as error:
            log.warning(
                "metrics listener cannot bind %s:%d (%s); /metrics is off in this process",
                host,
                port,
                error,
            )
    try:
        yield listener
    finally:
        if listener is not None:
            listener.stop()
