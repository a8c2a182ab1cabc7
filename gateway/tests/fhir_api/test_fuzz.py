"""No input makes a FHIR operation fail with a 500: generated parameters (the operation's own
names, plausible and hostile values, by GET and by POST) always get a valid FHIR resource,
an answer or an OperationOutcome, with a status below 500."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode_gateway.fhir.capability import METADATA_INPUT
from medcode_gateway.fhir.expand_inputs import SPECS as EXPAND_INPUT
from medcode_gateway.fhir.lookup import LOOKUP_INPUTS
from medcode_gateway.fhir.parameters import ParamSpec
from medcode_gateway.fhir.translate_input import TRANSLATE_INPUT
from medcode_gateway.fhir.validate import CODE_SYSTEM_INPUTS, VALUE_SET_INPUTS

from .models import assert_valid

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
OPERATIONS: dict[str, Sequence[ParamSpec]] = {
    "/fhir/metadata": METADATA_INPUT,
    "/fhir/CodeSystem/$lookup": LOOKUP_INPUTS,
    "/fhir/CodeSystem/$validate-code": CODE_SYSTEM_INPUTS,
    "/fhir/ValueSet/$validate-code": VALUE_SET_INPUTS,
    "/fhir/ValueSet/$expand": EXPAND_INPUT,
    "/fhir/ConceptMap/$translate": TRANSLATE_INPUT,
}
#: Values that mean something to these operations, beside arbitrary text.
PLAUSIBLE = st.sampled_from(
    [
        ICD10CM,
        ICD10CM + "?fhir_vs",
        ICD10CM + "?fhir_vs=isa/S72.0",
        ICD10CM + "|2026-04-01",
        "http://hl7.org/fhir/sid/icd-10",
        "http://hl7.org/fhir/sid/icd-9-cm",
        "http://www.cms.gov/Medicare/Coding/ICD10",
        "http://www.ama-assn.org/go/cpt",
        "E11.9",
        "S72.001",
        "S72.001A",
        "250.00",
        "2026-04-01",
        "true",
        "false",
        "0",
        "-1",
        "1001",
        "99999999999",
        "heart attack",
        "*",
        "en",
        "",
    ]
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
VALUES = st.one_of(PLAUSIBLE, TEXT)
JSON_VALUES: st.SearchStrategy[Any] = st.one_of(
    VALUES,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.none(),
    st.fixed_dictionaries({}, optional={"system": VALUES, "code": VALUES, "version": VALUES}),
    st.lists(VALUES, max_size=2),
)
VALUE_KEYS = st.sampled_from(
    [
        "valueString",
        "valueCode",
        "valueUri",
        "valueBoolean",
        "valueInteger",
        "valueCoding",
        "valueCodeableConcept",
        "resource",
        "valueFoo",
    ]
)


@pytest.fixture(scope="module")
def client(gateway_url: str) -> Iterator[httpx.Client]:
    """A guest of its own address (view limits are answers too: 403 OperationOutcomes), so
    the guests of other tests keep their allowances."""
    headers = {"X-Forwarded-For": "203.0.113.77"}
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as http:
        yield http


def names(specs: Sequence[ParamSpec]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([spec.name for spec in specs]), st.sampled_from(["_format", "bogus"])
    )


def check(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:400])
    assert response.headers["content-type"].startswith("application/fhir+json"), response.headers
    assert_valid(response.json())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@pytest.mark.parametrize("path", sorted(OPERATIONS))
def test_any_query_gets_a_fhir_answer(client: httpx.Client, path: str, data: st.DataObject) -> None:
    specs = OPERATIONS[path]
    query: list[tuple[str, str | int | float | bool | None]] = data.draw(
        st.lists(st.tuples(names(specs), VALUES), max_size=5)
    )
    check(client.get(path, params=query))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@pytest.mark.parametrize("path", sorted(set(OPERATIONS) - {"/fhir/metadata"}))
def test_any_parameters_body_gets_a_fhir_answer(
    client: httpx.Client, path: str, data: st.DataObject
) -> None:
    specs = OPERATIONS[path]
    entries = data.draw(
        st.lists(
            st.builds(lambda n, k, v: {"name": n, k: v}, names(specs), VALUE_KEYS, JSON_VALUES),
            max_size=5,
        )
    )
    body = data.draw(
        st.one_of(
            st.just({"resourceType": "Parameters", "parameter": entries}),
            st.just({"resourceType": "Bundle"}),
            st.just(entries),
        )
    )
    check(client.post(path, json=body, headers={"Content-Type": "application/fhir+json"}))
