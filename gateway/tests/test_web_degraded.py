"""Pages when services are down: home and plans still render (their lists left out), and a
search says so on a friendly 503 page, never a 500 or a stack trace."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

from .web_html import HTML


@pytest.fixture(scope="module")
def lonely_gateway() -> Iterator[httpx.Client]:
    """A gateway none of whose services answer."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    settings = GatewaySettings(
        events=False,
        codes_addr=dead,
        search_addr=dead,
        accounts_addr=dead,
        metering_addr=dead,
        rpc_timeout_seconds=0.5,
    )
    server = UvicornThread(create_app(settings))
    server.start()
    with httpx.Client(base_url=server.url, timeout=10, headers=HTML) as client:
        yield client
    server.stop()


def test_home_renders_without_the_code_set_list(lonely_gateway: httpx.Client) -> None:
    response = lonely_gateway.get("/")
    assert response.status_code == 200
    assert "list of code sets is not available right now" in response.text
    assert 'action="/search"' in response.text


def test_plans_render_without_numbers(lonely_gateway: httpx.Client) -> None:
    response = lonely_gateway.get("/plans")
    assert response.status_code == 200
    assert "meter is not answering" in response.text and "code pages a month" not in response.text


@pytest.mark.parametrize("path", ["/search?q=sunburn", "/browse", "/browse/icd10cm"])
def test_pages_that_need_a_service_are_friendly_503s(
    lonely_gateway: httpx.Client, path: str
) -> None:
    response = lonely_gateway.get(path)
    assert response.status_code in {503, 504}
    assert response.headers["content-type"].startswith("text/html")
    assert "not answering right now" in response.text and "Traceback" not in response.text
