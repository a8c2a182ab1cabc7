"""Input an attacker would send is a clear 4xx problem, never a 500 (issue 13, finding 4)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from .browser import Browser

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


@pytest.mark.parametrize(
    "mac",
    ["é", "\u00ff" * 24, "ÿ" + "A" * 23],
    ids=["one-char", "latin-1", "mixed"],
)
def test_a_guest_cookie_with_non_ascii_characters_is_a_new_guest(
    gateway_url: str, mac: str
) -> None:
    forged = f"{uuid.uuid4().hex}.{mac}".encode("latin-1")
    visitor = {"X-Forwarded-For": f"198.18.{len(mac)}.{ord(mac[0]) % 250}"}  # per-network cap
    with httpx.Client(base_url=gateway_url, timeout=30, headers=visitor) as client:
        for path in ("/v1/meter", "/v1/codes/icd10cm/E11.9"):  # a route, and the fast path
            response = client.get(path, headers={"Cookie": b"medcode_guest=" + forged})
            assert response.status_code == 200, response.text
            fresh = response.headers["set-cookie"]
            assert fresh.startswith("medcode_guest=") and mac not in fresh


@pytest.mark.parametrize(
    "body",
    [
        rb'{"system": "icd10cm", "codes": ["E11.9", "\ud800"]}',
        rb'{"system": "icd10cm", "codes": ["E11.9"], "release": "\ud800"}',
        rb'{"system": "icd10cm", "codes": ["E11.9"], "as_of": "\udfff"}',
        rb'{"system": "icd10cm", "codes": ["\udc00\ud800"]}',  # the pair in the wrong order
        b'{"system": "icd10cm", "codes": ["\xed\xa0\x80"]}',  # a surrogate as raw UTF-8 bytes
        b'{"system": "icd10cm", "codes": ["\xff"]}',  # not UTF-8 at all
    ],
    ids=["code", "release", "as_of", "reversed-pair", "raw-bytes", "not-utf8"],
)
def test_text_that_is_not_unicode_is_a_422_before_any_service(
    api: httpx.Client, body: bytes
) -> None:
    problem = assert_problem(api.post("/v1/codes/validate", content=body, headers=JSON), 422)
    assert problem["errors"][0]["loc"][0] == "body"
    assert "Unicode" in problem["errors"][0]["msg"] or "UTF-8" in problem["errors"][0]["msg"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/auth/register", rb'{"email": "a\ud800@example.org", "password": "plum-violet-42"}'),
        ("/v1/auth/login", rb'{"email": "a@example.org", "password": "\ud800\ud800"}'),
        ("/v1/auth/refresh", rb'{"refresh_token": "\udbff"}'),
        ("/v1/auth/logout", rb'{"refresh_token": "\udbff"}'),
    ],
)
def test_lone_surrogates_never_reach_the_accounts_service(
    browser: Browser, path: str, body: bytes
) -> None:
    assert_problem(browser.post(path, content=body, headers=JSON), 422)


def test_real_surrogate_pairs_and_escaped_backslashes_are_ordinary_text(api: httpx.Client) -> None:
    body = rb'{"system": "icd10cm", "codes": ["E11.9", "\ud83d\ude00", "\\ud800", "caf\u00e9"]}'
    response = api.post("/v1/codes/validate", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    inputs = [verdict["input"] for verdict in response.json()["results"]]
    assert inputs == ["E11.9", "\U0001f600", "\\ud800", "café"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/codes/icd10cm/%ED%A0%80",
        "/v1/codes/icd10cm/E11.9?release=%ED%A0%80",
        "/v1/search?q=%ED%A0%80",
        "/v1/suggest?q=%F0%9F",
    ],
)
def test_undecodable_bytes_in_urls_are_not_server_errors(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    "origin", ["http://[::1", "http://[::1]:x", "http://\u00e9xample.org", "http://a:b:c"]
)
def test_a_malformed_origin_is_refused_as_cross_site(browser: Browser, origin: str) -> None:
    response = browser.post(
        "/v1/auth/login",
        json={"email": "a@example.org", "password": "plum-violet-42"},
        headers={"Origin": origin.encode("latin-1")},
    )
    problem = assert_problem(response, 403)
    assert "Origin" in problem["detail"]
