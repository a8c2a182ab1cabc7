"""Request ids, access lines, upstream failures and /metrics on the real gateway."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import pytest

from medcode_common.logs import build_handler
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

from .browser import Browser

T = TypeVar("T")
PROBLEM = "application/problem+json"
NEW_ID = re.compile(r"[0-9a-f]{32}")
CODE_PAGE = "/v1/codes/{system}/{code}"


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    """The gateway's access log as JSON lines, as production writes them."""
    stream = io.StringIO()
    logger = logging.getLogger("medcode_gateway.access")
    handler = build_handler("json", stream)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def eventually(find: Callable[[], list[T]], what: str, timeout: float = 10.0) -> list[T]:
    """What `find` returns once it is not empty: the access line is written after the
    response has gone out, so a fast client can look before the server wrote it."""
    deadline = time.monotonic() + timeout
    while not (found := find()):
        assert time.monotonic() < deadline, f"no {what} within {timeout:.0f} s"
        time.sleep(0.02)
    return found


def test_a_sane_id_is_echoed_and_a_bad_one_replaced(api: httpx.Client) -> None:
    kept = api.get("/healthz", headers={"X-Request-ID": "lb-7f3a:42"})
    assert kept.headers["x-request-id"] == "lb-7f3a:42"
    made = api.get("/healthz")
    assert NEW_ID.fullmatch(made.headers["x-request-id"])
    for bad in ("two words", "x" * 129, "semi;colon"):
        replaced = api.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert NEW_ID.fullmatch(replaced), bad


def test_problems_and_fast_paths_carry_the_id(api: httpx.Client, gateway_url: str) -> None:
    problem = api.get("/v1/codes/icd10cm/E11.99999", headers={"X-Request-ID": "p-1"})
    assert problem.status_code in (400, 404)
    assert problem.headers["content-type"].startswith(PROBLEM)
    assert problem.headers["x-request-id"] == "p-1"
    api.get("/v1/codes/icd10cm/I10")
    hit = api.get("/v1/codes/icd10cm/I10", headers={"X-Request-ID": "hit-1"})
    assert hit.headers["x-cache"] == "hit"  # answered by the fast path, before routing
    assert hit.headers["x-request-id"] == "hit-1"
    search = api.get("/v1/search", params={"q": "asthma"}, headers={"X-Request-ID": "s-1"})
    assert search.status_code == 200 and search.headers["x-request-id"] == "s-1"
    refused = httpx.get(
        f"{gateway_url}/v1/releases",
        headers={"X-API-Key": "mc_live_nope_nope", "X-Request-ID": "k"},
    )
    assert refused.status_code == 401  # the quota layer refuses before routing
    assert refused.headers["x-request-id"] == "k"


def test_each_request_has_one_access_line(browser: Browser, access_lines: io.StringIO) -> None:
    response = browser.get("/v1/codes/icd10cm/E11.9", headers={"X-Request-ID": "view-1"})
    assert response.status_code == 200
    browser.get("/healthz", headers={"X-Request-ID": "probe-1"})  # probes log at DEBUG
    (line,) = eventually(
        lambda: [e for e in parsed(access_lines) if e["request_id"] == "view-1"], "access line"
    )
    assert [entry["request_id"] for entry in parsed(access_lines)] == ["view-1"]
    assert line["level"] == "INFO" and line["logger"] == "medcode_gateway.access"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/v1/codes/icd10cm/E11.9", 200)
    assert line["route"] == CODE_PAGE
    assert line["client"] == browser.client.headers["x-forwarded-for"]  # one trusted hop
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /v1/codes/icd10cm/E11.9 200 ")  # type: ignore[union-attr]


def test_metrics_count_requests_by_route_template(api: httpx.Client) -> None:
    before = api.get("/metrics").text
    api.get("/v1/codes/icd10cm/E10.9")
    api.get("/v1/codes/icd10cm/E10.9")  # a fast-path hit counts under the same template
    api.get("/no/such/page")
    after = api.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    labels = {"route": CODE_PAGE, "method": "GET", "status": "200"}
    counted = metric(after.text, "medcode_http_requests_total", **labels)
    assert counted - metric(before, "medcode_http_requests_total", **labels) == 2
    assert "/v1/codes/icd10cm/E10.9" not in after.text, "raw paths must never be labels"
    assert (
        metric(
            after.text,
            "medcode_http_requests_total",
            route="<unmatched>",
            method="GET",
            status="404",
        )
        >= 1
    )
    assert (
        metric(
            after.text, "medcode_http_request_duration_seconds_count", route=CODE_PAGE, method="GET"
        )
        >= 2
    )
    assert "/metrics" not in api.get("/openapi.json").json()["paths"]


@pytest.fixture(scope="module")
def gateway_without_codes(
    search_address: str, accounts_address: str, metering_address: str
) -> Iterator[str]:
    """A real gateway whose codes address has no server behind it, plus a route that fails."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    app = create_app(
        GatewaySettings(
            codes_addr=dead,
            search_addr=search_address,
            accounts_addr=accounts_address,
            metering_addr=metering_address,
            rpc_timeout_seconds=1,
        )
    )

    async def broken() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/v1/broken", broken, include_in_schema=False)
    server = UvicornThread(app)
    server.start()
    yield server.url
    server.stop()


def test_an_upstream_failure_is_logged_before_the_5xx(
    gateway_without_codes: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = httpx.get(f"{gateway_without_codes}/v1/releases", headers={"X-Request-ID": "u-1"})
    assert response.status_code in (503, 504)
    assert response.headers["x-request-id"] == "u-1"
    eventually(
        lambda: [r for r in caplog.records if r.name == "medcode_gateway.access"], "access line"
    )
    mine = [r for r in caplog.records if getattr(r, "request_id", None) == "u-1"]
    upstream = [r for r in mine if r.name == "medcode_gateway.upstream"]
    (access,) = [r for r in mine if r.name == "medcode_gateway.access"]
    assert [(r.levelno, r.upstream, r.method) for r in upstream] == [  # type: ignore[attr-defined]
        (logging.WARNING, "codes", "/medcode.codes.v1.CodesService/ListReleases")
    ]
    assert upstream[0].code in ("UNAVAILABLE", "DEADLINE_EXCEEDED")  # type: ignore[attr-defined]
    assert access.levelno == logging.ERROR and access.status == response.status_code  # type: ignore[attr-defined]
    assert mine.index(upstream[0]) < mine.index(access)


def test_an_unexpected_error_is_a_problem_naming_only_the_id(
    gateway_without_codes: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = httpx.get(f"{gateway_without_codes}/v1/broken", headers={"X-Request-ID": "b-1"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["x-request-id"] == "b-1"
    body = response.json()
    assert body["status"] == 500 and body["request_id"] == "b-1"
    assert "secret" not in response.text and "RuntimeError" not in response.text
    (error,) = [r for r in caplog.records if r.name == "medcode_gateway.errors"]
    assert error.exc_info is not None and "secret internal detail" in str(error.exc_info[1])
    assert error.request_id == "b-1"  # type: ignore[attr-defined]
    (access,) = eventually(
        lambda: [r for r in caplog.records if r.name == "medcode_gateway.access"], "access line"
    )
    assert (access.levelno, access.status) == (logging.ERROR, 500)  # type: ignore[attr-defined]
