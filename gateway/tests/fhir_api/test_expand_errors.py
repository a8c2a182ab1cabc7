"""ValueSet/$expand's refusals: every bad input is an OperationOutcome with the right status,
issue type and parameter, by GET and by POST; release selection by system-version and
valueSetVersion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .models import fhir_json, outcome
from .test_expand import CM_URL, CM_VS, EXPAND, echoed, parameters_body

HCPCS_URL = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"


@pytest.fixture(scope="module")
def guest(gateway_url: str) -> Iterator[httpx.Client]:
    """A caller without an API key, at its own address."""
    headers = {"X-Forwarded-For": "203.0.113.118"}
    with httpx.Client(base_url=gateway_url, timeout=60, headers=headers) as client:
        yield client


def post(client: httpx.Client, body: dict[str, Any], path: str = EXPAND) -> httpx.Response:
    return client.post(path, json=body, headers={"Content-Type": "application/fhir+json"})


#: (inputs, status, issue type, parameter at fault, words of the message)
REFUSALS = [
    ({"url": CM_VS, "count": 1001}, 400, "too-costly", "count", "at most 1000"),
    ({"url": CM_VS, "count": -1}, 400, "invalid", "count", "0 or more"),
    ({"url": CM_VS, "offset": -5}, 400, "invalid", "offset", "0 or more"),
    ({"url": "http://example.org/ValueSet/nope"}, 404, "not-found", "url", "unknown value set"),
    ({"url": "http://hl7.org/fhir/sid/icd-10?fhir_vs"}, 400, "not-supported", "url", CM_URL),
    ({"url": CM_URL + "?fhir_vs=isa/S72.7"}, 404, "not-found", "url", "S72.7"),
    ({"url": CM_URL + "?fhir_vs=isa/not-a-code"}, 400, "invalid", "url", "not-a-code"),
    (
        {"url": CM_URL + "?fhir_vs=isa/S72.7", "filter": "fracture"},
        404,
        "not-found",
        "url",
        "S72.7",
    ),
    ({"url": HCPCS_URL + "?fhir_vs"}, 404, "not-found", "url", "no release"),
    (
        {"url": CM_VS, "system-version": CM_URL + "|1999-10-01"},
        404,
        "not-found",
        "system-version",
        "2026-04-01",
    ),
    ({"url": CM_VS, "system-version": "2026-04-01"}, 400, "invalid", "system-version", "|"),
    (
        {"url": CM_VS, "system-version": "http://hl7.org/fhir/sid/icd-10|2019"},
        400,
        "not-supported",
        "system-version",
        CM_URL,
    ),
    ({"url": CM_VS, "valueSetVersion": "2020-10-01"}, 404, "not-found", "valueSetVersion", ""),
    ({"url": CM_VS + "|1999-10-01"}, 404, "not-found", "url", "1999-10-01"),
    (
        {
            "url": CM_VS,
            "valueSetVersion": "2026-04-01",
            "system-version": CM_URL + "|2025-10-01",
        },
        400,
        "invalid",
        "system-version",
        "conflicting",
    ),
    ({"url": CM_VS, "displayLanguage": "fr"}, 400, "not-supported", "displayLanguage", "en"),
    (
        {"url": CM_VS, "filter": "fracture", "offset": 9990, "count": 20},
        400,
        "too-costly",
        "offset",
        "refine",
    ),
    ({"url": CM_VS, "filter": "x" * 257}, 400, "invalid", "filter", "256"),
    ({"url": CM_VS, "date": "2026-01-01"}, 400, "not-supported", "date", "unknown parameter"),
    ({"filter": "fracture"}, 400, "required", "url", "url"),
]


def check_refusal(
    response: httpx.Response, status: int, code: str, parameter: str, words: str
) -> None:
    issue = outcome(response, status, code)["issue"][0]
    assert parameter in issue.get("expression", []), issue
    assert words in issue["diagnostics"], issue


@pytest.mark.parametrize(("inputs", "status", "code", "parameter", "words"), REFUSALS)
def test_refusals_by_get_and_post(
    guest: httpx.Client, inputs: dict[str, Any], status: int, code: str, parameter: str, words: str
) -> None:
    check_refusal(guest.get(EXPAND, params=inputs), status, code, parameter, words)
    check_refusal(post(guest, parameters_body(**inputs)), status, code, parameter, words)


def test_an_inline_value_set_resource_is_not_supported(guest: httpx.Client) -> None:
    value_set = {
        "resourceType": "ValueSet",
        "status": "active",
        "compose": {"include": [{"system": CM_URL, "concept": [{"code": "E11.9"}]}]},
    }
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "valueSet", "resource": value_set}],
    }
    check_refusal(post(guest, body), 400, "not-supported", "valueSet", "url")
    by_query = guest.get(EXPAND, params={"valueSet": "{}"})
    check_refusal(by_query, 400, "invalid", "valueSet", "query string")


def test_unknown_instance_ids_and_mismatched_urls(guest: httpx.Client) -> None:
    outcome(guest.get("/fhir/ValueSet/icd-10/$expand"), 404, "not-found")
    mismatch = guest.get(
        "/fhir/ValueSet/icd-10-cm/$expand", params={"url": CM_URL + "?fhir_vs=isa/E11"}
    )
    check_refusal(mismatch, 400, "invalid", "url", "icd-10-cm")
    same = fhir_json(
        guest.get("/fhir/ValueSet/icd-10-cm/$expand", params={"url": CM_VS, "count": 2})
    )
    assert same["id"] == "icd-10-cm" and same["url"] == CM_VS


def test_a_body_that_is_not_parameters_is_refused(guest: httpx.Client) -> None:
    outcome(post(guest, {"resourceType": "ValueSet"}), 400, "structure")


def test_the_loaded_release_is_chosen_by_system_version_or_value_set_version(
    guest: httpx.Client,
) -> None:
    for name, value in (
        ("system-version", CM_URL + "|2026-04-01"),
        ("system-version", "http://www.ama-assn.org/go/cpt|2099"),  # another system: unused
        ("valueSetVersion", "2026-04-01"),
        ("url", CM_VS + "|2026-04-01"),
    ):
        body = fhir_json(guest.get(EXPAND, params={"url": CM_VS, name: value, "count": 1}))
        assert body["url"] == CM_VS
        assert echoed(body)["version"] == CM_URL + "|2026-04-01"
        assert body["expansion"]["contains"][0]["version"] == "2026-04-01"
