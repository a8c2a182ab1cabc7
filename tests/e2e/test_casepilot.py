"""CasePilot in real Chromium over a whole `medcode run` (the assistant included): a question
on the chat page, streamed with JavaScript, and one from a code page's box, answered with
the code linked; axe-clean, with screenshots at desktop and phone width."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .harness import assert_accessible, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

QUESTION = "Is N18.6 an MCC?"


def test_the_chat_page_streams_an_answer_and_keeps_the_conversation(page: Page) -> None:
    response = page.goto("/casepilot")
    assert response is not None and response.status == 200
    assert_accessible(page)
    page.get_by_label("Your question").fill(QUESTION)
    with page.expect_response("**/v1/assistant/ask/stream") as streamed:
        page.get_by_role("button", name="Ask CasePilot").click()
    assert streamed.value.status == 200
    turn = page.locator("#casepilot-thread article").last
    turn.get_by_role("heading", name="Codes in this answer").wait_for()
    assert turn.get_by_role("heading", name=QUESTION).is_visible()
    assert "MCC" in turn.locator(".casepilot-answer").inner_text()
    link = turn.locator(".casepilot-codes").get_by_role("link", name="N18.6")
    assert link.get_attribute("href") == "/codes/icd10cm/N18.6"
    conversation = page.locator("#casepilot-form input[name=conversation_id]").input_value()
    assert conversation, "the conversation id is kept for the next question"
    assert page.url.endswith("/casepilot"), "answered in place, no page load"
    page.get_by_label("Ask a follow-up question").fill("Is it billable?")
    page.get_by_role("button", name="Ask CasePilot").click()
    second = page.locator("#casepilot-thread article").nth(1)
    second.get_by_role("heading", name="Codes in this answer").wait_for()
    assert second.locator(".casepilot-codes").get_by_role("link", name="N18.6").count() == 1
    left = page.locator("#casepilot-remaining").inner_text()
    assert re.fullmatch(r"\d+ questions? left this month", left), left
    assert_accessible(page)
    screenshot(page, "casepilot-chat")


def test_the_code_page_box_asks_about_its_code(page: Page) -> None:
    response = page.goto("/codes/icd10cm/N18.6")
    assert response is not None and response.status == 200
    box = page.get_by_role("region", name="Ask CasePilot about this code")
    assert box.is_visible()
    assert_accessible(page)
    screenshot(page, "casepilot-code-page-box")
    box.get_by_label("Your question about N18.6").fill(QUESTION)
    with page.expect_navigation():
        box.get_by_role("button", name="Ask").click()
    assert page.url.endswith("/casepilot")
    assert page.get_by_role("heading", name=QUESTION).is_visible()
    assert "MCC" in page.locator(".casepilot-answer").first.inner_text()
    assert page.get_by_role("link", name="N18.6").first.get_attribute("href") == (
        "/codes/icd10cm/N18.6"
    )
    assert "about N18.6" in page.get_by_text("Ask a follow-up question").inner_text()
    assert_accessible(page)
    screenshot(page, "casepilot-from-code-page")
