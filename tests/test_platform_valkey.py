"""`medcode run` starts the embedded Valkey before everything and metering after codes, wires
their addresses, and stops them; `MEDCODE_VALKEY_EMBEDDED=false` uses an external Redis instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.health_probe import grpc_serving
from medcode_common.service_auth import GATEWAY, METERING

from .test_platform_run import alive, children_of, free_port

pytestmark = pytest.mark.timeout(240)


def children(pid: int) -> dict[int, str]:
    """Child pid -> executable name."""
    found = {}
    for child in children_of(pid):
        try:
            found[child] = Path(f"/proc/{child}/exe").resolve().name
        except OSError:
            continue
    return found


def platform_env(codes_data_dir: Path, **extra: str) -> dict[str, str]:
    ports = ("CODES", "SEARCH", "GATEWAY", "METERING", "ACCOUNTS", "VALKEY")
    env = {**os.environ, **{f"MEDCODE_{name}_PORT": str(free_port()) for name in ports}}
    for variable in ("MEDCODE_METERING_REDIS_URL", "MEDCODE_EVENTS_REDIS_URL"):
        env.pop(variable, None)
    env["MEDCODE_CODES_DATA_DIR"] = str(codes_data_dir)
    env["MEDCODE_SEARCH_INDEX_DIR"] = str(codes_data_dir / "search")
    return env | extra


@pytest.fixture
def run_platform() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Started `medcode run` processes; any still running at the end are killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def start(env: dict[str, str], started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    medcode = shutil.which("medcode") or str(Path(sys.executable).parent / "medcode")
    process = subprocess.Popen([medcode, "run"], env=env)
    started.append(process)
    address = f"127.0.0.1:{env['MEDCODE_METERING_PORT']}"
    deadline = time.monotonic() + 180
    while not grpc_serving(address):
        assert process.poll() is None, "medcode run exited during start-up"
        assert time.monotonic() < deadline, "metering not ready in 180 s"
        time.sleep(0.2)
    return process


def consume(env: dict[str, str]) -> pb.ConsumeViewResponse:
    with service_auth.channel(
        f"127.0.0.1:{env['MEDCODE_METERING_PORT']}", identity=GATEWAY, audience=METERING
    ) as channel:
        request = pb.ConsumeViewRequest(
            subject_type=pb.SUBJECT_TYPE_USER, subject_id="u1", plan="PLAN_FREE",
            system="icd10cm", code="E11.9",
        )  # fmt: skip
        return pb_grpc.MeteringServiceStub(channel).ConsumeView(request, timeout=10)


def stop(process: subprocess.Popen[bytes]) -> None:
    services = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while [pid for pid in services if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in services if alive(pid)], "services outlived medcode run"


def test_run_starts_embedded_valkey_and_metering_and_stops_them(
    codes_data_dir: Path, tmp_path: Path, run_platform: list[subprocess.Popen[bytes]]
) -> None:
    env = platform_env(codes_data_dir, MEDCODE_VALKEY_DIR=str(tmp_path / "valkey"))
    process = start(env, run_platform)
    assert "valkey-server" in children(process.pid).values()
    assert consume(env).remaining == 5
    store = redis.Redis(port=int(env["MEDCODE_VALKEY_PORT"]))
    assert store.config_get("appendonly") == {"appendonly": "yes"}
    assert [k.decode() for k in store.keys("medcode:views:user:u1:*")]  # metering writes here
    store.close()
    stop(process)
    assert any((tmp_path / "valkey").glob("appendonlydir/*.aof"))

    # The counts are on disk: a second run continues where the first stopped.
    env = platform_env(codes_data_dir, MEDCODE_VALKEY_DIR=str(tmp_path / "valkey"))
    process = start(env, run_platform)
    assert consume(env).reason == pb.VIEW_REASON_REPEAT_VIEW
    stop(process)


def test_production_points_at_an_external_redis_by_configuration_alone(
    codes_data_dir: Path, run_platform: list[subprocess.Popen[bytes]]
) -> None:
    with ValkeyServer() as external:
        env = platform_env(
            codes_data_dir,
            MEDCODE_VALKEY_EMBEDDED="false",
            MEDCODE_METERING_REDIS_URL=external.url,
            MEDCODE_EVENTS_REDIS_URL=external.url,
        )
        process = start(env, run_platform)
        assert "valkey-server" not in children(process.pid).values()
        assert consume(env).remaining == 5
        client = redis.Redis.from_url(external.url)
        assert client.keys("medcode:views:user:u1:*")
        client.close()
        stop(process)
