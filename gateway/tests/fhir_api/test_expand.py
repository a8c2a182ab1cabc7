"""ValueSet/$expand conformance through the real gateway over the real codes and search
services (default data): whole systems, billable codes and is-a subtrees page with exact
totals; a filter ranks with MedCode's search; every answer is a valid FHIR resource."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .models import assert_valid, fhir_json

CM_URL = "http://hl7.org/fhir/sid/icd-10-cm"
PCS_URL = "http://www.cms.gov/Medicare/Coding/ICD10"
CM_VS = CM_URL + "?fhir_vs"
EXPAND = "/fhir/ValueSet/$expand"


def expand_get(api: httpx.Client, **params: Any) -> dict[str, Any]:
    """A GET $expand answered 200, validated."""
    body = fhir_json(api.get(EXPAND, params=params))
    assert body["resourceType"] == "ValueSet" and body["status"] == "active"
    return body


def parameters_body(**params: Any) -> dict[str, Any]:
    """The inputs as a Parameters resource (each value in its FHIR type)."""
    entries = []
    for name, value in params.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, bool):
                entries.append({"name": name, "valueBoolean": one})
            elif isinstance(one, int):
                entries.append({"name": name, "valueInteger": one})
            elif name == "url":
                entries.append({"name": name, "valueUri": one})
            else:
                entries.append({"name": name, "valueString": one})
    body = {"resourceType": "Parameters", "parameter": entries}
    assert_valid(body)
    return body


def expand_post(api: httpx.Client, path: str = EXPAND, **params: Any) -> dict[str, Any]:
    """A POST $expand (Parameters body) answered 200, validated."""
    response = api.post(
        path,
        json=parameters_body(**params),
        headers={"Content-Type": "application/fhir+json"},
    )
    body = fhir_json(response)
    assert body["resourceType"] == "ValueSet"
    return body


def codes_of(value_set: dict[str, Any]) -> list[str]:
    return [entry["code"] for entry in value_set["expansion"].get("contains", [])]


def echoed(value_set: dict[str, Any]) -> dict[str, Any]:
    """expansion.parameter as name -> value."""
    found = {}
    for entry in value_set["expansion"]["parameter"]:
        (value,) = [v for k, v in entry.items() if k.startswith("value")]
        found[entry["name"]] = value
    return found


def releases(api: httpx.Client) -> dict[str, dict[str, Any]]:
    return {r["system"]: r for r in api.get("/v1/releases").json()}


def test_whole_icd10cm_first_page_get_and_post(api: httpx.Client) -> None:
    counts = releases(api)["icd10cm"]
    got = expand_get(api, url=CM_VS)
    posted = expand_post(api, url=CM_VS)
    for body in (got, posted):
        expansion = body["expansion"]
        assert body["url"] == CM_VS
        assert expansion["total"] == counts["code_count"] and expansion["offset"] == 0
        assert expansion["identifier"].startswith("urn:uuid:") and expansion["timestamp"]
        assert len(expansion["contains"]) == 100  # the default count
        assert echoed(body)["version"] == f"{CM_URL}|2026-04-01"
        assert echoed(body)["count"] == 100 and echoed(body)["offset"] == 0
    assert codes_of(got) == codes_of(posted)
    first = got["expansion"]["contains"][0]
    assert first == {
        "system": CM_URL,
        "version": "2026-04-01",
        "abstract": True,
        "code": "1",
        "display": first["display"],
    }
    assert "infectious" in first["display"].lower()


def test_a_deep_page_of_the_whole_system_is_exact(api: httpx.Client) -> None:
    total = releases(api)["icd10cm"]["code_count"]
    body = expand_get(api, url=CM_VS, offset=total - 7, count=1000)
    assert body["expansion"]["total"] == total and body["expansion"]["offset"] == total - 7
    contains = body["expansion"]["contains"]
    assert len(contains) == 7
    listed = api.get("/v1/codes/icd10cm/" + contains[0]["code"]).json()
    assert contains[0]["display"] == listed["title"]
    overlapping = expand_post(api, url=CM_VS, offset=total - 20, count=20)
    assert codes_of(overlapping)[-7:] == codes_of(body)
    assert codes_of(body)[-1].startswith("U")  # chapter 22 (U00-U85) ends the tabular list
    beyond = expand_get(api, url=CM_VS, offset=total + 5)
    assert "contains" not in beyond["expansion"] and beyond["expansion"]["total"] == total


def test_the_billable_value_set_counts_every_billable_code(api: httpx.Client) -> None:
    counts = releases(api)["icd10cm"]
    by_url = expand_get(api, url=f"{api.base_url}fhir/ValueSet/icd-10-cm-billable")
    by_id = expand_post(api, "/fhir/ValueSet/icd-10-cm-billable/$expand", count=50, offset=70_000)
    assert by_url["expansion"]["total"] == counts["billable_count"] == 74_719
    assert by_id["expansion"]["total"] == counts["billable_count"]
    assert by_id["id"] == "icd-10-cm-billable"
    for body in (by_url, by_id):
        assert all("abstract" not in entry for entry in body["expansion"]["contains"])
    assert len(codes_of(by_id)) == 50


def test_exclude_not_for_ui_keeps_billable_codes_only(api: httpx.Client) -> None:
    counts = releases(api)["icd10pcs"]
    body = expand_get(api, url=PCS_URL + "?fhir_vs", excludeNotForUI="true", count=5)
    assert body["expansion"]["total"] == counts["billable_count"]
    assert codes_of(body)[0] == "0016070"
    assert echoed(body)["excludeNotForUI"] is True
