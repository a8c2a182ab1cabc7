"""The accounts service's limits as HTTP answers, and key revocation across gateway replicas.

Sign-ups per network and sign-in floods become 429 problems with Retry-After; a revoked key
(by its owner on one replica, or by an operator with the CLI) is refused by every replica at
once, long before their key caches expire.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from medcode_common.events import EventSettings, create_bus
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

from .browser import Browser
from .conftest import Mailbox, create_operator_key
from .test_accounts_api import PASSWORD, assert_problem, email, sign_up

REVOCATION_DEADLINE = 30.0  # seconds: a generous bound for the event, far below the cache TTL


@pytest.fixture
def tight_gateway(
    start_accounts_service: Callable[..., Any], service_addresses: dict[str, str]
) -> Iterator[tuple[str, Mailbox]]:
    """A gateway in front of an accounts service (production argon2) with small limits."""
    accounts = start_accounts_service(
        signup_max_per_network=3, password_workers=1, password_queue=1
    )
    addresses = {**service_addresses, "accounts_addr": accounts.address}
    gateway = UvicornThread(create_app(GatewaySettings(**addresses, events=False)))
    gateway.start()
    yield gateway.url, accounts.mail
    gateway.stop()


def test_sign_ups_from_one_network_are_throttled_with_retry_after(
    tight_gateway: tuple[str, Mailbox],
) -> None:
    url, _sink = tight_gateway
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(3):
            body = {"email": email(), "password": PASSWORD}
            assert client.post("/v1/auth/register", json=body).status_code == 202
        over = client.post("/v1/auth/register", json={"email": email(), "password": PASSWORD})
    problem = assert_problem(over, 429)
    assert "your network" in problem["detail"]
    assert 3500 <= int(over.headers["retry-after"]) <= 3600


def test_a_sign_in_flood_gets_429s_while_the_profile_answers(
    tight_gateway: tuple[str, Mailbox],
) -> None:
    url, sink = tight_gateway
    address = f"flood-{uuid.uuid4().hex[:8]}@example.org"
    with httpx.Client(base_url=url, timeout=30) as client:
        token = sign_up(Browser(client), sink, address).json()["access_token"]

    async def flood() -> tuple[list[httpx.Response], list[int]]:
        body = {"email": address, "password": PASSWORD}
        bearer = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            logins = [client.post("/v1/auth/login", json=body) for _ in range(40)]
            profiles = [client.get("/v1/me", headers=bearer) for _ in range(10)]
            answers = await asyncio.gather(*logins, *profiles)
        return list(answers[:40]), [answer.status_code for answer in answers[40:]]

    logins, profiles = asyncio.run(flood())
    assert profiles == [200] * 10
    statuses = {answer.status_code for answer in logins}
    assert statuses == {200, 429}, statuses
    refused = [answer for answer in logins if answer.status_code == 429]
    for answer in refused:
        assert "too many sign-ins" in assert_problem(answer, 429)["detail"]
        assert int(answer.headers["retry-after"]) >= 1


@pytest.fixture
def replicas(
    service_addresses: dict[str, str], metering_redis_url: str
) -> Iterator[list[httpx.Client]]:
    """Two gateway replicas on the stack's event bus, each trusting a verified key for an hour."""
    settings = GatewaySettings(
        **service_addresses,
        cookie_secret=SecretStr("test-cookie-secret"),
        api_key_cache_seconds=3600,
        cache_ttl_seconds=0,
    )
    bus = EventSettings(redis_url=metering_redis_url)
    servers = [UvicornThread(create_app(settings, bus_factory=lambda: create_bus(bus)))]
    servers.append(UvicornThread(create_app(settings, bus_factory=lambda: create_bus(bus))))
    clients = []
    for server in servers:
        server.start()
        clients.append(httpx.Client(base_url=server.url, timeout=30))
    yield clients
    for client in clients:
        client.close()
    for server in servers:
        server.stop()


def refused_everywhere(replicas: list[httpx.Client], key: str) -> None:
    """Wait until every replica answers 401 to `key` (at most REVOCATION_DEADLINE)."""
    deadline = time.monotonic() + REVOCATION_DEADLINE
    for replica in replicas:
        while (status := replica.get("/v1/meter", headers={"X-API-Key": key}).status_code) == 200:
            assert time.monotonic() < deadline, "a replica kept accepting a revoked key"
            time.sleep(0.1)
        assert status == 401


def accepted_everywhere(replicas: list[httpx.Client], key: str) -> None:
    for replica in replicas:
        assert replica.get("/v1/meter", headers={"X-API-Key": key}).status_code == 200


def test_an_operator_revocation_reaches_every_replica_at_once(
    replicas: list[httpx.Client], accounts_address: str, accounts_data_dir: Path
) -> None:
    key = create_operator_key(accounts_address, plan="partner", name="revoke me")
    accepted_everywhere(replicas, key)  # now cached for an hour by both
    medcode = [sys.executable, "-m", "medcode_common.cli", "accounts", "revoke-key"]
    key_id = key.split("_")[2]
    done = subprocess.run(
        [*medcode, key_id, "--data-dir", str(accounts_data_dir)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    refused_everywhere(replicas, key)


def test_an_owner_revocation_on_one_replica_reaches_the_other(
    replicas: list[httpx.Client],
    accounts_data_dir: Path,
    accounts_mail_sink: Mailbox,
    partner_login: Callable[[httpx.Client], dict[str, str]],
) -> None:
    first, second = replicas
    csrf = partner_login(first)
    created = first.post("/v1/me/api-keys", json={"name": "two replicas"}, headers=csrf).json()
    accepted_everywhere(replicas, created["secret"])
    revoked = first.delete(f"/v1/me/api-keys/{created['key_id']}", headers=csrf)
    assert revoked.status_code == 204
    refused_everywhere([second, first], created["secret"])


@pytest.fixture
def partner_login(
    accounts_data_dir: Path, accounts_mail_sink: Mailbox
) -> Callable[[httpx.Client], dict[str, str]]:
    """Sign a new partner in on `client` (cookies as a header); its CSRF header and cookies."""

    def login(client: httpx.Client) -> dict[str, str]:
        browser = Browser(client)
        address = email()
        browser.post("/v1/auth/register", json={"email": address, "password": PASSWORD})
        token = accounts_mail_sink.confirmation_token(address)
        assert browser.get("/v1/auth/confirm", params={"token": token}).status_code == 200
        medcode = [sys.executable, "-m", "medcode_common.cli", "accounts", "set-plan"]
        subprocess.run(
            [*medcode, address, "partner", "--data-dir", str(accounts_data_dir)],
            check=True,
            capture_output=True,
        )
        browser.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
        cookies = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
        return {"X-CSRF-Token": browser.jar["medcode_csrf"], "Cookie": cookies}

    return login
