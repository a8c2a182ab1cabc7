"""Gateway fixtures: the real gateway on loopback in front of a real codes service."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread


@pytest.fixture(scope="session")
def gateway_url(codes_address: str, search_address: str) -> Iterator[str]:
    """Base URL of a gateway wired to the real codes and search services (pytest plugins)."""
    settings = GatewaySettings(codes_addr=codes_address, search_addr=search_address)
    server = UvicornThread(create_app(settings))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def api(gateway_url: str) -> Iterator[httpx.Client]:
    """An HTTP client for the gateway."""
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        yield client
