"""The small parsers and rules $lookup and $validate-code share, tested without servers: FHIR
dates as release dates, display languages, display comparison, the property filter and the
"which other release has it" wording."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.lookup import check_display_language
from medcode_gateway.fhir.lookup_coding import as_of_date, elsewhere
from medcode_gateway.fhir.lookup_properties import (
    NOTE_PROPERTIES,
    PROPERTY_DEFINITIONS,
    wanted_properties,
)
from medcode_gateway.fhir.validate_verdict import same_display


@given(st.dates(), st.sampled_from(["", "T10:30:00Z", "T00:00:00+05:00", "T23:59:59.123-04:00"]))
def test_a_fhir_date_or_datetime_is_its_day(day: dt.date, time: str) -> None:
    assert as_of_date(day.isoformat() + time) == day.isoformat()


@given(st.text(max_size=30))
def test_anything_else_is_a_400_naming_the_parameter_or_nothing(text: str) -> None:
    try:
        found = as_of_date(text, parameter="when")
    except Problem as problem:
        assert problem.status == 400 and problem.extensions["expression"] == ["when"]
        assert repr(text) in problem.detail
        return
    if found is None:
        assert not text.strip()
    else:
        assert dt.date.fromisoformat(found).isoformat() == text.strip()[:10]
        assert text.strip()[10:] == "" or text.strip()[10] == "T"


@pytest.mark.parametrize("text", ["2026-04-01garbage", "20260401", "2026-02-30", "2026-04"])
def test_partial_or_padded_dates_are_refused(text: str) -> None:
    with pytest.raises(Problem):
        as_of_date(text)


@pytest.mark.parametrize("language", [None, "", "en", "en-US", "EN-gb", "de, en;q=0.5", "*"])
def test_english_display_languages_are_served(language: str | None) -> None:
    check_display_language(language)


@pytest.mark.parametrize("language", ["de", "fr-CA", "english", "es, de;q=0.5"])
def test_other_display_languages_are_refused(language: str) -> None:
    with pytest.raises(Problem) as raised:
        check_display_language(language)
    assert raised.value.status == 400 and raised.value.extensions["fhir_code"] == "not-supported"


@given(st.text(min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_a_display_matches_itself_in_any_case_and_spacing(title: str) -> None:
    spaced = "  " + "   ".join(title.split()) + " "
    assert same_display(spaced.upper(), title) == same_display(spaced, title.upper())
    assert same_display(" ".join(title.split()), title)


def test_a_different_display_does_not_match() -> None:
    assert not same_display("Broken hip", "Fracture of neck of right femur")


def test_the_property_filter() -> None:
    assert wanted_properties([]) is None
    assert wanted_properties(["*"]) is None
    assert wanted_properties([" parent ", "child", ""]) == frozenset({"parent", "child"})


def test_every_property_returned_is_defined_for_the_code_system() -> None:
    defined = {code for code, _, _ in PROPERTY_DEFINITIONS}
    assert set(NOTE_PROPERTIES.values()) <= defined
    assert {"parent", "child", "abstract", "billable", "kind", "seventh-character"} <= defined
    assert len(defined) == len(PROPERTY_DEFINITIONS), "each property is defined once"


def test_elsewhere_names_only_the_other_releases() -> None:
    assert elsewhere([], "2026-04-01") == ""
    assert elsewhere(["2026-04-01"], "2026-04-01") == ""
    assert elsewhere(["2025-10-01", "2026-04-01"], "2026-04-01") == (
        "; it is in loaded release 2025-10-01"
    )
    assert elsewhere(["2024-10-01", "2025-10-01"], "2026-04-01").endswith(
        "releases 2024-10-01, 2025-10-01"
    )
