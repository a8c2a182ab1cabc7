"""Validate MedCode's FHIR answers against the FHIR models (`fhir.resources`).

`fhir.resources` 8 ships R4B (4.3.0), the technical correction of R4 whose terminology
resources (CodeSystem, ValueSet, ConceptMap, Parameters, OperationOutcome, Capability-
Statement, TerminologyCapabilities) are R4's; the models refuse unknown elements and wrong
types, so a resource that passes is one an R4 client can read.
"""

from __future__ import annotations

from typing import Any

import httpx
from fhir.resources.R4B import get_fhir_model_class

FHIR_JSON = "application/fhir+json"


def assert_valid(resource: Any) -> Any:
    """The validated model of a FHIR resource (raises when it is not a valid resource)."""
    assert isinstance(resource, dict), f"not a JSON object: {resource!r}"
    kind = resource.get("resourceType")
    assert isinstance(kind, str), f"no resourceType: {resource!r}"
    return get_fhir_model_class(kind).model_validate(resource)


def fhir_json(response: httpx.Response, *, status: int = 200) -> dict[str, Any]:
    """The body of a FHIR answer with the expected status, checked to be a valid resource
    served as application/fhir+json."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith(FHIR_JSON), response.headers
    body = response.json()
    assert_valid(body)
    return body


def outcome(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The OperationOutcome of an error answer, checked: status, media type, validity and
    (when given) the issue type."""
    body = fhir_json(response, status=status)
    assert body["resourceType"] == "OperationOutcome", body
    issue = body["issue"][0]
    assert issue["severity"] in ("error", "fatal"), issue
    if code is not None:
        assert issue["code"] == code, issue
    return body


def parameter(parameters: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Every entry of a Parameters resource with the given name."""
    return [p for p in parameters.get("parameter", []) if p.get("name") == name]
