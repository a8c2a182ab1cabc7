"""Sign-up with email confirmation, sign-in, refresh, sign-out and API keys through the
gateway and the accounts service (which mails through a real SMTP sink)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from .browser import Browser
from .conftest import Mailbox

PROBLEM = "application/problem+json"
PASSWORD = "plum-violet-lantern-42"


def email() -> str:
    return f"coder-{uuid.uuid4().hex[:10]}@Example.ORG"


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def register(browser: Browser, address: str) -> httpx.Response:
    response = browser.post("/v1/auth/register", json={"email": address, "password": PASSWORD})
    assert response.status_code == 202, response.text
    return response


def open_link(browser: Browser, sink: Mailbox, address: str, *, count: int = 1) -> str:
    """Open the confirmation link mailed to `address`, as its owner would; the link's token."""
    token = sink.confirmation_token(address, count=count)
    confirmed = browser.get(f"/v1/auth/confirm?token={token}")
    assert confirmed.status_code == 200, confirmed.text
    return token


def sign_up(browser: Browser, sink: Mailbox, address: str | None = None) -> httpx.Response:
    """Register, open the mailed link and sign in: the sign-in answer (cookies kept)."""
    address = address or email()
    register(browser, address)
    open_link(browser, sink, address)
    login = browser.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return login


def test_sign_up_mails_a_link_that_makes_an_account_with_hardened_cookies(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    started = register(browser, address)
    assert started.json() == {
        "status": "confirmation_sent",
        "message": "Check your inbox: open the link we sent to finish signing up (it works "
        "for 24 hours). If this address already has an account, we told its owner instead.",
        "confirm_within_seconds": 86400,
    }
    assert "medcode_session" not in browser.jar
    refused = browser.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert "not confirmed" in assert_problem(refused, 403)["detail"]
    token = accounts_mail_sink.confirmation_token(address)
    confirmed = browser.get("/v1/auth/confirm", params={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["user"]["email"] == address.split("@")[0] + "@example.org"
    assert "medcode_session" not in browser.jar  # a link anyone can send never signs in
    response = browser.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
    body = response.json()
    assert body["user"]["email"] == address.split("@")[0] + "@example.org"
    assert body["user"]["plan"] == "free" and body["token_type"] == "Bearer"
    assert body["expires_in"] > 0 and body["refresh_token"]
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    session, refresh, csrf = (
        cookies["medcode_session"],
        cookies["medcode_refresh"],
        cookies["medcode_csrf"],
    )
    assert "httponly" in session and "secure" in session and "samesite=lax" in session
    assert "httponly" in refresh and "path=/v1/auth" in refresh and "samesite=strict" in refresh
    assert "httponly" not in csrf and "secure" in csrf
    me = browser.get("/v1/me")
    assert me.status_code == 200 and me.json()["user_id"] == body["user"]["user_id"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, 400),
        ({"email": "a@example.org", "password": "short"}, 400),
        ({"email": "a@example.org", "password": "password123"}, 400),
        ({"email": "a@example.org", "password": "aaaaaaaa"}, 400),
        ({"email": "a@example.org", "password": "        "}, 400),
        ({"email": "a@example.org", "password": "lalalalala"}, 400),
        ({"email": "a@example.org"}, 422),
        ({"email": "", "password": PASSWORD}, 422),
        ({"email": "a@example.org", "password": "x" * 5000}, 422),
    ],
)
def test_register_rejects_bad_input(browser: Browser, payload: dict, status: int) -> None:
    assert_problem(browser.post("/v1/auth/register", json=payload), status)


def test_a_known_address_gets_the_same_answer_and_its_owner_a_note(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    sign_up(browser, accounts_mail_sink, address)
    again = browser.post("/v1/auth/register", json={"email": address.upper(), "password": PASSWORD})
    fresh = browser.post("/v1/auth/register", json={"email": email(), "password": PASSWORD})
    assert (again.status_code, again.json()) == (fresh.status_code, fresh.json())
    assert "set-cookie" not in again.headers
    note = accounts_mail_sink.wait_for(address, count=2)
    assert "tried to sign up" in str(note["Subject"])


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("mcc_short", 400),
        ("mcc_" + "A" * 43, 404),
        ("x" * 201, 422),
        ("", 422),
    ],
)
def test_bad_confirmation_links_are_problems(browser: Browser, token: str, status: int) -> None:
    assert_problem(browser.get("/v1/auth/confirm", params={"token": token}), status)


def test_a_confirmation_link_works_once_and_not_by_head(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    register(browser, address)
    token = accounts_mail_sink.confirmation_token(address)
    # A link checker's HEAD must not spend the link (nor is there a page to check).
    assert browser.client.head("/v1/auth/confirm", params={"token": token}).status_code == 405
    assert browser.get("/v1/auth/confirm", params={"token": token}).status_code == 200
    used = browser.get("/v1/auth/confirm", params={"token": token})
    assert "already used" in assert_problem(used, 404)["detail"]


def test_login_failures_do_not_say_which_part_was_wrong(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    sign_up(browser, accounts_mail_sink, address)
    wrong = browser.post("/v1/auth/login", json={"email": address, "password": "nope-nope-nope"})
    unknown = browser.post("/v1/auth/login", json={"email": email(), "password": PASSWORD})
    assert assert_problem(wrong, 401)["detail"] == assert_problem(unknown, 401)["detail"]
    good = browser.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert good.status_code == 200 and good.json()["access_token"]


def test_bearer_token_and_rotation(
    gateway_url: str, browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    tokens = sign_up(browser, accounts_mail_sink).json()
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert api.get("/v1/me", headers=bearer).status_code == 200
        assert_problem(api.get("/v1/me", headers={"Authorization": "Bearer garbage"}), 401)
        assert_problem(api.get("/v1/me"), 401)
        rotated = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert rotated.status_code == 200, rotated.text
        assert rotated.json()["refresh_token"] != tokens["refresh_token"]
        # Replaying the spent token is refused, and ends the rotated session too.
        replay = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert_problem(replay, 401)
        newer = api.post(
            "/v1/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}
        )
        assert_problem(newer, 401)


def test_cookie_refresh_needs_the_csrf_header(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    sign_up(browser, accounts_mail_sink)
    assert_problem(browser.post("/v1/auth/refresh"), 403)
    csrf = {"X-CSRF-Token": browser.jar["medcode_csrf"]}
    assert browser.post("/v1/auth/refresh", headers=csrf).status_code == 200


def test_cross_site_origin_is_refused(browser: Browser) -> None:
    response = browser.post(
        "/v1/auth/login",
        json={"email": email(), "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert_problem(response, 403)


def test_logout_ends_the_session(browser: Browser, accounts_mail_sink: Mailbox) -> None:
    tokens = sign_up(browser, accounts_mail_sink).json()
    csrf = {"X-CSRF-Token": browser.jar["medcode_csrf"]}
    assert browser.post("/v1/auth/logout", headers=csrf).status_code == 204
    assert "medcode_session" not in browser.jar and "medcode_refresh" not in browser.jar
    reuse = browser.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_problem(reuse, 401)
    assert browser.post("/v1/auth/logout").status_code == 204


def test_free_users_cannot_mint_api_keys(browser: Browser, accounts_mail_sink: Mailbox) -> None:
    sign_up(browser, accounts_mail_sink)
    csrf = {"X-CSRF-Token": browser.jar["medcode_csrf"]}
    assert_problem(browser.post("/v1/me/api-keys", json={"name": "x"}, headers=csrf), 403)
    assert browser.get("/v1/me/api-keys").json() == []


def test_api_key_endpoints_need_a_user(browser: Browser) -> None:
    assert_problem(browser.get("/v1/me/api-keys"), 401)
    assert_problem(browser.delete("/v1/me/api-keys/abc"), 401)


def test_partner_user_key_lifecycle(
    gateway_url: str, browser: Browser, accounts_data_dir: Path, accounts_mail_sink: Mailbox
) -> None:
    """A partner creates a key (shown once), uses it, sees it listed, revokes it."""
    address = email()
    sign_up(browser, accounts_mail_sink, address)
    medcode = [sys.executable, "-m", "medcode_common.cli", "accounts", "set-plan"]
    subprocess.run(
        [*medcode, address, "partner", "--data-dir", str(accounts_data_dir)],
        check=True,
        capture_output=True,
    )
    login = browser.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert login.json()["user"]["plan"] == "partner"
    csrf = {"X-CSRF-Token": browser.jar["medcode_csrf"]}
    created = browser.post("/v1/me/api-keys", json={"name": "billing system"}, headers=csrf)
    assert created.status_code == 201, created.text
    key = created.json()
    assert key["secret"].startswith(f"mc_live_{key['key_id']}_") and key["plan"] == "partner"
    listed = browser.get("/v1/me/api-keys").json()
    assert [k["key_id"] for k in listed] == [key["key_id"]] and "secret" not in listed[0]
    with httpx.Client(base_url=gateway_url, timeout=30) as partner:
        used = partner.get("/v1/codes/icd10cm/I10", headers={"X-API-Key": key["secret"]})
        assert used.status_code == 200 and int(used.headers["ratelimit-remaining"]) >= 0
    assert_problem(browser.delete(f"/v1/me/api-keys/{key['key_id']}"), 403)  # no CSRF header
    assert browser.delete(f"/v1/me/api-keys/{key['key_id']}", headers=csrf).status_code == 204
    assert browser.get("/v1/me/api-keys").json()[0]["revoked"] is True
    assert_problem(browser.delete("/v1/me/api-keys/0123456789ab", headers=csrf), 404)
    assert_problem(browser.delete("/v1/me/api-keys/nosuchkey", headers=csrf), 400)
