"""The code-page fast path meters a cached page once, and answers a failed metering call
with the route's problem instead of handing the request to the route (a second charge)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from medcode_common.events.valkey_server import free_port
from medcode_gateway.auth.caller import AuthState
from medcode_gateway.auth.cookies import GUEST_COOKIE, new_guest_id
from medcode_gateway.codes.fast_path import CodePageFastPath
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.settings import GatewaySettings

PAGE = "/v1/codes/icd10cm/E11.9"


class _Route:
    """The app behind the fast path: records what reached it and answers 418."""

    def __init__(self) -> None:
        self.reached: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.reached.append(scope["path"] + "?" + scope["query_string"].decode())
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _visit(metering_addr: str, urls: list[str]) -> tuple[list[str], list[httpx.Response]]:
    settings = GatewaySettings(
        events=False,
        metering_addr=metering_addr,
        cookie_secret=SecretStr("s"),
        rpc_timeout_seconds=2,
    )
    cache = ResponseCache(max_entries=10, ttl_seconds=60)
    cache.put((PAGE, b""), b'icd10cm\tE11.9\n{"code": "E11.9"}')
    cache.put((PAGE, b"release=2026-04-01"), b'icd10cm\tE11.9\n{"code": "E11.9"}')
    auth = AuthState.from_settings(settings)
    clients = ServiceClients.connect(settings)
    route = _Route()
    fast_path = CodePageFastPath(route, cache=cache)
    state = SimpleNamespace(state=SimpleNamespace(clients=clients, auth=auth))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await fast_path({**scope, "app": state}, receive, send)

    cookies = {GUEST_COOKIE: auth.signer.sign(new_guest_id())}
    answers = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway", cookies=cookies
        ) as client:
            for url in urls:
                answers.append(await client.get(url))
    finally:
        await clients.close()
    return route.reached, answers


def test_a_failed_metering_call_is_the_routes_problem_without_a_second_charge() -> None:
    reached, answers = asyncio.run(_visit(f"127.0.0.1:{free_port()}", [PAGE]))
    assert reached == []
    assert answers[0].status_code == 503
    assert answers[0].headers["content-type"] == "application/problem+json"
    assert answers[0].json()["instance"] == PAGE


def test_a_parameter_the_route_does_not_declare_goes_to_the_route() -> None:
    urls = [f"{PAGE}?unknown=1", f"{PAGE}?release=2026-04-01&extra=2"]
    reached, answers = asyncio.run(_visit(f"127.0.0.1:{free_port()}", urls))
    assert reached == [f"{PAGE}?unknown=1", f"{PAGE}?release=2026-04-01&extra=2"]
    assert [a.status_code for a in answers] == [418, 418]
