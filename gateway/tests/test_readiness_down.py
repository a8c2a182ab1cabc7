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
        events=False,
        codes_addr=dead,
        search_addr=dead,
        accounts_addr=dead,
        metering_addr=dead,
        assistant_addr=dead,
        rpc_timeout_seconds=0.5,
        readiness_timeout_seconds=0.5,
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
    assert set(response.json()["failing"]) == {
        "codes",
        "search",
        "accounts",
        "metering",
        "assistant",
    }


def test_lookup_is_503_not_500(orphan_gateway: httpx.Client) -> None:
    response = orphan_gateway.get("/v1/codes/icd10cm/E11.9")
    assert response.status_code in {503, 504}
    assert response.json()["status"] == response.status_code


def test_lookup_stays_ready_when_only_other_services_are_down(
    codes_address: str, internal_key: str
) -> None:
    """Search, accounts or metering down degrade their features; code lookup stays in rotation."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    settings = GatewaySettings(
        events=False,
        codes_addr=codes_address,
        search_addr=dead,
        accounts_addr=dead,
        metering_addr=dead,
        assistant_addr=dead,
        rpc_timeout_seconds=0.5,
        readiness_timeout_seconds=0.5,
    )
    server = UvicornThread(create_app(settings))
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            ready = client.get("/readyz")
            assert ready.status_code == 200 and ready.json()["status"] == "degraded"
            assert ready.json()["services"]["codes"] == "SERVING"
            guest_view = client.get("/v1/codes/icd10cm/E11.9")
            assert guest_view.status_code == 503, "no meter, no metered page: never free views"
            keyed = client.get("/v1/codes/icd10cm/E11.9", headers={"X-API-Key": internal_key})
            assert keyed.status_code == 503 and keyed.json()["status"] == 503
    finally:
        server.stop()
