"""$expand's input rules without a server: paging bounds, release selection from
system-version and valueSetVersion, and when a filter matches an is-a root by itself."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.expand_inputs import MAX_COUNT, ExpandInputs, expand_inputs
from medcode_gateway.fhir.expand_pages import Concept, filter_matches
from medcode_gateway.fhir.parameters import OperationInput

BASE = "https://medcode.example/fhir"
CM_URL = "http://hl7.org/fhir/sid/icd-10-cm"
CPT_URL = "http://www.ama-assn.org/go/cpt"
RELEASES = st.text(
    alphabet=st.characters(codec="ascii", exclude_characters="|", exclude_categories=["Cc"]),
    min_size=1,
    max_size=20,
).filter(lambda text: text.strip() == text)


def inputs(**values: Any) -> ExpandInputs:
    parsed = OperationInput(
        {k.replace("_", "-"): v if isinstance(v, list) else [v] for k, v in values.items()}
    )
    return expand_inputs(parsed, base=BASE, resource_id=None)


@given(count=st.integers(0, MAX_COUNT), offset=st.integers(0, 10**9))
def test_any_page_within_bounds_is_taken_as_asked(count: int, offset: int) -> None:
    taken = inputs(url=CM_URL + "?fhir_vs", count=count, offset=offset)
    assert (taken.count, taken.offset) == (count, offset)
    assert ("count", "integer", count) in taken.echoed and not taken.billable_only


@given(count=st.integers(MAX_COUNT + 1, 10**9))
def test_a_larger_page_is_too_costly(count: int) -> None:
    with pytest.raises(Problem) as refused:
        inputs(url=CM_URL + "?fhir_vs", count=count)
    assert refused.value.status == 400 and refused.value.extensions["fhir_code"] == "too-costly"


@given(release=RELEASES, other=RELEASES)
def test_system_version_picks_the_release_of_the_value_set_s_system_only(
    release: str, other: str
) -> None:
    taken = inputs(
        url=CM_URL + "?fhir_vs",
        system_version=[f"{CPT_URL}|{other}", f"{CM_URL}|{release}"],
    )
    assert (taken.version, taken.version_parameter) == (release, "system-version")
    unpinned = inputs(url=CM_URL + "?fhir_vs", system_version=f"{CPT_URL}|{other}")
    assert unpinned.version is None


@given(release=RELEASES)
def test_value_set_version_agrees_or_conflicts(release: str) -> None:
    agreed = inputs(
        url=CM_URL + "?fhir_vs", valueSetVersion=release, system_version=f"{CM_URL}|{release}"
    )
    assert agreed.version == release
    with pytest.raises(Problem) as refused:
        inputs(
            url=CM_URL + "?fhir_vs",
            valueSetVersion=release + "x",
            system_version=f"{CM_URL}|{release}",
        )
    assert "conflicting" in refused.value.detail


def test_the_billable_value_set_and_exclude_not_for_ui_list_billable_codes() -> None:
    assert inputs(url=f"{BASE}/ValueSet/icd-10-cm-billable").billable_only
    assert inputs(url=CM_URL + "?fhir_vs", excludeNotForUI=True).billable_only
    assert not inputs(url=CM_URL + "?fhir_vs", excludeNotForUI=False).billable_only


WORDS = st.lists(st.from_regex(r"[A-Za-z][a-z0-9]{0,9}", fullmatch=True), min_size=1, max_size=6)


@given(words=WORDS, data=st.data())
def test_a_filter_of_a_display_s_word_prefixes_matches_it(words: list[str], data: Any) -> None:
    concept = Concept("E11", " ".join(words), False)
    chosen = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=3))
    typed = " ".join(word[: data.draw(st.integers(1, len(word)))].upper() for word in chosen)
    assert filter_matches(typed, concept)
    assert not filter_matches(typed + " zzqqy", concept) or any(
        w.lower().startswith("zzqqy") for w in words
    )


@given(code=st.from_regex(r"[A-Z][0-9]{2}\.[0-9A-Z]{1,4}", fullmatch=True), cut=st.integers(1, 8))
def test_a_code_prefix_matches_its_code_with_or_without_the_dot(code: str, cut: int) -> None:
    concept = Concept(code, "", True)
    assert filter_matches(code[:cut].lower(), concept)
    assert filter_matches(code.replace(".", "")[:cut], concept)
    assert not filter_matches("Q" if code[0] != "Q" else "R", concept)
