"""The CasePilot page and the code page's box, through the real gateway and services, as a
browser without JavaScript uses them (urlencoded forms, double-submit CSRF)."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from .browser import Browser
from .web_html import HTML, parse


def text(response: httpx.Response) -> str:
    """What a person reads: tags dropped, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def hidden(response: httpx.Response, name: str) -> str:
    """The value of the main form's hidden field `name`."""
    form = response.text[response.text.index('id="casepilot-form"') :]
    found = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert found, name
    return html.unescape(found.group(1))


def ask(browser: Browser, question: str, **fields: str) -> httpx.Response:
    """Post the chat form as a browser does, with the page's CSRF token."""
    if "medcode_csrf" not in browser.jar:
        browser.get("/casepilot", headers=HTML)
    data = {"csrf_token": browser.jar["medcode_csrf"], "question": question, **fields}
    return browser.post("/casepilot", data=data, headers=HTML)


def test_the_page_is_a_labelled_form_with_a_csrf_field(visitor: Browser) -> None:
    page = visitor.get("/casepilot", headers=HTML)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    parsed = parse(page.text)
    assert parsed.h1 == "CasePilot" and "field-question" in parsed.labels_for
    assert hidden(page, "csrf_token") == visitor.jar["medcode_csrf"]
    assert "/static/casepilot" in page.text  # the script that streams, when JS runs


def test_asking_shows_the_answer_codes_sources_and_follow_ups(visitor: Browser) -> None:
    answer = ask(visitor, "Is N18.6 an MCC?")
    assert answer.status_code == 200, text(answer)
    words = text(answer)
    assert "Is N18.6 an MCC?" in words and "MCC" in words
    parsed = parse(answer.text)
    assert "/codes/icd10cm/N18.6" in parsed.hrefs("/codes/")
    assert "Sources (" in words
    assert hidden(answer, "conversation_id")
    assert re.search(r"\d+ questions? left this month", words)


def test_a_follow_up_in_the_conversation_resolves_it(visitor: Browser) -> None:
    first = ask(visitor, "What does E11.9 mean?")
    conversation = hidden(first, "conversation_id")
    buttons = re.findall(r'<button type="submit" name="question" value="([^"]+)"', first.text)
    assert "Is E11.9 billable?" in buttons  # follow-ups are buttons of a form that posts them
    follow = ask(visitor, "Is it billable?", conversation_id=conversation)
    assert follow.status_code == 200
    assert "/codes/icd10cm/E11.9" in parse(follow.text).hrefs("/codes/")
    assert hidden(follow, "conversation_id") == conversation


def test_the_code_page_box_asks_about_its_code(visitor: Browser) -> None:
    page = visitor.get("/codes/icd10cm/N18.6", headers=HTML)
    assert page.status_code == 200
    box = page.text[page.text.index('class="casepilot-box"') :]
    assert 'action="/casepilot"' in box and 'name="code" value="N18.6"' in box
    assert 'name="system" value="icd10cm"' in box and "casepilot-box-question" in box
    token = re.search(r'name="csrf_token" value="([^"]+)"', box)
    assert token and token.group(1) == visitor.jar["medcode_csrf"]
    answer = ask(visitor, "Is it an MCC?", system="icd10cm", code="N18.6")
    assert answer.status_code == 200
    assert "N18.6" in text(answer) and "MCC" in text(answer)
    assert hidden(answer, "code") == "N18.6" and hidden(answer, "system") == "icd10cm"


def test_a_form_without_the_csrf_token_changes_nothing(visitor: Browser) -> None:
    visitor.get("/casepilot", headers=HTML)
    forged = visitor.post(
        "/casepilot", data={"question": "Is N18.6 an MCC?", "csrf_token": "x"}, headers=HTML
    )
    assert forged.status_code == 403 and "expired" in text(forged)
    assert "Is N18.6 an MCC? MCC" not in text(forged)
    # The refused form spent no question: the guest's allowance is whole.
    first = ask(visitor, "Is N18.6 an MCC?")
    left = int(re.search(r"(\d+) questions? left", text(first)).group(1))  # type: ignore[union-attr]
    api = visitor.post("/v1/assistant/ask", json={"question": "Is N18.6 an MCC?"})
    assert int(api.headers["x-questions-remaining"]) == left - 1


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "Type a question."), ("x" * 2001, "at most 2000 characters")],
)
def test_bad_questions_are_shown_next_to_the_field(
    visitor: Browser, question: str, message: str
) -> None:
    refused = ask(visitor, question)
    assert refused.status_code == 400 and message in text(refused)
    assert 'aria-invalid="true"' in refused.text and 'href="#field-question"' in refused.text


def test_the_answer_is_escaped_html(visitor: Browser) -> None:
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    answer = ask(visitor, hostile)
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text and "<img" not in answer.text
    assert 'href="javascript:' not in answer.text


def test_spent_questions_show_the_limit_and_the_way_out(visitor: Browser) -> None:
    while (answer := ask(visitor, "What does modifier 25 mean?")).status_code == 200:
        pass
    assert answer.status_code == 429
    words = text(answer)
    assert "Question limit reached" in words and "Register a free account" in words
    assert {"/register", "/plans"} <= set(parse(answer.text).hrefs("/"))
