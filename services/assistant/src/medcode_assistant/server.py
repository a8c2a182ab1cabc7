"""Run the assistant service: gRPC over the codes and search services it grounds answers in."""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CollectorRegistry

from medcode.assistant.v1 import assistant_service_pb2_grpc as pb_grpc
from medcode_assistant.access import POLICY
from medcode_assistant.case2code import Case2Coder, GrpcCodeSearch
from medcode_assistant.clients import DataClients
from medcode_assistant.conversations import ConversationStore
from medcode_assistant.knowledge_port import Knowledge, load_knowledge
from medcode_assistant.lookup import Lookup
from medcode_assistant.rephrase import Rephraser
from medcode_assistant.service import SERVICE_NAME, AssistantServicer
from medcode_assistant.settings import AssistantSettings
from medcode_common.grpc_server import create_server, mark_serving, serve_runtime_until_signal
from medcode_common.metrics import new_registry, serving_metrics
from medcode_common.service_auth import ASSISTANT, server_interceptor

log = logging.getLogger(__name__)

_UNSET: object = object()


class AssistantRuntime:
    """The server and its channels to codes and search, started and stopped together."""

    def __init__(
        self,
        settings: AssistantSettings,
        *,
        registry: CollectorRegistry | None = None,
        knowledge: Knowledge | None | object = _UNSET,
    ) -> None:
        self.settings = settings
        self.clients = DataClients.connect(settings)
        kb = load_knowledge() if knowledge is _UNSET else knowledge
        self.servicer = AssistantServicer(
            lookup=Lookup(self.clients),
            knowledge=kb,  # type: ignore[arg-type]
            conversations=ConversationStore(
                ttl_seconds=settings.conversation_ttl_seconds,
                max_entries=settings.conversation_max,
            ),
            case2code=Case2Coder(
                GrpcCodeSearch(self.clients.search, timeout=settings.rpc_timeout_seconds)
            ),
            rephraser=Rephraser(settings) if settings.llm_url else None,
        )
        self.server, self.port, self.health = create_server(
            settings=settings,
            register=lambda s: pb_grpc.add_AssistantServiceServicer_to_server(self.servicer, s),
            auth=server_interceptor(ASSISTANT, POLICY),
            registry=registry,
        )

    async def start(self) -> None:
        """Serve; SERVING at once (each answer reads the data services when asked)."""
        await self.server.start()
        await mark_serving(self.health, [SERVICE_NAME])
        log.info("assistant service listening on %s:%d", self.settings.host, self.port)

    async def stop(self, grace: float = 0.0) -> None:
        """Drain RPCs, then close the channels."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        await self.clients.close()


async def serve(settings: AssistantSettings) -> None:
    """Serve until SIGINT/SIGTERM, with /metrics on `settings.metrics_port`."""
    registry = new_registry()
    with serving_metrics(registry, host=settings.host, port=settings.metrics_port):
        await serve_runtime_until_signal(
            lambda: AssistantRuntime(settings, registry=registry), grace=settings.grace_seconds
        )


def main() -> None:
    """Entry point of `medcode-assistant`."""
    from medcode_common.logs import configure_logging

    configure_logging()
    asyncio.run(serve(AssistantSettings()))
