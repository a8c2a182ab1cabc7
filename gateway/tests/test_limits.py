"""Size limits at the gateway (issue 13, finding 5): a body over the limit is a 413 problem
before it is read, and a message too large for a service is a 413, not a quota's 429."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import grpc
import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.core.problems import rpc_error_response
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

PROBLEM = "application/problem+json"
MIB = 1024 * 1024
DEFAULT_LIMIT = GatewaySettings().max_body_bytes


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port), timeout=15)
    return connection


def _head(path: str, *fields: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: gateway.test", "Content-Type: application/json"]
    return ("\r\n".join([*lines, *fields]) + "\r\n\r\n").encode()


def _answer(connection: socket.socket) -> tuple[http.client.HTTPResponse, dict]:
    """The response on `connection` (raises TimeoutError if the gateway is still waiting)."""
    response = http.client.HTTPResponse(connection)
    response.begin()
    return response, json.loads(response.read())


def _assert_refused(response: http.client.HTTPResponse, body: dict) -> None:
    assert response.status == 413, body
    assert (response.getheader("content-type") or "").startswith(PROBLEM)
    assert response.getheader("connection") == "close"
    assert body["status"] == 413 and str(DEFAULT_LIMIT) in body["detail"]


def test_a_declared_20_mb_login_body_is_refused_before_a_byte_of_it_is_sent(
    gateway_url: str,
) -> None:
    with _connect(gateway_url) as connection:
        connection.sendall(_head("/v1/auth/login", f"Content-Length: {20 * 1000 * 1000}"))
        response, body = _answer(connection)  # the body was never sent: no waiting for it
        _assert_refused(response, body)
        assert connection.recv(1) == b"", "the gateway closes instead of reading the rest"


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(gateway_url: str) -> None:
    chunk = b"x" * (64 * 1024)
    with _connect(gateway_url) as connection:
        connection.sendall(_head("/v1/auth/login", "Transfer-Encoding: chunked"))
        for _ in range(DEFAULT_LIMIT // len(chunk)):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.sendall(b"1\r\nx\r\n")  # one byte over; the body has not ended
        response, body = _answer(connection)
        _assert_refused(response, body)


def test_a_body_under_the_limit_is_read_and_judged_by_its_route(gateway_url: str) -> None:
    credentials = {"email": "a@example.org", "password": "p" * (DEFAULT_LIMIT - 100)}
    response = httpx.post(f"{gateway_url}/v1/auth/login", json=credentials, timeout=30)
    assert response.status_code == 422, response.text  # the route's own length rule
    assert response.json()["errors"][0]["loc"] == ["body", "password"]


@pytest.fixture(scope="module")
def gateway_with(service_addresses: dict[str, str]) -> Iterator[dict[int, str]]:
    """Gateways with other body limits, by limit."""
    servers = {
        limit: UvicornThread(
            create_app(GatewaySettings(**service_addresses, events=False, max_body_bytes=limit))
        )
        for limit in (200, 16 * MIB)
    }
    for server in servers.values():
        server.start()
    yield {limit: server.url for limit, server in servers.items()}
    for server in servers.values():
        server.stop()


@pytest.mark.parametrize("size", [200, 201])
def test_the_limit_is_the_configured_one(gateway_with: dict[int, str], size: int) -> None:
    prefix, suffix = b'{"email": "a@example.org", "password": "', b'"}'
    body = prefix + b"p" * (size - len(prefix) - len(suffix)) + suffix
    assert len(body) == size
    response = httpx.post(
        f"{gateway_with[200]}/v1/auth/login",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert (response.status_code == 413) == (size > 200), response.text
    assert response.headers["content-type"].startswith(PROBLEM)


def test_a_message_too_large_for_a_service_is_a_413_not_a_quota_429(
    gateway_with: dict[int, str],
) -> None:
    """A 5 MB validate body passes a 16 MiB gateway limit but not the codes service's 4 MiB."""
    codes = ["A" * 5_000] * 1_000
    response = httpx.post(
        f"{gateway_with[16 * MIB]}/v1/codes/validate",
        json={"system": "icd10cm", "codes": codes},
        timeout=60,
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "retry-after" not in response.headers
    detail = response.json()["detail"]
    assert detail.startswith("request too large") and "larger than max" in detail


def _rpc_error(details: str, *trailers: tuple[str, str]) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.aio.Metadata(),
        grpc.aio.Metadata(*trailers),
        details=details,
    )


@pytest.mark.parametrize(
    "details",
    [
        "Received message larger than max (5242950 vs. 4194304)",
        "Sent message larger than max (40000000 vs. 33554432)",
    ],
)
def test_grpc_message_size_errors_are_413(details: str) -> None:
    response = rpc_error_response(_rpc_error(details, ("retry-after", "3")), instance="/v1/x")
    assert response.status_code == 413 and "retry-after" not in response.headers
    assert details in json.loads(response.body)["detail"]


def test_a_service_out_of_capacity_is_still_a_429_with_retry_after() -> None:
    error = _rpc_error("Concurrent RPC limit exceeded", ("retry-after", "2.5"))
    response = rpc_error_response(error, instance="/v1/me")
    assert response.status_code == 429 and response.headers["retry-after"] == "3"
