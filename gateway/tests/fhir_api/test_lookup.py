"""CodeSystem/$lookup conformance through the real gateway and codes service: GET and POST,
type and instance level, designations, properties (and their filter), and every error as an
OperationOutcome. Expected values come from the JSON API of the same gateway, never typed in."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .models import FHIR_JSON, fhir_json, outcome, parameter

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
LOOKUP = "/fhir/CodeSystem/$lookup"
PLAIN_USE = "plain-language"


def post(client: httpx.Client, path: str, entries: list[Any]) -> httpx.Response:
    """POST a Parameters resource as application/fhir+json."""
    body = json.dumps({"resourceType": "Parameters", "parameter": entries})
    return client.post(path, content=body, headers={"Content-Type": FHIR_JSON})


def value_of(entry: dict[str, Any]) -> Any:
    """The value[x] of a parameter or part."""
    return next(v for k, v in entry.items() if k.startswith("value"))


def parts(entry: dict[str, Any]) -> dict[str, Any]:
    """A part parameter's parts by name (single-valued parts)."""
    return {p["name"]: value_of(p) for p in entry["part"]}


def properties(body: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The parts of every property with the given code, in order."""
    return [parts(p) for p in parameter(body, "property") if parts(p)["code"] == code]


def single(body: dict[str, Any], name: str) -> Any:
    """The value of a single-valued output parameter."""
    [entry] = parameter(body, name)
    return value_of(entry)


def code_page(api: httpx.Client, system: str, code: str) -> dict[str, Any]:
    """The JSON API's record of the same code (the expected facts)."""
    response = api.get(f"/v1/codes/{system}/{code}")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record


def test_lookup_of_a_billable_code_get_and_post_agree(api: httpx.Client) -> None:
    record = code_page(api, "icd10cm", "S72.001A")
    got = fhir_json(api.get(LOOKUP, params={"system": ICD10CM, "code": "S72.001A"}))
    coding = {"system": ICD10CM, "code": "s72001a"}  # any common spelling
    posted = fhir_json(post(api, LOOKUP, [{"name": "coding", "valueCoding": coding}]))
    assert got == posted
    assert single(got, "display") == record["title"]
    assert single(got, "version") == record["release"]
    assert "Clinical Modification" in single(got, "name")
    assert properties(got, "parent") == [
        {
            "code": "parent",
            "value": record["parent"]["code"],
            "description": record["parent"]["title"],
        }
    ]
    assert properties(got, "abstract")[0]["value"] is False
    assert properties(got, "billable")[0]["value"] is True
    assert properties(got, "kind")[0]["value"] == record["kind"]
    assert properties(got, "child") == []
    [official] = parameter(got, "designation")
    assert parts(official)["value"] == record["title"] and parts(official)["language"] == "en"
    assert parts(official)["use"]["code"] == "display"


def test_a_category_lists_children_and_its_seventh_characters(api: httpx.Client) -> None:
    record = code_page(api, "icd10cm", "S72.001")
    body = fhir_json(api.get(LOOKUP, params={"system": ICD10CM, "code": "S72.001"}))
    assert properties(body, "abstract")[0]["value"] is True
    assert properties(body, "billable")[0]["value"] is False
    children = properties(body, "child")
    assert [c["value"] for c in children] == [c["code"] for c in record["children"]]
    assert "S72.001A" in [c["value"] for c in children]
    sevenths = properties(body, "seventh-character")
    assert [s["value"] for s in sevenths] == [
        f"{s['character']}: {s['description']}" for s in record["seventh_characters"]
    ]
    assert sevenths[0]["value"].startswith("A: initial encounter")
    assert sevenths[0]["description"] == f"defined at {record['seventh_characters'][0]['source']}"


NOTE_NAMES = {
    "includes": "includes",
    "inclusion_terms": "inclusion-term",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "code_first": "code-first",
    "use_additional_code": "use-additional-code",
    "code_also": "code-also",
    "notes": "note",
    "seventh_character_notes": "seventh-character-note",
}


@pytest.mark.parametrize("code", ["E11.9", "S72.001A", "I10"])
def test_every_note_is_a_property_named_by_its_type(api: httpx.Client, code: str) -> None:
    record = code_page(api, "icd10cm", code)
    body = fhir_json(api.get(LOOKUP, params={"system": ICD10CM, "code": code}))
    assert any(record["notes"].values()), f"{code} has no notes to compare"
    for group, name in NOTE_NAMES.items():
        expected = [
            {"text": n["text"], "inherited_from": n["source"] if n["source"] != code else None}
            for n in record["notes"].get(group, [])
        ]
        found = [
            {
                "text": p["value"],
                "inherited_from": p["description"].removeprefix("inherited from ")
                if "description" in p
                else None,
            }
            for p in properties(body, name)
        ]
        assert found == expected, name


def test_the_property_filter_returns_only_what_was_asked(api: httpx.Client) -> None:
    params = {"system": ICD10CM, "code": "S72.001", "property": ["parent", "seventh-character"]}
    body = fhir_json(api.get(LOOKUP, params=params))
    assert {single(body, n) is not None for n in ("name", "version", "display")} == {True}
    assert parameter(body, "designation") == []
    codes = {parts(p)["code"] for p in parameter(body, "property")}
    assert codes == {"parent", "seventh-character"}
    entries = [{"name": "coding", "valueCoding": {"system": ICD10CM, "code": "S72.001"}}]
    entries.append({"name": "property", "valueCode": "designation"})
    posted = fhir_json(post(api, LOOKUP, entries))
    assert parameter(posted, "property") == [] and len(parameter(posted, "designation")) >= 1


def test_the_plain_words_are_a_designation(api: httpx.Client) -> None:
    record = code_page(api, "cpt", "99213")
    assert record["plain_description"], "the starter CPT set has MedCode's plain words"
    body = fhir_json(api.get(LOOKUP, params={"system": CPT, "code": "99213"}))
    uses = {parts(d)["use"]["code"]: parts(d) for d in parameter(body, "designation")}
    assert uses[PLAIN_USE]["value"] == record["plain_description"]
    assert uses[PLAIN_USE]["use"]["system"] == "urn:medcode:fhir:designation-use"
    assert uses["display"]["value"] == record["title"] == single(body, "display")


def test_instance_level_lookup(api: httpx.Client) -> None:
    path = "/fhir/CodeSystem/icd-10-cm/$lookup"
    got = fhir_json(api.get(path, params={"code": "E11.9"}))
    posted = fhir_json(post(api, path, [{"name": "code", "valueCode": "E11.9"}]))
    assert got == posted and single(got, "display") == code_page(api, "icd10cm", "E11.9")["title"]
    coding = {"code": "E11.9"}  # the system comes from the URL
    assert fhir_json(post(api, path, [{"name": "coding", "valueCoding": coding}])) == got
    wrong = api.get(path, params={"code": "99213", "system": CPT})
    assert "CodeSystem/icd-10-cm" in outcome(wrong, 400, "invalid")["issue"][0]["diagnostics"]
    outcome(api.get("/fhir/CodeSystem/snomed/$lookup", params={"code": "E11.9"}), 404, "not-found")


def test_version_and_date_pick_the_release(api: httpx.Client) -> None:
    release = code_page(api, "icd10cm", "E11.9")["release"]
    named = {"system": ICD10CM, "code": "E11.9", "version": release}
    assert single(fhir_json(api.get(LOOKUP, params=named)), "version") == release
    dated = {"system": ICD10CM, "code": "E11.9", "date": "2099-01-01T10:00:00Z"}
    assert single(fhir_json(api.get(LOOKUP, params=dated)), "version") == release
    early = {"system": ICD10CM, "code": "E11.9", "date": "1990-01-01"}
    assert "effective on 1990-01-01" in diagnostics(api.get(LOOKUP, params=early), 404)


def diagnostics(response: httpx.Response, status: int, code: str | None = None) -> str:
    """The diagnostics of an error answer, checked to be an OperationOutcome."""
    text: str = outcome(response, status, code)["issue"][0]["diagnostics"]
    return text


def test_an_unknown_code_is_not_found_naming_code_and_release(api: httpx.Client) -> None:
    release = code_page(api, "icd10cm", "E11.9")["release"]
    said = diagnostics(api.get(LOOKUP, params={"system": ICD10CM, "code": "E11.99"}), 404)
    assert "E11.99" in said and release in said
    body = outcome(api.get(LOOKUP, params={"system": ICD10CM, "code": "E11.99"}), 404, "not-found")
    assert body["issue"][0]["expression"] == ["code"]


def test_a_malformed_code_says_what_a_valid_one_looks_like(api: httpx.Client) -> None:
    said = diagnostics(api.get(LOOKUP, params={"system": ICD10CM, "code": "E1!"}), 400)
    assert "not a valid ICD-10-CM code" in said and "e.g." in said


def test_who_icd10_points_to_icd10cm(api: httpx.Client) -> None:
    who = {"system": "http://hl7.org/fhir/sid/icd-10", "code": "E11.9"}
    said = diagnostics(api.get(LOOKUP, params=who), 400, "not-supported")
    assert ICD10CM in said
    coding = {"system": "http://hl7.org/fhir/sid/icd-10", "code": "E11.9"}
    posted = post(api, LOOKUP, [{"name": "coding", "valueCoding": coding}])
    assert ICD10CM in diagnostics(posted, 400, "not-supported")


def test_an_unknown_version_is_not_found(api: httpx.Client) -> None:
    asked = {"system": ICD10CM, "code": "E11.9", "version": "1999-10-01"}
    said = diagnostics(api.get(LOOKUP, params=asked), 404, "not-found")
    assert "1999-10-01" in said and code_page(api, "icd10cm", "E11.9")["release"] in said


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"code": "E11.9"}, "'system' is required"),
        ({"system": ICD10CM}, "'code' (with its system) or 'coding' is required"),
        ({"system": ICD10CM, "code": "E11.9", "displayLanguage": "de"}, "English"),
        ({"system": ICD10CM, "code": "E11.9", "date": "soon"}, "full date"),
        ({"system": ICD10CM, "code": "E11.9", "colour": "red"}, "unknown parameter 'colour'"),
        ({"system": "http://example.org/none", "code": "E11.9"}, "unknown code system"),
    ],
)
def test_bad_requests_are_operation_outcomes(
    api: httpx.Client, params: dict[str, str], words: str
) -> None:
    response = api.get(LOOKUP, params=params)
    assert words in diagnostics(response, response.status_code)
    assert response.status_code in (400, 404)


def test_code_and_coding_together_are_refused(api: httpx.Client) -> None:
    entries = [
        {"name": "code", "valueCode": "E11.9"},
        {"name": "system", "valueUri": ICD10CM},
        {"name": "coding", "valueCoding": {"system": ICD10CM, "code": "I10"}},
    ]
    assert "not both" in diagnostics(post(api, LOOKUP, entries), 400, "invalid")
