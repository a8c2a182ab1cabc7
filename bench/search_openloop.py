"""Open-loop HTTP load: requests start on a fixed schedule whether or not earlier ones finished.

A closed loop slows down when the server does and so hides queueing; here request i is due at
``i / rate`` seconds and its latency is measured from that due time (no coordinated omission).
Idle keep-alive connections are reused; a new one is opened when all are busy. Run as a
process of its own: ``python bench/search_openloop.py PORT PATHS_FILE --rate 200 --seconds 15``;
prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time


async def _get(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str) -> int:
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return int(head[9:12])


async def run(port: int, paths: list[str], *, rate: float, seconds: float) -> dict[str, float]:
    """Offer `rate` requests/s for `seconds`; latency counts from each request's due time."""
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    errors: list[int] = []
    opened = 0

    async def one(path: str, due: float) -> None:
        nonlocal opened
        connection = idle.pop() if idle else None
        try:
            if connection is None:
                raise ConnectionError("no idle connection")
            status = await _get(connection, path)
        except (ConnectionError, asyncio.IncompleteReadError):
            # None idle, or the server closed an idle keep-alive one: open a new connection.
            if connection is not None:
                connection[1].close()
            connection = await asyncio.open_connection("127.0.0.1", port)
            opened += 1
            status = await _get(connection, path)
        latencies.append(time.perf_counter() - due)
        if status != 200:
            errors.append(status)
        idle.append(connection)

    total = int(rate * seconds)
    started = time.perf_counter()
    tasks = []
    for number in range(total):
        due = started + number / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(paths[number % len(paths)], due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    for _reader, writer in idle:
        writer.close()
    latencies.sort()
    return {
        "offered_rps": rate,
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / elapsed,
        "connections": opened,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("paths_file")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    with open(args.paths_file) as handle:
        paths = [line.strip() for line in handle if line.strip()]
    result = asyncio.run(run(args.port, paths, rate=args.rate, seconds=args.seconds))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
