"""A metering outage degrades the code page to its descriptions; it never fails the page."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread
from medcode_gateway.web.code_meter import METER_DOWN


@pytest.fixture(scope="module")
def meterless_site(codes_address: str, accounts_address: str) -> Iterator[httpx.Client]:
    """A gateway whose metering service is not there (nothing listens on its port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    settings = GatewaySettings(
        events=False,
        codes_addr=codes_address,
        accounts_addr=accounts_address,
        search_addr=dead,
        metering_addr=dead,
        rpc_timeout_seconds=0.5,
    )
    server = UvicornThread(create_app(settings))
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client
    server.stop()


def test_a_guest_gets_the_descriptions_while_views_cannot_be_counted(
    meterless_site: httpx.Client,
) -> None:
    response = meterless_site.get("/codes/icd10cm/E11.9", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert METER_DOWN in response.text and "Official Description" in response.text
    assert "Register to view content" in response.text
    assert "Use additional code" not in response.text, "nothing locked is sent"
    assert "x-views-remaining" not in response.headers
