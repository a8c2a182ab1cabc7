"""Benchmark: what service-to-service authentication adds to an RPC, measured in one run.

Two real gRPC servers on loopback answer the same tiny unary method: one built by
`create_server` (request-id observer + the service-token interceptor, the caller's token
checked against the policy on every call), one with the observer alone (what every service
had before). A client calls each in a closed loop at several concurrencies, alternating
rounds; the median round is kept. Also timed in process: verifying a token the first time
(signature check) and again (remembered), and a caller's cached token.

    python bench/service_auth.py [--requests 5000] [--concurrency 1 16] [--rounds 3]
Writes bench/results/service_auth.json and prints a summary table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc

from medcode_common.grpc_server import create_server
from medcode_common.rpc_observer import RpcObserver
from medcode_common.service_auth import (
    CODES,
    GATEWAY,
    TokenVerifier,
    aio_channel,
    load_public_keys,
    load_signer,
    server_interceptor,
)
from medcode_common.service_auth.testing import temporary_keyring
from medcode_common.settings import GrpcServiceSettings

HERE = Path(__file__).resolve().parent
SERVICE = "medcode.bench.v1.EchoService"
METHOD = f"/{SERVICE}/Echo"


def echo_handler() -> grpc.GenericRpcHandler:
    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request

    return grpc.method_handlers_generic_handler(
        SERVICE, {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )


async def serve(*, authenticated: bool) -> tuple[grpc.aio.Server, str]:
    settings = GrpcServiceSettings(host="127.0.0.1", port=0)
    if authenticated:
        server, port, _health = create_server(
            settings=settings,
            register=lambda s: s.add_generic_rpc_handlers([echo_handler()]),
            auth=server_interceptor(CODES, {METHOD: frozenset({GATEWAY})}),
        )
    else:
        server = grpc.aio.server(interceptors=[RpcObserver()])
        server.add_generic_rpc_handlers([echo_handler()])
        port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"


async def closed_loop(call: Callable[[], Awaitable[object]], requests: int, workers: int) -> dict:
    latencies: list[float] = []
    left = [requests]

    async def worker() -> None:
        while left[0] > 0:
            left[0] -= 1
            started = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "per_second": requests / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
    }


async def measure(options: argparse.Namespace) -> dict[str, dict]:
    plain, plain_address = await serve(authenticated=False)
    checked, checked_address = await serve(authenticated=True)
    channels = {
        "observer_only": grpc.aio.insecure_channel(plain_address),
        "with_service_auth": aio_channel(
            checked_address, signer=load_signer(GATEWAY), audience=CODES
        ),
    }
    results: dict[str, dict] = {}
    try:
        for concurrency in options.concurrency:
            runs: dict[str, list[dict]] = {name: [] for name in channels}
            for _round in range(options.rounds):
                for name, channel in channels.items():
                    call = channel.unary_unary(METHOD)
                    runs[name].append(
                        await closed_loop(
                            lambda c=call: c(b"x", timeout=5), options.requests, concurrency
                        )  # fmt: skip
                    )
            for name, rows in runs.items():
                rows.sort(key=lambda row: row["per_second"])
                results[f"{name}_c{concurrency}"] = rows[len(rows) // 2]
    finally:
        for channel in channels.values():
            await channel.close()
        await plain.stop(0)
        await checked.stop(0)
    return results


def per_call_us(action: Callable[[], object], times: int) -> float:
    started = time.perf_counter()
    for _ in range(times):
        action()
    return (time.perf_counter() - started) / times * 1e6


def in_process() -> dict[str, dict]:
    from medcode_common.service_auth import ServiceAuthSettings

    signer = load_signer(GATEWAY)
    keys = load_public_keys(ServiceAuthSettings().keys_dir)
    token = signer.token(CODES)
    cold = per_call_us(lambda: TokenVerifier(audience=CODES, public_keys=keys).verify(token), 500)
    warm_verifier = TokenVerifier(audience=CODES, public_keys=keys)
    warm = per_call_us(lambda: warm_verifier.verify(token), 20_000)
    cached = per_call_us(lambda: signer.token(CODES), 20_000)
    return {"verify_first_us": {"us": cold}, "verify_again_us": {"us": warm},
            "sign_cached_us": {"us": cached}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with temporary_keyring():
        results = asyncio.run(measure(options))
        results |= in_process()
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "service_auth.json").write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(f"{'scenario':<28} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}\n")
    for name, row in results.items():
        if "per_second" in row:
            rate, p50, p99 = row["per_second"], row["p50_ms"], row["p99_ms"]
            sys.stdout.write(f"{name:<28} {rate:>9.0f} {p50:>8.3f} {p99:>8.3f}\n")
        else:
            sys.stdout.write(f"{name:<28} {row['us']:>9.1f} us\n")


if __name__ == "__main__":
    main()
