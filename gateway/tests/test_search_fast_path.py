"""The search fast path answers exactly as the route would, and steps aside when unsure.

Two real gateways in front of the same real search service: one as shipped, one with the
fast path taken out, so every answer of the first can be checked against the route's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from medcode_common.events.valkey_server import free_port
from medcode_gateway.app import create_app
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.search.fast_path import SearchFastPath
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread


def _settings(**addresses: str) -> GatewaySettings:
    return GatewaySettings(
        events=False,
        **addresses,
        cookie_secret=SecretStr("test-cookie-secret"),
        rpc_timeout_seconds=10,
        search_cache_ttl_seconds=0,  # every request reaches the fast path or the route
    )


@pytest.fixture(scope="module")
def two_gateways(service_addresses: dict[str, str]) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """(as shipped, route only): the same settings, the second without `SearchFastPath`."""
    shipped = create_app(_settings(**service_addresses))
    route_only = create_app(_settings(**service_addresses))
    route_only.user_middleware = [
        m for m in route_only.user_middleware if m.cls is not SearchFastPath
    ]
    assert len(route_only.user_middleware) == len(shipped.user_middleware) - 1
    servers = [UvicornThread(shipped), UvicornThread(route_only)]
    for server in servers:
        server.start()
    clients = [httpx.Client(base_url=server.url, timeout=30) for server in servers]
    yield clients[0], clients[1]
    for client in clients:
        client.close()
    for server in servers:
        server.stop()


def _comparable(response: httpx.Response) -> tuple[int, str, Any]:
    """Status, type and body; scores to 3 places (popularity decays between two calls)."""
    body = response.json()
    if response.status_code == 200:
        for hit in body.get("hits", body.get("suggestions", [])):
            hit["score"] = round(hit["score"], 3)
    return response.status_code, response.headers["content-type"], body


_QUERIES = st.sampled_from(
    ["e119", "E11.6", "asthma", "heart attack", "alzimer", "fracture femur", "  ", "", "x" * 257]
) | st.text(max_size=20)
_PARAMETERS = {
    "q": _QUERIES,
    "system": st.sampled_from(["icd10cm", "icd10cm,cpt", "icd9", " , ", ""]),
    "billable": st.sampled_from(["true", "True", "1", "yes", "off", "maybe", ""]),
    "limit": st.sampled_from(["1", "5", "50", "51", "500", "501", "0", "-1", "x", "05", "٣", ""]),
    "offset": st.sampled_from(["0", "5", "10000", "10001", "-1", "x", ""]),
    "within": st.sampled_from(["E08-E13", "4", "nope", ""]),
    "release": st.sampled_from(["2026-04-01", "1999", "r" * 65, ""]),
    "as_of": st.sampled_from(["2999-01-01", "2026-13-01", ""]),
    "unknown": st.just("ignored"),
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/v1/search", "/v1/suggest"]),
    params=st.fixed_dictionaries({}, optional=_PARAMETERS),
)
def test_answers_and_problems_match_the_route(
    two_gateways: tuple[httpx.Client, httpx.Client], path: str, params: dict[str, str]
) -> None:
    shipped, route_only = two_gateways
    assert _comparable(shipped.get(path, params=params)) == _comparable(
        route_only.get(path, params=params)
    )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/search", {"q": "asthma"}),
        ("/v1/search", {"q": "heart attack", "limit": "5", "offset": "3"}),
        ("/v1/search", {"q": "fracture femur", "billable": "yes", "system": "icd10cm"}),
        ("/v1/search", {"q": "diabetes", "within": "E08-E13", "as_of": "2999-01-01"}),
        ("/v1/search", {"q": "alzimer", "billable": "Off", "limit": "500"}),
        ("/v1/suggest", {"q": "hyperten"}),
        ("/v1/suggest", {"q": "E11", "system": "icd10cm", "limit": "50"}),
    ],
)
def test_plain_answers_match_the_route(
    two_gateways: tuple[httpx.Client, httpx.Client], path: str, params: dict[str, str]
) -> None:
    shipped, route_only = two_gateways
    answer = _comparable(shipped.get(path, params=params))
    assert answer[0] == 200 and answer == _comparable(route_only.get(path, params=params))


def test_a_repeated_parameter_is_left_to_the_route(
    two_gateways: tuple[httpx.Client, httpx.Client],
) -> None:
    shipped, route_only = two_gateways
    query = "/v1/search?q=asthma&limit=3&limit=5"
    assert _comparable(shipped.get(query)) == _comparable(route_only.get(query))


class _Route:
    """The app behind the fast path: records what reached it and answers 418."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope["query_string"].decode()
        self.paths.append(f"{scope['path']}?{query}" if query else scope["path"])
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _through_fast_path(
    addresses: dict[str, str], urls: list[str]
) -> tuple[list[str], list[int]]:
    """Send each URL to a bare SearchFastPath: the URLs that reached the route, and every
    answer's status (418 from the route)."""
    route = _Route()
    statuses: list[int] = []
    clients = ServiceClients.connect(_settings(**addresses))
    fast_path = SearchFastPath(route)
    state = SimpleNamespace(state=SimpleNamespace(clients=clients))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await fast_path({**scope, "app": state}, receive, send)

    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            for url in urls:
                statuses.append((await client.get(url)).status_code)
    finally:
        await clients.close()
    return route.paths, statuses


def test_plain_requests_never_reach_the_route_and_unsure_ones_do(
    service_addresses: dict[str, str],
) -> None:
    plain = [
        "/v1/search?q=asthma",
        "/v1/search?q=fracture+femur&billable=true&limit=5&offset=5&system=icd10cm",
        "/v1/suggest?q=E11.6&system=icd10cm&limit=5",
    ]
    unsure = [
        "/v1/search?q=+++",  # empty: the route's 400 problem
        "/v1/search?q=asthma&limit=501",  # out of bounds: the route's 422
        "/v1/search?q=asthma&billable=maybe",
        "/v1/search?q=asthma&limit=3&limit=4",
        "/v1/codes/icd10cm/E11.9",  # not a search
    ]
    reached, statuses = asyncio.run(_through_fast_path(service_addresses, plain + unsure))
    assert reached == unsure
    assert statuses == [200] * len(plain) + [418] * len(unsure)


def test_a_failed_search_call_is_answered_with_the_routes_problem_and_not_retried(
    service_addresses: dict[str, str], two_gateways: tuple[httpx.Client, httpx.Client]
) -> None:
    # INVALID_ARGUMENT from the search service: a 400 problem, straight from the fast path.
    failing = "/v1/search?q=flu&system=icd9"
    assert asyncio.run(_through_fast_path(service_addresses, [failing])) == ([], [400])
    shipped, route_only = two_gateways
    answer = _comparable(shipped.get(failing))
    assert answer[0] == 400 and answer == _comparable(route_only.get(failing))
    # A search service that does not answer: the route's 503, once.
    down = {**service_addresses, "search_addr": f"127.0.0.1:{free_port()}"}
    assert asyncio.run(_through_fast_path(down, ["/v1/suggest?q=asthma"])) == ([], [503])
