"""Benchmark: gateway code lookup vs a bare FastAPI JSON endpoint, measured in one run.

Both are served the same way (uvicorn, one worker, uvloop/httptools when installed) and
loaded by `loadgen.py` in a process of its own. The gateway calls a real codes service.
Scenarios: a warm set of 1,000 codes (served from the codes service's record cache) and
every billable ICD-10-CM code once in random order (mostly cache misses).

    python bench/gateway_lookup.py [--requests 20000] [--connections 32]
Writes bench/results/gateway_lookup.json and prints a summary table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_codes.systems import System

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready")


def start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def load(port: int, paths: list[str], *, requests: int, connections: int) -> dict[str, float]:
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
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    return dict(json.loads(out))


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
    warm = [f"/v1/codes/icd10cm/{code}" for code in rng.sample(billable, 1000)]
    cold = [f"/v1/codes/icd10cm/{code}" for code in rng.sample(billable, len(billable))]

    codes_port, gateway_port, bare_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "MEDCODE_CODES_DATA_DIR": str(data_dir),
        "MEDCODE_CODES_PORT": str(codes_port),
        "MEDCODE_GATEWAY_PORT": str(gateway_port),
        "MEDCODE_GATEWAY_CODES_ADDR": f"127.0.0.1:{codes_port}",
        "MEDCODE_LOG_LEVEL": "WARNING",
    }
    uvicorn_args = ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
    processes = [
        start([sys.executable, "-m", "medcode_codes", "serve"], env),
        start([sys.executable, "-m", "medcode_gateway"], env),
        start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(HERE),
                "bare_app:app",
                "--port",
                str(bare_port),
                *uvicorn_args,
            ],
            env,
        ),
    ]
    try:
        wait_http(f"http://127.0.0.1:{gateway_port}/readyz")
        wait_http(f"http://127.0.0.1:{bare_port}/v1/codes/icd10cm/E11.9")
        shape = {"requests": args.requests, "connections": args.connections}
        load(gateway_port, warm, **shape)  # warm-up: imports, caches, connections
        load(bare_port, warm, **shape)
        results = {
            "bare_fastapi": load(bare_port, warm, **shape),
            "gateway_warm_1000_codes": load(gateway_port, warm, **shape),
            "gateway_cold_all_billable": load(gateway_port, cold, **shape),
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
    bare_rps = results["bare_fastapi"]["rps"]
    for row in results.values():
        row["ratio_vs_bare"] = row["rps"] / bare_rps
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "gateway_lookup.json").write_text(
        json.dumps({"config": shape, "results": results}, indent=2)
    )
    sys.stdout.write(
        f"{'scenario':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}{'errors':>8}\n"
    )
    for name, row in results.items():
        sys.stdout.write(
            f"{name:<28}{row['rps']:>9.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['ratio_vs_bare']:>9.2f}{row['errors']:>8.0f}\n"
        )


if __name__ == "__main__":
    main()
