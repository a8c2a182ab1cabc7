"""Run the accounts service: migrate, serve gRPC, drain the outbox to the event bus."""

from __future__ import annotations

import asyncio
import logging

import grpc
from grpc_health.v1 import health
from prometheus_client import CollectorRegistry

from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode_accounts.access import POLICY
from medcode_accounts.bootstrap import Backend, Clock, open_backend, utc_now
from medcode_accounts.metrics import watch_outbox
from medcode_accounts.outbox_publisher import OutboxPublisher
from medcode_accounts.passwords import PasswordHashing
from medcode_accounts.service import SERVICE_NAME, AccountsServicer
from medcode_accounts.settings import AccountsSettings
from medcode_common.events import EventSettings, create_bus
from medcode_common.grpc_server import create_server, mark_serving, serve_runtime_until_signal
from medcode_common.metrics import new_registry, serving_metrics
from medcode_common.service_auth import ACCOUNTS, server_interceptor

log = logging.getLogger(__name__)


class AccountsRuntime:
    """The server, its backend and the outbox publisher, started and stopped together."""

    def __init__(
        self,
        settings: AccountsSettings,
        *,
        event_settings: EventSettings | None = None,
        clock: Clock = utc_now,
        hashing: PasswordHashing | None = None,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.backend: Backend = open_backend(settings, clock=clock, hashing=hashing)
        self.registry = registry if registry is not None else CollectorRegistry()
        watch_outbox(self.registry, self.backend.db)
        self.publisher: OutboxPublisher | None = None
        if settings.publish_events:
            self.publisher = OutboxPublisher(
                db=self.backend.db,
                bus=create_bus(event_settings or EventSettings()),
                clock=clock,
                poll_seconds=settings.outbox_poll_seconds,
                max_backoff_seconds=settings.outbox_max_backoff_seconds,
            )
        servicer = AccountsServicer(
            accounts=self.backend.accounts,
            keys=self.backend.keys,
            signing_keys=self.backend.signing_keys,
            issuer=settings.issuer,
            audience=settings.audience,
            on_event=self.publisher.wake if self.publisher else lambda: None,
        )
        self.server: grpc.aio.Server
        self.health: health.aio.HealthServicer
        self.server, self.port, self.health = create_server(
            settings=settings,
            register=lambda s: pb_grpc.add_AccountsServiceServicer_to_server(servicer, s),
            auth=server_interceptor(ACCOUNTS, POLICY),
            registry=self.registry,
        )
        self._publishing: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Serve, report SERVING, and start publishing (on the running loop)."""
        await self.server.start()
        await mark_serving(self.health, [SERVICE_NAME])
        if self.publisher is not None:
            self._publishing = asyncio.create_task(self.publisher.run(), name="outbox")
        log.info("accounts service listening on %s:%d", self.settings.host, self.port)

    async def stop(self, grace: float = 0.0) -> None:
        """Drain RPCs, finish the current outbox pass, release the database and bus."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        if self.publisher is not None:
            self.publisher.stop()
            if self._publishing is not None:
                await self._publishing
            self.publisher.close()
        self.backend.close()


async def serve(settings: AccountsSettings) -> None:
    """Serve until SIGINT/SIGTERM (one that arrives while migrating stops right after start)."""
    registry = new_registry()
    with serving_metrics(registry, host=settings.host, port=settings.metrics_port):
        await serve_runtime_until_signal(
            lambda: AccountsRuntime(settings, registry=registry), grace=settings.grace_seconds
        )


def main() -> None:
    """Entry point of `medcode-accounts`."""
    from medcode_common.logs import configure_logging

    configure_logging()
    asyncio.run(serve(AccountsSettings()))
