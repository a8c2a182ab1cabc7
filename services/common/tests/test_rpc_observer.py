"""The server interceptor on real gRPC servers on loopback: ids bound and passed on, one log
line per RPC with method, code, duration and id, and the RPC counters on /metrics."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc
import httpx
import pytest

from medcode_common.grpc_server import create_server
from medcode_common.logs import build_handler
from medcode_common.metrics import new_registry, serving_metrics, start_metrics_listener
from medcode_common.request_ids import METADATA_KEY, current_request_id
from medcode_common.rpc_client import request_id_interceptors
from medcode_common.service_auth import (
    CODES,
    GATEWAY,
    SEARCH,
    aio_channel,
    load_signer,
    server_interceptor,
)
from medcode_common.settings import GrpcServiceSettings

SERVICE = "medcode.test.v1.EchoService"
#: The echo servers play "codes"; tests call as the gateway, Relay calls on as search.
POLICY = {
    f"/{SERVICE}/{name}": frozenset({GATEWAY, SEARCH})
    for name in ("Echo", "Relay", "Missing", "Crash", "Count")
}
work_log = logging.getLogger("medcode.test.work")


def echo_service(peer: list[str]) -> grpc.GenericRpcHandler:
    """Echo answers with the request id it sees; Relay asks `peer[0]`'s Echo (bytes in, out)."""

    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        work_log.info("echoing")
        return current_request_id().encode()

    async def relay(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        async with aio_channel(
            peer[0],
            signer=load_signer(SEARCH),
            audience=CODES,
            interceptors=request_id_interceptors(),
        ) as channel:
            reply: bytes = await channel.unary_unary(f"/{SERVICE}/Echo")(b"", timeout=5)
        return reply

    async def missing(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        await context.abort(grpc.StatusCode.NOT_FOUND, "no such thing")
        raise AssertionError("abort raises")

    async def crash(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        raise RuntimeError("a bug")

    async def count(request: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
        for number in range(3):
            yield f"{number}:{current_request_id()}".encode()

    unary = grpc.unary_unary_rpc_method_handler
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Echo": unary(echo),
            "Relay": unary(relay),
            "Missing": unary(missing),
            "Crash": unary(crash),
            "Count": grpc.unary_stream_rpc_method_handler(count),
        },
    )


Scenario = Callable[[str, str, str], Awaitable[None]]


def run_with_two_servers(scenario: Scenario) -> None:
    """Start servers A and B (A relays to B) on loopback, run `scenario(a, b, metrics_url)`."""

    async def main() -> None:
        registry = new_registry()
        peer: list[str] = []
        servers = []
        for name in ("a", "b"):
            server, port, _health = create_server(
                settings=GrpcServiceSettings(host="127.0.0.1", port=0),
                register=lambda s: s.add_generic_rpc_handlers([echo_service(peer)]),
                auth=server_interceptor(CODES, POLICY),
                registry=registry if name == "a" else None,
            )
            await server.start()
            servers.append((server, f"127.0.0.1:{port}"))
        peer.append(servers[1][1])
        try:
            listener = start_metrics_listener(registry, host="127.0.0.1", port=0)
            try:
                url = f"http://127.0.0.1:{listener.port}/metrics"
                await scenario(servers[0][1], servers[1][1], url)
            finally:
                listener.stop()
        finally:
            for server, _address in servers:
                await server.stop(0)

    asyncio.run(main())


async def call(address: str, method: str, request_id: str | None = None) -> bytes:
    metadata = ((METADATA_KEY, request_id),) if request_id is not None else None
    async with aio_channel(address, signer=load_signer(GATEWAY), audience=CODES) as channel:
        reply: bytes = await channel.unary_unary(f"/{SERVICE}/{method}")(
            b"", metadata=metadata, timeout=5
        )
    return reply


def rpc_records(caplog: pytest.LogCaptureFixture, method: str) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "medcode.rpc" and getattr(r, "method", "") == method
    ]


def test_the_id_is_bound_logged_and_passed_to_the_next_service(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    handler = build_handler("json", stream)
    work_log.addHandler(handler)

    async def scenario(a: str, b: str, _metrics: str) -> None:
        assert await call(a, "Relay", "trace-me-1") == b"trace-me-1"

    try:
        run_with_two_servers(scenario)
    finally:
        work_log.removeHandler(handler)
    (relay,) = rpc_records(caplog, f"/{SERVICE}/Relay")
    (echo,) = rpc_records(caplog, f"/{SERVICE}/Echo")
    for record in (relay, echo):
        assert record.request_id == "trace-me-1"  # type: ignore[attr-defined]
        assert record.code == "OK"  # type: ignore[attr-defined]
        assert record.levelno == logging.INFO
        assert record.duration_ms >= 0  # type: ignore[attr-defined]
        assert f"/{SERVICE}/" in record.getMessage() and " OK " in record.getMessage()
    assert relay.duration_ms >= echo.duration_ms  # type: ignore[attr-defined]
    (work,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (work["message"], work["request_id"]) == ("echoing", "trace-me-1")
    assert current_request_id() == "-"


def test_a_missing_or_bad_id_is_replaced_and_streams_see_it() -> None:
    async def scenario(a: str, _b: str, _metrics: str) -> None:
        made = (await call(a, "Echo")).decode()
        assert len(made) == 32 and made != "-"
        replaced = (await call(a, "Echo", "bad id with spaces")).decode()
        assert len(replaced) == 32 and " " not in replaced
        async with aio_channel(a, signer=load_signer(GATEWAY), audience=CODES) as channel:
            stream = channel.unary_stream(f"/{SERVICE}/Count")(
                b"", metadata=((METADATA_KEY, "stream-7"),), timeout=5
            )
            items = [item async for item in stream]
        assert items == [b"0:stream-7", b"1:stream-7", b"2:stream-7"]

    run_with_two_servers(scenario)


def test_failures_are_logged_with_their_code(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario(a: str, _b: str, _metrics: str) -> None:
        for method, expected in (("Missing", "NOT_FOUND"), ("Crash", "UNKNOWN")):
            with pytest.raises(grpc.aio.AioRpcError) as failure:
                await call(a, method, f"id-{method}")
            assert failure.value.code().name == expected

    run_with_two_servers(scenario)
    (missing,) = rpc_records(caplog, f"/{SERVICE}/Missing")
    (crash,) = rpc_records(caplog, f"/{SERVICE}/Crash")
    assert (missing.code, missing.levelno) == ("NOT_FOUND", logging.INFO)  # type: ignore[attr-defined]
    assert (crash.code, crash.levelno) == ("UNKNOWN", logging.WARNING)  # type: ignore[attr-defined]
    assert crash.request_id == "id-Crash"  # type: ignore[attr-defined]


def test_metrics_count_each_rpc_on_its_own_servers_registry() -> None:
    async def scenario(a: str, b: str, metrics_url: str) -> None:
        await call(a, "Echo")
        await call(a, "Echo")
        await call(b, "Echo")  # server B has its own registry: not counted here
        with pytest.raises(grpc.aio.AioRpcError):
            await call(a, "Missing")
        async with httpx.AsyncClient() as client:
            text = (await client.get(metrics_url)).text
        labels = f'method="Echo",service="{SERVICE}"'
        assert f'medcode_grpc_server_requests_total{{code="OK",{labels}}} 2.0' in text
        assert (
            f'medcode_grpc_server_requests_total{{code="NOT_FOUND",method="Missing",'
            f'service="{SERVICE}"}} 1.0' in text
        )
        assert f"medcode_grpc_server_request_duration_seconds_count{{{labels}}} 2.0" in text
        assert "process_cpu_seconds_total" in text

    run_with_two_servers(scenario)


def test_a_taken_metrics_port_is_a_warning_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    registry = new_registry()
    first = start_metrics_listener(registry, host="127.0.0.1", port=0)
    taken = first.port
    try:
        with serving_metrics(registry, host="127.0.0.1", port=taken) as second:
            assert second is None
    finally:
        first.stop()
    assert f"cannot bind 127.0.0.1:{taken}" in caplog.text
    with serving_metrics(registry, host="127.0.0.1", port=taken) as again:
        assert again is not None, "stopping a listener releases its port"
        assert httpx.get(f"http://127.0.0.1:{taken}/metrics").status_code == 200
    with serving_metrics(registry, host="127.0.0.1", port=0) as off:
        assert off is None, "port 0 turns the listener off"
