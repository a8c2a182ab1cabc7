"""Run the metering service: gRPC over the Lua decisions, with its event publisher and consumer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from grpc_health.v1 import health_pb2
from prometheus_client import CollectorRegistry
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common.events import EventSettings, create_bus
from medcode_common.grpc_server import create_server, mark_serving, serve_runtime_until_signal
from medcode_common.metrics import new_registry, serving_metrics
from medcode_common.service_auth import METERING, server_interceptor
from medcode_metering.access import POLICY
from medcode_metering.allowance import ViewMeter
from medcode_metering.batching import ScriptBatcher
from medcode_metering.events import RegistrationConsumer
from medcode_metering.metrics import MeteringMetrics
from medcode_metering.publishing import ViewPublisher, create_view_publisher
from medcode_metering.questions import QuestionMeter, QuestionPolicy
from medcode_metering.quota import QuotaLimiter
from medcode_metering.service import SERVICE_NAME, MeteringServicer
from medcode_metering.settings import MeteringSettings

log = logging.getLogger(__name__)

HEALTH_EVERY_SECONDS = 2.0
_NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def connect(settings: MeteringSettings) -> Redis:
    """A bounded pool with timeouts: a dead store fails a call quickly instead of hanging it.

    A broken connection is retried once on a fresh one, so pooled connections left over from a
    restarted server heal without the caller noticing. Timeouts are not retried: the script may
    have run, and charging twice is worse than answering UNAVAILABLE once.
    """
    timeout = settings.redis_timeout_seconds
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        **settings.redis_options(),  # TLS verification for rediss:// (the password is in the URL)
    )
    return Redis(connection_pool=pool)


class MeteringRuntime:
    """The server, its Redis pool and its event threads, started and stopped together."""

    def __init__(
        self,
        settings: MeteringSettings,
        *,
        event_settings: EventSettings | None = None,
        clock: Callable[[], float] = time.time,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = MeteringMetrics(registry)
        self.redis = connect(settings)
        batcher = ScriptBatcher(self.redis)
        self.views = ViewMeter(
            self.redis,
            guest_views=settings.guest_views,
            free_views=settings.free_views,
            guest_ip_daily_cap=settings.guest_ip_daily_cap,
            clock=clock,
            batcher=batcher,
        )
        self.questions = QuestionMeter(
            self.redis,
            policy=QuestionPolicy(
                guest_questions=settings.guest_questions,
                free_questions=settings.free_questions,
                guest_ip_daily_cap=settings.guest_question_ip_daily_cap,
            ),
            clock=clock,
            batcher=batcher,
        )
        self._event_settings = event_settings or EventSettings()
        self.publisher: ViewPublisher | None = None
        self.consumer: RegistrationConsumer | None = None
        if settings.events_enabled:
            self.publisher = create_view_publisher(
                self._event_settings, max_queued=settings.event_queue_size
            )
        servicer = MeteringServicer(
            views=self.views,
            quotas=QuotaLimiter(self.redis, clock=clock, batcher=batcher),
            questions=self.questions,
            on_view_charged=self.publisher.submit if self.publisher else None,
            clock=clock,
            metrics=self.metrics,
        )
        self.server, self.port, self.health = create_server(
            settings=settings,
            register=lambda s: pb_grpc.add_MeteringServiceServicer_to_server(servicer, s),
            auth=server_interceptor(METERING, POLICY),
            registry=self.metrics.registry,
        )
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Serve, start the event threads, and report health from the store's PING."""
        await self.server.start()
        loop = asyncio.get_running_loop()

        def link(guest_id: str, user_id: str) -> None:
            linked = self.views.link_guest(guest_id=guest_id, user_id=user_id)
            asyncio.run_coroutine_threadsafe(linked, loop).result(timeout=30)

        if self.publisher is not None:
            self.publisher.start()
            bus = create_bus(self._event_settings)
            self.consumer = RegistrationConsumer(bus, link=link).start()
        up = await self._report_health()
        self._watch = asyncio.create_task(self._watch_store(was_up=up))
        log.info("metering service listening on %s:%d", self.settings.host, self.port)

    async def _report_health(self) -> bool:
        """MeteringService is SERVING while the store answers PING (readiness), NOT_SERVING
        while it does not; the server as a whole ("") stays SERVING (liveness: a Redis outage
        must not get healthy pods restarted).
        """
        try:
            up = bool(await self.redis.ping())
        except (RedisError, OSError):
            up = False
        if up:
            await mark_serving(self.health, [SERVICE_NAME])
        else:
            await mark_serving(self.health, [])
            await self.health.set(SERVICE_NAME, _NOT_SERVING)
        return up

    async def _watch_store(self, *, was_up: bool) -> None:
        while True:
            await asyncio.sleep(HEALTH_EVERY_SECONDS)
            up = await self._report_health()
            if up != was_up:
                log.warning("metering store %s", "is back" if up else "is unreachable")
            was_up = up

    async def stop(self, grace: float = 0.0) -> None:
        """Drain RPCs, stop the event threads (publishing what is queued), close the pool."""
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        if self.consumer is not None:
            await asyncio.to_thread(self.consumer.close)
        if self.publisher is not None:
            await self.publisher.aclose()
        await self.redis.aclose()
        await self.redis.connection_pool.disconnect()


async def serve(settings: MeteringSettings) -> None:
    """Serve until SIGINT/SIGTERM, with /metrics on `settings.metrics_port`."""
    registry = new_registry()
    with serving_metrics(registry, host=settings.host, port=settings.metrics_port):
        await serve_runtime_until_signal(
            lambda: MeteringRuntime(settings, registry=registry), grace=settings.grace_seconds
        )


def main() -> None:
    """Entry point of `medcode-metering`."""
    from medcode_common.logs import configure_logging

    configure_logging()
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(MeteringSettings()))
    else:
        uvloop.run(serve(MeteringSettings()))
