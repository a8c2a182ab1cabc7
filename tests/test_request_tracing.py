"""One page view, followed by its request id through the gateway's, metering's and codes' logs.

Real codes (the CPT starter release), search over it, metering and accounts (their pytest
plugins' servers) and the gateway in front, all on loopback; the logs are captured as the
JSON lines production writes.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_codes.testing_live import write_starter_release
from medcode_common.logs import build_handler
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread

GET_CODE = "/medcode.codes.v1.CodesService/GetCode"
CONSUME_VIEW = "/medcode.metering.v1.MeteringService/ConsumeView"
SEARCH = "/medcode.search.v1.SearchService/Search"
_VISITORS = itertools.count(1)


@dataclass
class Stack:
    url: str
    search: SearchThread


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, metering_address: str, accounts_address: str
) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("tracing")
    write_starter_release(root / "var")
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=root / "var"))
    codes.start()
    search = SearchThread(
        SearchSettings(
            host="127.0.0.1",
            port=0,
            codes_addr=f"127.0.0.1:{codes.port}",
            index_dir=root / "search",
            events=False,
            warm=False,
        )
    )
    search.start()
    gateway = UvicornThread(
        create_app(
            GatewaySettings(
                codes_addr=f"127.0.0.1:{codes.port}",
                search_addr=f"127.0.0.1:{search.port}",
                accounts_addr=accounts_address,
                metering_addr=metering_address,
                cookie_secret=SecretStr("tracing-test"),
                trusted_proxies="127.0.0.1/32",
                rpc_timeout_seconds=10,
            )
        )
    )
    gateway.start()
    try:
        yield Stack(gateway.url, search)
    finally:
        gateway.stop()
        search.stop()
        codes.stop()


@pytest.fixture
def json_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every process-wide log record at INFO and above, as production's JSON lines."""
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    handler = build_handler("json", stream)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def lines_of(stream: io.StringIO, request_id: str) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in entries if entry["request_id"] == request_id]


def visitor(url: str) -> httpx.Client:
    """A first-time guest from an address of its own (guest views are capped per address)."""
    address = f"198.18.{next(_VISITORS)}.7"
    return httpx.Client(base_url=url, timeout=30, headers={"X-Forwarded-For": address})


def test_a_guest_page_view_is_one_id_in_gateway_metering_and_codes(
    stack: Stack, json_logs: io.StringIO
) -> None:
    with visitor(stack.url) as guest:
        page = guest.get("/v1/codes/cpt/99213")
    assert page.status_code == 200 and page.headers["x-views-remaining"] == "0"
    request_id = page.headers["x-request-id"]  # made by the gateway: the guest sent none
    # The gateway writes its access line after the answer has gone out: wait for it.
    deadline = time.monotonic() + 10
    while not any(e["logger"] == "medcode_gateway.access" for e in lines_of(json_logs, request_id)):
        assert time.monotonic() < deadline, "no access line within 10 s"
        time.sleep(0.02)
    mine = lines_of(json_logs, request_id)
    by_place = {(entry["logger"], entry.get("method")): entry for entry in mine}
    access = by_place[("medcode_gateway.access", "GET")]
    assert (access["path"], access["status"]) == ("/v1/codes/cpt/99213", 200)
    assert access["route"] == "/v1/codes/{system}/{code}"
    for rpc in (GET_CODE, CONSUME_VIEW):
        line = by_place[("medcode.rpc", rpc)]
        assert line["code"] == "OK" and line["duration_ms"] >= 0
        assert line["message"].startswith(f"{rpc} OK ")
    assert {entry["logger"] for entry in mine} == {"medcode_gateway.access", "medcode.rpc"}


def test_an_id_the_caller_sends_reaches_search_and_its_counters(
    stack: Stack, json_logs: io.StringIO
) -> None:
    assert stack.search.app is not None
    registry = stack.search.app.metrics.registry

    def zero_results() -> float:
        value = registry.get_sample_value("medcode_zero_result_searches_total", {"kind": "search"})
        return value or 0.0

    before = zero_results()
    with visitor(stack.url) as guest:
        found = guest.get(
            "/v1/search", params={"q": "qqqzzzxxy"}, headers={"X-Request-ID": "ticket-4711"}
        )
    assert found.status_code == 200 and found.json()["total"] == 0
    assert found.headers["x-request-id"] == "ticket-4711"
    (search_line,) = [e for e in lines_of(json_logs, "ticket-4711") if e.get("method") == SEARCH]
    assert search_line["code"] == "OK"
    assert zero_results() - before == 1
    build = registry.get_sample_value("medcode_search_index_build_seconds")
    assert build is not None and build == stack.search.app.holder.build_seconds > 0
