"""GET /fhir/metadata: the CapabilityStatement and the TerminologyCapabilities, through the
real gateway over the real services (default data: no HCPCS release)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .models import fhir_json, outcome

OPERATIONS = {
    "CodeSystem": {
        "lookup": "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup",
        "validate-code": "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code",
    },
    "ValueSet": {
        "expand": "http://hl7.org/fhir/OperationDefinition/ValueSet-expand",
        "validate-code": "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code",
    },
    "ConceptMap": {
        "translate": "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate",
    },
}
SYSTEM_URLS = {
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "icd10pcs": "http://www.cms.gov/Medicare/Coding/ICD10",
    "hcpcs": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "cpt": "http://www.ama-assn.org/go/cpt",
}


def loaded_releases(api: httpx.Client) -> dict[str, list[str]]:
    """Release ids per system URI, newest first, as the JSON API lists them."""
    found: dict[str, list[str]] = {}
    for release in api.get("/v1/releases").json():
        found.setdefault(SYSTEM_URLS[release["system"]], []).append(release["release"])
    return found


@pytest.mark.parametrize("query", ["", "?mode=full", "?mode=normative"])
def test_capability_statement(api: httpx.Client, gateway_url: str, query: str) -> None:
    body = fhir_json(api.get("/fhir/metadata" + query))
    assert body["resourceType"] == "CapabilityStatement"
    assert body["status"] == "active" and body["kind"] == "instance"
    assert body["fhirVersion"] == "4.0.1" and body["format"] == ["json"]
    assert body["software"]["name"] == "MedCode"
    assert body["implementation"]["url"] == gateway_url + "/fhir"
    assert body["instantiates"] == ["http://hl7.org/fhir/CapabilityStatement/terminology-server"]
    (rest,) = body["rest"]
    assert rest["mode"] == "server"
    resources = {r["type"]: r for r in rest["resource"]}
    assert set(resources) == set(OPERATIONS)
    for kind, resource in resources.items():
        assert {i["code"] for i in resource["interaction"]} == {"read", "search-type"}
        operations = {o["name"]: o["definition"] for o in resource["operation"]}
        assert operations == OPERATIONS[kind]
        params = {p["name"]: p["type"] for p in resource["searchParam"]}
        assert {"_id", "url", "version", "name", "title", "status"} <= set(params)
        assert params["url"] == "uri" and params["name"] == "string"
    concept_map_params = {p["name"] for p in resources["ConceptMap"]["searchParam"]}
    assert {"source-system", "target-system"} <= concept_map_params


def test_every_advertised_search_parameter_is_accepted(api: httpx.Client) -> None:
    """The statement promises nothing the search routes refuse."""
    body = fhir_json(api.get("/fhir/metadata"))
    for resource in body["rest"][0]["resource"]:
        for param in resource["searchParam"]:
            response = api.get(f"/fhir/{resource['type']}", params={param["name"]: "x"})
            assert fhir_json(response)["resourceType"] == "Bundle", param


def test_terminology_capabilities_list_every_loaded_release(api: httpx.Client) -> None:
    body = fhir_json(api.get("/fhir/metadata", params={"mode": "terminology"}))
    assert body["resourceType"] == "TerminologyCapabilities"
    assert body["kind"] == "instance" and body["status"] == "active"
    loaded = loaded_releases(api)
    listed = {entry["uri"]: entry for entry in body["codeSystem"]}
    assert set(listed) == set(loaded)
    assert SYSTEM_URLS["hcpcs"] not in listed, "no HCPCS release is loaded by default"
    for uri, entry in listed.items():
        versions = [v["code"] for v in entry["version"]]
        assert versions == loaded[uri]
        defaults = [v["code"] for v in entry["version"] if v.get("isDefault")]
        assert defaults == [loaded[uri][0]], "the newest release is the default"
    expansion = body["expansion"]
    assert expansion["hierarchical"] is False and expansion["paging"] is True
    assert {p["name"] for p in expansion["parameter"]} == {
        "filter",
        "count",
        "offset",
        "includeDesignations",
        "excludeNotForUI",
    }
    assert body["validateCode"] == {"translations": False}
    assert body["translation"] == {"needsMap": False}


def test_terminology_release_matches_the_code_system_resource(api: httpx.Client) -> None:
    """The default version a client is told is the one CodeSystem read serves."""
    body = fhir_json(api.get("/fhir/metadata?mode=terminology"))
    icd10cm = next(e for e in body["codeSystem"] if e["uri"] == SYSTEM_URLS["icd10cm"])
    default = next(v["code"] for v in icd10cm["version"] if v.get("isDefault"))
    assert fhir_json(api.get("/fhir/CodeSystem/icd-10-cm"))["version"] == default


@pytest.mark.parametrize(
    ("query", "status", "code", "words"),
    [
        ("?mode=everything", 400, "invalid", "mode 'everything'"),
        ("?mode=full&mode=terminology", 400, "invalid", "only once"),
        ("?modus=full", 400, "not-supported", "unknown parameter 'modus'"),
        ("?_format=xml", 406, "not-supported", "JSON only"),
    ],
)
def test_metadata_errors(api: httpx.Client, query: str, status: int, code: str, words: str) -> None:
    body: dict[str, Any] = outcome(api.get("/fhir/metadata" + query), status, code)
    assert words in body["issue"][0]["diagnostics"]


def test_json_format_spellings_are_accepted(api: httpx.Client) -> None:
    for spelling in ("json", "application/fhir+json"):
        response = api.get("/fhir/metadata", params={"_format": spelling})
        assert fhir_json(response)["resourceType"] == "CapabilityStatement"


def test_guests_are_not_metered(browser: Any) -> None:
    """A guest (the `browser` fixture: its own address and cookie) with no code views left
    still reads the metadata, the code system and value set summaries, and translates."""
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200
    assert browser.get("/v1/codes/icd10cm/I10").status_code == 403, "the guest's view is spent"
    for _ in range(3):
        assert fhir_json(browser.get("/fhir/metadata"))["resourceType"] == "CapabilityStatement"
    fhir_json(browser.get("/fhir/metadata?mode=terminology"))
    fhir_json(browser.get("/fhir/CodeSystem/icd-10-cm"))
    fhir_json(browser.get("/fhir/ValueSet"))
    fhir_json(browser.get("/fhir/ConceptMap/icd9cm-to-icd10cm"))
    translated = fhir_json(
        browser.get(
            "/fhir/ConceptMap/$translate",
            params={"system": "http://hl7.org/fhir/sid/icd-9-cm", "code": "250.00"},
        )
    )
    assert translated["parameter"][0] == {"name": "result", "valueBoolean": True}
