"""`medcode run` (what `make run` calls): starts every service, serves lookups, stops cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import pytest

from medcode.accounts.v1 import accounts_service_pb2 as accounts_pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode_common import service_auth


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """PIDs whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Platform:
    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]


@pytest.fixture
def platform(codes_data_dir: Path, tmp_path: Path) -> Iterator[Platform]:
    medcode = shutil.which("medcode") or str(Path(sys.executable).parent / "medcode")
    gateway_port = free_port()
    env = {
        **os.environ,
        "MEDCODE_CODES_DATA_DIR": str(codes_data_dir),
        "MEDCODE_CODES_PORT": str(free_port()),
        "MEDCODE_GATEWAY_PORT": str(gateway_port),
        "MEDCODE_SEARCH_PORT": str(free_port()),
        "MEDCODE_SEARCH_INDEX_DIR": str(codes_data_dir / "search"),
        "MEDCODE_VALKEY_PORT": str(free_port()),
        "MEDCODE_VALKEY_DIR": str(tmp_path / "valkey"),
        "MEDCODE_METERING_PORT": str(free_port()),
        "MEDCODE_ACCOUNTS_PORT": str(free_port()),
        "MEDCODE_ASSISTANT_PORT": str(free_port()),
        "MEDCODE_ASSISTANT_METRICS_PORT": "0",
        "MEDCODE_ACCOUNTS_DATA_DIR": str(tmp_path / "accounts"),
        # Not there yet: `medcode run` makes a key pair for every identity on its first run.
        "MEDCODE_SERVICE_KEYS_DIR": str(tmp_path / "pki"),
        "MEDCODE_MAIL_SINK_PORT": str(free_port()),
        "MEDCODE_MAIL_SINK_DIR": str(tmp_path / "mail"),
    }
    for inherited in ("MEDCODE_METERING_REDIS_URL", "MEDCODE_EVENTS_REDIS_URL"):
        env.pop(inherited, None)  # the runner points every service at its embedded Valkey
    env.pop("MEDCODE_ACCOUNTS_SMTP_ADDR", None)  # and accounts at its mail sink
    process = subprocess.Popen([medcode, "run"], env=env)
    url = f"http://127.0.0.1:{gateway_port}"
    deadline = time.monotonic() + 240
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "medcode run exited during start-up"
            assert time.monotonic() < deadline, "platform not ready in 240 s"
            time.sleep(0.2)
        yield Platform(process, url, env)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_run_serves_lookups_and_stops_on_sigterm(platform: Platform) -> None:
    with httpx.Client(base_url=platform.url, timeout=10) as visitor:
        first = visitor.get("/v1/codes/icd10cm/e119")
        assert first.json()["code"] == "E11.9" and first.json()["billable"]
        assert first.headers["x-views-remaining"] == "0"  # metered by the embedded Valkey
        assert visitor.get("/v1/search", params={"q": "heart attack"}).json()["hits"]
    assert_services_only_answer_each_other(platform.env)
    services = children_of(platform.process.pid)
    assert len(services) == 8  # valkey, mail sink, codes, search, metering, accounts, assistant,
    # gateway
    platform.process.send_signal(signal.SIGTERM)
    assert platform.process.wait(timeout=30) == 0
    time.sleep(0.2)
    assert not [pid for pid in services if alive(pid)], "services outlived medcode run"


def assert_services_only_answer_each_other(env: dict[str, str]) -> None:
    """The run made private keys only its user can read, and accounts answers the gateway's
    token but not a caller without one."""
    keys = Path(env["MEDCODE_SERVICE_KEYS_DIR"])
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    for identity in service_auth.IDENTITIES:
        assert stat.S_IMODE((keys / f"{identity}.key.pem").stat().st_mode) == 0o600
        assert (keys / f"{identity}.pub.pem").is_file()
    accounts = f"127.0.0.1:{env['MEDCODE_ACCOUNTS_PORT']}"
    with grpc.insecure_channel(accounts) as anonymous, pytest.raises(grpc.RpcError) as refused:
        accounts_grpc.AccountsServiceStub(anonymous).GetJwks(
            accounts_pb.GetJwksRequest(), timeout=10
        )
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    settings = service_auth.ServiceAuthSettings(keys_dir=keys)
    signer = service_auth.load_signer(service_auth.GATEWAY, settings)
    with service_auth.channel(
        accounts, identity=service_auth.GATEWAY, audience=service_auth.ACCOUNTS, signer=signer
    ) as gateway:
        jwks = accounts_grpc.AccountsServiceStub(gateway).GetJwks(
            accounts_pb.GetJwksRequest(), timeout=10
        )
    assert jwks.jwks_json


def test_services_die_with_a_killed_runner(platform: Platform) -> None:
    services = children_of(platform.process.pid)
    platform.process.kill()
    platform.process.wait()
    deadline = time.monotonic() + 15
    while [pid for pid in services if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in services if alive(pid)], "orphan services after SIGKILL"
