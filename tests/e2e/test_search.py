"""Search in a real browser: the type-ahead combobox with the keyboard only and with the
mouse, the results page with its filters, and searching without JavaScript."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .conftest import Site
from .harness import assert_accessible, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

L55_PAGE = re.compile(r".*/codes/icd10cm/L55(\.[0-9A-Z]+)?$")


def test_keyboard_only_sunbu_arrow_down_enter_opens_an_l55_code(page: Page) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="Search codes")
    box.focus()
    page.keyboard.type("sunbu", delay=40)
    listbox = page.get_by_role("listbox", name="Suggested codes")
    listbox.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    count = listbox.get_by_role("option").count()
    status = page.locator(".typeahead [role=status]")
    assert (
        status.text_content()
        == f"{count} suggestions available; use the up and down arrows to choose"
    )
    assert_accessible(page)  # with the listbox open
    screenshot(page, "typeahead")
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert (first.locator(".code").text_content() or "").startswith("L55")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert L55_PAGE.match(page.url), page.url
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("L55"), heading  # the code's own page, not an error page


def test_escape_closes_and_arrows_wrap_back_to_the_box(page: Page) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="Search codes")
    box.focus()
    page.keyboard.type("sunbu", delay=40)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")  # back to the box: nothing chosen
    assert box.get_attribute("aria-activedescendant") is None
    page.keyboard.press("Escape")
    listbox.wait_for(state="hidden")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "sunbu"  # Escape closed the list and kept the text
    with page.expect_navigation():
        page.keyboard.press("Enter")  # no option chosen: the form searches
    assert "/search?q=sunbu" in page.url


def test_a_click_on_a_suggestion_opens_it(page: Page) -> None:
    page.goto("/")
    page.get_by_role("combobox", name="Search codes").fill("sunburn")
    option = page.get_by_role("option").first
    option.wait_for(state="visible")
    code = option.locator(".code").text_content() or ""
    with page.expect_navigation():
        option.click()
    assert code.startswith("L55") and page.url.endswith(f"/codes/icd10cm/{code}")


def test_results_page_with_filters_and_pages(page: Page) -> None:
    response = page.goto("/search?q=fracture&system=icd10cm")
    assert response is not None and response.status == 200
    results = page.locator("ol.results > li")
    assert results.count() == 20
    assert page.locator("ol.results mark").count() > 0
    assert page.get_by_label("Code system").input_value() == "icd10cm"
    assert_accessible(page)
    screenshot(page, "search-results")
    page.get_by_label("Billable codes only").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Search").last.click()
    assert "billable=1" in page.url and "system=icd10cm" in page.url
    assert page.get_by_text("Not billable").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    assert "page=2" in page.url and "billable=1" in page.url
    assert_accessible(page)


def test_empty_search_and_no_results_pages_are_accessible(page: Page) -> None:
    page.goto("/search")
    assert page.get_by_role("heading", level=1).text_content() == "Search codes"
    assert_accessible(page)
    page.goto("/search?q=qqqzzxv")
    assert page.get_by_role("status").filter(has_text="No codes match").is_visible()
    assert_accessible(page)
    screenshot(page, "search-empty")


def test_without_javascript_the_box_still_searches(chromium: Browser, site: Site) -> None:
    context = chromium.new_context(base_url=site.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        box = page.get_by_role("searchbox", name="Search codes")  # no script: a plain box
        box.fill("sunburn")
        with page.expect_navigation():
            box.press("Enter")
        assert "/search?q=sunburn" in page.url
        assert page.locator("ol.results a[href^='/codes/icd10cm/L55']").count() > 0
        with page.expect_navigation():
            page.goto("/search?q=E11.9")
        assert page.url.endswith("/codes/icd10cm/E11.9")  # the exact-code redirect
    finally:
        context.close()
