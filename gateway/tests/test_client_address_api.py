"""Spoofed client addresses against the real gateway, metering and accounts (issue 13, finding 1).

Guest views per network and sign-in throttling per IP are only as good as the address they
count: a client must not buy either by writing its own X-Forwarded-For.
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
from pydantic import SecretStr

from medcode_accounts.testing import AccountsThread
from medcode_accounts.testing import loopback_settings as accounts_settings
from medcode_common.events import EventSettings
from medcode_common.events.valkey_server import ValkeyServer
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread
from medcode_metering.testing import MeteringThread
from medcode_metering.testing import loopback_settings as metering_settings

GUEST_CAP = 3
FAILURES_PER_IP = 3


@pytest.fixture(scope="module")
def own_services(codes_address: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Metering and accounts of this module alone, with small per-address limits, so counting
    under 127.0.0.1 here never starves other tests."""
    with ValkeyServer() as valkey:
        metering = MeteringThread(
            metering_settings(valkey.url, guest_ip_daily_cap=GUEST_CAP),
            event_settings=EventSettings(redis_url=valkey.url),
        )
        accounts = AccountsThread(
            accounts_settings(
                tmp_path_factory.mktemp("accounts-spoofing"),
                login_max_failures_per_ip=FAILURES_PER_IP,
                login_max_failures_per_account=100,
                publish_events=False,
            )
        )
        metering.start()
        accounts.start()
        yield {
            "codes_addr": codes_address,
            "metering_addr": metering.address,
            "accounts_addr": accounts.address,
        }
        accounts.stop()
        metering.stop()


def _gateway(services: dict, trusted_proxies: str) -> UvicornThread:
    settings = GatewaySettings(
        **services,
        trusted_proxies=trusted_proxies,
        events=False,
        cookie_secret=SecretStr("spoofing"),
        rpc_timeout_seconds=10,
    )
    server = UvicornThread(create_app(settings))
    server.start()
    return server


@pytest.fixture(scope="module")
def untrusting(own_services: dict) -> Iterator[str]:
    """A gateway that trusts no proxy (the default): every test client is 127.0.0.1."""
    server = _gateway(own_services, "")
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def behind_proxies(own_services: dict) -> Iterator[str]:
    """A gateway behind two proxy tiers: the test client (127.0.0.1) and an internal 10/8."""
    server = _gateway(own_services, "127.0.0.1/32, 10.0.0.0/8")
    yield server.url
    server.stop()


def _fresh_guest_view(url: str, forwarded_for: str) -> httpx.Response:
    """A first visit (no cookie) claiming to come from `forwarded_for`."""
    headers = {"X-Forwarded-For": forwarded_for}
    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        return client.get("/v1/codes/icd10cm/E11.9")


def test_a_forwarded_header_from_an_untrusted_peer_buys_no_guest_views(untrusting: str) -> None:
    statuses = [
        _fresh_guest_view(untrusting, f"203.0.113.{n}").status_code for n in range(GUEST_CAP + 3)
    ]
    assert statuses == [200] * GUEST_CAP + [403] * 3
    refused = _fresh_guest_view(untrusting, "198.51.100.200")
    assert refused.status_code == 403 and "network" in refused.json()["detail"]


def test_a_forwarded_header_from_an_untrusted_peer_dodges_no_sign_in_throttle(
    untrusting: str,
) -> None:
    statuses = []
    for n in range(FAILURES_PER_IP + 2):
        with httpx.Client(base_url=untrusting, timeout=30) as client:
            response = client.post(
                "/v1/auth/login",
                json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.org", "password": "x" * 12},
                headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            )
        statuses.append(response.status_code)
    assert statuses == [401] * FAILURES_PER_IP + [429] * 2
    assert int(response.headers["retry-after"]) >= 1


def test_a_spoofed_prefix_through_trusted_proxies_still_counts_the_real_client(
    behind_proxies: str,
) -> None:
    """Each request claims another origin on the left; the proxies appended the real one."""
    statuses = [
        _fresh_guest_view(behind_proxies, f"192.0.2.{n}, 198.51.100.77, 10.1.2.3").status_code
        for n in range(GUEST_CAP + 2)
    ]
    assert statuses == [200] * GUEST_CAP + [403] * 2
    other = _fresh_guest_view(behind_proxies, "198.51.100.78, 10.1.2.3")
    assert other.status_code == 200, "another real client behind the same proxies has its own cap"


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
