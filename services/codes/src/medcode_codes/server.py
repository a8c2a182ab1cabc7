"""Build and run the codes gRPC server (factory first, so tests can bind port 0)."""

from __future__ import annotations

import asyncio
import logging

import grpc
from grpc_health.v1 import health

from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes.datasets.store import DatasetCatalog
from medcode_codes.service import SERVICE_NAME, CodesServicer
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_common.grpc_server import create_server, run_until_signal

log = logging.getLogger(__name__)


def create_codes_server(
    settings: CodesSettings,
) -> tuple[grpc.aio.Server, int, health.aio.HealthServicer]:
    """Open the snapshots under `settings.data_dir` and build a server bound to its port."""
    catalog = ReleaseCatalog.open_dir(settings.data_dir)
    if not catalog.all():
        log.warning("no snapshots under %s; run `medcode import defaults` first", settings.data_dir)
    datasets = DatasetCatalog.open_dir(settings.data_dir)
    servicer = CodesServicer(catalog=catalog, datasets=datasets, max_batch=settings.max_batch)
    return create_server(
        settings=settings,
        register=lambda server: pb_grpc.add_CodesServiceServicer_to_server(servicer, server),
    )


async def serve(settings: CodesSettings) -> None:
    """Serve until SIGINT/SIGTERM."""
    server, port, health_servicer = create_codes_server(settings)
    log.info("codes service listening on %s:%d", settings.host, port)
    await run_until_signal(
        server, health_servicer=health_servicer, names=[SERVICE_NAME], grace=settings.grace_seconds
    )


def main() -> None:
    """Entry point of `medcode-codes serve`."""
    asyncio.run(serve(CodesSettings()))
