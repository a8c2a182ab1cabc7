"""CodeSystem/$validate-code and ValueSet/$validate-code conformance through the real gateway
and codes service: GET and POST, code / coding / codeableConcept, instance level, the
MedCode reasons in `message`, and errors as OperationOutcomes. Titles and releases are read
from the JSON API of the same gateway, never typed in."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .models import FHIR_JSON, fhir_json, outcome, parameter

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
WHO = "http://hl7.org/fhir/sid/icd-10"
SNOMED = "http://snomed.info/sct"
CS_VALIDATE = "/fhir/CodeSystem/$validate-code"
VS_VALIDATE = "/fhir/ValueSet/$validate-code"
WHOLE = ICD10CM + "?fhir_vs"
FEMUR = ICD10CM + "?fhir_vs=isa/S72"


def post(client: httpx.Client, path: str, entries: list[Any]) -> httpx.Response:
    """POST a Parameters resource as application/fhir+json."""
    body = json.dumps({"resourceType": "Parameters", "parameter": entries})
    return client.post(path, content=body, headers={"Content-Type": FHIR_JSON})


def answer(response: httpx.Response) -> dict[str, Any]:
    """result, message, display, code, version of a $validate-code answer (None if absent)."""
    body = fhir_json(response)
    assert body["resourceType"] == "Parameters"
    found: dict[str, Any] = {}
    for name in ("result", "message", "display", "code", "system", "version"):
        entries = parameter(body, name)
        assert len(entries) <= 1, name
        found[name] = next(
            (v for k, v in entries[0].items() if k.startswith("value")) if entries else iter([None])
        )
    assert isinstance(found["result"], bool)
    return found


def title(api: httpx.Client, code: str) -> str:
    """The official title, from the JSON API."""
    response = api.get(f"/v1/codes/icd10cm/{code}")
    assert response.status_code == 200
    found: str = response.json()["title"]
    return found


@pytest.fixture(scope="module")
def release(api: httpx.Client) -> str:
    """The loaded ICD-10-CM release (the newest)."""
    found: str = api.get("/v1/codes/icd10cm/E11.9").json()["release"]
    return found


def test_a_billable_code_is_valid_get_and_post(api: httpx.Client, release: str) -> None:
    got = answer(api.get(CS_VALIDATE, params={"url": ICD10CM, "code": "S72.001A"}))
    coding = {"system": ICD10CM, "code": "S72.001A"}
    posted = answer(post(api, CS_VALIDATE, [{"name": "coding", "valueCoding": coding}]))
    assert got == posted
    assert got["result"] is True and got["message"] is None
    assert got["display"] == title(api, "S72.001A")
    assert (got["code"], got["system"], got["version"]) == ("S72.001A", ICD10CM, release)


def test_a_category_is_a_valid_concept_but_not_billable(api: httpx.Client) -> None:
    got = answer(api.get(CS_VALIDATE, params={"url": ICD10CM, "code": "S72.001"}))
    assert got["result"] is True, "a heading is a concept of the code system"
    assert got["display"] == title(api, "S72.001")
    assert "not a billable code" in got["message"]
    assert "7th character" in got["message"] and "S72.001A" in got["message"]
    strict = {"url": ICD10CM, "code": "S72.001", "abstract": "false"}
    assert answer(api.get(CS_VALIDATE, params=strict))["result"] is False


def test_a_code_not_in_the_release_is_false_with_the_release(
    api: httpx.Client, release: str
) -> None:
    got = answer(api.get(CS_VALIDATE, params={"url": ICD10CM, "code": "E11.99"}))
    assert got["result"] is False and got["display"] is None
    assert f"not an ICD-10-CM code in release {release}" in got["message"]
    assert "E11.9" in got["message"], "the nearest existing code is named"


def test_a_malformed_code_is_false_saying_what_a_code_looks_like(api: httpx.Client) -> None:
    got = answer(api.get(CS_VALIDATE, params={"url": ICD10CM, "code": "E1!"}))
    assert got["result"] is False
    assert "not a valid ICD-10-CM code" in got["message"] and "e.g." in got["message"]


def test_a_wrong_display_is_a_warning(api: httpx.Client) -> None:
    official = title(api, "S72.001A")
    wrong = {"url": ICD10CM, "code": "S72.001A", "display": "Broken hip"}
    got = answer(api.get(CS_VALIDATE, params=wrong))
    assert got["result"] is True and got["display"] == official
    assert "'Broken hip'" in got["message"] and official in got["message"]
    same = {"url": ICD10CM, "code": "S72.001A", "display": "  " + official.upper()}
    assert answer(api.get(CS_VALIDATE, params=same))["message"] is None
    coding = {"system": ICD10CM, "code": "S72.001A", "display": "Broken hip"}
    posted = answer(post(api, CS_VALIDATE, [{"name": "coding", "valueCoding": coding}]))
    assert posted == got


def test_a_codeable_concept_is_valid_when_any_coding_is(api: httpx.Client) -> None:
    concept = {
        "coding": [
            {"system": SNOMED, "code": "44054006"},
            {"system": ICD10CM, "code": "E11.99"},
            {"system": ICD10CM, "code": "E11.9"},
        ]
    }
    entries = [{"name": "codeableConcept", "valueCodeableConcept": concept}]
    got = answer(post(api, CS_VALIDATE, entries))
    assert got["result"] is True and got["code"] == "E11.9"
    assert got["display"] == title(api, "E11.9")
    assert SNOMED in got["message"] and "E11.99" in got["message"]
    concept["coding"] = concept["coding"][:2]
    assert answer(post(api, CS_VALIDATE, entries))["result"] is False
    to_vs = [{"name": "url", "valueUri": FEMUR}, *entries]
    assert answer(post(api, VS_VALIDATE, to_vs))["result"] is False
    concept["coding"] = [{"system": SNOMED, "code": "44054006"}, {"system": PCS, "code": "0016070"}]
    none = answer(post(api, VS_VALIDATE, to_vs))
    assert none["result"] is False and none["code"] is None
    assert "no coding of the CodeableConcept" in none["message"] and PCS in none["message"]


def test_instance_level_code_system(api: httpx.Client) -> None:
    path = "/fhir/CodeSystem/icd-10-cm/$validate-code"
    got = answer(api.get(path, params={"code": "S72.001A"}))
    assert got["result"] is True
    posted = answer(post(api, path, [{"name": "code", "valueCode": "S72.001A"}]))
    assert posted == got
    outcome(api.get(path, params={"code": "0016070", "url": PCS}), 400, "invalid")
    outcome(api.get("/fhir/CodeSystem/loinc/$validate-code", params={"code": "1"}), 404)


def test_who_icd10_points_to_icd10cm(api: httpx.Client) -> None:
    body = outcome(api.get(CS_VALIDATE, params={"url": WHO, "code": "E11.9"}), 400)
    assert ICD10CM in body["issue"][0]["diagnostics"]
    body = outcome(api.get(VS_VALIDATE, params={"url": WHO + "?fhir_vs", "code": "E11.9"}), 400)
    assert ICD10CM in body["issue"][0]["diagnostics"]
    who = {"url": WHOLE, "system": WHO, "code": "E11.9"}
    assert ICD10CM in outcome(api.get(VS_VALIDATE, params=who), 400)["issue"][0]["diagnostics"]


def test_an_unknown_version_is_not_found(api: httpx.Client, release: str) -> None:
    params = {"url": ICD10CM, "code": "E11.9", "version": "1999-10-01"}
    body = outcome(api.get(CS_VALIDATE, params=params), 404, "not-found")
    assert release in body["issue"][0]["diagnostics"]
    assert body["issue"][0]["expression"] == ["version"]
    params = {"url": WHOLE, "code": "E11.9", "systemVersion": "1999-10-01"}
    outcome(api.get(VS_VALIDATE, params=params), 404, "not-found")
    named = {"url": ICD10CM, "code": "E11.9", "version": release}
    assert answer(api.get(CS_VALIDATE, params=named))["version"] == release


@pytest.mark.parametrize(
    ("code", "whole", "femur", "billable"),
    [
        ("S72.001A", True, True, True),
        ("S72.001", True, True, False),
        ("S72", True, True, False),
        ("E11.9", True, False, True),
        ("E11.99", False, False, False),
    ],
)
def test_value_set_membership(
    api: httpx.Client, code: str, whole: bool, femur: bool, billable: bool
) -> None:
    billable_vs = str(api.base_url).rstrip("/") + "/fhir/ValueSet/icd-10-cm-billable"
    for url, expected in ((WHOLE, whole), (FEMUR, femur), (billable_vs, billable)):
        got = answer(api.get(VS_VALIDATE, params={"url": url, "code": code, "system": ICD10CM}))
        assert got["result"] is expected, (url, got)
        assert (got["message"] is None) is (expected and code != "S72.001" and code != "S72")
    by_id = answer(
        api.get("/fhir/ValueSet/icd-10-cm-billable/$validate-code", params={"code": code})
    )
    assert by_id["result"] is billable


def test_a_heading_is_refused_by_the_billable_value_set_with_the_reason(api: httpx.Client) -> None:
    coding = {"system": ICD10CM, "code": "S72.001"}
    entries = [
        {"name": "url", "valueUri": "http://x/fhir/ValueSet/icd-10-cm-billable"},
        {"name": "coding", "valueCoding": coding},
    ]
    got = answer(post(api, VS_VALIDATE, entries))
    assert got["result"] is False and "7th character" in got["message"]
    assert "only billable codes" in got["message"]
    instance = "/fhir/ValueSet/icd-10-cm-billable/$validate-code"
    assert answer(post(api, instance, entries[1:])) == got
    coding["code"] = "S72.001A"
    assert answer(post(api, instance, entries[1:]))["result"] is True


def test_a_code_of_another_system_is_not_in_the_value_set(api: httpx.Client) -> None:
    got = answer(api.get(VS_VALIDATE, params={"url": WHOLE, "system": PCS, "code": "0016070"}))
    assert got["result"] is False and PCS in got["message"] and ICD10CM in got["message"]


def test_a_subtree_root_that_does_not_exist_is_an_unknown_value_set(api: httpx.Client) -> None:
    url = ICD10CM + "?fhir_vs=isa/Z99.999"
    outcome(api.get(VS_VALIDATE, params={"url": url, "code": "E11.9"}), 404, "not-found")


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        (CS_VALIDATE, {"code": "E11.9"}, 400),
        (CS_VALIDATE, {"url": ICD10CM}, 400),
        (CS_VALIDATE, {"url": ICD10CM, "code": "E11.9", "abstract": "maybe"}, 400),
        (VS_VALIDATE, {"code": "E11.9"}, 400),
        (VS_VALIDATE, {"url": "http://example.org/ValueSet/none", "code": "E11.9"}, 404),
        (
            VS_VALIDATE,
            {"url": WHOLE, "code": "E11.9", "systemVersion": "a", "valueSetVersion": "b"},
            400,
        ),
        ("/fhir/ValueSet/nothing/$validate-code", {"code": "E11.9"}, 404),
    ],
)
def test_bad_requests_are_operation_outcomes(
    api: httpx.Client, path: str, params: dict[str, str], status: int
) -> None:
    outcome(api.get(path, params=params), status)


def test_validation_is_not_view_metered(browser: Any) -> None:
    for code in ("E11.9", "I10", "S72.001A", "S72.001"):
        response = browser.get(CS_VALIDATE, params={"url": ICD10CM, "code": code})
        assert answer(response)["result"] is True
        assert "x-views-remaining" not in response.headers


def test_a_version_written_into_the_url_names_the_release(api: httpx.Client, release: str) -> None:
    named = {"url": f"{ICD10CM}|{release}", "code": "E11.9"}
    assert answer(api.get(CS_VALIDATE, params=named))["version"] == release
    unknown = {"url": f"{ICD10CM}|1999-10-01", "code": "E11.9"}
    assert outcome(api.get(CS_VALIDATE, params=unknown), 404, "not-found")
    both = {"url": f"{ICD10CM}|1999-10-01", "code": "E11.9", "version": release}
    body = outcome(api.get(CS_VALIDATE, params=both), 400, "invalid")
    assert body["issue"][0]["expression"] == ["url"]
