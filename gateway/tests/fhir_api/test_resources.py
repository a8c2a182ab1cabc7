"""CodeSystem, ValueSet and ConceptMap read and search through the real gateway over the real
services (default data: ICD-10-CM, ICD-10-PCS, CPT starter, GEMs; no HCPCS)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import grpc
import httpx
import pytest
from pydantic import SecretStr
from starlette.requests import Request

from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.fhir.listings import list_datasets, list_releases
from medcode_gateway.settings import GatewaySettings

from .models import fhir_json, outcome

URLS = {
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "icd10pcs": "http://www.cms.gov/Medicare/Coding/ICD10",
    "hcpcs": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "cpt": "http://www.ama-assn.org/go/cpt",
}
IDS = {"icd10cm": "icd-10-cm", "icd10pcs": "icd-10-pcs", "hcpcs": "hcpcs-level-ii", "cpt": "cpt"}
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"
#: The properties $lookup returns (see the FHIR brief): every one must be declared.
LOOKUP_PROPERTIES = {
    "parent": "code",
    "child": "code",
    "abstract": "boolean",
    "billable": "boolean",
    "kind": "code",
    "excludes1": "string",
    "seventh-character": "string",
}


def releases(api: httpx.Client) -> dict[str, list[dict[str, Any]]]:
    """The JSON API's releases per MedCode system name, newest first."""
    found: dict[str, list[dict[str, Any]]] = {}
    for release in api.get("/v1/releases").json():
        found.setdefault(release["system"], []).append(release)
    return found


def search(api: httpx.Client, kind: str, **params: Any) -> dict[str, Any]:
    """A searchset Bundle, checked; its entries' resources must be of `kind`."""
    bundle = fhir_json(api.get(f"/fhir/{kind}", params=params))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    for entry in bundle["entry"]:
        assert entry["resource"]["resourceType"] == kind
        assert entry["fullUrl"].endswith(f"/fhir/{kind}/{entry['resource']['id']}")
        assert entry["search"] == {"mode": "match"}
    return bundle


def ids(bundle: dict[str, Any]) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def test_code_systems_are_the_loaded_releases(api: httpx.Client) -> None:
    loaded = releases(api)
    bundle = search(api, "CodeSystem")
    assert sorted(ids(bundle)) == sorted(IDS[system] for system in loaded)
    assert bundle["total"] == len(loaded) and "hcpcs-level-ii" not in ids(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        system = next(name for name, id_ in IDS.items() if id_ == resource["id"])
        newest = loaded[system][0]
        assert resource["url"] == URLS[system]
        assert resource["version"] == newest["release"]
        assert resource["count"] == newest["code_count"]
        assert resource["content"] == "not-present" and "concept" not in resource
        assert resource["valueSet"] == URLS[system] + "?fhir_vs"
        assert resource["hierarchyMeaning"] == "is-a"
        assert resource["identifier"][0]["value"].startswith("urn:oid:2.16.840.1.113883.6.")


def test_code_system_read(api: httpx.Client) -> None:
    resource = fhir_json(api.get("/fhir/CodeSystem/icd-10-cm"))
    assert resource == search(api, "CodeSystem", _id="icd-10-cm")["entry"][0]["resource"]
    assert resource["identifier"] == [
        {"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.840.1.113883.6.90"}
    ]
    assert resource["version"] == releases(api)["icd10cm"][0]["release"]
    declared = {p["code"]: p["type"] for p in resource["property"]}
    assert LOOKUP_PROPERTIES.items() <= declared.items()
    parent = next(p for p in resource["property"] if p["code"] == "parent")
    assert parent["uri"] == "http://hl7.org/fhir/concept-properties#parent"
    assert "billable" in {f["code"] for f in resource["filter"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"url": URLS["icd10cm"]}, ["icd-10-cm"]),
        ({"url": f"{URLS['icd10cm']},{URLS['cpt']}"}, ["icd-10-cm", "cpt"]),
        ({"url": URLS["hcpcs"]}, []),
        ({"_id": "cpt"}, ["cpt"]),
        ({"name": "icd10"}, ["icd-10-cm", "icd-10-pcs"]),
        ({"name:exact": "ICD10CM"}, ["icd-10-cm"]),
        ({"name:exact": "icd10cm"}, []),
        ({"title:contains": "procedure coding"}, ["icd-10-pcs"]),
        ({"status": "active", "_id": "icd-10-pcs"}, ["icd-10-pcs"]),
        ({"status": "retired"}, []),
        ({"version": "1999-01-01"}, []),
    ],
)
def test_code_system_search(api: httpx.Client, params: dict[str, str], expected: list[str]) -> None:
    bundle = search(api, "CodeSystem", **params)
    assert sorted(ids(bundle)) == sorted(expected)
    assert bundle["total"] == len(expected)
    assert bundle["link"][0]["relation"] == "self"


def test_version_search_lists_that_release(api: httpx.Client) -> None:
    """`version` names a release: every system that has it is listed at that release."""
    loaded = releases(api)
    release = loaded["icd10cm"][0]["release"]
    having = {IDS[s] for s, found in loaded.items() if release in [r["release"] for r in found]}
    bundle = search(api, "CodeSystem", version=release)
    assert set(ids(bundle)) == having
    assert {entry["resource"]["version"] for entry in bundle["entry"]} == {release}


def test_count_limits_entries_not_total(api: httpx.Client) -> None:
    everything = search(api, "CodeSystem")
    assert everything["total"] >= 2
    one = search(api, "CodeSystem", _count="1")
    assert len(one["entry"]) == 1 and one["total"] == everything["total"]
    assert search(api, "CodeSystem", _count="0")["entry"] == []


@pytest.mark.parametrize(
    ("path", "status", "code", "words"),
    [
        ("/fhir/CodeSystem/hcpcs-level-ii", 404, "not-found", "not loaded in this installation"),
        ("/fhir/CodeSystem/icd-9-cm", 404, "not-found", "no CodeSystem with id 'icd-9-cm'"),
        ("/fhir/CodeSystem/$frobnicate", 404, "not-supported", "not an operation"),
        ("/fhir/CodeSystem?code=E11.9", 400, "not-supported", "unknown parameter 'code'"),
        ("/fhir/CodeSystem?name:missing=true", 400, "not-supported", "unknown parameter"),
        ("/fhir/CodeSystem?_count=-1", 400, "invalid", "_count"),
        ("/fhir/CodeSystem?_count=many", 400, "invalid", "whole number"),
        ("/fhir/ValueSet/hcpcs-level-ii-billable", 404, "not-found", "not loaded"),
        ("/fhir/ValueSet/icd-10-cm-reportable", 404, "not-found", "no ValueSet"),
        ("/fhir/ValueSet?expansion=1", 400, "not-supported", "unknown parameter"),
        ("/fhir/ConceptMap/icd10pcs-to-icd9cm-procedures", 404, "not-found", "not loaded"),
        ("/fhir/ConceptMap/snomed-to-icd10cm", 404, "not-found", "no ConceptMap"),
        ("/fhir/ConceptMap?source=x", 400, "not-supported", "unknown parameter 'source'"),
        ("/fhir/CodeSystem/cpt?_format=xml", 406, "not-supported", "JSON only"),
        ("/fhir/ValueSet/cpt?expand=true", 400, "not-supported", "unknown parameter 'expand'"),
    ],
)
def test_read_and_search_errors(
    api: httpx.Client, path: str, status: int, code: str, words: str
) -> None:
    body = outcome(api.get(path), status, code)
    assert words in body["issue"][0]["diagnostics"], body


def test_read_takes_the_general_parameters(api: httpx.Client) -> None:
    plain = fhir_json(api.get("/fhir/ConceptMap/icd10cm-to-icd9cm"))
    assert fhir_json(api.get("/fhir/ConceptMap/icd10cm-to-icd9cm?_format=json")) == plain


def test_read_is_get_only(api: httpx.Client) -> None:
    response = api.post("/fhir/CodeSystem/icd-10-cm", json={"resourceType": "CodeSystem"})
    outcome(response, 405, "not-supported")


def test_value_sets_are_whole_systems_and_billable_codes(
    api: httpx.Client, gateway_url: str
) -> None:
    loaded = releases(api)
    bundle = search(api, "ValueSet")
    expected = {IDS[s] for s in loaded} | {IDS[s] + "-billable" for s in loaded}
    assert set(ids(bundle)) == expected and bundle["total"] == len(expected)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        system = next(s for s, id_ in IDS.items() if resource["id"].startswith(id_))
        (include,) = resource["compose"]["include"]
        assert include["system"] == URLS[system]
        assert include["version"] == resource["version"] == loaded[system][0]["release"]
        assert "expansion" not in resource
        if resource["id"].endswith("-billable"):
            assert resource["url"] == f"{gateway_url}/fhir/ValueSet/{resource['id']}"
            assert include["filter"] == [{"property": "billable", "op": "=", "value": "true"}]
        else:
            assert resource["url"] == URLS[system] + "?fhir_vs"
            assert "filter" not in include


def test_value_set_read_and_search_by_url(api: httpx.Client, gateway_url: str) -> None:
    billable = fhir_json(api.get("/fhir/ValueSet/icd-10-cm-billable"))
    assert billable["url"] == f"{gateway_url}/fhir/ValueSet/icd-10-cm-billable"
    assert str(releases(api)["icd10cm"][0]["billable_count"]) in billable["description"]
    whole = fhir_json(api.get("/fhir/ValueSet/icd-10-pcs"))
    assert whole["url"] == URLS["icd10pcs"] + "?fhir_vs"
    by_url = search(api, "ValueSet", url=billable["url"])
    assert [e["resource"] for e in by_url["entry"]] == [billable]
    assert ids(search(api, "ValueSet", url=URLS["cpt"] + "?fhir_vs")) == ["cpt"]
    assert ids(search(api, "ValueSet", name="icd10pcsbill")) == ["icd-10-pcs-billable"]


def test_concept_maps_are_the_loaded_gem_directions(api: httpx.Client, gateway_url: str) -> None:
    bundle = search(api, "ConceptMap")
    # The default data holds both diagnosis GEMs and the ICD-9 procedure -> PCS GEM only.
    assert ids(bundle) == [
        "icd9cm-to-icd10cm",
        "icd10cm-to-icd9cm",
        "icd9cm-procedures-to-icd10pcs",
    ]
    release = next(d["release"] for d in api.get("/v1/datasets").json() if d["kind"] == "gems")
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert resource["url"] == f"{gateway_url}/fhir/ConceptMap/{resource['id']}"
        assert resource["version"] == release
        assert "group" not in resource
        assert resource["meta"]["tag"][0]["code"] == "SUBSETTED"
        assert resource["sourceCanonical"].endswith("?fhir_vs")
        assert resource["targetCanonical"].endswith("?fhir_vs")
    read = fhir_json(api.get("/fhir/ConceptMap/icd9cm-procedures-to-icd10pcs"))
    assert read["sourceCanonical"] == ICD9 + "?fhir_vs"
    assert read["targetCanonical"] == URLS["icd10pcs"] + "?fhir_vs"
    assert read == bundle["entry"][2]["resource"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source-system": ICD9}, ["icd9cm-to-icd10cm", "icd9cm-procedures-to-icd10pcs"]),
        ({"target-system": URLS["icd10pcs"]}, ["icd9cm-procedures-to-icd10pcs"]),
        ({"target-system": ICD9}, ["icd10cm-to-icd9cm"]),
        ({"source-uri": URLS["icd10cm"] + "?fhir_vs"}, ["icd10cm-to-icd9cm"]),
        ({"source-system": URLS["cpt"]}, []),
        (
            {"_id": "icd10cm-to-icd9cm,icd9cm-to-icd10cm"},
            ["icd9cm-to-icd10cm", "icd10cm-to-icd9cm"],
        ),
        ({"title:contains": "procedures"}, ["icd9cm-procedures-to-icd10pcs"]),
    ],
)
def test_concept_map_search(api: httpx.Client, params: dict[str, str], expected: list[str]) -> None:
    assert ids(search(api, "ConceptMap", **params)) == expected


def test_concept_map_url_search_uses_the_canonical(api: httpx.Client, gateway_url: str) -> None:
    url = f"{gateway_url}/fhir/ConceptMap/icd10cm-to-icd9cm"
    assert ids(search(api, "ConceptMap", url=url)) == ["icd10cm-to-icd9cm"]
    assert ids(search(api, "ConceptMap", url="icd10cm-to-icd9cm")) == []


async def _listings_from(codes_address: str, cache: ResponseCache) -> list[str]:
    """What the cached listings answer: first with the codes service reachable, then with
    its channel closed (only the cache can answer), then after the cache is cleared."""
    settings = GatewaySettings(codes_addr=codes_address, events=False, cookie_secret=SecretStr("s"))
    clients = ServiceClients.connect(settings)
    request = Request(
        {"type": "http", "app": SimpleNamespace(state=SimpleNamespace(page_cache=cache))}
    )
    seen = []
    first = await list_releases(request, clients)
    datasets = await list_datasets(request, clients)
    seen.append(f"fetched {len(first.releases)} releases, {len(datasets.datasets)} data sets")
    await clients.close()
    for step in ("closed", "cleared"):
        if step == "cleared":
            cache.clear()  # what a release.published announcement does
        try:
            again = await list_releases(request, clients)
            seen.append(f"{step}: {'same' if again == first else 'different'}")
        except (grpc.aio.AioRpcError, grpc.aio.UsageError):
            seen.append(f"{step}: asked the codes service")
    return seen


def test_listings_are_cached_until_a_release_is_announced(codes_address: str) -> None:
    cache = ResponseCache(max_entries=10, ttl_seconds=300)
    steps = asyncio.run(_listings_from(codes_address, cache))
    assert steps[0].startswith("fetched") and "fetched 0 " not in steps[0]
    assert steps[1:] == ["closed: same", "cleared: asked the codes service"]


def test_listings_are_not_kept_with_the_cache_off(codes_address: str) -> None:
    steps = asyncio.run(_listings_from(codes_address, ResponseCache(max_entries=10, ttl_seconds=0)))
    assert steps[1:] == ["closed: asked the codes service", "cleared: asked the codes service"]
