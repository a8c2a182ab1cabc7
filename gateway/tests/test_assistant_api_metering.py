"""CasePilot questions metered per plan through the real gateway, accounts and metering:
a free user's month runs out (exactly, under concurrency), Pro is unlimited, partner keys pay
their API quota instead."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from .browser import Browser
from .conftest import Mailbox, create_operator_key

PROBLEM = "application/problem+json"
PASSWORD = "plum-violet-lantern-42"
QUESTION = {"question": "What does modifier 25 mean?"}


def sign_up(base: str, mailbox: Mailbox) -> tuple[dict[str, str], dict[str, str]]:
    """A confirmed free account: its credentials and a Bearer header."""
    credentials = {"email": f"q-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD}
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.post("/v1/auth/register", json=credentials).status_code == 202
        token = mailbox.confirmation_token(credentials["email"])
        assert client.get("/v1/auth/confirm", params={"token": token}).status_code == 200
    return credentials, bearer(base, credentials)


def bearer(base: str, credentials: dict[str, str]) -> dict[str, str]:
    """A fresh access token (it carries the plan as it is now)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/v1/auth/login", json=credentials).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def _ask_all(base: str, headers: dict[str, str], count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as client:
        return await asyncio.gather(
            *(client.post("/v1/assistant/ask", json=QUESTION) for _ in range(count))
        )


def test_free_users_month_runs_out_exactly_then_pro_is_unlimited(
    assistant_gateway_url: str, accounts_mail_sink: Mailbox, accounts_data_dir: Path
) -> None:
    credentials, headers = sign_up(assistant_gateway_url, accounts_mail_sink)
    with httpx.Client(base_url=assistant_gateway_url, timeout=60, headers=headers) as client:
        first = client.post("/v1/assistant/ask", json=QUESTION)
    assert first.status_code == 200, first.text
    left = int(first.headers["x-questions-remaining"])
    assert left > 0
    responses = asyncio.run(_ask_all(assistant_gateway_url, headers, left + 5))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == left and statuses.count(429) == 5, statuses
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["content-type"].startswith(PROBLEM)
    problem = refused.json()
    assert problem["type"] == "/problems/question-limit" and problem["upgrade"] == "/plans"
    assert f"Free accounts can ask CasePilot {left + 1} questions a month" in problem["detail"]
    assert "Upgrade to Pro" in problem["detail"] and "register" not in problem
    # The operator moves the user to Pro: questions are unlimited and uncounted.
    medcode = [sys.executable, "-m", "medcode_common.cli", "accounts", "set-plan"]
    subprocess.run(
        [*medcode, credentials["email"], "pro", "--data-dir", str(accounts_data_dir)], check=True
    )
    pro = bearer(assistant_gateway_url, credentials)
    answers = asyncio.run(_ask_all(assistant_gateway_url, pro, 5))
    assert [r.status_code for r in answers] == [200] * 5
    assert all("x-questions-remaining" not in r.headers for r in answers)


def test_partner_key_pays_its_quota_not_questions(
    assistant_gateway_url: str, accounts_address: str
) -> None:
    key = create_operator_key(accounts_address, plan="partner", quota=3, rps=100, name="qa")
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=assistant_gateway_url, timeout=60, headers=headers) as client:
        answers = [
            client.post("/v1/assistant/ask", json=QUESTION),
            client.post("/v1/assistant/ask/stream", json=QUESTION),
        ]
        assert [a.status_code for a in answers] == [200, 200]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1"]
        assert all("x-questions-remaining" not in a.headers for a in answers)
        refused_input = client.post("/v1/assistant/ask", json={"question": ""})
        assert refused_input.status_code == 422  # a call like any other: it paid quota
        spent = client.post("/v1/assistant/ask", json=QUESTION)
    assert spent.status_code == 429 and "monthly quota" in spent.json()["detail"]


def test_a_cookie_session_must_echo_the_csrf_token(
    assistant_gateway_url: str, accounts_mail_sink: Mailbox
) -> None:
    credentials, _ = sign_up(assistant_gateway_url, accounts_mail_sink)
    with httpx.Client(base_url=assistant_gateway_url, timeout=60) as client:
        browser = Browser(client)
        assert browser.post("/v1/auth/login", json=credentials).status_code == 200
        forged = browser.post("/v1/assistant/ask", json=QUESTION)
        assert forged.status_code == 403 and "X-CSRF-Token" in forged.json()["detail"]
        other_site = browser.post(
            "/v1/assistant/ask",
            json=QUESTION,
            headers={"X-CSRF-Token": browser.jar["medcode_csrf"], "Origin": "https://evil.example"},
        )
        assert other_site.status_code == 403
        token = {"X-CSRF-Token": browser.jar["medcode_csrf"]}
        answer = browser.post("/v1/assistant/ask", json=QUESTION, headers=token)
    assert answer.status_code == 200
    # The refused calls spent nothing: as many left as a new user after a first question.
    assert answer.headers["x-questions-remaining"] == first_question_left(
        assistant_gateway_url, accounts_mail_sink
    )


def first_question_left(base: str, mailbox: Mailbox) -> str:
    """X-Questions-Remaining of a brand-new free user's first question."""
    _, headers = sign_up(base, mailbox)
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        return client.post("/v1/assistant/ask", json=QUESTION).headers["x-questions-remaining"]
