"""The home page in a real browser: it renders, passes axe, and fits a phone screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .harness import assert_accessible, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_home_page_is_accessible_and_fits_a_phone(page: Page) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("searchbox", name="Search codes").count() == 0  # a combobox now
    assert page.get_by_role("combobox", name="Search codes").is_visible()
    assert_accessible(page)
    screenshot(page, "home")
