"""The code page in real Chromium: the meter banner and locked sections for a guest, the 200
paywall on a second code, every section for a signed-in user; axe-clean, with screenshots
at desktop and phone width."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from .conftest import Site
from .harness import assert_accessible, mail_to, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

RULE = "Guest accounts are limited to 1 page view. Register free account to get 5 more views."
PASSWORD = "plum-violet-lantern-42"


def test_a_guest_reads_one_code_then_gets_the_paywall(page: Page) -> None:
    response = page.goto("/codes/icd10cm/S72.001A")
    assert response is not None and response.status == 200
    banner = page.get_by_role("region", name="Your page views")
    assert banner.is_visible() and RULE in " ".join(banner.inner_text().split())
    assert page.get_by_role("heading", name="Official Description").is_visible()
    assert page.get_by_role("heading", name="Common Language Description").is_visible()
    locked = page.get_by_role("link", name="Register to view content")
    assert locked.count() >= 3 and locked.first.is_visible()
    assert locked.first.get_attribute("href") == "/register"
    assert_accessible(page)
    screenshot(page, "code-page-guest")

    response = page.goto("/codes/icd10cm/I10")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", level=1).inner_text().startswith("I10")
    assert page.get_by_role("heading", name="Register to keep reading").is_visible()
    assert page.get_by_role("link", name="Register a free account").is_visible()
    assert page.get_by_role("link", name="Compare plans and upgrade").is_visible()
    assert page.get_by_role("heading", name="Official Description").count() == 0
    assert_accessible(page)
    screenshot(page, "code-page-paywall")


def test_a_signed_in_user_sees_every_section(page: Page, site: Site) -> None:
    address = f"e2e-code-{uuid.uuid4().hex[:8]}@example.org"
    credentials = {"email": address, "password": PASSWORD}
    assert page.request.post("/v1/auth/register", data=credentials).status == 202
    body = mail_to(site.outbox, address).get_content()
    link = re.search(r"http://\S+/v1/auth/confirm\?token=[^\s\"'<>]+", body)
    assert link is not None, body
    assert page.request.get(link.group(0)).ok
    assert page.request.post("/v1/auth/login", data=credentials).status == 200

    response = page.goto("/codes/icd10cm/S72.001A")
    assert response is not None and response.status == 200
    assert page.get_by_role("link", name="Register to view content").count() == 0
    for heading in ("Notes", "7th characters", "Hierarchy and codes below"):
        assert page.get_by_role("heading", name=heading, exact=True, level=2).is_visible(), heading
    assert page.get_by_role("cell", name="initial encounter for closed fracture").is_visible()
    banner = page.get_by_role("region", name="Your page views").inner_text()
    assert "5 views left this month" in banner and "Free accounts" in banner
    assert page.get_by_role("link", name=re.compile("^Next code")).is_visible()
    assert_accessible(page)
    screenshot(page, "code-page-signed-in")
