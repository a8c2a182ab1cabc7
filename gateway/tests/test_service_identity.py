"""The gateway calls every service as "gateway", with a token for that service only, and
does not start without its private key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest

from medcode.codes.v1 import codes_service_pb2 as codes_pb
from medcode_common.service_auth import ServiceKeyError
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.settings import GatewaySettings


def test_each_channel_carries_a_token_for_its_own_service(codes_address: str) -> None:
    """Codes answers the gateway's codes channel; the search channel, pointed at the same
    codes server, carries a token for search, which codes refuses."""

    async def scenario() -> None:
        settings = GatewaySettings(
            events=False, codes_addr=codes_address, search_addr=codes_address
        )
        clients = ServiceClients.connect(settings)
        try:
            page = await clients.codes.GetCode(
                codes_pb.GetCodeRequest(system=codes_pb.CODE_SYSTEM_ICD10CM, code="E11.9"),
                timeout=10,
            )
            assert page.code.code == "E11.9"
            search_channel = clients.channels[1]  # codes, search, accounts, metering
            misaddressed = search_channel.unary_unary(
                "/medcode.codes.v1.CodesService/GetCode",
                request_serializer=codes_pb.GetCodeRequest.SerializeToString,
                response_deserializer=codes_pb.GetCodeResponse.FromString,
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await misaddressed(
                    codes_pb.GetCodeRequest(system=codes_pb.CODE_SYSTEM_ICD10CM, code="E11.9"),
                    timeout=10,
                )
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert "not addressed to codes" in (refused.value.details() or "")
        finally:
            await clients.close()

    asyncio.run(scenario())


def test_without_its_private_key_the_gateway_does_not_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDCODE_SERVICE_KEYS_DIR", str(tmp_path))
    with pytest.raises(ServiceKeyError, match="gateway.key.pem"):
        ServiceClients.connect(GatewaySettings(events=False))
