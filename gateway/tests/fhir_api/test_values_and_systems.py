"""System URIs and value set URLs resolve to what they name, and the look-alikes partners
send by mistake (WHO ICD-10, OIDs, the ICD-10-PCS sid) are refused with the URI to use."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_common.codesystems import System
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.systems import CODE_SYSTEMS, ICD10CM_URL, WHO_ICD10_URL, code_system_for
from medcode_gateway.fhir.valuesets import (
    listed_value_sets,
    resolve_value_set,
    value_set_by_id,
)

BASE = "https://medcode.example.org/fhir"


@pytest.mark.parametrize("entry", CODE_SYSTEMS, ids=lambda e: e.id)
def test_every_tho_uri_names_its_system(entry) -> None:  # type: ignore[no-untyped-def]
    assert code_system_for(entry.url) is entry
    assert code_system_for(f"  {entry.url} ") is entry


@pytest.mark.parametrize("url", [WHO_ICD10_URL, WHO_ICD10_URL + "/"])
def test_who_icd10_points_to_icd10cm(url: str) -> None:
    with pytest.raises(Problem) as refused:
        code_system_for(url, parameter="system")
    assert refused.value.status == 400
    assert ICD10CM_URL in refused.value.detail and "WHO" in refused.value.detail
    assert refused.value.extensions == {"fhir_code": "not-supported", "expression": ["system"]}


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("http://hl7.org/fhir/sid/icd-10-pcs", "http://www.cms.gov/Medicare/Coding/ICD10"),
        ("urn:oid:2.16.840.1.113883.6.90", ICD10CM_URL),
    ],
)
def test_a_known_alias_is_refused_with_the_canonical_uri(alias: str, canonical: str) -> None:
    with pytest.raises(Problem, match=canonical):
        code_system_for(alias)


@given(st.text(max_size=60))
def test_any_other_text_is_a_clear_refusal_never_a_crash(text: str) -> None:
    try:
        found = code_system_for(text)
    except Problem as refused:
        assert refused.status in (400, 404) and refused.detail
    else:
        assert found.url == text.strip()


def test_implicit_value_sets_resolve_to_the_whole_system_or_a_subtree() -> None:
    whole = resolve_value_set(ICD10CM_URL + "?fhir_vs", BASE)
    assert (whole.code_system.system, whole.root, whole.billable_only) == (
        System.ICD10CM,
        None,
        False,
    )
    subtree = resolve_value_set(ICD10CM_URL + "?fhir_vs=isa/S72.0", BASE)
    assert subtree.root == "S72.0" and subtree.url == ICD10CM_URL + "?fhir_vs=isa/S72.0"
    assert subtree.id is None


def test_every_listed_value_set_resolves_by_url_and_by_id() -> None:
    listed = listed_value_sets(BASE)
    assert len(listed) == 2 * len(CODE_SYSTEMS)
    for ref in listed:
        assert resolve_value_set(ref.url, BASE) == ref
        assert ref.id is not None and value_set_by_id(ref.id, BASE) == ref
    billable = resolve_value_set(BASE + "/ValueSet/icd-10-cm-billable", BASE)
    assert billable.billable_only and billable.code_system.system == System.ICD10CM


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("", 400),
        (WHO_ICD10_URL + "?fhir_vs", 400),
        (ICD10CM_URL + "?fhir_vs=refset/123", 400),
        (ICD10CM_URL + "?fhir_vs=isa/", 400),
        ("http://example.org/fhir/ValueSet/nope", 404),
        ("http://example.org/unknown?fhir_vs", 404),
    ],
)
def test_bad_value_set_urls_are_refused(url: str, status: int) -> None:
    with pytest.raises(Problem) as refused:
        resolve_value_set(url, BASE, parameter="url")
    assert refused.value.status == status
