"""Spoofed client addresses against the real gateway, metering and accounts (issue 13, finding 1).

Guest views per network and sign-in throttling per IP are only as good as the address they
count: a client must not buy either by writing its own X-Forwarded-For. Metering and accounts
here are this module's own, with small per-address limits, so counting under 127.0.0.1 never
starves other tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

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
    """Metering and accounts with small per-address limits, in front of the session codes."""
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
