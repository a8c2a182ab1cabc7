"""Operation inputs read the same from a query string and a Parameters body, and every
malformed input is refused naming the parameter (properties over generated inputs)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.parameters import (
    OperationInput,
    ParamSpec,
    from_parameters,
    from_query,
    parameters,
    value_parameter,
)

from .models import assert_valid

SPECS = (
    ParamSpec("code", "code"),
    ParamSpec("system", "uri"),
    ParamSpec("count", "integer"),
    ParamSpec("includeDesignations", "boolean"),
    ParamSpec("property", "code", repeats=True),
    ParamSpec("coding", "Coding"),
)
#: Generated text may have spaces, which FHIR's code and uri types forbid: sent as strings.
POST_KEY = {"code": "valueString", "system": "valueString", "property": "valueString"}
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=40
)


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, list[Any]]:
    """A valid set of primitive inputs for SPECS."""
    found: dict[str, list[Any]] = {}
    if draw(st.booleans()):
        found["code"] = [draw(TEXT)]
    if draw(st.booleans()):
        found["system"] = [draw(TEXT)]
    if draw(st.booleans()):
        found["count"] = [draw(st.integers(min_value=0, max_value=10**6))]
    if draw(st.booleans()):
        found["includeDesignations"] = [draw(st.booleans())]
    properties = draw(st.lists(TEXT, max_size=4))
    if properties:
        found["property"] = properties
    return found


def as_query(values: dict[str, list[Any]]) -> list[tuple[str, str]]:
    items = []
    for name, found in values.items():
        for value in found:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            items.append((name, text))
    return items


def as_body(values: dict[str, list[Any]]) -> dict[str, Any]:
    entries = []
    for name, found in values.items():
        for value in found:
            if isinstance(value, bool):
                entries.append(value_parameter(name, "boolean", value))
            elif isinstance(value, int):
                entries.append(value_parameter(name, "integer", value))
            else:
                entries.append({"name": name, POST_KEY[name]: value})
    return parameters(entries)


@given(inputs())
def test_a_query_string_and_a_parameters_body_read_the_same(values: dict[str, list[Any]]) -> None:
    from_get = from_query(as_query(values), SPECS, OperationInput())
    body = as_body(values)
    assert_valid(body)
    from_post = from_parameters(body, SPECS, OperationInput())
    assert from_get.values == from_post.values == values


UNKNOWN_NAMES = st.text(min_size=1, max_size=20).filter(lambda n: n not in {s.name for s in SPECS})


@given(inputs(), UNKNOWN_NAMES)
def test_an_unknown_parameter_is_refused_by_name(values: dict[str, list[Any]], name: str) -> None:
    if name in {"_format", "_pretty", "_summary", "_elements"}:
        return
    with pytest.raises(Problem) as refused:
        from_query([*as_query(values), (name, "x")], SPECS, OperationInput())
    assert refused.value.status == 400 and refused.value.extensions["expression"] == [name]
    body = as_body(values)
    body.setdefault("parameter", []).append({"name": name, "valueString": "x"})
    with pytest.raises(Problem) as refused_post:
        from_parameters(body, SPECS, OperationInput())
    assert refused_post.value.extensions["expression"] == [name]


@given(st.text(max_size=12).filter(lambda t: t not in ("true", "false")))
def test_a_boolean_is_true_or_false_only(text: str) -> None:
    with pytest.raises(Problem, match="includeDesignations"):
        from_query([("includeDesignations", text)], SPECS, OperationInput())


@given(st.text(max_size=12).filter(lambda t: not t.strip().lstrip("-").isdigit()))
def test_an_integer_must_be_a_whole_number(text: str) -> None:
    with pytest.raises(Problem, match="count"):
        from_query([("count", text)], SPECS, OperationInput())


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ({"name": "count", "valueString": "5"}, "valueInteger"),
        ({"name": "count", "valueInteger": True}, "whole number"),
        ({"name": "includeDesignations", "valueString": "true"}, "valueBoolean"),
        ({"name": "code", "valueCode": 7}, "JSON string"),
        ({"name": "code", "valueCode": "a", "valueString": "b"}, "exactly one value"),
        ({"name": "code"}, "exactly one value"),
        ({"name": "coding", "valueCoding": {"code": 5}}, "Coding.code"),
        ({"name": "coding", "valueCoding": "E11.9"}, "Coding object"),
        ({"valueCode": "E11.9"}, "needs a name"),
    ],
)
def test_a_wrongly_typed_post_parameter_is_refused(entry: dict[str, Any], why: str) -> None:
    with pytest.raises(Problem, match=why) as refused:
        from_parameters(parameters([entry]), SPECS, OperationInput())
    assert refused.value.status == 400


def test_codes_and_uris_may_use_their_own_value_types() -> None:
    body = parameters(
        [
            {"name": "code", "valueCode": "E11.9"},
            {"name": "system", "valueUri": "http://hl7.org/fhir/sid/icd-10-cm"},
            {"name": "coding", "valueCoding": {"system": "http://x", "code": "A"}},
        ]
    )
    read = from_parameters(assert_valid(body).model_dump(mode="json"), SPECS, OperationInput())
    assert read.text("code") == "E11.9"
    assert read.first("coding") == {"system": "http://x", "code": "A"}


def test_a_single_valued_parameter_given_twice_is_refused_and_a_repeating_one_is_not() -> None:
    with pytest.raises(Problem, match="only once"):
        from_query([("code", "A"), ("code", "B")], SPECS, OperationInput())
    both = from_query([("property", "parent"), ("property", "child")], SPECS, OperationInput())
    assert both.every("property") == ["parent", "child"]


def test_a_coding_cannot_travel_in_a_query_string() -> None:
    with pytest.raises(Problem, match="POST a Parameters resource"):
        from_query([("coding", "http://hl7.org/fhir/sid/icd-10-cm|E11.9")], SPECS, OperationInput())


@pytest.mark.parametrize("body", [None, [], {"resourceType": "Bundle"}, {"parameter": []}])
def test_a_body_that_is_not_parameters_is_refused(body: Any) -> None:
    with pytest.raises(Problem, match="Parameters resource"):
        from_parameters(body, SPECS, OperationInput())


def test_xml_is_refused_and_json_formats_are_accepted() -> None:
    with pytest.raises(Problem) as refused:
        from_query([("_format", "xml")], SPECS, OperationInput())
    assert refused.value.status == 406
    for spelling in ("json", "application/fhir+json", "application/json"):
        assert not from_query([("_format", spelling)], SPECS, OperationInput()).values


def test_too_many_parameters_are_refused() -> None:
    with pytest.raises(Problem, match="at most"):
        from_query([("property", "p")] * 101, SPECS, OperationInput())
