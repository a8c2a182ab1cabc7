"""Start the MedCode services a gateway benchmark needs, as separate processes on loopback.

codes + a throwaway valkey-server + metering + accounts + gateway, each fresh (empty caches),
plus helpers that obtain credentials the way an operator and a user would: a Pro user's
access token (register, `medcode accounts set-plan`, sign in) and an operator partner key.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.health_probe import grpc_serving
from medcode_common.parent_death import spawn_dying_with_parent
from medcode_common.service_auth.testing import temporary_keyring

PASSWORD = "bench-violet-lantern-42"


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


def wait_grpc(address: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not grpc_serving(address):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{address} not serving")
        time.sleep(0.1)


def start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # no orphan servers if the benchmark is killed
    return spawn_dying_with_parent(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=15)


@dataclass
class Stack:
    """A running stack: the gateway's port and the environment its services share."""

    port: int
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _medcode(self, *args: str) -> str:
        argv = [sys.executable, "-m", "medcode_common.cli", *args]
        return subprocess.run(argv, env=self.env, check=True, capture_output=True, text=True).stdout

    def user_token(self, *, plan: str = "free") -> str:
        """Register a user, confirm it and move it to `plan` (operator CLI), sign in: its
        access token."""
        email = f"bench-{uuid.uuid4().hex[:10]}@example.org"
        body = {"email": email, "password": PASSWORD}
        with httpx.Client(base_url=self.url, timeout=30) as client:
            client.post("/v1/auth/register", json=body).raise_for_status()
            self._medcode("accounts", "confirm-email", email)
            if plan != "free":
                self._medcode("accounts", "set-plan", email, plan)
            reply = client.post("/v1/auth/login", json=body)
            reply.raise_for_status()
            return str(reply.json()["access_token"])

    def operator_key(self, *, plan: str, quota: int, rps: float) -> str:
        """An operator API key (`medcode accounts create-key`)."""
        out = self._medcode(
            "accounts", "create-key", "--plan", plan, "--quota", str(quota), "--rps", str(rps)
        )
        return out.splitlines()[0].strip()


@contextmanager
def stack(data_dir: Path, **gateway_env: str) -> Iterator[Stack]:
    """A fresh stack over the code snapshots in `data_dir`; accounts and counters are temporary."""
    ports = {name: free_port() for name in ("codes", "metering", "accounts", "gateway")}
    # Every service signs and checks service tokens with keys made for this stack alone.
    with temporary_keyring(), tempfile.TemporaryDirectory() as tmp, ValkeyServer() as valkey:
        env = {
            **os.environ,
            "MEDCODE_CODES_DATA_DIR": str(data_dir),
            "MEDCODE_CODES_PORT": str(ports["codes"]),
            "MEDCODE_METERING_PORT": str(ports["metering"]),
            "MEDCODE_METERING_REDIS_URL": valkey.url,
            "MEDCODE_EVENTS_REDIS_URL": valkey.url,
            "MEDCODE_ACCOUNTS_PORT": str(ports["accounts"]),
            "MEDCODE_ACCOUNTS_DATA_DIR": str(Path(tmp) / "accounts"),
            # Users are confirmed with the operator CLI; no mail, and every sign-up is local.
            "MEDCODE_ACCOUNTS_SEND_MAIL": "false",
            "MEDCODE_ACCOUNTS_SIGNUP_MAX_PER_NETWORK": "100000",
            "MEDCODE_GATEWAY_PORT": str(ports["gateway"]),
            "MEDCODE_GATEWAY_CODES_ADDR": f"127.0.0.1:{ports['codes']}",
            "MEDCODE_GATEWAY_METERING_ADDR": f"127.0.0.1:{ports['metering']}",
            "MEDCODE_GATEWAY_ACCOUNTS_ADDR": f"127.0.0.1:{ports['accounts']}",
            "MEDCODE_LOG_LEVEL": "WARNING",
            **gateway_env,
        }
        processes = [
            start([sys.executable, "-m", "medcode_codes", "serve"], env),
            start([sys.executable, "-m", "medcode_metering"], env),
            start([sys.executable, "-m", "medcode_accounts"], env),
        ]
        try:
            for name in ("codes", "metering", "accounts"):
                wait_grpc(f"127.0.0.1:{ports[name]}")
            processes.append(start([sys.executable, "-m", "medcode_gateway"], env))
            wait_http(f"http://127.0.0.1:{ports['gateway']}/readyz")
            yield Stack(ports["gateway"], env)
        finally:
            stop(processes)
