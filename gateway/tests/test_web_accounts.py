"""The account pages over the real gateway and services: plain HTML forms a browser posts
(CSRF double submit), field errors that keep what was typed, and POST-redirect-GET."""

from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

from .browser import Browser
from .conftest import Mailbox

HTML = {"Accept": "text/html,application/xhtml+xml"}
PASSWORD = "plum-violet-lantern-42"
RESUME = "/v1/auth/resume?next=/account"


def email() -> str:
    return f"web-{uuid.uuid4().hex[:10]}@example.org"


def csrf(browser: Browser) -> str:
    """The visitor's CSRF token, after a page set it (as a form's hidden field carries it)."""
    if "medcode_csrf" not in browser.jar:
        browser.get("/login", headers=HTML)
    return browser.jar["medcode_csrf"]


def post_form(browser: Browser, path: str, **fields: str) -> httpx.Response:
    """Submit a form as a browser does (urlencoded, with the CSRF field)."""
    return browser.post(path, data={"csrf_token": csrf(browser), **fields}, headers=HTML)


def text(response: httpx.Response) -> str:
    """The page's text, whitespace collapsed, for assertions on what a person reads."""
    body = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(html.unescape(body).split())


def register(browser: Browser, address: str, password: str = PASSWORD) -> httpx.Response:
    browser.get("/register", headers=HTML)
    return post_form(browser, "/register", email=address, password=password)


def confirm(browser: Browser, sink: Mailbox, address: str) -> httpx.Response:
    token = sink.confirmation_token(address)
    page = browser.get(f"/confirm?token={token}", headers=HTML)
    assert page.status_code == 200 and 'action="/confirm"' in page.text
    return post_form(browser, "/confirm", token=token)


def sign_in(browser: Browser, address: str, next_path: str = "") -> httpx.Response:
    return post_form(browser, "/login", email=address, password=PASSWORD, next=next_path)


def web_sign_up(browser: Browser, sink: Mailbox, address: str) -> None:
    """Register, confirm and sign in through the pages."""
    assert register(browser, address).status_code == 303
    assert confirm(browser, sink, address).status_code == 303
    assert sign_in(browser, address).status_code == 303


def test_register_answers_check_your_inbox_the_same_for_a_known_address(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    form = browser.get("/register", headers=HTML)
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    hidden = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert hidden and hidden.group(1) == browser.jar["medcode_csrf"]
    assert 'autocomplete="new-password"' in form.text and "At least 8 characters" in form.text
    known = email()
    web_sign_up(browser, accounts_mail_sink, known)
    fresh = register(browser, email())
    again = register(browser, known.upper())
    assert fresh.status_code == again.status_code == 303
    assert fresh.headers["location"] == again.headers["location"]
    inbox = browser.get(fresh.headers["location"], headers=HTML)
    assert inbox.status_code == 200
    assert "Check your inbox Open the link we sent" in text(inbox) and "24 hours" in text(inbox)
    note = accounts_mail_sink.wait_for(known, count=2)  # its owner hears of it instead
    assert str(note["Subject"]).startswith("Someone tried to sign up")


def test_field_errors_sit_next_to_the_field_and_keep_the_email_not_the_password(
    browser: Browser,
) -> None:
    address = email()
    refused = register(browser, address, password="password123")
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html")
    assert f'value="{address}"' in refused.text
    assert "password123" not in refused.text
    field = re.search(r"<input id=\"field-password\"[^>]*>", refused.text)
    assert field, refused.text
    assert 'aria-invalid="true"' in field.group(0)
    assert "field-password-error" in field.group(0) and "field-password-hint" in field.group(0)
    assert 'id="field-password-error"' in refused.text and "too common" in text(refused)
    empty = post_form(browser, "/login", email="", password="")
    assert empty.status_code == 400
    assert "Enter your email address." in text(empty) and "Enter your password." in text(empty)


def test_a_form_without_the_csrf_token_or_from_another_site_changes_nothing(
    browser: Browser,
) -> None:
    address = email()
    browser.get("/register", headers=HTML)
    forged = browser.post(
        "/register",
        data={"email": address, "password": PASSWORD, "csrf_token": "not-the-cookie"},
        headers=HTML,
    )
    assert forged.status_code == 403 and "nothing was changed" in text(forged)
    assert f'value="{address}"' in forged.text  # send it again without retyping the address
    cross_site = browser.post(
        "/register",
        data={"email": address, "password": PASSWORD, "csrf_token": csrf(browser)},
        headers={**HTML, "Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    # No sign-up was staged: the right password is "incorrect", not "not confirmed yet".
    login = sign_in(browser, address)
    assert login.status_code == 400 and "incorrect" in text(login)


def test_confirm_is_a_button_the_mailed_link_leads_to_and_then_offers_sign_in(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    register(browser, address)
    token = accounts_mail_sink.confirmation_token(address)
    page = browser.get(f"/confirm?token={token}", headers=HTML)
    assert page.status_code == 200 and f'value="{token}"' in page.text
    not_yet = sign_in(browser, address)  # opening the page (a GET) created nothing
    assert not_yet.status_code == 403 and "not confirmed yet" in text(not_yet)
    confirmed = post_form(browser, "/confirm", token=token)
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/login?notice=confirmed"
    offer = browser.get(confirmed.headers["location"], headers=HTML)
    assert "Your email is confirmed" in text(offer)
    used = post_form(browser, "/confirm", token=token)
    assert used.status_code == 404 and "already used or expired" in text(used)
    assert sign_in(browser, address).status_code == 303


def test_the_mailed_link_opened_in_a_browser_confirms_and_lands_on_sign_in(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    register(browser, address)
    token = accounts_mail_sink.confirmation_token(address)
    opened = browser.get(f"/v1/auth/confirm?token={token}", headers=HTML)
    assert opened.status_code == 303  # the GET confirms, as the API promises
    assert opened.headers["location"] == "/login?notice=confirmed"
    assert sign_in(browser, address).status_code == 303
    used = browser.get(f"/v1/auth/confirm?token={token}", headers=HTML)
    assert used.status_code == 404 and "already used or expired" in text(used)
    assert used.headers["content-type"].startswith("text/html")
    machine = browser.get(f"/v1/auth/confirm?token={token}", headers={"Accept": "application/json"})
    assert machine.status_code == 404
    assert machine.headers["content-type"].startswith("application/problem+json")


def test_sign_in_goes_back_to_next_on_this_site_only(
    browser: Browser, accounts_mail_sink: Mailbox, gateway_url: str
) -> None:
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    form = browser.get("/login?next=/codes/icd10cm/L55.0", headers=HTML)
    assert 'name="next" value="/codes/icd10cm/L55.0"' in form.text
    referred = browser.get("/login", headers={**HTML, "Referer": f"{gateway_url}/search?q=sun"})
    assert 'name="next" value="/search?q=sun"' in referred.text  # back where they came from
    elsewhere = browser.get("/login", headers={**HTML, "Referer": "https://evil.example/x"})
    assert 'name="next" value="/account"' in elsewhere.text
    back = sign_in(browser, address, "/codes/icd10cm/L55.0")
    assert (back.status_code, back.headers["location"]) == (303, "/codes/icd10cm/L55.0")
    assert "medcode_session" in browser.jar
    for hostile in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        answer = sign_in(browser, address, hostile)
        assert (answer.status_code, answer.headers["location"]) == (303, "/account"), hostile
    wrong = post_form(browser, "/login", email=address, password="not-the-password-1")
    assert wrong.status_code == 400 and "incorrect" in text(wrong)
    assert f'value="{address}"' in wrong.text and "not-the-password-1" not in wrong.text


def test_repeated_wrong_passwords_are_paused_with_how_long_to_wait(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    answers = [
        post_form(browser, "/login", email=address, password=f"wrong-password-{n}")
        for n in range(8)
    ]
    paused = answers[-1]
    assert paused.status_code == 429, [a.status_code for a in answers]
    assert int(paused.headers["retry-after"]) > 0
    assert "Please wait" in text(paused) and "try again" in text(paused)


def test_account_page_shows_the_plan_and_the_views_metering_counts(
    browser: Browser, accounts_mail_sink: Mailbox, api: httpx.Client
) -> None:
    assert browser.get("/account", headers=HTML).headers["location"] == RESUME
    assert browser.get(RESUME, headers=HTML).headers["location"] == "/login?next=%2Faccount"
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    before = browser.get("/v1/meter").json()
    page = browser.get("/account", headers=HTML)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    words = text(page)
    assert address in words and "Plan Free" in words
    assert f"{before['remaining']} views left this month" in words.lower()
    renews = before["resets_at"][:10]
    assert "They renew on 1 " in words and renews[:4] in words
    assert "API keys for calling MedCode from your own systems come with the Partner plan" in words
    assert browser.get("/v1/codes/icd10cm/L55.0").status_code == 200  # spends one view
    after = text(browser.get("/account", headers=HTML)).lower()
    assert f"{before['remaining'] - 1} view" in after


def test_sign_out_revokes_the_session_and_forgets_it(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    refresh_token = browser.jar["medcode_refresh"]
    out = post_form(browser, "/v1/auth/sign-out")
    assert (out.status_code, out.headers["location"]) == (303, "/login?notice=signed-out")
    assert "medcode_session" not in browser.jar and "medcode_refresh" not in browser.jar
    assert "You are signed out" in text(browser.get(out.headers["location"], headers=HTML))
    assert browser.get("/account", headers=HTML).headers["location"] == RESUME
    reuse = browser.post("/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert reuse.status_code == 401


def test_an_expired_page_session_is_renewed_from_the_refresh_cookie(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    spent = browser.jar["medcode_refresh"]
    del browser.jar["medcode_session"]  # the access token's cookie expired
    away = browser.get("/account", headers=HTML)
    assert (away.status_code, away.headers["location"]) == (303, RESUME)
    renewed = browser.get(RESUME, headers=HTML)
    assert (renewed.status_code, renewed.headers["location"]) == (303, "/account")
    assert "medcode_session" in browser.jar and browser.jar["medcode_refresh"] != spent
    assert address in text(browser.get("/account", headers=HTML))
    hostile = browser.get("/v1/auth/resume?next=//evil.example/", headers=HTML)
    assert hostile.headers["location"] == "/account"
    browser.jar["medcode_refresh"] = spent  # a spent token ends the session: sign in again
    del browser.jar["medcode_session"]
    refused = browser.get(RESUME, headers=HTML)
    assert refused.headers["location"] == "/login?next=%2Faccount"
    assert "medcode_refresh" not in browser.jar


def set_plan(data_dir: Path, address: str, plan: str) -> None:
    """Move a user to `plan` with the operator CLI, as an operator would."""
    medcode = [sys.executable, "-m", "medcode_common.cli", "accounts", "set-plan"]
    subprocess.run([*medcode, address, plan, "--data-dir", str(data_dir)], check=True)


def test_a_partner_creates_a_key_shown_once_lists_and_revokes_it(
    browser: Browser, accounts_mail_sink: Mailbox, accounts_data_dir: Path, gateway_url: str
) -> None:
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    refused = post_form(browser, "/account/api-keys", name="too early")
    assert refused.status_code == 403 and "come with the Partner and Internal plans" in text(
        refused
    )
    set_plan(accounts_data_dir, address, "partner")
    page = browser.get("/account", headers=HTML)  # the plan as it is now, without signing in again
    assert "Plan Partner" in text(page) and "no limit on code pages" in text(page)
    created = post_form(browser, "/account/api-keys", name="billing system")
    assert (created.status_code, created.headers["location"]) == (303, "/account#new-key")
    shown = browser.get("/account", headers=HTML)
    secret = re.search(r'<code class="secret">([^<]+)</code>', shown.text)
    assert secret, text(shown)
    key = secret.group(1)
    assert "Copy it now" in text(shown)
    assert httpx.get(f"{gateway_url}/v1/codes/icd10cm/L55.0", headers={"X-API-Key": key}).is_success
    listed = browser.get("/account", headers=HTML)
    assert key not in listed.text and "Copy it now" not in text(listed)  # shown once only
    row = re.search(
        r"<tr>\s*<td[^>]*>billing system</td>\s*<td[^>]*><code>([^<]+)</code>", listed.text
    )
    assert row and key.startswith(row.group(1))
    action = re.search(r'action="(/account/api-keys/[A-Za-z0-9]+/revoke)"', listed.text)
    assert action
    revoked = post_form(browser, action.group(1))
    assert (revoked.status_code, revoked.headers["location"]) == (303, "/account?notice=revoked")
    after = text(browser.get(revoked.headers["location"], headers=HTML))
    assert "The key is revoked" in after and "Revoked" in after
    refused_key = httpx.get(f"{gateway_url}/v1/codes/icd10cm/L55.0", headers={"X-API-Key": key})
    assert refused_key.status_code == 401
    assert post_form(browser, action.group(1)).status_code == 303  # twice is fine, as in the API
    unknown = post_form(browser, "/account/api-keys/ffffffffffff/revoke")
    assert unknown.status_code == 404 and "no such key on your account" in text(unknown)
    assert "Plan Partner" in text(unknown)  # the page, with the refusal on it


@pytest.fixture
def degraded_gateway(service_addresses: dict[str, str]) -> Iterator[Callable[[str], str]]:
    """Start a gateway like the session's (same cookie secret) with one service unreachable."""
    started: list[UvicornThread] = []

    def start(down: str) -> str:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            dead = f"127.0.0.1:{probe.getsockname()[1]}"
        addresses = {**service_addresses, f"{down}_addr": dead}
        settings = GatewaySettings.model_validate(
            {
                **addresses,
                "events": False,
                "cookie_secret": SecretStr("test-cookie-secret"),
                "trusted_proxies": "127.0.0.1/32",
                "rpc_timeout_seconds": 2,
            }
        )
        server = UvicornThread(create_app(settings))
        server.start()
        started.append(server)
        return server.url

    yield start
    for server in started:
        server.stop()


def test_pages_say_plainly_when_a_service_is_down_and_keep_the_rest(
    browser: Browser, accounts_mail_sink: Mailbox, degraded_gateway: Callable[[str], str]
) -> None:
    address = email()
    web_sign_up(browser, accounts_mail_sink, address)
    cookies = {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.jar.items())}
    no_metering = degraded_gateway("metering")
    page = httpx.get(f"{no_metering}/account", headers={**HTML, **cookies}, timeout=30)
    assert page.status_code == 200, page.text
    assert address in text(page) and "Plan Free" in text(page)
    assert "cannot show how many views you have left right now" in text(page)
    no_accounts = degraded_gateway("accounts")
    login = httpx.post(
        f"{no_accounts}/login",
        data={"csrf_token": browser.jar["medcode_csrf"], "email": address, "password": PASSWORD},
        headers={**HTML, **cookies},
        timeout=30,
    )
    assert login.status_code == 503 and login.headers["retry-after"]
    assert "not answering right now" in text(login) and f'value="{address}"' in login.text


def test_damaged_links_get_pages_that_say_so(browser: Browser) -> None:
    for damaged in (
        "/confirm",
        "/confirm?token=",
        "/confirm?token=" + "x" * 300,
        "/confirm?token=a%22b",
    ):
        page = browser.get(damaged, headers=HTML)
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
        assert "incomplete or damaged" in text(page) and 'action="/confirm"' not in page.text
    inbox = browser.get("/register/sent?within=soon", headers=HTML)
    assert inbox.status_code == 200 and "24 hours" in text(inbox)
    login = browser.get("/login?next=/" + "a" * 3000 + "&notice=" + "n" * 100, headers=HTML)
    assert login.status_code == 200 and 'name="next" value="/account"' in login.text
