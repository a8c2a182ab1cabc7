"""REST search through the real gateway, search and codes services."""

from __future__ import annotations

from typing import get_args

import httpx
import pytest

PROBLEM = "application/problem+json"


def test_search_returns_ranked_hits_with_reasons(api: httpx.Client) -> None:
    body = api.get("/v1/search", params={"q": "e119"}).json()
    first = body["hits"][0]
    assert first["code"] == "E11.9" and first["matched"] == ["code"] and body["total"] >= 1


def test_search_filters_and_paging(api: httpx.Client) -> None:
    page1 = api.get("/v1/search", params={"q": "fracture femur", "billable": "true", "limit": 5})
    page2 = api.get(
        "/v1/search", params={"q": "fracture femur", "billable": "true", "limit": 5, "offset": 5}
    )
    first, second = page1.json()["hits"], page2.json()["hits"]
    assert len(first) == len(second) == 5 and all(h["billable"] for h in first + second)
    assert not {h["code"] for h in first} & {h["code"] for h in second}


def test_suggest(api: httpx.Client) -> None:
    body = api.get("/v1/suggest", params={"q": "E11.6", "system": "icd10cm", "limit": 5}).json()
    assert [s["code"] for s in body["suggestions"]][0] == "E11.6"


def test_clinical_tables_shape(api: httpx.Client) -> None:
    body = api.get("/api/icd10cm/v3/search", params={"terms": "essential hypertension"}).json()
    total, codes, extra, display = body
    assert total >= 1 and codes[0] == "I10" and extra is None
    assert display[0] == ["I10", "Essential (primary) hypertension"] and len(codes) <= 7
    wide = api.get("/api/icd10cm/v3/search", params={"terms": "diabetes", "maxList": 20}).json()
    assert len(wide[1]) == 20 and wide[0] > 20  # the true number of matches, not the page
    too_many = api.get("/api/icd10cm/v3/search", params={"terms": "x", "maxList": 501})
    assert too_many.status_code == 400
    assert too_many.headers["content-type"].startswith(PROBLEM)


def test_clinical_tables_without_hcpcs_says_so(api: httpx.Client) -> None:
    answer = api.get("/api/hcpcs/v3/search", params={"terms": "wheelchair"})
    assert answer.status_code == 404
    assert "no hcpcs release is indexed" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"q": "   "}, 400), ({"q": "x" * 300}, 400), ({"q": "flu", "system": "icd9"}, 400)],
)
def test_bad_queries_are_problems(api: httpx.Client, params: dict[str, str], status: int) -> None:
    response = api.get("/v1/search", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("q", ['"quoted', "title:diabetes", "(E11", "*", "ü", "+-!"])
def test_query_syntax_never_500s(api: httpx.Client, q: str) -> None:
    assert api.get("/v1/search", params={"q": q}).status_code == 200
    assert api.get("/v1/suggest", params={"q": q}).status_code == 200


def test_repeat_searches_are_served_from_the_short_lived_cache(api: httpx.Client) -> None:
    params = {"q": "asthma with exacerbation", "limit": "5"}
    first, second = api.get("/v1/search", params=params), api.get("/v1/search", params=params)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.json() == second.json()
    bad = [api.get("/v1/suggest", params={"q": " "}) for _ in range(2)]
    assert [r.status_code for r in bad] == [400, 400]
    assert [r.headers.get("x-cache") for r in bad] == ["miss", "miss"]


def test_every_match_reason_has_a_json_name() -> None:
    from medcode.search.v1 import search_service_pb2 as pb
    from medcode_gateway.search.render import REASONS
    from medcode_gateway.search.schemas import MatchReason

    named = set(pb.MatchReason.values()) - {pb.MATCH_REASON_UNSPECIFIED}
    assert named == set(REASONS)
    assert set(REASONS.values()) == set(get_args(MatchReason))


def test_a_code_named_by_another_codes_note_says_so(api: httpx.Client) -> None:
    body = api.get("/v1/search", params={"q": "chylothorax", "system": "icd10cm"}).json()
    assert body["hits"][0]["code"] == "J94.0"
    assert body["hits"][0]["matched"] == ["note_reference"]


def test_search_a_release_by_name_or_date(api: httpx.Client) -> None:
    newest = api.get("/v1/search", params={"q": "asthma", "system": "icd10cm"}).json()["hits"]
    release = newest[0]["release"]
    named = api.get("/v1/search", params={"q": "asthma", "release": release}).json()["hits"]
    assert named and {(h["system"], h["release"]) for h in named} == {("icd10cm", release)}
    dated = api.get(
        "/v1/search", params={"q": "asthma", "system": "icd10cm", "as_of": "2999-01-01"}
    ).json()["hits"]
    assert {h["release"] for h in dated} == {release}


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"release": "1999"}, 404, "no release"),
        ({"as_of": "1990-01-01"}, 404, "in force on 1990-01-01"),
        ({"as_of": "2026-13-01"}, 400, "not a calendar date"),
        ({"as_of": "2026-01-01T00:00"}, 400, "as_of"),
        ({"as_of": "2026-01-01", "release": "2026"}, 400, "not both"),
    ],
)
def test_bad_release_choices_are_problems(
    api: httpx.Client, params: dict[str, str], status: int, words: str
) -> None:
    answer = api.get("/v1/search", params={"q": "asthma", **params})
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert words in answer.json()["detail"]
