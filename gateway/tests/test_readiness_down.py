"""A gateway whose codes service is down stays alive but reports not ready, and 503s lookups."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread


@pytest.fixture(scope="module")
def orphan_gateway() -> Iterator[httpx.Client]:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    settings = GatewaySettings(
        codes_addr=dead, rpc_timeout_seconds=0.5, readiness_timeout_seconds=0.5
    )
    server = UvicornThread(create_app(settings))
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client
    server.stop()


def test_liveness_survives_a_dead_dependency(orphan_gateway: httpx.Client) -> None:
    assert orphan_gateway.get("/healthz").status_code == 200


def test_readiness_names_the_failing_service(orphan_gateway: httpx.Client) -> None:
    response = orphan_gateway.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()["failing"]) == {"codes", "search"}


def test_lookup_is_503_not_500(orphan_gateway: httpx.Client) -> None:
    response = orphan_gateway.get("/v1/codes/icd10cm/E11.9")
    assert response.status_code in {503, 504}
    assert response.json()["status"] == response.status_code
