"""A small closed-loop HTTP/1.1 load generator (keep-alive, N connections, GET only).

Extra request headers (an API key, a bearer token) are passed with ``--header "Name: value"``.

Written on asyncio streams rather than an HTTP client library so the client costs far less
CPU than the servers it measures. Run as a process of its own:
``python bench/loadgen.py PORT PATHS_FILE --connections 32 --requests 20000``; prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import time


async def _worker(
    port: int,
    paths: itertools.cycle[str],
    count: int,
    latencies: list[float],
    errors: list[int],
    extra_headers: str,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            path = next(paths)
            started = time.perf_counter()
            request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n{extra_headers}\r\n"
            writer.write(request.encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def run(
    port: int,
    paths: list[str],
    *,
    connections: int,
    requests: int,
    headers: list[str] | None = None,
) -> dict[str, float]:
    """Send `requests` GETs over `connections` keep-alive connections; return the summary."""
    cycle = itertools.cycle(paths)
    extra = "".join(f"{header}\r\n" for header in headers or [])
    latencies: list[float] = []
    errors: list[int] = []
    per = requests // connections
    started = time.perf_counter()
    await asyncio.gather(
        *(_worker(port, cycle, per, latencies, errors, extra) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("paths_file")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--header", action="append", default=[], help='"Name: value"')
    args = parser.parse_args()
    with open(args.paths_file) as handle:
        paths = [line.strip() for line in handle if line.strip()]
    result = asyncio.run(
        run(
            args.port,
            paths,
            connections=args.connections,
            requests=args.requests,
            headers=args.header,
        )
    )
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
