"""Metered code pages through the real gateway, accounts and metering services (and Valkey)."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest

from .browser import Browser
from .conftest import Mailbox, create_operator_key

PROBLEM = "application/problem+json"
PASSWORD = "plum-violet-lantern-42"
SEVENTH = "ABCDEFGHJKMNPQRS"
# 100 distinct billable codes from the femur-fracture subtree (each with its 7th character).
CODES = [f"S72.{sub}{s}" for sub in ("001", "002", "009", "011", "012", "019") for s in SEVENTH]
CODES += ["S72.021A", "S72.022A", "S72.023A", "S72.024A"]


def test_guest_gets_one_view_then_a_register_hint(browser: Browser) -> None:
    first = browser.get("/v1/codes/icd10cm/E11.9")
    assert first.status_code == 200 and first.headers["x-views-remaining"] == "0"
    assert "medcode_guest" in browser.jar
    assert "httponly" in first.headers["set-cookie"].lower()
    again = browser.get("/v1/codes/icd10cm/e119")  # the same code, typed differently
    assert again.status_code == 200, "a repeat view within 24 h is free"
    denied = browser.get("/v1/codes/icd10cm/I10")
    assert denied.status_code == 403 and denied.headers["content-type"].startswith(PROBLEM)
    body = denied.json()
    assert body["type"].endswith("/view-limit") and body["register"] == "/v1/auth/register"
    assert denied.headers["x-views-remaining"] == "0"


def test_unknown_code_costs_nothing(browser: Browser) -> None:
    assert browser.get("/v1/codes/icd10cm/E11.99999").status_code in (400, 404)
    assert browser.get("/v1/meter").json()["remaining"] == 1
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200


def test_a_forged_guest_cookie_is_a_new_guest(gateway_url: str, browser: Browser) -> None:
    browser.get("/v1/codes/icd10cm/E11.9")
    browser.jar["medcode_guest"] = uuid.uuid4().hex + ".forged"
    response = browser.get("/v1/meter")
    assert response.json() == {
        "subject_type": "guest",
        "plan": "guest",
        "unlimited": False,
        "remaining": 1,
        "limit": 1,
        "resets_at": response.json()["resets_at"],
        "policy": {"guest_views": 1, "free_extra_views": 5, "guest_ip_daily_cap": 10},
        "message": "1 view left this month. Guest accounts are limited to 1 page view. "
        "Register free account to get 5 more views.",
    }
    assert browser.jar["medcode_guest"].split(".")[1] != "forged"


def test_a_sign_up_brings_no_views_until_its_email_is_confirmed(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200
    addresses = [f"g-{uuid.uuid4().hex[:8]}@example.org" for _ in range(3)]
    for address in addresses:  # sign-ups that are never confirmed
        answer = browser.post("/v1/auth/register", json={"email": address, "password": PASSWORD})
        assert answer.status_code == 202 and "access_token" not in answer.json()
    assert browser.get("/v1/meter").json()["subject_type"] == "guest"
    assert browser.get("/v1/codes/icd10cm/I10").status_code == 403
    unconfirmed = {"email": addresses[-1], "password": PASSWORD}
    assert browser.post("/v1/auth/login", json=unconfirmed).status_code == 403
    assert "medcode_session" not in browser.jar


def test_confirming_grants_the_free_views_and_keeps_the_guest_usage(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200
    address = f"g-{uuid.uuid4().hex[:8]}@example.org"
    credentials = {"email": address, "password": PASSWORD}
    assert browser.post("/v1/auth/register", json=credentials).status_code == 202
    token = accounts_mail_sink.confirmation_token(address)
    assert browser.get("/v1/auth/confirm", params={"token": token}).status_code == 200
    assert browser.post("/v1/auth/login", json=credentials).status_code == 200
    meter = browser.get("/v1/meter").json()
    assert meter["subject_type"] == "user" and meter["limit"] == 6
    # The guest's view is carried over by the user.registered event: seconds on a busy machine.
    deadline = time.monotonic() + 20
    while browser.get("/v1/meter").json()["remaining"] != 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert browser.get("/v1/meter").json()["remaining"] == 5
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200, "seen as a guest: free"


def test_guest_views_per_ip_are_capped(gateway_url: str) -> None:
    ip = {"X-Forwarded-For": "203.0.113.77"}
    statuses = []
    for _ in range(15):  # cookie cleared every time: a new guest each request
        with httpx.Client(base_url=gateway_url, timeout=30, headers=ip) as client:
            response = client.get("/v1/codes/icd10cm/E11.9")
            statuses.append(response.status_code)
    allowed = statuses.count(200)
    assert 1 <= allowed < 15 and statuses == [200] * allowed + [403] * (15 - allowed)
    assert "network" in response.json()["detail"]


async def _views(base: str, headers: dict[str, str], paths: list[str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as client:
        return await asyncio.gather(*(client.get(p) for p in paths))


def test_free_user_with_five_left_gets_exactly_five_of_100_concurrent(
    gateway_url: str, accounts_mail_sink: Mailbox
) -> None:
    credentials = {"email": f"c-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD}
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        assert client.post("/v1/auth/register", json=credentials).status_code == 202
        token = accounts_mail_sink.confirmation_token(credentials["email"])
        assert client.get("/v1/auth/confirm", params={"token": token}).status_code == 200
        token = client.post("/v1/auth/login", json=credentials).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/codes/icd10cm/E11.9", headers=bearer).status_code == 200
        assert client.get("/v1/meter", headers=bearer).json()["remaining"] == 5
    paths = [f"/v1/codes/icd10cm/{code}" for code in CODES]
    responses = asyncio.run(_views(gateway_url, bearer, paths))
    statuses = [r.status_code for r in responses]
    others = [r.text for r in responses if r.status_code not in (200, 403)]
    assert statuses.count(200) == 5 and statuses.count(403) == 95, others[:3]
    remaining = sorted(
        int(r.headers["x-views-remaining"]) for r in responses if r.status_code == 200
    )
    assert remaining == [0, 1, 2, 3, 4]


def test_partner_quota_of_7_allows_exactly_7_of_100_concurrent(
    gateway_url: str, accounts_address: str
) -> None:
    key = create_operator_key(accounts_address, plan="partner", quota=7, rps=1000)
    paths = [f"/v1/codes/icd10cm/{code}" for code in CODES]
    responses = asyncio.run(_views(gateway_url, {"X-API-Key": key}, paths))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 7 and statuses.count(429) == 93, statuses
    denied = next(r for r in responses if r.status_code == 429)
    assert denied.headers["content-type"].startswith(PROBLEM)
    assert int(denied.headers["retry-after"]) >= 1
    assert denied.headers["ratelimit-limit"] == "7" and denied.headers["ratelimit-remaining"] == "0"
    allowed = next(r for r in responses if r.status_code == 200)
    assert "x-views-remaining" not in allowed.headers, "partners pay quota, not views"


def test_partner_rate_limit_says_when_to_retry(gateway_url: str, accounts_address: str) -> None:
    key = create_operator_key(accounts_address, plan="partner", quota=1000, rps=1)
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        bearer = {"Authorization": f"Bearer {key}"}
        first = client.get("/v1/search", params={"q": "diabetes"}, headers=bearer)
        second = client.get("/v1/search", params={"q": "diabetes"}, headers=bearer)
    assert first.status_code == 200 and first.headers["ratelimit-remaining"] == "999"
    assert second.status_code == 429 and second.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "mc_live_nope_nope"},
        {"X-API-Key": "not-a-key"},
        {"Authorization": "Bearer x.y.z"},
    ],
)
def test_bad_credentials_are_401_not_a_guest_view(gateway_url: str, headers: dict) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        response = client.get("/v1/codes/icd10cm/E11.9")
    assert response.status_code == 401 and response.headers["content-type"].startswith(PROBLEM)


def test_internal_key_is_unlimited(api: httpx.Client) -> None:
    for code in CODES[:20]:
        response = api.get(f"/v1/codes/icd10cm/{code}")
        assert response.status_code == 200 and "x-views-remaining" not in response.headers
    assert api.get("/v1/meter").json()["subject_type"] == "api_key"


def test_cached_pages_are_metered_like_fresh_ones(api: httpx.Client, browser: Browser) -> None:
    """Pages already in the gateway's cache still cost views (the fast path meters too)."""
    for code in ("J45.909", "K21.9"):
        assert api.get(f"/v1/codes/icd10cm/{code}").status_code == 200  # now cached
    first = browser.get("/v1/codes/icd10cm/J45.909")
    assert first.status_code == 200 and first.headers["x-views-remaining"] == "0"
    again = browser.get("/v1/codes/icd10cm/J45.909")
    assert again.status_code == 200 and again.headers["x-cache"] == "hit"
    denied = browser.get("/v1/codes/icd10cm/K21.9")
    assert denied.status_code == 403 and denied.json()["type"].endswith("/view-limit")
    assert "medcode_guest" in browser.jar
