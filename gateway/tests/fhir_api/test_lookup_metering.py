"""$lookup is charged like a code page, through the real gateway, accounts and metering
services: a guest's one view (shared with the JSON API), free repeats, a 403 OperationOutcome
when none is left; Pro users and partner keys are not view-metered."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from medcode.accounts.v1 import accounts_service_pb2 as apb
from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode_common import service_auth
from medcode_common.plans import Plan
from medcode_common.service_auth import ACCOUNTS, CLI

from .models import fhir_json, outcome

#: The gateway tests' `browser` fixture (a cookie-keeping client with its own client IP)
#: and `accounts_mail_sink`; this package cannot import their classes (`..` is outside it).
Browser = Any
Mailbox = Any

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOOKUP = "/fhir/CodeSystem/$lookup"
PASSWORD = "plum-violet-lantern-42"
#: Distinct billable codes: more than any guest or free allowance.
CODES = ["E11.9", "I10", "J45.909", "S72.001A", "S72.001B", "S72.001D", "K21.9", "M54.5"]


def partner_key(accounts_address: str, *, quota: int) -> str:
    """A partner API key made the way the operator CLI makes one."""
    with service_auth.channel(accounts_address, identity=CLI, audience=ACCOUNTS) as channel:
        reply = accounts_grpc.AccountsServiceStub(channel).CreateApiKey(
            apb.CreateApiKeyRequest(
                name="fhir lookup",
                plan=Plan.PARTNER.proto,
                monthly_quota=quota,
                rate_per_second=1000,
            ),
            timeout=10,
        )
    return str(reply.secret)


def lookup(client: Browser | httpx.Client, code: str) -> httpx.Response:
    """GET $lookup of an ICD-10-CM code."""
    return client.get(LOOKUP, params={"system": ICD10CM, "code": code})


def test_a_guest_spends_one_view_then_gets_a_403_outcome(browser: Browser) -> None:
    missing = lookup(browser, "E11.99")
    outcome(missing, 404, "not-found")  # an unknown code costs nothing
    first = lookup(browser, "E11.9")
    fhir_json(first)
    assert first.headers["x-views-remaining"] == "0"
    assert "medcode_guest" in browser.jar, "the guest keeps its cookie"
    again = lookup(browser, "e119")  # the same code, typed differently, within 24 h
    fhir_json(again)
    refused = lookup(browser, "I10")
    issue = outcome(refused, 403, "forbidden")["issue"][0]
    assert "Register" in issue["diagnostics"], "the outcome says how to get more views"
    assert refused.headers["x-views-remaining"] == "0"


def test_the_view_is_the_same_one_the_json_code_page_spends(browser: Browser) -> None:
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200
    fhir_json(lookup(browser, "E11.9"))  # seen already: free
    outcome(lookup(browser, "I10"), 403, "forbidden")
    posted = browser.post(
        LOOKUP,
        json={
            "resourceType": "Parameters",
            "parameter": [{"name": "coding", "valueCoding": {"system": ICD10CM, "code": "I10"}}],
        },
    )
    outcome(posted, 403, "forbidden")


def test_a_partner_key_pays_quota_not_views(gateway_url: str, accounts_address: str) -> None:
    key = partner_key(accounts_address, quota=100)
    with httpx.Client(base_url=gateway_url, timeout=30, headers={"X-API-Key": key}) as client:
        answers = [lookup(client, code) for code in CODES]
    for answer in answers:
        fhir_json(answer)
        assert "x-views-remaining" not in answer.headers
    spent = [int(a.headers["ratelimit-remaining"]) for a in answers]
    assert spent == list(range(99, 99 - len(CODES), -1)), "one quota unit per lookup"


def test_a_pro_user_is_not_metered(
    gateway_url: str, accounts_mail_sink: Mailbox, accounts_data_dir: Path
) -> None:
    credentials = {"email": f"fa-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD}
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        assert client.post("/v1/auth/register", json=credentials).status_code == 202
        token = accounts_mail_sink.confirmation_token(credentials["email"])
        assert client.get("/v1/auth/confirm", params={"token": token}).status_code == 200
    medcode = [sys.executable, "-m", "medcode_common.cli", "accounts", "set-plan"]
    subprocess.run(
        [*medcode, credentials["email"], "pro", "--data-dir", str(accounts_data_dir)], check=True
    )
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        access = client.post("/v1/auth/login", json=credentials).json()["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        answers = [lookup(client, code) for code in CODES]
    for answer in answers:
        fhir_json(answer)
        assert "x-views-remaining" not in answer.headers
