"""The fast paths read query parameters exactly as their routes declare them.

`read_plain` must never accept a value the route would read differently: whatever it
accepts, FastAPI's own validation of the same route gives the same arguments; whatever it
is unsure of, it refuses (the fast path then steps aside).
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any
from urllib.parse import urlencode

import pytest
from fastapi import APIRouter, FastAPI, Query
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from medcode_gateway.codes import routes as codes_routes
from medcode_gateway.codes.fast_path import CodePageFastPath
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.route_parameters import (
    NotPlain,
    find_route,
    query_parameters,
    read_plain,
)
from medcode_gateway.search import routes as search_routes
from medcode_gateway.search.fast_path import fast_routes

router = APIRouter()


@router.get("/echo")
def echo(
    q: Annotated[str, Query()],
    flag: bool = False,
    count: Annotated[int, Query(ge=1, le=50)] = 10,
    name: Annotated[str | None, Query(max_length=5, alias="nameAlias")] = None,
) -> dict[str, Any]:
    """Whatever FastAPI's validation made of the parameters."""
    return {"q": q, "flag": flag, "count": count, "name": name}


app = FastAPI()
app.include_router(router)
client = TestClient(app)
PARAMETERS = query_parameters(find_route(router, "/echo"))

_VALUES = st.sampled_from(
    [
        "",
        "0",
        "1",
        "5",
        "50",
        "51",
        "-1",
        "+5",
        " 5",
        "05",
        "5.0",
        "٣",
        "true",
        "True",
        "yes",
        "off",
        "maybe",
        "abcde",
        "abcdef",
        "é",
    ]
) | st.text(max_size=7)
_QUERIES = st.dictionaries(
    st.sampled_from(["q", "flag", "count", "nameAlias", "name", "other"]), _VALUES, max_size=5
)


@given(_QUERIES)
def test_what_the_reader_accepts_the_route_reads_the_same(query: dict[str, str]) -> None:
    answer = client.get(f"/echo?{urlencode(query)}")
    try:
        values = read_plain(QueryParams(urlencode(query)), PARAMETERS)
    except NotPlain:
        return  # unsure: the route decides, whatever it says
    assert answer.status_code == 200, (query, answer.text)
    assert answer.json() == dict(values)


def test_the_reader_knows_each_declared_parameter() -> None:
    by_name = {parameter.name: parameter for parameter in PARAMETERS}
    assert set(by_name) == {"q", "flag", "count", "nameAlias"}
    assert by_name["q"].required and by_name["q"].kind is str
    assert (by_name["count"].ge, by_name["count"].le, by_name["count"].default) == (1, 50, 10)
    assert by_name["nameAlias"].argument == "name" and by_name["nameAlias"].max_length == 5


@pytest.mark.parametrize(
    "query",
    [
        "q=a&q=b",
        "q=a&other=1",
        "flag=true",
        "q=a&count=0",
        "q=a&count=%2B5",
        "q=a&nameAlias=abcdef",
    ],
)
def test_unsure_queries_are_not_plain(query: str) -> None:
    with pytest.raises(NotPlain):
        read_plain(QueryParams(query), PARAMETERS)


@pytest.mark.parametrize("path", ["/v1/search", "/v1/suggest"])
def test_the_search_fast_path_takes_exactly_the_routes_parameters(path: str) -> None:
    """The fast path builds its request with the route's own dependency, from exactly the
    parameters that dependency declares."""
    fast = fast_routes()[path]
    route = find_route(search_routes.router, path)
    assert fast.build in {below.call for below in route.dependant.dependencies}
    assert {p.argument for p in fast.parameters} == set(inspect.signature(fast.build).parameters)


def test_the_code_page_fast_path_takes_exactly_the_routes_parameters() -> None:
    async def route(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("not called")

    fast_path = CodePageFastPath(route, cache=ResponseCache(max_entries=1, ttl_seconds=1))
    declared = query_parameters(find_route(codes_routes.router, "/v1/codes/{system}/{code}"))
    assert fast_path.declared == frozenset(p.name for p in declared) == {"release", "as_of"}
