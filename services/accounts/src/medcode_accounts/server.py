"""Run the accounts service: migrate, serve gRPC, drain the outboxes (events, mail)."""

from __future__ import annotations

import asyncio
import logging

import grpc
from grpc_health.v1 import health
from prometheus_client import CollectorRegistry

from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode_accounts.access import POLICY
from medcode_accounts.bootstrap import Backend, Clock, open_backend, smtp_relay, utc_now
from medcode_accounts.mail_publisher import MailPublisher
from medcode_accounts.metrics import watch_mail, watch_outbox, watch_password_pool
from medcode_accounts.outbox_publisher import OutboxPublisher
from medcode_accounts.passwords import PasswordHashing
from medcode_accounts.polling import Poller
from medcode_accounts.service import SERVICE_NAME, AccountsServicer
from medcode_accounts.settings import AccountsSettings
from medcode_common.events import EventSettings, create_bus
from medcode_common.grpc_server import create_server, mark_serving, serve_runtime_until_signal
from medcode_common.metrics import new_registry, serving_metrics
from medcode_common.service_auth import ACCOUNTS, server_interceptor

log = logging.getLogger(__name__)


class AccountsRuntime:
    """The server, its backend and the outbox publishers, started and stopped together."""

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
        watch_mail(self.registry, self.backend.db)
        watch_password_pool(self.registry, self.backend.password_pool)
        self.publisher: OutboxPublisher | None = None
        if settings.publish_events:
            self.publisher = OutboxPublisher(
                db=self.backend.db,
                bus=create_bus(event_settings or EventSettings()),
                clock=clock,
                poll_seconds=settings.outbox_poll_seconds,
                max_backoff_seconds=settings.outbox_max_backoff_seconds,
            )
        self.mailer: MailPublisher | None = None
        if settings.send_mail:
            self.mailer = MailPublisher(
                db=self.backend.db,
                relay=smtp_relay(settings),
                sender=settings.mail_from,
                clock=clock,
                poll_seconds=settings.mail_poll_seconds,
                max_attempts=settings.mail_max_attempts,
                max_backoff_seconds=settings.mail_max_backoff_seconds,
            )
        self._pollers: list[Poller] = [p for p in (self.publisher, self.mailer) if p is not None]
        servicer = AccountsServicer(
            accounts=self.backend.accounts,
            keys=self.backend.keys,
            signing_keys=self.backend.signing_keys,
            issuer=settings.issuer,
            audience=settings.audience,
            password_pool=self.backend.password_pool,
            on_event=self._wake_pollers,
        )
        self.server: grpc.aio.Server
        self.health: health.aio.HealthServicer
        self.server, self.port, self.health = create_server(
            settings=settings,
            register=lambda s: pb_grpc.add_AccountsServiceServicer_to_server(servicer, s),
            auth=server_interceptor(ACCOUNTS, POLICY),
            registry=self.registry,
        )
        self._polling: list[asyncio.Task[None]] = []

    def _wake_pollers(self) -> None:
        """A call staged outbox rows (events or mail): publish them now."""
        for poller in self._pollers:
            poller.wake()

    async def start(self) -> None:
        """Serve, report SERVING, and start publishing (on the running loop)."""
        await self.server.start()
        await mark_serving(self.health, [SERVICE_NAME])
        self._polling = [asyncio.create_task(p.run(), name=p.name) for p in self._pollers]
        log.info("accounts service listening on %s:%d", self.settings.host, self.port)

    async def stop(self, grace: float = 0.0) -> None:
        """Drain RPCs, finish the current outbox passes, release the database, bus and pools."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        for poller in self._pollers:
            poller.stop()
        for task in self._polling:
            await task
        for poller in self._pollers:
            poller.close()
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
