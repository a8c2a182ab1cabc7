"""An error raised anywhere in the gateway's layers is a problem document, never text/plain.

The request observer answers whatever fails inside it (routes and the middleware below it); the
app's last-resort handler answers what fails outside it. A fault is injected as one more ASGI
layer in the real gateway's stack, above and below the observer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

PROBLEM = "application/problem+json"


class FailOn:
    """A layer that raises on one path, as a broken middleware would."""

    def __init__(self, app: ASGIApp, *, path: str) -> None:
        self._app = app
        self._path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self._path:
            raise RuntimeError(f"secret detail of {self._path}")
        await self._app(scope, receive, send)


@pytest.fixture(scope="module")
def faulty_gateway(service_addresses: dict[str, str]) -> Iterator[str]:
    app = create_app(GatewaySettings(**service_addresses, events=False))
    # Outermost first: one fault outside the request observer, one among the other layers.
    app.user_middleware.insert(0, Middleware(FailOn, path="/v1/outside"))
    app.user_middleware.insert(3, Middleware(FailOn, path="/v1/inside"))
    server = UvicornThread(app)
    server.start()
    yield server.url
    server.stop()


@pytest.mark.parametrize("path", ["/v1/inside", "/v1/outside"])
def test_a_failing_layer_answers_a_problem_naming_only_the_request_id(
    faulty_gateway: str, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    caplog.set_level(logging.ERROR)
    request_id = f"fault-{path.rsplit('/', 1)[1]}"
    response = httpx.get(f"{faulty_gateway}{path}", headers={"X-Request-ID": request_id})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["x-request-id"] == request_id
    body = response.json()
    assert body["status"] == 500 and body["request_id"] == request_id
    assert body["instance"] == path and request_id in body["detail"]
    assert "secret" not in response.text and "RuntimeError" not in response.text
    logged = [
        r
        for r in caplog.records
        if r.name == "medcode_gateway.errors" and getattr(r, "request_id", None) == request_id
    ]
    assert logged and logged[0].exc_info is not None
    assert "secret detail" in str(logged[0].exc_info[1])


def test_the_gateway_still_answers_after_a_fault(faulty_gateway: str) -> None:
    httpx.get(f"{faulty_gateway}/v1/outside")
    assert httpx.get(f"{faulty_gateway}/healthz").status_code == 200
