"""The server interceptor on a real gRPC server on loopback: who gets in, who is refused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import grpc
import httpx
import jwt
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from medcode_common.grpc_server import create_server, mark_serving
from medcode_common.metrics import new_registry, start_metrics_listener
from medcode_common.service_auth import (
    ACCOUNTS,
    CLI,
    GATEWAY,
    SEARCH,
    ServiceAuthSettings,
    ServiceKeyError,
    aio_channel,
    current_caller,
    load_signer,
    server_interceptor,
)
from medcode_common.service_auth.keys import load_private_key, private_key_path
from medcode_common.settings import GrpcServiceSettings

SERVICE = "medcode.test.v1.VaultService"
#: The vault plays "accounts": Read for the gateway, Admin for the CLI, Stream for both,
#: Unlisted for nobody (not in the policy).
POLICY = {
    f"/{SERVICE}/Read": frozenset({GATEWAY}),
    f"/{SERVICE}/Admin": frozenset({CLI}),
    f"/{SERVICE}/Stream": frozenset({GATEWAY, CLI}),
}
opened: list[str] = []


def vault() -> grpc.GenericRpcHandler:
    async def read(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        opened.append("Read")
        return (current_caller() or "-").encode()

    async def stream(request: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
        opened.append("Stream")
        for _ in range(2):
            yield (current_caller() or "-").encode()

    unary = grpc.unary_unary_rpc_method_handler
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Read": unary(read),
            "Admin": unary(read),
            "Unlisted": unary(read),
            "Stream": grpc.unary_stream_rpc_method_handler(stream),
        },
    )


Scenario = Callable[[str, str], Awaitable[None]]


def with_vault(scenario: Scenario) -> None:
    """Serve the vault on loopback with its metrics on a listener; run `scenario(address, url)`."""

    async def main() -> None:
        registry = new_registry()
        server, port, health = create_server(
            settings=GrpcServiceSettings(host="127.0.0.1", port=0),
            register=lambda s: s.add_generic_rpc_handlers([vault()]),
            auth=server_interceptor(ACCOUNTS, POLICY),
            registry=registry,
        )
        await server.start()
        await mark_serving(health, [SERVICE])
        listener = start_metrics_listener(registry, host="127.0.0.1", port=0)
        try:
            await scenario(f"127.0.0.1:{port}", f"http://127.0.0.1:{listener.port}/metrics")
        finally:
            listener.stop()
            await server.stop(0)

    opened.clear()
    asyncio.run(main())


async def call(address: str, method: str, *, identity: str | None, metadata: tuple = ()) -> bytes:
    """Call as `identity` (its token for "accounts"), or with no token at all when None."""
    if identity is None:
        channel = grpc.aio.insecure_channel(address)
    else:
        channel = aio_channel(address, signer=load_signer(identity), audience=ACCOUNTS)
    async with channel:
        reply: bytes = await channel.unary_unary(f"/{SERVICE}/{method}")(
            b"", metadata=metadata or None, timeout=5
        )
    return reply


async def refused(address: str, method: str, **kwargs: object) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call(address, method, **kwargs)  # type: ignore[arg-type]
    return failure.value.code(), failure.value.details() or ""


def own_token(identity: str, **claims: object) -> tuple[tuple[str, str], ...]:
    """Metadata with a token signed by `identity`'s real key, with `claims` overridden."""
    key = load_private_key(private_key_path(ServiceAuthSettings().keys_dir, identity))
    now = int(time.time())
    body = {"iss": identity, "aud": ACCOUNTS, "iat": now, "exp": now + 300, **claims}
    return (("authorization", f"Bearer {jwt.encode(body, key, algorithm='EdDSA')}"),)


def test_allowed_callers_get_in_and_the_handler_knows_who_called() -> None:
    async def scenario(address: str, _metrics: str) -> None:
        assert await call(address, "Read", identity=GATEWAY) == b"gateway"
        assert await call(address, "Admin", identity=CLI) == b"cli"
        async with aio_channel(address, signer=load_signer(CLI), audience=ACCOUNTS) as channel:
            items = [i async for i in channel.unary_stream(f"/{SERVICE}/Stream")(b"", timeout=5)]
        assert items == [b"cli", b"cli"]

    with_vault(scenario)


def test_a_call_without_a_token_is_unauthenticated_and_never_reaches_the_handler() -> None:
    async def scenario(address: str, metrics: str) -> None:
        code, details = await refused(address, "Read", identity=None)
        assert code == grpc.StatusCode.UNAUTHENTICATED
        assert "needs a service token" in details
        async with grpc.aio.insecure_channel(address) as channel:
            stream = channel.unary_stream(f"/{SERVICE}/Stream")(b"", timeout=5)
            with pytest.raises(grpc.aio.AioRpcError) as failure:
                _ = [item async for item in stream]
        assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
        text = httpx.get(metrics).text
        assert (
            f'medcode_grpc_server_requests_total{{code="UNAUTHENTICATED",method="Read",'
            f'service="{SERVICE}"}} 1.0' in text
        )

    with_vault(scenario)
    assert opened == []


def test_a_caller_the_policy_does_not_name_is_permission_denied() -> None:
    async def scenario(address: str, _metrics: str) -> None:
        for method, identity in (("Read", SEARCH), ("Admin", GATEWAY), ("Unlisted", CLI)):
            code, details = await refused(address, method, identity=identity)
            assert code == grpc.StatusCode.PERMISSION_DENIED, (method, identity)
            assert details == f"{identity} may not call /{SERVICE}/{method}"

    with_vault(scenario)
    assert opened == []


def test_expired_forged_and_misaddressed_tokens_are_unauthenticated() -> None:
    now = int(time.time())
    forged = jwt.encode(
        {"iss": GATEWAY, "aud": ACCOUNTS, "iat": now, "exp": now + 300},
        load_private_key(private_key_path(ServiceAuthSettings().keys_dir, SEARCH)),
        algorithm="EdDSA",
    )  # search's key, in the gateway's name

    async def scenario(address: str, _metrics: str) -> None:
        cases = {
            "expired": own_token(GATEWAY, iat=now - 900, exp=now - 600),
            "audience": own_token(GATEWAY, aud="metering"),
            "forged": (("authorization", f"Bearer {forged}"),),
            "garbage": (("authorization", "Bearer not.a.jwt"),),
        }
        for name, metadata in cases.items():
            code, details = await refused(address, "Read", identity=None, metadata=metadata)
            assert code == grpc.StatusCode.UNAUTHENTICATED, (name, details)

    with_vault(scenario)
    assert opened == []


def test_the_health_service_stays_open_for_probes() -> None:
    async def scenario(address: str, _metrics: str) -> None:
        async with grpc.aio.insecure_channel(address) as channel:
            reply = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=SERVICE), timeout=5
            )
        assert reply.status == health_pb2.HealthCheckResponse.SERVING

    with_vault(scenario)


def test_a_service_without_keys_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ServiceKeyError, match="does not start"):
        server_interceptor(ACCOUNTS, POLICY, ServiceAuthSettings(keys_dir=tmp_path))
    with pytest.raises(ServiceKeyError, match="no service private key"):
        load_signer(GATEWAY, ServiceAuthSettings(keys_dir=tmp_path))
