"""A guest becomes a user in a real browser: registers through the form, confirms from the
mail the platform wrote, signs in, sees the views metering grants, and, once an operator moves
them to the partner plan, creates and revokes an API key. Every account page passes axe and
fits a phone screen."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from .conftest import Site
from .harness import assert_accessible, mail_to, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

MEDCODE = shutil.which("medcode") or str(Path(sys.executable).parent / "medcode")
PASSWORD = "plum-violet-lantern-42"
LINK = re.compile(r"https?://\S+/v1/auth/confirm\?token=mcc_[A-Za-z0-9_-]+")


def confirmation_link(site: Site, address: str) -> str:
    """The link in the confirmation mail, as its owner reads it."""
    message = mail_to(site.outbox, address)
    body = message.get_body(preferencelist=("plain",))
    found = LINK.search(body.get_content() if body is not None else "")
    assert found, f"no confirmation link in the mail to {address}"
    return found.group(0)


def views_left(page: Page) -> int:
    found = re.search(r"(\d+) views? left this month", page.locator("main").inner_text())
    assert found, page.locator("main").inner_text()
    return int(found.group(1))


def test_a_guest_registers_confirms_signs_in_and_manages_api_keys(page: Page, site: Site) -> None:
    address = f"e2e-{uuid.uuid4().hex[:10]}@example.org"
    # A guest reads one code (the meter counts it), then registers.
    guest_view = page.goto("/v1/codes/icd10cm/L55.0")
    assert guest_view is not None and guest_view.status == 200
    page.goto("/register")
    assert_accessible(page)
    screenshot(page, "register")
    page.get_by_label("Email address").fill(address)
    page.get_by_label("Password").fill("password123")  # too common: refused next to the field
    page.get_by_role("button", name="Register").click()
    password = page.get_by_label("Password")
    assert password.get_attribute("aria-invalid") == "true" and password.input_value() == ""
    assert "too common" in page.locator("#field-password-error").inner_text()
    assert page.get_by_label("Email address").input_value() == address
    assert_accessible(page)
    screenshot(page, "register-error")
    password.fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/register/sent**")
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    assert_accessible(page)
    screenshot(page, "check-inbox")

    link = confirmation_link(site, address)
    token = link.split("token=", 1)[1]
    page.goto(f"/confirm?token={token}")  # the site's own confirmation page: a GET changes nothing
    assert page.get_by_role("button", name="Confirm my email address").is_visible()
    assert_accessible(page)
    opened = page.goto(link)  # the mailed link, exactly as sent: it confirms, then a page
    assert opened is not None and opened.status == 200
    assert urlsplit(page.url).path == "/login"
    assert "Your email is confirmed" in page.get_by_role("main").inner_text()
    assert_accessible(page)
    again = page.goto(link)  # a used link is explained on a page, not in JSON
    assert again is not None and again.status == 404
    assert "already used or expired" in page.get_by_role("main").inner_text()
    assert_accessible(page)

    # A wrong password first: the error is next to the form, the email stays typed.
    page.goto("/login?next=/account")
    page.get_by_label("Email address").fill(address)
    page.get_by_label("Password").fill("not-my-password-9")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().strip().startswith("The email address or")
    assert page.get_by_label("Email address").input_value() == address
    assert page.get_by_label("Password").input_value() == ""
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account")

    # The guest's one view came along: the free plan's 5 more are left.
    assert page.get_by_role("heading", name="Your account").is_visible()
    assert views_left(page) == 5
    meter = page.request.get("/v1/meter").json()
    assert meter["remaining"] == 5 and meter["plan"] == "free"
    assert_accessible(page)
    screenshot(page, "account-free")

    # With the account, a code page shows every section and spends one of the 5 views.
    page.goto("/codes/icd10cm/E11.9")
    assert page.get_by_role("link", name="Register to view content").count() == 0
    assert page.get_by_role(
        "heading", name="Hierarchy and codes below", exact=True, level=2
    ).is_visible()
    banner = " ".join(page.get_by_role("region", name="Your page views").inner_text().split())
    assert "4 views left this month" in banner, banner
    assert_accessible(page)
    page.goto("/account")

    # An operator moves the user to the partner plan; the account page offers keys at once.
    subprocess.run([MEDCODE, "accounts", "set-plan", address, "partner"], env=site.env, check=True)
    page.reload()
    assert "Partner" in page.locator(".account-facts").inner_text()
    page.get_by_label("Name for a new key").fill("billing system")
    page.get_by_role("button", name="Create API key").click()
    page.wait_for_url("**/account#new-key")
    secret = page.locator("code.secret").inner_text().strip()
    assert secret.startswith("mc_live_")
    assert_accessible(page)
    screenshot(page, "account-keys")
    api = httpx.get(f"{site.url}/v1/codes/icd10cm/L55.0", headers={"X-API-Key": secret})
    assert api.status_code == 200

    page.reload()
    assert page.locator("code.secret").count() == 0  # shown once
    row = page.get_by_role("row").filter(has_text="billing system")
    row.get_by_role("button", name=re.compile("^Revoke key billing system")).click()
    page.wait_for_url("**/account?notice=revoked")
    assert (
        page.get_by_role("row").filter(has_text="billing system").filter(has_text="Revoked").count()
        == 1
    )
    assert_accessible(page)
    refused = httpx.get(f"{site.url}/v1/codes/icd10cm/L55.0", headers={"X-API-Key": secret})
    assert refused.status_code == 401

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?notice=signed-out")
    assert page.get_by_role("status").filter(has_text="You are signed out.").is_visible()
    assert_accessible(page)
    screenshot(page, "sign-in")
