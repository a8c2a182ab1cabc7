"""The client address the real gateway trusts, as its access log records it (issue 13,
finding 1), and the gateway process leaving forwarded headers to the gateway alone.

The guest-cap and sign-in-throttle attacks, which need metering and accounts of their own,
are in the repository's tests/test_client_address_spoofing.py.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread


def _gateway(services: dict[str, str], trusted_proxies: str) -> UvicornThread:
    settings = GatewaySettings(**services, trusted_proxies=trusted_proxies, events=False)
    server = UvicornThread(create_app(settings))
    server.start()
    return server


@pytest.fixture(scope="module")
def untrusting(service_addresses: dict[str, str]) -> Iterator[str]:
    """A gateway that trusts no proxy (the default): every test client is 127.0.0.1."""
    server = _gateway(service_addresses, "")
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def behind_proxies(service_addresses: dict[str, str]) -> Iterator[str]:
    """A gateway behind two proxy tiers: the test client (127.0.0.1) and an internal 10/8."""
    server = _gateway(service_addresses, "127.0.0.1/32, 10.0.0.0/8")
    yield server.url
    server.stop()


def _access_client(caplog: pytest.LogCaptureFixture, request_id: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.name == "medcode_gateway.access" and record.request_id == request_id:  # type: ignore[attr-defined]
                return str(record.client)  # type: ignore[attr-defined]
        time.sleep(0.02)
    raise AssertionError(f"no access line for {request_id}")


@pytest.mark.parametrize(
    ("gateway", "forwarded_for", "client"),
    [
        ("untrusting", None, "127.0.0.1"),
        ("untrusting", "203.0.113.7", "127.0.0.1"),
        ("behind_proxies", None, "127.0.0.1"),
        ("behind_proxies", "203.0.113.7", "203.0.113.7"),
        ("behind_proxies", "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        ("behind_proxies", "192.0.2.1, 203.0.113.7, 10.9.8.7", "203.0.113.7"),
        ("behind_proxies", "10.0.0.1, 203.0.113.7, 10.9.8.7", "203.0.113.7"),
        ("behind_proxies", "[2001:db8::7]:4711", "2001:db8::7"),
        ("behind_proxies", "2001:db8::7, 10.9.8.7", "2001:db8::7"),
        ("behind_proxies", "203.0.113.7, not-an-address", "127.0.0.1"),
        ("behind_proxies", "203.0.113.7,,", "127.0.0.1"),
        ("behind_proxies", "\u00e9\u00e9, \u00ff", "127.0.0.1"),
        ("behind_proxies", "1" * 4000, "127.0.0.1"),
    ],
)
def test_the_access_log_names_the_client_the_gateway_trusts(
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    gateway: str,
    forwarded_for: str | None,
    client: str,
) -> None:
    caplog.set_level(logging.INFO)
    url = request.getfixturevalue(gateway)
    request_id = uuid.uuid4().hex
    headers = {"X-Request-ID": request_id}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for.encode("latin-1")  # type: ignore[assignment]
    assert httpx.get(f"{url}/v1/no-such-page", headers=headers).status_code == 404
    assert _access_client(caplog, request_id) == client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_gateway_process_leaves_forwarded_headers_to_the_gateway(tmp_path: Path) -> None:
    """`medcode run` starts `python -m medcode_gateway`: uvicorn there must not rewrite the
    peer from X-Forwarded-For (its default trusts any loopback peer)."""
    port = _free_port()
    env = {
        **os.environ,
        "MEDCODE_GATEWAY_PORT": str(port),
        "MEDCODE_GATEWAY_EVENTS": "false",
        "MEDCODE_LOG_FORMAT": "json",
        "MEDCODE_LOG_LEVEL": "INFO",
    }
    env.pop("MEDCODE_GATEWAY_TRUSTED_PROXIES", None)
    log = (tmp_path / "gateway.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "medcode_gateway"], env=env, stderr=log, stdout=log
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "gateway did not start"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        headers = {"X-Forwarded-For": "203.0.113.7", "X-Request-ID": "spoof-1"}
        assert httpx.get(f"{url}/v1/no-such-page", headers=headers).status_code == 404
        deadline = time.monotonic() + 10
        while not (lines := _json_lines(log, "spoof-1")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)
    (line,) = lines
    assert line["client"] == "127.0.0.1"


def _json_lines(log: object, request_id: str) -> list[dict]:
    log.seek(0)  # type: ignore[attr-defined]
    found = []
    for text in log.read().splitlines():  # type: ignore[attr-defined]
        if text.startswith("{"):
            entry = json.loads(text)
            if entry.get("request_id") == request_id and entry.get("path"):
                found.append(entry)
    return found
