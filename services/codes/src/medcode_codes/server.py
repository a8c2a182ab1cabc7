"""Build and run the codes gRPC server (factory first, so tests can bind port 0)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health
from prometheus_client import CollectorRegistry

from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes.access import POLICY
from medcode_codes.data_files import DataDirFiles
from medcode_codes.hot_reload import ReleaseWatcher
from medcode_codes.release_events import ReleasePublisher
from medcode_codes.service import SERVICE_NAME, CodesServicer
from medcode_codes.settings import CodesSettings
from medcode_common.grpc_server import create_server, run_until_signal
from medcode_common.metrics import new_registry, serving_metrics
from medcode_common.service_auth import CODES, server_interceptor

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CodesService:
    """A bound server and the watcher that keeps its releases current."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    watcher: ReleaseWatcher
    publisher: ReleasePublisher | None


def create_codes_service(
    settings: CodesSettings, *, registry: CollectorRegistry | None = None
) -> CodesService:
    """Open the snapshots under `settings.data_dir`, build a bound server and its watcher
    (RPC metrics on `registry`)."""
    files = DataDirFiles(settings.data_dir)
    loaded = files.load()
    if not loaded.catalog.all():
        log.warning("no snapshots under %s; run `medcode import defaults` first", settings.data_dir)
    servicer = CodesServicer(
        catalog=loaded.catalog, datasets=loaded.datasets, max_batch=settings.max_batch
    )
    server, port, health_servicer = create_server(
        settings=settings,
        register=lambda server: pb_grpc.add_CodesServiceServicer_to_server(servicer, server),
        auth=server_interceptor(CODES, POLICY),
        registry=registry,
    )
    publisher = ReleasePublisher() if settings.events else None
    watcher = ReleaseWatcher(
        files=files,
        loaded=loaded,
        servicer=servicer,
        announce=publisher.publish if publisher else None,
    )
    return CodesService(server, port, health_servicer, watcher, publisher)


def create_codes_server(
    settings: CodesSettings,
) -> tuple[grpc.aio.Server, int, health.aio.HealthServicer]:
    """A bound server over the snapshots under `settings.data_dir` (no hot reload)."""
    service = create_codes_service(settings)
    return service.server, service.port, service.health


async def serve(settings: CodesSettings) -> None:
    """Serve until SIGINT/SIGTERM, picking up new imports every `reload_seconds`."""
    registry = new_registry()
    service = create_codes_service(settings, registry=registry)
    log.info("codes service listening on %s:%d", settings.host, service.port)
    with serving_metrics(registry, host=settings.host, port=settings.metrics_port):
        await _serve_and_watch(settings, service)


async def _serve_and_watch(settings: CodesSettings, service: CodesService) -> None:
    """Serve `service` until a signal while its watcher picks up new imports."""
    stop = asyncio.Event()
    watching = None
    if settings.reload_seconds > 0:
        watching = asyncio.create_task(
            service.watcher.run(every=settings.reload_seconds, stop=stop)
        )
    try:
        await run_until_signal(
            service.server,
            health_servicer=service.health,
            names=[SERVICE_NAME],
            grace=settings.grace_seconds,
        )
    finally:
        stop.set()
        if watching is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await watching
        if service.publisher is not None:
            service.publisher.close()


def main() -> None:
    """Entry point of `medcode-codes serve`."""
    asyncio.run(serve(CodesSettings()))
