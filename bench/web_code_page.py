"""Benchmark: the code page (HTML) beside the JSON lookup of the same codes, in one run.

One fresh stack (bench/stack.py: codes, metering, accounts, gateway on loopback). Load is
open loop (request i is due at i / rate seconds, whatever happened before, so queueing shows)
at 100 requests/s, from a process of its own. Time to first byte counts from each request's
due time to the first byte of the answer; bytes are the body's. Callers:

- pro: a Pro user (unmetered: the gateway checks the JWT locally; no metering call);
- free: a free user with views to spare (every page is a metering call; the same code again
  within 24 h is a free repeat, so the user is given enough views for the run).

Scenarios, each HTML then JSON over the same codes: `cold` (codes never asked for, a
different set per format so neither warms the other's record) and `warm` (500 codes asked
for again: the gateway's rendered-record and lookup caches).

    python bench/web_code_page.py [--rate 100] [--seconds 20]
Writes bench/results/web_code_page.json and prints a summary table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stack import stack

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_common.codesystems import System

HERE = Path(__file__).resolve().parent
Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _get(connection: Connection, request: bytes) -> tuple[float, int, int]:
    """Send one GET; (seconds to the first byte after sending, status, body bytes)."""
    reader, writer = connection
    sent = time.perf_counter()
    writer.write(request)
    first = await reader.readexactly(1)
    first_byte = time.perf_counter() - sent
    head = first + await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return first_byte, int(head[9:12]), length


async def open_loop(
    port: int, paths: list[str], *, rate: float, seconds: float, headers: list[str]
) -> dict[str, float]:
    """Offer `rate` GETs/s for `seconds`; latencies count from each request's due time."""
    extra = "".join(f"{header}\r\n" for header in headers)
    idle: list[Connection] = []
    ttfb: list[float] = []
    sizes: list[int] = []
    errors: list[int] = []

    async def one(path: str, due: float) -> None:
        request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n{extra}\r\n".encode()
        connection = idle.pop() if idle else None
        try:
            if connection is None:
                raise ConnectionError("no idle connection")
            waited = time.perf_counter() - due
            first, status, size = await _get(connection, request)
        except (ConnectionError, asyncio.IncompleteReadError):
            if connection is not None:
                connection[1].close()
            connection = await asyncio.open_connection("127.0.0.1", port)
            waited = time.perf_counter() - due
            first, status, size = await _get(connection, request)
        ttfb.append(waited + first)
        sizes.append(size)
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
    ttfb.sort()
    return {
        "offered_rps": rate,
        "requests": len(ttfb),
        "errors": len(errors),
        "rps": len(ttfb) / elapsed,
        "ttfb_p50_ms": statistics.median(ttfb) * 1000,
        "ttfb_p99_ms": ttfb[int(len(ttfb) * 0.99) - 1] * 1000,
        "bytes_mean": statistics.fmean(sizes),
        "bytes_median": statistics.median(sizes),
    }


def load(
    port: int, paths: list[str], *, rate: float, seconds: float, headers: list[str]
) -> dict[str, float]:
    """Run `open_loop` in a process of its own, so the client does not share the server's CPU."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"paths": paths, "headers": headers}, handle)
    try:
        argv = [sys.executable, __file__, "--load", handle.name, "--port", str(port)]
        argv += ["--rate", str(rate), "--seconds", str(seconds)]
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(handle.name)
    return dict(json.loads(out))


def scenarios(codes: list[str], count: int) -> dict[str, tuple[list[str], list[str]]]:
    """(HTML paths, JSON paths) per scenario; cold sets are disjoint, warm ones the same."""
    html_cold, json_cold = codes[:count], codes[count : 2 * count]
    warm = codes[2 * count : 2 * count + 500]
    return {
        "cold": (
            [f"/codes/icd10cm/{c}" for c in html_cold],
            [f"/v1/codes/icd10cm/{c}" for c in json_cold],
        ),
        "warm": ([f"/codes/icd10cm/{c}" for c in warm], [f"/v1/codes/icd10cm/{c}" for c in warm]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--data-dir", default=os.environ.get("MEDCODE_CODES_DATA_DIR", "var"))
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:  # the load-generating child process
        spec = json.loads(Path(args.load).read_text())
        result = asyncio.run(
            open_loop(
                args.port,
                spec["paths"],
                rate=args.rate,
                seconds=args.seconds,
                headers=spec["headers"],
            )
        )
        sys.stdout.write(json.dumps(result) + "\n")
        return

    data_dir = Path(args.data_dir).resolve()
    import_defaults(data_dir)
    snapshot = ReleaseCatalog.open_dir(data_dir).select(System.ICD10CM)
    billable = [n.code for n in snapshot.iter_nodes() if n.billable]
    random.Random(15).shuffle(billable)
    count = int(args.rate * args.seconds)
    plan = scenarios(billable, count)
    accept = "Accept: text/html"
    results: dict[str, dict[str, float]] = {}
    views = str(10 * count + 1000)  # a free user who never runs out during the run
    with stack(data_dir, MEDCODE_METERING_FREE_VIEWS=views) as running:
        callers = {
            "pro": f"Authorization: Bearer {running.user_token(plan='pro')}",
            "free": f"Authorization: Bearer {running.user_token(plan='free')}",
        }
        shape = {"rate": args.rate, "seconds": args.seconds}
        for caller, auth in callers.items():
            for name, (html_paths, json_paths) in plan.items():
                if name == "warm":  # ask once so the second pass is served from caches
                    load(running.port, html_paths, **shape, headers=[auth, accept])
                    load(running.port, json_paths, **shape, headers=[auth])
                if name == "cold" and caller != "pro":
                    continue  # cold records are measured once; metering is the free rows' news
                html = load(running.port, html_paths, **shape, headers=[auth, accept])
                results[f"{caller}_{name}_html_page"] = html
                results[f"{caller}_{name}_json_lookup"] = load(
                    running.port, json_paths, **shape, headers=[auth]
                )
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    report = {"config": {"rate": args.rate, "seconds": args.seconds}, "results": results}
    (out_dir / "web_code_page.json").write_text(json.dumps(report, indent=2))
    header = f"{'scenario':<26}{'req/s':>8}{'TTFB p50':>10}{'TTFB p99':>10}{'bytes':>9}{'err':>6}\n"
    sys.stdout.write(header)
    for name, row in results.items():
        sys.stdout.write(
            f"{name:<26}{row['rps']:>8.1f}{row['ttfb_p50_ms']:>10.2f}{row['ttfb_p99_ms']:>10.2f}"
            f"{row['bytes_median']:>9.0f}{row['errors']:>6.0f}\n"
        )


if __name__ == "__main__":
    main()
