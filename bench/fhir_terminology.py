"""Benchmark: the FHIR terminology operations beside the JSON API doing the same work, in one run.

One fresh stack (bench/stack.py: codes, metering, accounts, gateway) plus a search process,
all on loopback; the gateway's 30 s search-answer cache is off so every search request
searches. One client, one keep-alive connection, requests one at a time as a Pro user
(unmetered, so no view limit interferes), FHIR and JSON requests interleaved so both meet
the same machine. Each pair does the same work on the same kind of input:

- lookup: `GET /fhir/CodeSystem/$lookup` vs `GET /v1/codes/icd10cm/{code}`;
- validate: `GET /fhir/CodeSystem/$validate-code` vs `POST /v1/codes/validate`;
- expand: `GET /fhir/ValueSet/$expand?filter=` (ICD-10-CM, 10 codes) vs `GET /v1/search?q=`
  (ICD-10-CM, limit 10), over everyday words;
- translate: `GET /fhir/ConceptMap/$translate` (ICD-9-CM -> ICD-10-CM) vs
  `GET /v1/crosswalk/gems`.

Codes are billable ICD-10-CM codes never asked for before in the run, a different set per
API (so neither warms the other's records or the gateway's lookup cache). An operation the
tree does not serve yet (it answers 404) is reported as missing and its JSON side still
measured.

    python bench/fhir_terminology.py [--requests 400]
Writes bench/results/fhir_terminology.json and prints a summary table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from stack import free_port, stack, start, stop, wait_http

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_common.codesystems import System

HERE = Path(__file__).resolve().parent
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"
#: Everyday words and phrases partners filter an expansion with.
WORDS = [
    "diabetes", "asthma", "hypertension", "chest pain", "pneumonia", "migraine",
    "low back pain", "anemia", "depression", "otitis media", "urinary tract infection",
    "femur fracture", "heart failure", "copd", "obesity", "sepsis", "covid", "gout",
    "atrial fibrillation", "kidney disease", "sprain ankle", "dermatitis", "cataract",
    "osteoarthritis knee", "anxiety", "pregnancy", "headache", "fever", "cough", "stroke",
]  # fmt: skip
#: ICD-9-CM diagnoses partners still translate (claims before October 2015).
ICD9_CODES = [
    "250.00", "401.9", "272.4", "427.31", "428.0", "496", "486", "599.0", "414.01",
    "244.9", "530.81", "311", "300.00", "715.96", "724.2", "278.00", "585.9", "285.9",
    "493.90", "780.79", "786.50", "784.0", "V58.61", "250.12", "365.70",
]  # fmt: skip

Request = Callable[[httpx.Client, str], httpx.Response]


def stats(values: list[float]) -> dict[str, float]:
    """p50/p99/mean in milliseconds."""
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


def timed(client: httpx.Client, request: Request, value: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = request(client, value)
    elapsed = time.perf_counter() - started
    return elapsed, response.status_code


def pair(
    client: httpx.Client,
    fhir: Request,
    json_api: Request,
    fhir_inputs: list[str],
    json_inputs: list[str],
    *,
    probe_with: str,
) -> dict[str, Any]:
    """Interleaved FHIR and JSON requests; a FHIR side answering 404 is reported missing."""
    probe = fhir(client, probe_with)
    fhir_served = probe.status_code != 404
    timings: dict[str, list[float]] = {"fhir": [], "json": []}
    errors = {"fhir": 0, "json": 0}
    for fhir_value, json_value in zip(fhir_inputs, json_inputs, strict=True):
        if fhir_served:
            elapsed, status = timed(client, fhir, fhir_value)
            timings["fhir"].append(elapsed)
            errors["fhir"] += status != 200
        elapsed, status = timed(client, json_api, json_value)
        timings["json"].append(elapsed)
        errors["json"] += status != 200
    result: dict[str, Any] = {"json": stats(timings["json"]) | {"errors": errors["json"]}}
    if fhir_served:
        result["fhir"] = stats(timings["fhir"]) | {"errors": errors["fhir"]}
        result["p50_ratio"] = result["fhir"]["p50_ms"] / result["json"]["p50_ms"]
    else:
        result["fhir"] = {"missing": f"{probe.status_code}: {probe.text[:200]}"}
    return result


def lookup_fhir(client: httpx.Client, code: str) -> httpx.Response:
    params = {"system": ICD10CM, "code": code}
    return client.get("/fhir/CodeSystem/$lookup", params=params)


def lookup_json(client: httpx.Client, code: str) -> httpx.Response:
    return client.get(f"/v1/codes/icd10cm/{code}")


def validate_fhir(client: httpx.Client, code: str) -> httpx.Response:
    params = {"url": ICD10CM, "code": code}
    return client.get("/fhir/CodeSystem/$validate-code", params=params)


def validate_json(client: httpx.Client, code: str) -> httpx.Response:
    return client.post("/v1/codes/validate", json={"system": "icd10cm", "codes": [code]})


def expand_fhir(client: httpx.Client, words: str) -> httpx.Response:
    params = {"url": ICD10CM + "?fhir_vs", "filter": words, "count": "10"}
    return client.get("/fhir/ValueSet/$expand", params=params)


def search_json(client: httpx.Client, words: str) -> httpx.Response:
    return client.get("/v1/search", params={"q": words, "system": "icd10cm", "limit": "10"})


def translate_fhir(client: httpx.Client, code: str) -> httpx.Response:
    params = {"system": ICD9, "code": code, "targetsystem": ICD10CM}
    return client.get("/fhir/ConceptMap/$translate", params=params)


def crosswalk_json(client: httpx.Client, code: str) -> httpx.Response:
    return client.get("/v1/crosswalk/gems", params={"code": code, "from": "icd9cm"})


def measure(url: str, token: str, codes: list[str], requests: int) -> dict[str, Any]:
    """Every pair, after a warm-up of each endpoint on inputs not measured."""
    headers = {"Authorization": f"Bearer {token}"}
    cycle = (WORDS * (requests // len(WORDS) + 1))[:requests]
    icd9 = (ICD9_CODES * (requests // len(ICD9_CODES) + 1))[:requests]
    fresh = iter(codes)

    def take() -> list[str]:
        return [next(fresh) for _ in range(requests)]

    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        warm = [next(fresh) for _ in range(20)]
        for request in (lookup_fhir, lookup_json, validate_fhir, validate_json):
            for code in warm:
                request(client, code)
        for request in (expand_fhir, search_json, translate_fhir, crosswalk_json):
            for value in WORDS[:5] + ICD9_CODES[:5]:
                request(client, value)
        seen = warm[0]
        return {
            "lookup": pair(client, lookup_fhir, lookup_json, take(), take(), probe_with=seen),
            "validate": pair(client, validate_fhir, validate_json, take(), take(), probe_with=seen),
            "expand_filter": pair(
                client, expand_fhir, search_json, cycle, cycle, probe_with=WORDS[0]
            ),
            "translate": pair(
                client, translate_fhir, crosswalk_json, icd9, icd9, probe_with=ICD9_CODES[0]
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="measured requests per side")
    parser.add_argument("--data-dir", default=os.environ.get("MEDCODE_CODES_DATA_DIR", "var"))
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    import_defaults(data_dir)
    snapshot = ReleaseCatalog.open_dir(data_dir).select(System.ICD10CM)
    billable = [node.code for node in snapshot.iter_nodes() if node.billable]
    random.Random(17).shuffle(billable)
    search_port = free_port()
    gateway_env = {
        "MEDCODE_GATEWAY_SEARCH_ADDR": f"127.0.0.1:{search_port}",
        "MEDCODE_GATEWAY_SEARCH_CACHE_TTL_SECONDS": "0",
    }
    with stack(data_dir, **gateway_env) as running:
        search_env = {
            **running.env,
            "MEDCODE_SEARCH_PORT": str(search_port),
            "MEDCODE_SEARCH_CODES_ADDR": running.env["MEDCODE_GATEWAY_CODES_ADDR"],
            "MEDCODE_SEARCH_INDEX_DIR": str(data_dir / "search"),
        }
        search = start([sys.executable, "-m", "medcode_search"], search_env)
        try:
            # search answers 503 until its index is built (first run) and warm
            wait_http(f"{running.url}/v1/search?q=asthma", timeout=600)
            token = running.user_token(plan="pro")
            results = measure(running.url, token, billable, args.requests)
        finally:
            stop([search])
    out = HERE / "results" / "fhir_terminology.json"
    out.parent.mkdir(exist_ok=True)
    report = {"config": {"requests": args.requests}, "results": results}
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(
        f"{'pair':<14}{'FHIR p50':>10}{'p99':>9}{'JSON p50':>10}{'p99':>9}{'ratio':>7}\n"
    )
    for name, row in results.items():
        json_side = row["json"]
        if "missing" in row["fhir"]:
            fhir_cells = f"{'missing':>19}"
            ratio = "-"
        else:
            fhir_cells = f"{row['fhir']['p50_ms']:>10.2f}{row['fhir']['p99_ms']:>9.2f}"
            ratio = f"{row['p50_ratio']:.2f}"
        sys.stdout.write(
            f"{name:<14}{fhir_cells}{json_side['p50_ms']:>10.2f}{json_side['p99_ms']:>9.2f}"
            f"{ratio:>7}\n"
        )


if __name__ == "__main__":
    main()
