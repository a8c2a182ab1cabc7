"""Benchmark: gateway code lookup vs a bare FastAPI JSON endpoint, measured in one run.

Both are served the same way (uvicorn, one worker, uvloop/httptools when installed) and
loaded by `loadgen.py` in a process of its own; the gateway calls a real codes service.
Every gateway scenario starts a fresh stack (bench/stack.py), so caches hold only what it
warms itself; requests come from a Pro user (unmetered: the gateway checks the JWT locally):

- gateway_no_http_cache: the gateway's lookup cache off, 1,000 codes the codes service has
  seen (every request is a full REST -> gRPC -> render round trip);
- gateway_repeat_1000: 1,000 codes looked up again (served by the gateway's lookup cache);
- gateway_zipf_cold_start: codes drawn by Zipf's law (s=1.1) over every billable code, from
  empty caches (the realistic mix of popular and rare codes);
- gateway_unique_cold_start: every request a code never seen before (worst case).

    python bench/gateway_lookup.py [--requests 20000] [--connections 32]
Writes bench/results/gateway_lookup.json and prints a summary table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack import free_port, stack, start, stop, wait_http

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_common.codesystems import System

HERE = Path(__file__).resolve().parent


def load(
    port: int,
    paths: list[str],
    *,
    requests: int,
    connections: int,
    headers: list[str] | None = None,
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    try:
        out = subprocess.run(
            [
                sys.executable,
                str(HERE / "loadgen.py"),
                str(port),
                handle.name,
                "--requests",
                str(requests),
                "--connections",
                str(connections),
                *[arg for header in headers or [] for arg in ("--header", header)],
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    return dict(json.loads(out))


@contextmanager
def platform(data_dir: Path, **gateway_env: str) -> Iterator[tuple[int, list[str]]]:
    """A fresh stack (empty caches); yields the gateway port and a Pro user's auth header.

    A Pro user is the unmetered path: the gateway verifies the JWT locally and calls only
    the codes service. bench/gateway_metering.py measures what metering adds.
    """
    with stack(data_dir, **gateway_env) as running:
        yield running.port, [f"Authorization: Bearer {running.user_token(plan='pro')}"]


@contextmanager
def bare_endpoint() -> Iterator[int]:
    """The baseline app under uvicorn, started the way the gateway is."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(HERE),
        "bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    processes = [start(argv, dict(os.environ))]
    try:
        wait_http(f"http://127.0.0.1:{port}/v1/codes/icd10cm/E11.9")
        yield port
    finally:
        stop(processes)


def zipf_paths(codes: list[str], count: int, rng: random.Random, s: float = 1.1) -> list[str]:
    """`count` lookups whose popularity follows Zipf's law over `codes` (a realistic mix)."""
    weights = [1 / (rank**s) for rank in range(1, len(codes) + 1)]
    return [f"/v1/codes/icd10cm/{code}" for code in rng.choices(codes, weights, k=count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--data-dir", default=os.environ.get("MEDCODE_CODES_DATA_DIR", "var"))
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    import_defaults(data_dir)
    snapshot = ReleaseCatalog.open_dir(data_dir).select(System.ICD10CM)
    billable = [n.code for n in snapshot.iter_nodes() if n.billable]
    rng = random.Random(7)
    rng.shuffle(billable)
    repeat = [f"/v1/codes/icd10cm/{code}" for code in billable[:1000]]
    unique = [f"/v1/codes/icd10cm/{code}" for code in billable]
    zipf = zipf_paths(billable, args.requests, rng)
    shape = {"requests": args.requests, "connections": args.connections}

    results: dict[str, dict[str, float]] = {}
    with bare_endpoint() as port:
        load(port, repeat, **shape)  # warm-up
        results["bare_fastapi"] = load(port, repeat, **shape)
    with platform(data_dir, MEDCODE_GATEWAY_CACHE_TTL_SECONDS="0") as (port, auth):
        load(port, repeat, **shape, headers=auth)  # warms the codes service's record cache only
        results["gateway_no_http_cache"] = load(port, repeat, **shape, headers=auth)
    with platform(data_dir) as (port, auth):
        load(port, repeat, **shape, headers=auth)
        results["gateway_repeat_1000"] = load(port, repeat, **shape, headers=auth)
    with platform(data_dir) as (port, auth):
        results["gateway_zipf_cold_start"] = load(port, zipf, **shape, headers=auth)
        results["gateway_zipf_cold_start"]["distinct_codes"] = len(set(zipf))
    with platform(data_dir) as (port, auth):
        results["gateway_unique_cold_start"] = load(port, unique, **shape, headers=auth)

    bare_rps = results["bare_fastapi"]["rps"]
    for row in results.values():
        row["ratio_vs_bare"] = row["rps"] / bare_rps
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    report = {"config": shape, "results": results}
    (out_dir / "gateway_lookup.json").write_text(json.dumps(report, indent=2))
    header = f"{'scenario':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}{'errors':>8}\n"
    sys.stdout.write(header)
    for name, row in results.items():
        sys.stdout.write(
            f"{name:<28}{row['rps']:>9.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['ratio_vs_bare']:>9.2f}{row['errors']:>8.0f}\n"
        )


if __name__ == "__main__":
    main()
