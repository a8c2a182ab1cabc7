"""ConceptMap/$translate through the real gateway over the real codes service and its default
GEMs (both diagnosis directions, ICD-9-CM procedures -> ICD-10-PCS)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.fhir.conceptmaps import GEM_MAPS, directions_in

from .models import fhir_json, outcome, parameter

ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
CPT = "http://www.ama-assn.org/go/cpt"
WHO = "http://hl7.org/fhir/sid/icd-10"
TRANSLATE = "/fhir/ConceptMap/$translate"
FHIR_JSON = {"Content-Type": "application/fhir+json"}


def translate(api: httpx.Client, path: str = TRANSLATE, **params: Any) -> dict[str, Any]:
    """A successful $translate by GET, checked to be a valid Parameters resource."""
    body = fhir_json(api.get(path, params=params))
    assert body["resourceType"] == "Parameters"
    return body


def post(api: httpx.Client, *entries: dict[str, Any], path: str = TRANSLATE) -> httpx.Response:
    body = {"resourceType": "Parameters", "parameter": list(entries)}
    return api.post(path, json=body, headers=FHIR_JSON)


def result(body: dict[str, Any]) -> bool:
    (entry,) = parameter(body, "result")
    return bool(entry["valueBoolean"])


def message(body: dict[str, Any]) -> str:
    (entry,) = parameter(body, "message")
    return str(entry["valueString"])


def matches(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Each match as {equivalence, concept, source, flags}."""
    found = []
    for match in parameter(body, "match"):
        parts = {part["name"]: part for part in match["part"]}
        (flags,) = match["extension"]
        found.append(
            {
                "equivalence": parts["equivalence"]["valueCode"],
                "concept": parts.get("concept", {}).get("valueCoding"),
                "source": parts["source"]["valueUri"],
                "flags": {
                    e["url"]: e.get("valueBoolean", e.get("valueInteger"))
                    for e in flags["extension"]
                },
            }
        )
    return found


def gem_rows(api: httpx.Client, code: str, source: str) -> list[dict[str, Any]]:
    """The GEM rows of a code as the JSON API gives them (the reference for the FHIR view)."""
    reply = api.get("/v1/crosswalk/gems", params={"code": code, "from": source})
    assert reply.status_code == 200, reply.text
    return list(reply.json()["mappings"])


def expected_equivalence(row: dict[str, Any]) -> str:
    if row["no_map"]:
        return "unmatched"
    return "inexact" if row["approximate"] or row["combination"] else "equivalent"


def test_icd9_diagnosis_to_icd10cm(api: httpx.Client, gateway_url: str) -> None:
    body = translate(api, system=ICD9, code="250.00")
    assert result(body)
    (match,) = matches(body)
    (row,) = gem_rows(api, "250.00", "icd9cm")
    assert match["equivalence"] == expected_equivalence(row)
    record = api.get("/v1/codes/icd10cm/E11.9").json()
    assert match["concept"] == {
        "system": ICD10CM,
        "code": "E11.9",
        "version": record["release"],
        "display": record["title"],
    }
    assert match["source"] == f"{gateway_url}/fhir/ConceptMap/icd9cm-to-icd10cm"
    if row["approximate"]:
        assert "approximately" in message(body)


def test_an_exact_gem_row_is_equivalent(api: httpx.Client) -> None:
    (row,) = gem_rows(api, "001.0", "icd9cm")
    assert not row["approximate"], "the GEM maps cholera due to V. cholerae exactly"
    (match,) = matches(translate(api, system=ICD9, code="001.0"))
    assert match["equivalence"] == "equivalent" and match["concept"]["code"] == row["target"]
    assert match["flags"]["approximate"] is False


def test_icd10cm_to_icd9(api: httpx.Client, gateway_url: str) -> None:
    body = translate(api, system=ICD10CM, code="e119")
    targets = [m["concept"] for m in matches(body)]
    rows = gem_rows(api, "E11.9", "icd10cm")
    assert [t["code"] for t in targets] == [r["target"] for r in rows]
    assert all(t["system"] == ICD9 and "version" not in t for t in targets)
    assert {m["source"] for m in matches(body)} == {
        f"{gateway_url}/fhir/ConceptMap/icd10cm-to-icd9cm"
    }


def test_no_map_is_unmatched_and_false(api: httpx.Client) -> None:
    (row,) = gem_rows(api, "365.70", "icd9cm")
    assert row["no_map"]
    body = translate(api, system=ICD9, code="365.70")
    assert not result(body)
    (match,) = matches(body)
    assert match["equivalence"] == "unmatched" and match["concept"] is None
    assert match["flags"]["noMap"] is True
    assert "no map" in message(body)


def test_combination_targets_carry_scenario_and_choice_list(api: httpx.Client) -> None:
    rows = gem_rows(api, "250.12", "icd9cm")
    assert rows and all(r["combination"] for r in rows)
    body = translate(api, system=ICD9, code="250.12")
    assert result(body)
    found = matches(body)
    assert [m["concept"]["code"] for m in found] == [r["target"] for r in rows]
    for match, row in zip(found, rows, strict=True):
        assert match["equivalence"] == "inexact"
        assert match["flags"]["combination"] is True
        assert match["flags"]["scenario"] == row["scenario"]
        assert match["flags"]["choiceList"] == row["choice_list"]
    assert "combination" in message(body)
    assert all(r["target"] in message(body) for r in rows)


def test_icd9_procedure_to_pcs(api: httpx.Client, gateway_url: str) -> None:
    rows = gem_rows(api, "81.54", "icd9pcs")
    body = translate(api, system=ICD9, code="81.54", targetsystem=PCS)
    found = matches(body)
    assert [m["concept"]["code"] for m in found] == [r["target"] for r in rows]
    assert all(m["concept"]["system"] == PCS and m["concept"]["display"] for m in found)
    assert {m["source"] for m in found} == {
        f"{gateway_url}/fhir/ConceptMap/icd9cm-procedures-to-icd10pcs"
    }
    assert [m["equivalence"] for m in found] == [expected_equivalence(r) for r in rows]


def test_icd9_without_a_target_tries_diagnoses_and_procedures(api: httpx.Client) -> None:
    """ICD-9-CM has one URI for both volumes: an undotted code well formed as both is looked
    up in both GEMs, and the target system says which answered."""
    body = translate(api, system=ICD9, code="8154")
    procedures = gem_rows(api, "81.54", "icd9pcs")
    diagnoses = gem_rows(api, "815.4", "icd9cm")
    found = matches(body)
    assert len(found) == len(procedures) + len(diagnoses)
    assert {m["concept"]["system"] for m in found if m["concept"]} <= {PCS, ICD10CM}
    narrowed = matches(translate(api, system=ICD9, code="8154", targetsystem=PCS))
    assert len(narrowed) == len(procedures)


def test_a_code_the_gem_lacks_is_false_not_an_error(api: httpx.Client) -> None:
    assert gem_rows(api, "U07.1", "icd10cm") == []  # COVID-19 postdates the GEMs
    body = translate(api, system=ICD10CM, code="U07.1")
    assert not result(body) and matches(body) == []
    assert "U07.1 is not in" in message(body)


def test_post_with_coding(api: httpx.Client) -> None:
    response = post(api, {"name": "coding", "valueCoding": {"system": ICD9, "code": "250.00"}})
    body = fhir_json(response)
    assert [m["concept"]["code"] for m in matches(body)] == ["E11.9"]
    same = post(
        api,
        {"name": "system", "valueUri": ICD9},
        {"name": "code", "valueCode": "250.00"},
        {"name": "targetsystem", "valueUri": ICD10CM},
    )
    assert fhir_json(same) == body


def test_post_with_codeable_concept(api: httpx.Client) -> None:
    concept = {
        "coding": [
            {"system": "http://snomed.info/sct", "code": "44054006"},
            {"system": ICD10CM, "code": "E11.9"},
        ]
    }
    body = fhir_json(post(api, {"name": "codeableConcept", "valueCodeableConcept": concept}))
    assert result(body)
    assert [m["concept"]["code"] for m in matches(body)] == [
        r["target"] for r in gem_rows(api, "E11.9", "icd10cm")
    ]
    assert "snomed" in message(body)


def test_instance_level_and_url(api: httpx.Client, gateway_url: str) -> None:
    path = "/fhir/ConceptMap/icd9cm-to-icd10cm/$translate"
    by_path = translate(api, path, code="250.00")  # the map gives the system
    by_url = translate(api, url=f"{gateway_url}/fhir/ConceptMap/icd9cm-to-icd10cm", code="250.00")
    assert by_path == by_url == translate(api, system=ICD9, code="250.00")
    posted = post(api, {"name": "code", "valueCode": "250.00"}, path=path)
    assert fhir_json(posted) == by_path
    release = fhir_json(api.get("/fhir/ConceptMap/icd9cm-to-icd10cm"))["version"]
    versioned = f"{gateway_url}/fhir/ConceptMap/icd9cm-to-icd10cm|{release}"
    assert translate(api, url=versioned, code="250.00") == by_path
    stale = api.get(TRANSLATE, params={"url": versioned + "-old", "code": "250.00"})
    assert "is not loaded" in outcome(stale, 404, "not-found")["issue"][0]["diagnostics"]


def test_reverse_uses_the_opposite_gem(api: httpx.Client, gateway_url: str) -> None:
    url = f"{gateway_url}/fhir/ConceptMap/icd9cm-to-icd10cm"
    body = translate(api, url=url, system=ICD10CM, code="E11.9", reverse="true")
    found = matches(body)
    assert [m["concept"]["code"] for m in found] == [
        r["target"] for r in gem_rows(api, "E11.9", "icd10cm")
    ]
    assert {m["source"] for m in found} == {f"{gateway_url}/fhir/ConceptMap/icd10cm-to-icd9cm"}


@pytest.mark.parametrize(
    ("params", "status", "code", "words"),
    [
        ({"system": WHO, "code": "E11.9"}, 400, "not-supported", ICD10CM),
        ({"system": CPT, "code": "99213"}, 404, "not-found", "no ConceptMap translates CPT"),
        ({"system": "http://example.org/x", "code": "1"}, 404, "not-found", "unknown code"),
        ({"system": ICD10CM, "code": "ZZ"}, 400, "invalid", "'ZZ'"),
        ({"system": ICD10CM}, 400, "invalid", "exactly one of code"),
        ({"code": "250.00"}, 400, "invalid", "'system' is required"),
        ({"system": ICD10CM, "code": ""}, 400, "invalid", "must not be empty"),
        ({"system": ICD10CM, "code": "E11.9", "targetsystem": PCS}, 404, "not-found", "no loaded"),
        ({"system": ICD10CM, "code": "E11.9", "targetsystem": WHO}, 400, "not-supported", ""),
        ({"system": ICD10CM, "code": "E11.9", "version": "1999"}, 404, "not-found", "'1999'"),
        (
            {"system": ICD10CM, "code": "E11.9", "conceptMapVersion": "FY1999"},
            404,
            "not-found",
            "GEMs release 'FY1999'",
        ),
        ({"system": ICD10CM, "code": "E11.9", "dependency": "x"}, 400, "not-supported", ""),
        ({"system": ICD10CM, "code": "E11.9", "reverse": "yes"}, 400, "invalid", "true or false"),
        ({"coding": "x"}, 400, "invalid", "query string cannot carry"),
        ({"url": "http://example.org/ConceptMap/x", "code": "1"}, 404, "not-found", "unknown"),
    ],
)
def test_errors_are_operation_outcomes(
    api: httpx.Client, params: dict[str, str], status: int, code: str, words: str
) -> None:
    body = outcome(api.get(TRANSLATE, params=params), status, code)
    assert words in body["issue"][0]["diagnostics"], body


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "words"),
    [
        ("icd9cm-procedures-to-icd10pcs", {"code": "250.00"}, 400, "invalid", "'250.00'"),
        ("icd10pcs-to-icd9cm-procedures", {"code": "0SRD0JZ"}, 404, "not-found", "not loaded"),
        ("snomed-to-icd10cm", {"code": "1"}, 404, "not-found", "no ConceptMap"),
        (
            "icd9cm-procedures-to-icd10pcs",
            {"code": "0SRD0JZ", "system": PCS, "reverse": "true"},
            404,
            "not-found",
            "not loaded",
        ),
    ],
)
def test_instance_level_errors(
    api: httpx.Client, path: str, params: dict[str, str], status: int, code: str, words: str
) -> None:
    response = api.get(f"/fhir/ConceptMap/{path}/$translate", params=params)
    body = outcome(response, status, code)
    assert words in body["issue"][0]["diagnostics"], body


def test_post_errors(api: httpx.Client) -> None:
    resource = {"resourceType": "ConceptMap", "status": "draft"}
    refused = post(
        api,
        {"name": "conceptMap", "resource": resource},
        {"name": "coding", "valueCoding": {"system": ICD9, "code": "250.00"}},
    )
    assert "name one by url" in outcome(refused, 400, "not-supported")["issue"][0]["diagnostics"]
    half = post(api, {"name": "coding", "valueCoding": {"code": "250.00"}})
    assert "system and a code" in outcome(half, 400, "invalid")["issue"][0]["diagnostics"]
    wrong = api.post(TRANSLATE, json={"resourceType": "Bundle"}, headers=FHIR_JSON)
    outcome(wrong, 400, "structure")
    both = post(
        api,
        {"name": "code", "valueCode": "250.00"},
        {"name": "coding", "valueCoding": {"system": ICD9, "code": "250.00"}},
    )
    outcome(both, 400, "invalid")
    stray = post(
        api,
        {"name": "system", "valueUri": ICD10CM},
        {"name": "coding", "valueCoding": {"system": ICD9, "code": "250.00"}},
    )
    assert "goes with 'code'" in outcome(stray, 400, "invalid")["issue"][0]["diagnostics"]
    nothing = {"coding": [{"system": CPT, "code": "99213"}, {"system": WHO, "code": "E11"}]}
    unusable = post(api, {"name": "codeableConcept", "valueCodeableConcept": nothing})
    outcome(unusable, 404, "not-found")


@given(st.sets(st.sampled_from(GEM_MAPS)), st.text(alphabet=" ;:,.abcdefz()=-", max_size=20))
def test_directions_in_reads_each_named_direction(chosen: set[Any], filler: str) -> None:
    """A data set's `source` names its directions as "from->to: ...", in any order, with any
    words around them; naming none means any direction may be there."""
    source = filler.join(f"{gem.from_system}->{gem.to_system}: a GEM file" for gem in chosen)
    found = set(directions_in(filler + source + filler))
    assert found == (chosen or set(GEM_MAPS))
