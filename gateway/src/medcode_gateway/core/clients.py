"""gRPC channels to the services, opened once per process, with a deadline on every call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import grpc
from fastapi import Depends, Request
from grpc_health.v1 import health_pb2, health_pb2_grpc

from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode.assistant.v1 import assistant_service_pb2_grpc as assistant_grpc
from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode.metering.v1 import metering_service_pb2_grpc as metering_grpc
from medcode.search.v1 import search_service_pb2_grpc as search_grpc
from medcode_common.service_auth import GATEWAY, aio_channel, load_signer
from medcode_gateway.observability.upstream import upstream_interceptors
from medcode_gateway.settings import GatewaySettings

_CHANNEL_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    # Spread calls over every address a target names ("ipv4:h:p1,h:p2", or the pods behind a
    # headless Service as "dns:///search:50051"); the default, pick_first, uses only one.
    ("grpc.lb_policy_name", "round_robin"),
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
]


@dataclass
class ServiceClients:
    """Stubs for every service the gateway calls, and the deadline to use."""

    codes: codes_grpc.CodesServiceStub
    search: search_grpc.SearchServiceStub
    accounts: accounts_grpc.AccountsServiceStub
    metering: metering_grpc.MeteringServiceStub
    assistant: assistant_grpc.AssistantServiceStub
    health: dict[str, tuple[str, health_pb2_grpc.HealthStub]]
    timeout: float
    auth_timeout: float
    assistant_timeout: float
    readiness_timeout: float
    channels: list[grpc.aio.Channel]

    @classmethod
    def connect(cls, settings: GatewaySettings) -> ServiceClients:
        """Open channels lazily (gRPC connects on first call), so start-up never blocks.

        Every call carries the gateway's service token for the callee; without the gateway's
        private key (MEDCODE_SERVICE_*) this raises ServiceKeyError and the gateway does not
        start.
        """
        signer = load_signer(GATEWAY)
        addresses = {
            "codes": settings.codes_addr,
            "search": settings.search_addr,
            "accounts": settings.accounts_addr,
            "metering": settings.metering_addr,
            "assistant": settings.assistant_addr,
        }
        channels = {
            name: aio_channel(
                address,
                signer=signer,
                audience=name,
                options=_CHANNEL_OPTIONS,
                interceptors=upstream_interceptors(name),
            )
            for name, address in addresses.items()
        }
        return cls(
            codes=codes_grpc.CodesServiceStub(channels["codes"]),
            search=search_grpc.SearchServiceStub(channels["search"]),
            accounts=accounts_grpc.AccountsServiceStub(channels["accounts"]),
            metering=metering_grpc.MeteringServiceStub(channels["metering"]),
            assistant=assistant_grpc.AssistantServiceStub(channels["assistant"]),
            health={
                name: (addresses[name], health_pb2_grpc.HealthStub(channel))
                for name, channel in channels.items()
            },
            timeout=settings.rpc_timeout_seconds,
            auth_timeout=settings.auth_timeout_seconds,
            assistant_timeout=settings.assistant_timeout_seconds,
            readiness_timeout=settings.readiness_timeout_seconds,
            channels=list(channels.values()),
        )

    async def close(self) -> None:
        """Close every channel."""
        for channel in self.channels:
            await channel.close()

    async def unready_services(self) -> dict[str, str]:
        """Services that do not report SERVING, with the reason, e.g. {"codes": "UNAVAILABLE"}."""
        failing: dict[str, str] = {}
        for name, (_address, stub) in self.health.items():
            try:
                reply = await stub.Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=self.readiness_timeout
                )
            except grpc.aio.AioRpcError as error:
                failing[name] = error.code().name
                continue
            if reply.status != health_pb2.HealthCheckResponse.SERVING:
                failing[name] = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        return failing


async def get_clients(request: Request) -> ServiceClients:
    """FastAPI dependency: the process-wide clients stored on app.state at start-up."""
    clients: ServiceClients = request.app.state.clients
    return clients


Clients = Annotated[ServiceClients, Depends(get_clients)]
