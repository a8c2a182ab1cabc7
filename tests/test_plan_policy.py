"""One plan policy: the allowances are metering's configuration, and what a person reads about
them (the meter, the view-limit problem) is worded from the numbers metering enforces."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from medcode_common.events import EventSettings
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread
from medcode_metering.testing import MeteringThread, loopback_settings


@pytest.fixture(scope="module")
def gateway(metering_redis_url: str, codes_address: str, accounts_address: str) -> Iterator[str]:
    """A gateway in front of a metering service configured with other allowances."""
    metering = MeteringThread(
        loopback_settings(metering_redis_url, guest_views=2, free_views=3, guest_ip_daily_cap=50),
        event_settings=EventSettings(redis_url=metering_redis_url),
    )
    metering.start()
    settings = GatewaySettings(
        events=False,
        codes_addr=codes_address,
        accounts_addr=accounts_address,
        metering_addr=metering.address,
        cookie_secret=SecretStr("plan-policy"),
        cookie_secure=False,  # plain http on loopback: the client must send the guest cookie
        trusted_proxies="127.0.0.1/32",
        rpc_timeout_seconds=10,
    )
    server = UvicornThread(create_app(settings))
    server.start()
    yield server.url
    server.stop()
    metering.stop()


def test_the_meter_and_the_limit_say_the_configured_numbers(gateway: str) -> None:
    headers = {"X-Forwarded-For": "198.51.100.201"}
    with httpx.Client(base_url=gateway, timeout=30, headers=headers) as guest:
        meter = guest.get("/v1/meter").json()
        assert meter["limit"] == 2 and meter["remaining"] == 2
        assert meter["policy"] == {
            "guest_views": 2,
            "free_extra_views": 3,
            "guest_ip_daily_cap": 50,
        }
        assert meter["message"] == (
            "2 views left this month. Guest accounts are limited to 2 page views. "
            "Register free account to get 3 more views."
        )
        pages = [guest.get(f"/v1/codes/icd10cm/{code}") for code in ("E11.9", "I10", "J45.909")]
    assert [page.status_code for page in pages] == [200, 200, 403]
    assert pages[1].headers["X-Views-Remaining"] == "0"
    problem = pages[2].json()
    assert problem["detail"] == (
        "Guest accounts are limited to 2 page views. Register free account to get 3 more views."
    )
    assert problem["register"] == "/v1/auth/register"
