"""The codes and search stubs CasePilot reads through, signed as the assistant identity."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode.search.v1 import search_service_pb2_grpc as search_grpc
from medcode_assistant.settings import AssistantSettings
from medcode_common.service_auth import ASSISTANT, CODES, SEARCH, aio_channel, load_signer

_CHANNEL_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.lb_policy_name", "round_robin"),
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
]


@dataclass
class DataClients:
    """Stubs for the two services every answer is grounded in, and the deadline of each call."""

    codes: codes_grpc.CodesServiceStub
    search: search_grpc.SearchServiceStub
    timeout: float
    channels: list[grpc.aio.Channel]

    @classmethod
    def connect(cls, settings: AssistantSettings) -> DataClients:
        """Open channels lazily; without the assistant's private key this raises ServiceKeyError."""
        signer = load_signer(ASSISTANT)
        codes = aio_channel(
            settings.codes_addr, signer=signer, audience=CODES, options=_CHANNEL_OPTIONS
        )
        search = aio_channel(
            settings.search_addr, signer=signer, audience=SEARCH, options=_CHANNEL_OPTIONS
        )
        return cls(
            codes=codes_grpc.CodesServiceStub(codes),
            search=search_grpc.SearchServiceStub(search),
            timeout=settings.rpc_timeout_seconds,
            channels=[codes, search],
        )

    async def close(self) -> None:
        """Close both channels."""
        for channel in self.channels:
            await channel.close()
