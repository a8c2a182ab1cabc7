"""Home, browse and plans in a real browser: every page type passes axe, fits a phone, and
the hierarchy can be walked with links alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .harness import assert_accessible, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_home_links_lead_through_browse_to_a_code(page: Page) -> None:
    page.goto("/")
    assert page.get_by_role("link", name="ICD-10-CM").first.is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="ICD-10-CM").first.click()
    assert page.url.endswith("/browse/icd10cm")
    assert page.get_by_role("heading", level=1).text_content() == "ICD-10-CM chapters"
    assert_accessible(page)
    screenshot(page, "browse-system")
    with page.expect_navigation():
        page.get_by_role("link", name="Endocrine, nutritional and metabolic diseases").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Diabetes mellitus").first.click()
    assert page.url.endswith("/browse/icd10cm/E08-E13")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.get_by_role("link").all_text_contents() == ["Browse", "ICD-10-CM", "Chapter 4"]
    assert_accessible(page)
    screenshot(page, "browse-section")
    with page.expect_navigation():
        page.locator("a[href='/codes/icd10cm/E11']").click()
    assert page.url.endswith("/codes/icd10cm/E11")


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Page) -> None:
    page.goto("/browse")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert_accessible(page)
    screenshot(page, "browse-index")


def test_plans_page_is_accessible(page: Page) -> None:
    response = page.goto("/plans")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", level=2).all_text_contents()[:4] == [
        "Guest",
        "Free",
        "Pro",
        "Partner",
    ]
    assert_accessible(page)
    screenshot(page, "plans")


def test_error_pages_are_accessible(page: Page) -> None:
    response = page.goto("/browse/icd10cm/Z99.999")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).text_content() == "Page not found"
    assert_accessible(page)
