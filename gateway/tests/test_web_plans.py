"""The plans page: every plan, with the allowances metering enforces (never hard-coded)."""

from __future__ import annotations

from .browser import Browser
from .conftest import Mailbox
from .test_accounts_api import sign_up
from .web_html import HTML, parse


def test_plans_show_metering_s_allowances(browser: Browser) -> None:
    meter = browser.get("/v1/meter").json()  # also makes this visitor a known guest
    policy = meter["policy"]
    guest, free = policy["guest_views"], policy["guest_views"] + policy["free_extra_views"]
    response = browser.get("/plans", headers=HTML)
    assert response.status_code == 200
    text = response.text
    page = parse(text)
    assert page.canonical and page.canonical.endswith("/plans") and page.description
    for name in ("Guest", "Free", "Pro", "Partner"):
        assert f">{name}" in text
    assert f"{guest} code page{'' if guest == 1 else 's'} a month" in text
    assert f"{free} code page{'' if free == 1 else 's'} a month" in text
    assert text.count("Unlimited code pages") == 2  # pro and partner are not view-metered
    assert meter["message"].split(". ", 1)[1] in text  # the business's rule, as metering says
    assert "Your plan" in text and "/register" in page.hrefs("/register")


def test_a_signed_in_user_sees_their_plan_and_views_left(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    sign_up(browser, accounts_mail_sink)
    meter = browser.get("/v1/meter").json()
    assert meter["subject_type"] == "user" and meter["plan"] == "free"
    text = browser.get("/plans", headers=HTML).text
    left = meter["remaining"]
    assert f"{left} view{'' if left == 1 else 's'} left this month" in text
    free_card = text[text.index(">Free") : text.index(">Pro")]
    assert "Your plan" in free_card
    assert 'href="/register"' not in text  # already registered
