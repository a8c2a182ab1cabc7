"""REST /v1 code lookup through the real gateway and codes service."""

from __future__ import annotations

import httpx
import pytest

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and words in body["detail"]


def test_releases_list_counts(api: httpx.Client) -> None:
    releases = {r["system"]: r for r in api.get("/v1/releases").json()}
    cm = releases["icd10cm"]
    assert cm["release"] == "2026-04-01" and cm["effective_date"] == "2026-04-01"
    assert cm["billable_count"] == 74_719 and cm["code_count"] > cm["billable_count"]
    assert releases["icd10pcs"]["billable_count"] == 78_638


@pytest.mark.parametrize("typed", ["S72.001A", "s72001a", "S72001A"])
def test_code_record(api: httpx.Client, typed: str) -> None:
    body = api.get(f"/v1/codes/icd10cm/{typed}").json()
    assert body["code"] == "S72.001A" and body["system"] == "icd10cm" and body["billable"]
    assert body["title"].endswith("initial encounter for closed fracture")
    assert body["parent"]["code"] == "S72.001"
    assert [a["code"] for a in body["ancestors"]][:3] == ["19", "S70-S79", "S72"]
    excludes1 = body["notes"]["excludes1"]
    assert any(n["source"] == "S72" and n["inherited"] for n in excludes1)


def test_category_record_has_children_and_own_notes(api: httpx.Client) -> None:
    body = api.get("/v1/codes/icd10cm/E11").json()
    assert body["kind"] == "category" and not body["billable"]
    assert "E11.9" in [c["code"] for c in body["children"]]
    assert any(not n["inherited"] for n in body["notes"]["use_additional_code"])


def test_children_endpoint(api: httpx.Client) -> None:
    body = api.get("/v1/codes/icd10cm/e11/children").json()
    assert body["code"] == "E11" and body["release"] == "2026-04-01"
    assert [c["code"] for c in body["children"]][0] == "E11.0"


def test_pcs_record_has_axes(api: httpx.Client) -> None:
    body = api.get("/v1/codes/icd10pcs/0016070").json()
    assert [a["label"] for a in body["pcs_axes"]][2:4] == ["Bypass", "Cerebral Ventricle"]
    assert body["root_operation"]["name"] == "Bypass"


def test_validate(api: httpx.Client) -> None:
    response = api.post(
        "/v1/codes/validate", json={"system": "icd10cm", "codes": ["E11", "e119", "E1", "Z99.99"]}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["not_billable", "billable", "malformed", "not_found"]
    assert "E11.9" in results[0]["message"] and results[1]["code"] == "E11.9"


def test_release_query_parameters(api: httpx.Client) -> None:
    assert api.get("/v1/codes/icd10cm/E11.9?release=2026-04-01").json()["release"] == "2026-04-01"
    assert_problem(api.get("/v1/codes/icd10cm/E11.9?release=1999"), 404, "1999")
    assert_problem(api.get("/v1/codes/icd10cm/E11.9?as_of=soon"), 400, "ISO date")


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/v1/codes/icd9/250.00", 404, "unknown code system"),
        ("/v1/codes/icd10cm/E11.99", 404, "not an ICD-10-CM code"),
        ("/v1/codes/icd10cm/11.9", 400, "E11.9"),
        ("/v1/codes/icd10pcs/0016O70", 400, "7 characters"),
        ("/v1/codes/hcpcs/J1100", 404, "no HCPCS Level II release"),
        ("/v1/codes/icd10cm/" + "E" * 300, 400, "not a valid"),
        ("/v1/nothing-here", 404, "Not Found"),
    ],
)
def test_errors_are_problem_json(api: httpx.Client, path: str, status: int, words: str) -> None:
    assert_problem(api.get(path), status, words)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"system": "icd10cm"},
        {"system": "icd10cm", "codes": []},
        {"system": "x", "codes": ["A"]},
        {"system": "icd10cm", "codes": ["E11.9"] * 1001},
    ],
)
def test_bad_validate_bodies(api: httpx.Client, body: dict[str, object]) -> None:
    response = api.post("/v1/codes/validate", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"]


def test_health_and_readiness(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200 and ready.json()["services"] == {
        "codes": "SERVING",
        "search": "SERVING",
        "accounts": "SERVING",
        "metering": "SERVING",
        "assistant": "SERVING",
    }


def test_openapi_and_docs(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    assert "/v1/codes/{system}/{code}" in spec["paths"]
    assert "CodeOut" in spec["components"]["schemas"]
    assert api.get("/docs").status_code == 200


def test_repeat_lookups_answer_the_same(api: httpx.Client) -> None:
    first = api.get("/v1/codes/icd10cm/I10")
    second = api.get("/v1/codes/icd10cm/I10")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["billable"]
    for _ in range(2):  # errors are never cached as successes
        assert_problem(api.get("/v1/codes/icd10cm/I10.9"), 404, "I10.9")


def test_lookup_cache_marks_hits_and_skips_errors(api: httpx.Client) -> None:
    path = "/v1/codes/icd10cm/K35.80?release=2026-04-01"
    first, second = api.get(path), api.get(path)
    assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
    assert first.content == second.content
    assert second.headers["content-type"] == "application/json"
    missing = api.get("/v1/codes/icd10cm/K35.899")
    assert missing.status_code == 404 and missing.headers.get("x-cache") != "hit"
    assert api.get("/v1/codes/icd10cm/K35.899").headers.get("x-cache") != "hit"
    children = "/v1/codes/icd10cm/K35.8/children"
    assert [api.get(children).headers["x-cache"] for _ in range(2)] == ["miss", "hit"]


def test_missing_data_sets_are_said_not_silent(api: httpx.Client) -> None:
    """The default install (ICD-10 only) answers 404 naming the missing data set."""
    assert_problem(api.get("/v1/edits/ptp", params={"codes": "64490,64493"}), 404, "no NCCI PTP")
    assert_problem(api.get("/v1/edits/mue/64490"), 404, "no MUE tables")


def test_cc_status_and_gems_on_a_diagnosis(api: httpx.Client) -> None:
    body = api.get("/v1/codes/icd10cm/J96.01").json()
    assert body["cc_status"]["level"] == "MCC" and body["cc_status"]["release"] == "FY2026-v43"
    assert body["cc_status"]["excluded_by_count"] > 0
    assert {"icd9cm"} == {g["target_system"] for g in body["gems"] if g["source"] == "J96.01"}
    assert api.get("/v1/codes/icd10cm/E11.9").json()["cc_status"] is None


def test_gems_crosswalk_with_target_titles(api: httpx.Client) -> None:
    body = api.get("/v1/crosswalk/gems", params={"from": "icd9cm", "code": "25000"}).json()
    assert body["code"] == "250.00"
    assert [(m["target"], m["target_title"]) for m in body["mappings"]] == [
        ("E11.9", "Type 2 diabetes mellitus without complications")
    ]
    pcs = api.get("/v1/crosswalk/gems", params={"from": "icd9pcs", "code": "81.54"}).json()
    assert pcs["mappings"] and all(len(m["target"]) == 7 for m in pcs["mappings"])
    assert_problem(
        api.get("/v1/crosswalk/gems", params={"from": "icd9cm", "code": "25x.0"}), 400, ""
    )


def test_cpt_starter_page_says_the_official_descriptor_needs_a_licence(api: httpx.Client) -> None:
    body = api.get("/v1/codes/cpt/64491").json()
    assert body["add_on"]["is_add_on"] and body["plain_description"]
    assert "licence" in body["attributes"]["official_descriptor_notice"]
    pfs = {d["kind"]: d for d in body["datasets"]}["pfs-rvu"]
    assert not pfs["loaded"] and "medcode import pfs-rvu" in pfs["message"]


def test_datasets_list(api: httpx.Client) -> None:
    kinds = {d["kind"] for d in api.get("/v1/datasets").json()}
    assert {"msdrg-cc", "gems"} <= kinds


def test_cc_exclusions_list_and_check(api: httpx.Client) -> None:
    listing = api.get("/v1/codes/icd10cm/j9601/cc-exclusions").json()
    assert listing["level"] == "MCC" and "J96.02" in listing["principal_codes"]
    body = api.get("/v1/codes/icd10cm/J96.01").json()
    assert body["cc_status"]["excluded_by_count"] == len(listing["principal_codes"])
    check = api.get("/v1/codes/icd10cm/J96.01/cc-exclusions", params={"principal": "J96.02"})
    assert check.json()["excluded"] is True
    other = api.get("/v1/codes/icd10cm/J96.01/cc-exclusions", params={"principal": "I21.4"})
    assert other.json()["excluded"] is False
    plain = api.get("/v1/codes/icd10cm/E11.9/cc-exclusions").json()
    assert plain["level"] is None and plain["principal_codes"] == []
    assert_problem(api.get("/v1/codes/icd10cm/J96/cc-exclusions?principal=11.9"), 400, "E11.9")
