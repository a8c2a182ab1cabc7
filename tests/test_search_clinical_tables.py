"""Search with HCPCS loaded: the Clinical Tables endpoints replay recorded NLM-style
request/answer pairs, and type-ahead over every installed code system puts diagnoses before
HCPCS supplies.

`clinical_tables/cases/*.json` hold one request URL each with the answer NLM's documented
rules give over the real 2026 ICD-10-CM code set and the CMS 2020 HCPCS file, worked out
without MedCode by `clinical_tables/record.py` (re-run it when a code set changes), and the
refusals MedCode decided on. The gateway, the search service and the codes service (with the
HCPCS file imported) are real and on loopback; one stack serves every test here, as
indexing every data set takes a while.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .search_stack import search_stack

CASES = sorted((Path(__file__).parent / "clinical_tables" / "cases").glob("*.json"))
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(
    reference_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    accounts_address: str,
    metering_address: str,
    internal_key: str,
) -> Iterator[httpx.Client]:
    with search_stack(
        data_dir=reference_dir,
        index_dir=tmp_path_factory.mktemp("clinical-tables-search"),
        accounts_address=accounts_address,
        metering_address=metering_address,
        key=internal_key,
    ) as stack:
        yield stack.api


def test_there_are_recorded_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_recorded_pair(api: httpx.Client, path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    response = api.get(case["url"])
    assert response.status_code == case["status"], response.text[:500]
    if case["status"] == 200:
        assert response.json() == case["body"]
    else:
        assert response.headers["content-type"].startswith(PROBLEM)
        assert case["detail"] in json.dumps(response.json())


def test_nlm_sample_answer_is_reproduced(api: httpx.Client) -> None:
    """NLM's API page shows these seven codes for sf=code,name&terms=tuberc, in this order."""
    total, codes, extra, rows = api.get(
        "/api/icd10cm/v3/search", params={"sf": "code,name", "terms": "tuberc"}
    ).json()
    assert codes == ["A15.0", "A15.4", "A15.5", "A15.6", "A15.7", "A15.8", "A15.9"]
    assert rows[0] == ["A15.0", "Tuberculosis of lung"] and extra is None and total > 7


def test_every_page_together_is_the_whole_answer(api: httpx.Client) -> None:
    whole = api.get("/api/icd10cm/v3/search", params={"terms": "dia mel", "maxList": ""}).json()
    pages = []
    for offset in range(0, whole[0], 50):
        params = {"terms": "dia mel", "count": 50, "offset": offset}
        pages += api.get("/api/icd10cm/v3/search", params=params).json()[1]
    assert pages == whole[1][: len(pages)] and len(pages) == whole[0]


def test_diab_over_every_system_suggests_diabetes_before_diabetic_shoes(
    api: httpx.Client,
) -> None:
    body = api.get("/v1/suggest", params={"q": "diab", "limit": 10}).json()
    found = [(hit["system"], hit["code"]) for hit in body["suggestions"]]
    assert {system for system, _code in found} >= {"icd10cm"}
    first_hcpcs = next((n for n, (system, _c) in enumerate(found) if system == "hcpcs"), 10)
    assert first_hcpcs >= 3 and found[0][0] == "icd10cm"
    assert all("diabet" in hit["title"].lower() for hit in body["suggestions"][:3])
    supplies = api.get("/v1/suggest", params={"q": "diab", "system": "hcpcs"}).json()
    assert supplies["suggestions"] and all(
        hit["system"] == "hcpcs" and "diabet" in hit["title"].lower()
        for hit in supplies["suggestions"]
    )


def test_suggest_parameters_through_the_gateway(api: httpx.Client) -> None:
    billable = api.get("/v1/suggest", params={"q": "tuberc", "billable": "true", "limit": 20})
    assert billable.status_code == 200
    assert all(hit["billable"] for hit in billable.json()["suggestions"])
    after_space = api.get("/v1/suggest", params={"q": "runny ", "system": "icd10cm"}).json()
    assert after_space["suggestions"][0]["code"] in {"R09.81", "J34.89"}
    bad = api.get("/v1/suggest", params={"q": "diab", "billable": "maybe"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
