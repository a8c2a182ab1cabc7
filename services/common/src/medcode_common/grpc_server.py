"""gRPC server bootstrap: health service, port binding and graceful shutdown in one place."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterable
from typing import Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from prometheus_client import CollectorRegistry

from medcode_common.rpc_observer import RpcObserver
from medcode_common.service_auth import ServiceAuthInterceptor
from medcode_common.settings import GrpcServiceSettings

log = logging.getLogger(__name__)

Registrar = Callable[[grpc.aio.Server], None]


def create_server(
    *,
    settings: GrpcServiceSettings,
    register: Registrar,
    auth: ServiceAuthInterceptor,
    registry: CollectorRegistry | None = None,
) -> tuple[grpc.aio.Server, int, health.aio.HealthServicer]:
    """Build an aio server with the standard health service; return it and the bound port.

    Binding here (not in the caller) lets tests ask for port 0 and learn the real port.
    Named services are unknown to the health service until `mark_serving`, which the
    caller runs after `start()`; the server loads its data before binding, so a probe that
    connects at all talks to a ready server. Every RPC goes through `RpcObserver` (request
    id, one log line, metrics on `registry`: a private one when the caller exposes none),
    then through `auth`, which refuses callers without a valid service token or whom the
    service's policy does not allow (`medcode_common.service_auth.server_interceptor`); the
    observer comes first so refusals are logged and counted like any other answer.
    """
    server = grpc.aio.server(
        interceptors=[RpcObserver(registry=registry), auth],
        maximum_concurrent_rpcs=settings.max_workers_hint,
        options=[("grpc.so_reuseport", 0)],
    )
    register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port(f"{settings.host}:{settings.port}")
    if port == 0:
        raise OSError(f"cannot bind {settings.host}:{settings.port}")
    return server, port, health_servicer


async def mark_serving(health_servicer: health.aio.HealthServicer, names: Iterable[str]) -> None:
    """Report SERVING for the overall server ("") and each named service."""
    for name in ("", *names):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)


def _stop_on_signal() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM on the running loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def run_until_signal(
    server: grpc.aio.Server,
    *,
    health_servicer: health.aio.HealthServicer,
    names: Iterable[str],
    grace: float,
) -> None:
    """Start `server`, serve until SIGINT/SIGTERM, then drain for `grace` seconds and stop."""
    stop = _stop_on_signal()
    await server.start()
    await mark_serving(health_servicer, names)
    await stop.wait()
    log.info("shutting down (grace %.1fs)", grace)
    await health_servicer.enter_graceful_shutdown()
    await server.stop(grace)


class Runtime(Protocol):
    """A service with background work besides its gRPC server (consumers, publishers)."""

    async def start(self) -> None: ...

    async def stop(self, grace: float = 0.0) -> None: ...


async def serve_runtime_until_signal(make_runtime: Callable[[], Runtime], *, grace: float) -> None:
    """Build and start a runtime, serve until SIGINT/SIGTERM, then stop it with `grace`.

    Signal handlers go in before the runtime is built, so a signal that arrives during a slow
    start (migrations, index loads) stops the service right after it has started.
    """
    stop = _stop_on_signal()
    runtime = make_runtime()
    await runtime.start()
    await stop.wait()
    log.info("shutting down (grace %.1fs)", grace)
    await runtime.stop(grace)
