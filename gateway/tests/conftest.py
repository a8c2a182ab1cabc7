"""Gateway fixtures: the real gateway on loopback in front of a real codes service."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Protocol

import httpx
import pytest
from pydantic import SecretStr

from medcode.accounts.v1 import accounts_service_pb2 as apb
from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode_common import service_auth
from medcode_common.events import EventSettings, create_bus
from medcode_common.plans import Plan
from medcode_common.service_auth import ACCOUNTS, CLI
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

from .browser import Browser


class Mailbox(Protocol):
    """The accounts plugin's SMTP sink (`accounts_mail_sink`), as these tests use it."""

    def wait_for(self, to: str, *, count: int = 1, timeout: float = 60.0) -> EmailMessage: ...

    def confirmation_token(self, to: str, *, count: int = 1) -> str: ...


@pytest.fixture(scope="session")
def service_addresses(
    codes_address: str,
    search_address: str,
    accounts_address: str,
    metering_address: str,
    assistant_address: str,
) -> dict[str, str]:
    """The real services (their pytest plugins start them), as GatewaySettings fields."""
    return {
        "codes_addr": codes_address,
        "search_addr": search_address,
        "accounts_addr": accounts_address,
        "metering_addr": metering_address,
        "assistant_addr": assistant_address,
    }


@pytest.fixture(scope="session")
def gateway_url(service_addresses: dict[str, str], metering_redis_url: str) -> Iterator[str]:
    """Base URL of a gateway wired to the real services.

    The test client's own address (127.0.0.1) is a trusted proxy, so tests can give each
    simulated guest its own client IP via X-Forwarded-For, as a load balancer would.
    """
    settings = GatewaySettings(
        **service_addresses,
        cookie_secret=SecretStr("test-cookie-secret"),
        trusted_proxies="127.0.0.1/32",
        rpc_timeout_seconds=10,  # 100-request bursts on a loaded 2-core CI box
    )
    bus = EventSettings(redis_url=metering_redis_url)
    server = UvicornThread(create_app(settings, bus_factory=lambda: create_bus(bus)))
    server.start()
    yield server.url
    server.stop()


def create_operator_key(
    accounts_address: str, *, plan: str, quota: int = 0, rps: float = 0.0, name: str = "test"
) -> str:
    """A partner/internal API key made the way the operator CLI makes one (no owner)."""
    with service_auth.channel(accounts_address, identity=CLI, audience=ACCOUNTS) as channel:
        stub = accounts_grpc.AccountsServiceStub(channel)
        reply = stub.CreateApiKey(
            apb.CreateApiKeyRequest(
                name=name, plan=Plan(plan).proto, monthly_quota=quota, rate_per_second=rps
            ),
            timeout=10,
        )
    return str(reply.secret)


@pytest.fixture(scope="session")
def internal_key(accounts_address: str) -> str:
    """An internal-plan key: unlimited code pages, so lookup tests are not metered away."""
    return create_operator_key(accounts_address, plan="internal", name="gateway tests")


@pytest.fixture(scope="session")
def api(gateway_url: str, internal_key: str) -> Iterator[httpx.Client]:
    """An HTTP client for the gateway, calling as an internal partner system."""
    headers = {"X-API-Key": internal_key}
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        yield client


@pytest.fixture
def browser(gateway_url: str) -> Iterator[Browser]:
    """A fresh anonymous visitor with its own client IP."""
    headers = {"X-Forwarded-For": f"198.51.100.{next(_VISITOR_IPS)}"}
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        yield Browser(client)


_VISITOR_IPS = itertools.cycle(range(1, 255))


@pytest.fixture(scope="session")
def accounts_events_url(metering_redis_url: str) -> str:
    """One event bus for the stack: accounts publishes user.registered where metering reads."""
    return metering_redis_url


@pytest.fixture(scope="session")
def assistant_gateway_url(service_addresses: dict[str, str]) -> Iterator[str]:
    """A gateway wired to the real services, the assistant (CasePilot) included, without
    the event listeners."""
    settings = GatewaySettings(
        **service_addresses,
        cookie_secret=SecretStr("test-cookie-secret"),
        trusted_proxies="127.0.0.1/32",
        rpc_timeout_seconds=10,
        assistant_timeout_seconds=30,
        events=False,
    )
    server = UvicornThread(create_app(settings))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def visitor(assistant_gateway_url: str) -> Iterator[Browser]:
    """A fresh anonymous visitor of the CasePilot gateway, with its own client IP."""
    headers = {"X-Forwarded-For": f"192.0.2.{next(_VISITOR_IPS)}"}
    with httpx.Client(base_url=assistant_gateway_url, timeout=60, headers=headers) as client:
        yield Browser(client)
