"""Benchmark: ConsumeView through the metering gRPC service vs raw EVALSHA of the same script.

One run, one valkey-server (the embedded configuration: append-only file, fsync every second)
and the metering service as its own process (`python -m medcode_metering`, events on, as in
`medcode run`). This process is the client for both paths, with the same closed-loop
concurrency (N workers, each sending back to back) and the same workload: request i views
code C<i> as free user <i mod 2000>, so each user gets 10 views of which 6 are charged and 4
denied (the script's two main paths).

- grpc: grpc.aio stub, one channel, `ConsumeView` (validation, Lua via redis.asyncio, reply,
  ViewConsumed queued for the bus);
- raw: redis.asyncio EVALSHA of consume_view.lua with the same keys and arguments;
- grpc_health: the standard gRPC health Check on the same server: the ceiling that Python
  gRPC itself sets on this machine, for reading the ratio.

Client loops run on uvloop (as the service does). The scenarios alternate for `--rounds`
rounds and each reports its median round, so load from other processes hits them alike.

    python bench/metering.py [--requests 5000] [--concurrency 1 16 64] [--rounds 2]
Writes bench/results/metering.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
import uvloop
from grpc_health.v1 import health_pb2, health_pb2_grpc
from redis.asyncio import BlockingConnectionPool, Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gateway_lookup import free_port, start, stop  # noqa: E402

from medcode.metering.v1 import metering_service_pb2 as pb  # noqa: E402
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc  # noqa: E402
from medcode_common import service_auth  # noqa: E402
from medcode_common.health_probe import grpc_serving, redis_pong  # noqa: E402
from medcode_common.service_auth import GATEWAY, METERING  # noqa: E402
from medcode_common.service_auth.testing import temporary_keyring  # noqa: E402
from medcode_metering.allowance import (  # noqa: E402
    IP_DAY_TTL_SECONDS,
    MONTH_TTL_SECONDS,
    REPEAT_WINDOW_SECONDS,
    month_key,
    seen_key,
)
from medcode_metering.calendar import day_of, month_of  # noqa: E402
from medcode_metering.embedded_valkey import valkey_command  # noqa: E402
from medcode_metering.scripts import load_script  # noqa: E402

HERE = Path(__file__).resolve().parent
USERS = 2000
FREE_LIMIT = 6


async def closed_loop(
    call: Callable[[int], Awaitable[object]], *, requests: int, concurrency: int
) -> dict[str, float]:
    """`concurrency` workers share `requests` calls, each worker back to back; time each call."""
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            await call(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": requests,
        "concurrency": concurrency,
        "seconds": seconds,
        "per_second": requests / seconds,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
    }


async def through_grpc(address: str, prefix: str, requests: int, concurrency: int) -> dict:
    signer = service_auth.load_signer(GATEWAY)  # the caller metering serves
    async with service_auth.aio_channel(address, signer=signer, audience=METERING) as channel:
        stub = pb_grpc.MeteringServiceStub(channel)

        async def call(i: int) -> object:
            return await stub.ConsumeView(
                pb.ConsumeViewRequest(
                    subject_type=pb.SUBJECT_TYPE_USER,
                    subject_id=f"{prefix}{i % USERS}",
                    plan="PLAN_FREE",
                    system="icd10cm",
                    code=f"C{i}",
                ),
                timeout=10,
            )

        await closed_loop(call, requests=min(500, requests), concurrency=concurrency)  # warm-up
        return await closed_loop(call, requests=requests, concurrency=concurrency)


async def health_check(address: str, _prefix: str, requests: int, concurrency: int) -> dict:
    async with grpc.aio.insecure_channel(address) as channel:  # health is open (probes)
        stub = health_pb2_grpc.HealthStub(channel)

        async def call(_i: int) -> object:
            return await stub.Check(health_pb2.HealthCheckRequest(), timeout=10)

        await closed_loop(call, requests=min(500, requests), concurrency=concurrency)
        return await closed_loop(call, requests=requests, concurrency=concurrency)


async def raw_evalsha(url: str, prefix: str, requests: int, concurrency: int) -> dict:
    pool = BlockingConnectionPool.from_url(url, max_connections=max(concurrency, 1), timeout=10)
    client = Redis(connection_pool=pool)
    script = load_script(client, "consume_view.lua")
    sha = await client.script_load(script.script)
    now = time.time()
    month, day = month_of(now), day_of(now)

    async def call(i: int) -> object:
        subject = f"{prefix}{i % USERS}"
        keys = [month_key("user", subject, month), seen_key("user", subject)]
        keys.append(f"medcode:guest-ip:-:{day}")
        args = [repr(time.time()), FREE_LIMIT, -1, MONTH_TTL_SECONDS, REPEAT_WINDOW_SECONDS]
        args += [IP_DAY_TTL_SECONDS, f"icd10cm:C{i}"]
        return await client.evalsha(sha, 3, *keys, *args)  # type: ignore[misc]

    try:
        await closed_loop(call, requests=min(500, requests), concurrency=concurrency)
        return await closed_loop(call, requests=requests, concurrency=concurrency)
    finally:
        await client.aclose()
        await pool.disconnect()


def wait(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready")
        time.sleep(0.05)


def measure(address: str, url: str, options: argparse.Namespace) -> dict[str, dict]:
    """Every scenario at every concurrency, alternating for `rounds`; the median round each."""
    scenarios = {
        "grpc_consume_view": lambda p, n, c: through_grpc(address, p, n, c),
        "raw_evalsha": lambda p, n, c: raw_evalsha(url, p, n, c),
        "grpc_health": lambda p, n, c: health_check(address, p, n, c),
    }
    results: dict[str, dict] = {}
    for concurrency in options.concurrency:
        runs: dict[str, list[dict]] = {name: [] for name in scenarios}
        for round_no in range(options.rounds):
            for name, scenario in scenarios.items():
                prefix = f"{name[0]}{concurrency}-{round_no}-"
                runs[name].append(uvloop.run(scenario(prefix, options.requests, concurrency)))
        for name, rows in runs.items():
            rows.sort(key=lambda row: row["per_second"])
            results[f"{name}_c{concurrency}"] = rows[len(rows) // 2]
        ratio = (
            results[f"grpc_consume_view_c{concurrency}"]["per_second"]
            / results[f"raw_evalsha_c{concurrency}"]["per_second"]
        )
        results[f"ratio_c{concurrency}"] = {"grpc_over_raw": ratio}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with (
        temporary_keyring(),
        tempfile.TemporaryDirectory(prefix="medcode-bench-valkey-") as directory,
    ):
        valkey_port, metering_port = free_port(), free_port()
        url = f"redis://127.0.0.1:{valkey_port}/0"
        processes = [start(valkey_command(port=valkey_port, directory=Path(directory)), {})]
        wait(lambda: redis_pong(f"127.0.0.1:{valkey_port}"), "valkey-server")
        env = {
            **os.environ,
            "MEDCODE_LOG_LEVEL": "WARNING",
            "MEDCODE_METERING_PORT": str(metering_port),
            "MEDCODE_METERING_REDIS_URL": url,
            "MEDCODE_EVENTS_REDIS_URL": url,
        }
        processes.append(start([sys.executable, "-m", "medcode_metering"], env))
        address = f"127.0.0.1:{metering_port}"
        try:
            wait(lambda: grpc_serving(address), "metering")
            results = measure(address, url, options)
        finally:
            stop(processes)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "metering.json").write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(f"{'scenario':<28} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}\n")
    for name, row in results.items():
        if "per_second" in row:
            rate, p50, p99 = row["per_second"], row["p50_ms"], row["p99_ms"]
            sys.stdout.write(f"{name:<28} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f}\n")
        else:
            sys.stdout.write(f"{name:<28} grpc/raw = {row['grpc_over_raw']:.2f}\n")


if __name__ == "__main__":
    main()
