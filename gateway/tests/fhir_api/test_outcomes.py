"""Every error on a /fhir path is an OperationOutcome, whichever layer answered it (routing,
body limits, API-key checks), and the rest of the API keeps its problem documents."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.fhir.outcomes import issue_code_for, outcome_from_problem

from .models import assert_valid, outcome

FHIR_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80
).filter(lambda t: t.strip() == t)
PROBLEMS = st.fixed_dictionaries(
    {},
    optional={
        "detail": FHIR_TEXT,
        "title": FHIR_TEXT,
        "fhir_code": st.sampled_from(["not-found", "invalid", "not-supported", "too-costly"]),
        "expression": st.lists(st.sampled_from(["code", "system", "url"]), max_size=2),
        "errors": st.lists(
            st.fixed_dictionaries({"loc": st.lists(FHIR_TEXT, max_size=2), "msg": FHIR_TEXT}),
            max_size=2,
        ),
        "junk": st.integers(),
    },
)


@given(PROBLEMS, st.sampled_from([400, 401, 403, 404, 406, 410, 413, 415, 422, 429, 500, 503]))
def test_any_problem_becomes_a_valid_operation_outcome(
    problem: dict[str, Any], status: int
) -> None:
    body = outcome_from_problem(problem, status)
    assert_valid(body)
    issue = body["issue"][0]
    assert issue["code"] == problem.get("fhir_code") or issue["code"] == issue_code_for(status)
    assert issue["severity"] == ("fatal" if status >= 500 else "error")
    if "detail" in problem:
        assert issue["diagnostics"].startswith(problem["detail"])


def test_an_unknown_fhir_path_is_a_not_found_outcome(gateway_url: str) -> None:
    response = httpx.get(gateway_url + "/fhir/Patient/123", timeout=30)
    body = outcome(response, 404, "not-found")
    assert response.headers["X-Request-ID"]
    assert body["issue"][0]["diagnostics"]


def test_a_bad_api_key_is_a_login_outcome(gateway_url: str) -> None:
    response = httpx.get(
        gateway_url + "/fhir/metadata", headers={"X-API-Key": "mc_live_not-a-key"}, timeout=30
    )
    outcome(response, 401, "login")


def test_an_oversized_body_is_a_too_costly_outcome(gateway_url: str) -> None:
    response = httpx.post(
        gateway_url + "/fhir/CodeSystem/$lookup",
        content=b'{"resourceType": "Parameters", "x": "' + b"a" * 2_000_000 + b'"}',
        headers={"Content-Type": "application/fhir+json"},
        timeout=30,
    )
    outcome(response, 413, "too-costly")


def test_the_json_api_keeps_its_problem_documents(gateway_url: str) -> None:
    response = httpx.get(gateway_url + "/v1/no-such-route", timeout=30)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    response = httpx.get(gateway_url + "/fhirish", timeout=30)
    assert not response.headers["content-type"].startswith("application/fhir+json")
