"""ValueSet/$expand conformance through the real gateway over the real codes and search
services (default data): whole systems, billable codes and is-a subtrees page with exact
totals; a filter ranks with MedCode's search; every answer is a valid FHIR resource."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .models import assert_valid, fhir_json

CM_URL = "http://hl7.org/fhir/sid/icd-10-cm"
PCS_URL = "http://www.cms.gov/Medicare/Coding/ICD10"
CM_VS = CM_URL + "?fhir_vs"
EXPAND = "/fhir/ValueSet/$expand"


@pytest.fixture(scope="module")
def guest(gateway_url: str) -> Iterator[httpx.Client]:
    """A caller without an API key, at its own address: $expand is not view-metered, so
    paging tests are limited by nothing but the server (keys pay quota per call)."""
    headers = {"X-Forwarded-For": "203.0.113.117"}
    with httpx.Client(base_url=gateway_url, timeout=60, headers=headers) as client:
        yield client


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


def test_a_deep_page_of_the_whole_system_is_exact(guest: httpx.Client) -> None:
    total = releases(guest)["icd10cm"]["code_count"]
    body = expand_get(guest, url=CM_VS, offset=total - 7, count=1000)
    assert body["expansion"]["total"] == total and body["expansion"]["offset"] == total - 7
    contains = body["expansion"]["contains"]
    assert len(contains) == 7
    listed = guest.get("/v1/codes/icd10cm/" + contains[0]["code"]).json()
    assert contains[0]["display"] == listed["title"]
    overlapping = expand_post(guest, url=CM_VS, offset=total - 20, count=20)
    assert codes_of(overlapping)[-7:] == codes_of(body)
    assert codes_of(body)[-1].startswith("U")  # chapter 22 (U00-U85) ends the tabular list
    beyond = expand_get(guest, url=CM_VS, offset=total + 5)
    assert "contains" not in beyond["expansion"] and beyond["expansion"]["total"] == total


def test_the_billable_value_set_counts_every_billable_code(guest: httpx.Client) -> None:
    counts = releases(guest)["icd10cm"]
    by_url = expand_get(guest, url=f"{guest.base_url}fhir/ValueSet/icd-10-cm-billable")
    by_id = expand_post(guest, "/fhir/ValueSet/icd-10-cm-billable/$expand", count=50, offset=70_000)
    assert by_url["expansion"]["total"] == counts["billable_count"] == 74_719
    assert by_id["expansion"]["total"] == counts["billable_count"]
    assert by_id["id"] == "icd-10-cm-billable"
    for body in (by_url, by_id):
        assert all("abstract" not in entry for entry in body["expansion"]["contains"])
    assert len(codes_of(by_id)) == 50


def test_exclude_not_for_ui_keeps_billable_codes_only(guest: httpx.Client) -> None:
    counts = releases(guest)["icd10pcs"]
    body = expand_get(guest, url=PCS_URL + "?fhir_vs", excludeNotForUI="true", count=5)
    assert body["expansion"]["total"] == counts["billable_count"]
    assert codes_of(body)[0] == "0016070"
    assert echoed(body)["excludeNotForUI"] is True


def every_page(guest: httpx.Client, count: int, **params: Any) -> tuple[list[str], int]:
    """Every code of an expansion, page by page, and the total the pages report."""
    codes: list[str] = []
    while True:
        body = expand_get(guest, count=count, offset=len(codes), **params)
        page = codes_of(body)
        codes += page
        if len(page) < count:
            return codes, body["expansion"]["total"]


def test_isa_a_category_holds_its_7th_character_codes_and_nothing_else(
    guest: httpx.Client,
) -> None:
    codes, total = every_page(guest, 1000, url=CM_URL + "?fhir_vs=isa/S72.0")
    assert total == len(codes) == len(set(codes))
    assert codes[0] == "S72.0"  # is-a includes the concept itself
    assert {"S72.00", "S72.001", "S72.001A", "S72.001B", "S72.099S"} <= set(codes)
    assert all(code.startswith("S72.0") for code in codes)
    assert not any(code.startswith(("S73", "S72.1")) for code in codes)
    billable, billable_total = every_page(
        guest, 1000, url=CM_URL + "?fhir_vs=isa/S72.0", excludeNotForUI="true"
    )
    assert billable_total == len(billable) and set(billable) < set(codes)
    assert "S72.001A" in billable and "S72.001" not in billable


def test_isa_a_chapter_and_a_lowercase_root(guest: httpx.Client) -> None:
    chapter = expand_post(guest, url=CM_URL + "?fhir_vs=isa/4", count=1000)
    codes = codes_of(chapter)
    assert codes[0] == "4" and "E08-E13" in codes and "E11.9" in codes
    assert not any(code.startswith(("D", "F")) for code in codes[1:])
    assert chapter["expansion"]["total"] > len(codes)  # endocrine: more than one page
    lower = expand_get(guest, url=CM_URL + "?fhir_vs=isa/e11", count=3)
    assert codes_of(lower) == ["E11", "E11.0", "E11.00"]
    assert lower["url"] == CM_URL + "?fhir_vs=isa/e11"


@pytest.mark.parametrize(("root", "count"), [("E11.6", 1), ("E08-E13", 7), ("E08-E13", 250)])
def test_count_and_offset_paging_has_no_repeats_or_gaps(
    guest: httpx.Client, root: str, count: int
) -> None:
    url = CM_URL + "?fhir_vs=isa/" + root
    whole = codes_of(expand_get(guest, url=url, count=1000))
    assert len(whole) < 1000
    paged, total = every_page(guest, count, url=url)
    assert paged == whole and total == len(whole)


def test_count_zero_reports_only_the_size(guest: httpx.Client) -> None:
    body = expand_get(guest, url=CM_URL + "?fhir_vs=isa/S72.0", count=0)
    assert "contains" not in body["expansion"] and body["expansion"]["total"] > 100


def test_filter_heart_attack_ranks_acute_myocardial_infarction_first(guest: httpx.Client) -> None:
    body = expand_get(guest, url=CM_VS, filter="heart attack", count=10)
    codes = codes_of(body)
    assert codes and codes[0].startswith("I21")
    assert echoed(body)["filter"] == "heart attack"
    assert "total" not in body["expansion"]  # search counts a lower bound: no wrong total
    posted = expand_post(guest, url=CM_VS, filter="heart attack", count=10)
    assert codes_of(posted) == codes


def test_filter_within_an_isa_subtree(guest: httpx.Client) -> None:
    url = CM_URL + "?fhir_vs=isa/S72.0"
    body = expand_get(guest, url=url, filter="displaced fracture", count=50)
    codes = codes_of(body)
    assert codes and all(code.startswith("S72.0") for code in codes)
    chapter = codes_of(expand_get(guest, url=CM_URL + "?fhir_vs=isa/9", filter="heart attack"))
    assert chapter[0].startswith("I21") and all(code[0] == "I" for code in chapter)
    billable = codes_of(
        expand_get(guest, url=url, filter="fracture", excludeNotForUI="true", count=100)
    )
    assert billable and all(len(code) == 8 for code in billable)  # S72.001A: billable leaves
    pcs = codes_of(expand_get(guest, url=PCS_URL + "?fhir_vs=isa/0DT", filter="stomach"))
    assert pcs and all(code.startswith("0DT") for code in pcs)  # a PCS table


def test_filtered_pages_have_no_repeats_or_gaps(guest: httpx.Client) -> None:
    url = CM_URL + "?fhir_vs=isa/S72"
    whole = codes_of(expand_get(guest, url=url, filter="fracture of neck", count=120))
    paged: list[str] = []
    for offset in range(0, 120, 40):
        paged += codes_of(
            expand_get(guest, url=url, filter="fracture of neck", count=40, offset=offset)
        )
    assert paged == whole and len(set(whole)) == len(whole) == 120


def test_the_root_leads_a_filtered_isa_expansion_when_it_matches(guest: httpx.Client) -> None:
    url = CM_URL + "?fhir_vs=isa/E11"
    body = expand_get(guest, url=url, filter="type 2 diabetes", count=5)
    assert codes_of(body)[0] == "E11" and body["expansion"]["contains"][0]["abstract"] is True
    rest = codes_of(expand_get(guest, url=url, filter="type 2 diabetes", count=4, offset=1))
    assert rest == codes_of(body)[1:]


def test_include_designations_gives_the_title_and_plain_words(guest: httpx.Client) -> None:
    cpt_url = "http://www.ama-assn.org/go/cpt"
    body = expand_post(guest, url=cpt_url + "?fhir_vs=isa/99202", includeDesignations=True)
    (entry,) = body["expansion"]["contains"]
    uses = {d["use"]["code"]: d["value"] for d in entry["designation"]}
    assert uses["display"] == entry["display"]
    plain = guest.get("/v1/codes/cpt/99202").json()["plain_description"]
    assert plain and uses["plain-language"] == plain
    assert echoed(body)["includeDesignations"] is True
    icd = expand_get(guest, url=CM_URL + "?fhir_vs=isa/E11.9", includeDesignations="true")
    (only,) = icd["expansion"]["contains"][0]["designation"]  # no plain words written
    assert only["value"] == icd["expansion"]["contains"][0]["display"]
    plain_free = expand_get(guest, url=CM_URL + "?fhir_vs=isa/E11.9")
    assert "designation" not in plain_free["expansion"]["contains"][0]
