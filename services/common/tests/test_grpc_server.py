"""The shared gRPC bootstrap: binds port 0; a named service is unknown to health until marked."""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from medcode_common.grpc_server import create_server, mark_serving
from medcode_common.service_auth import CODES, server_interceptor
from medcode_common.settings import GrpcServiceSettings


async def _status(port: int, service: str) -> int:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2)
        except grpc.aio.AioRpcError as error:
            return -int(error.code().value[0])
        return int(reply.status)


def test_named_service_serving_only_when_marked() -> None:
    async def scenario() -> None:
        settings = GrpcServiceSettings(host="127.0.0.1", port=0)
        server, port, health = create_server(
            settings=settings, register=lambda _s: None, auth=server_interceptor(CODES, {})
        )
        assert port > 0
        await server.start()
        try:
            unknown = await _status(port, "medcode.test.v1.TestService")
            assert unknown == -grpc.StatusCode.NOT_FOUND.value[0]
            await mark_serving(health, ["medcode.test.v1.TestService"])
            assert await _status(port, "") == health_pb2.HealthCheckResponse.SERVING
            serving = await _status(port, "medcode.test.v1.TestService")
            assert serving == health_pb2.HealthCheckResponse.SERVING
        finally:
            await server.stop(0)

    asyncio.run(scenario())


def test_settings_read_their_env_prefix(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class DemoSettings(GrpcServiceSettings):
        model_config = {"env_prefix": "MEDCODE_DEMO_"}  # type: ignore[assignment]

    monkeypatch.setenv("MEDCODE_DEMO_PORT", "6123")
    monkeypatch.setenv("MEDCODE_DEMO_HOST", "0.0.0.0")
    settings = DemoSettings()
    assert (settings.host, settings.port) == ("0.0.0.0", 6123)
    monkeypatch.setenv("MEDCODE_DEMO_PORT", "70000")
    try:
        DemoSettings()
    except ValueError as error:
        assert "port" in str(error)
    else:
        raise AssertionError("an out-of-range port must be rejected")
