"""Choosing the release of each system a search reads."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search.releases import IndexedRelease, ReleaseNotFound, choose, parse_as_of

INDEXED = (
    IndexedRelease("icd10cm", "2026-04-01", "2026-04-01"),
    IndexedRelease("icd10cm", "2025-10-01", "2025-10-01"),
    IndexedRelease("cpt", "2026", "2026-01-01"),
    IndexedRelease("cpt", "starter-2025", "2025-01-01"),
)


def test_default_is_each_systems_newest() -> None:
    assert choose(INDEXED) == {"icd10cm": "2026-04-01", "cpt": "2026"}
    assert choose(INDEXED, systems=["cpt", "hcpcs"]) == {"cpt": "2026"}


def test_newest_means_latest_effective_date_whatever_the_listing_order() -> None:
    assert choose(tuple(reversed(INDEXED)), systems=["cpt"]) == {"cpt": "2026"}


def test_a_named_release_keeps_only_the_systems_that_have_it() -> None:
    assert choose(INDEXED, release="2025-10-01") == {"icd10cm": "2025-10-01"}
    with pytest.raises(ReleaseNotFound, match="icd10cm 2026-04-01"):
        choose(INDEXED, release="2024-10-01")


def test_a_named_release_matches_whatever_its_case_and_answers_the_indexed_name() -> None:
    # The codes service finds "STARTER-2025" too; the engine filters on the indexed spelling.
    assert choose(INDEXED, release="STARTER-2025") == {"cpt": "starter-2025"}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-03-31", {"icd10cm": "2025-10-01", "cpt": "2026"}),
        ("2026-04-01", {"icd10cm": "2026-04-01", "cpt": "2026"}),
        ("2025-06-30", {"cpt": "starter-2025"}),
    ],
)
def test_as_of_takes_the_release_in_force(as_of: str, expected: dict[str, str]) -> None:
    assert choose(INDEXED, as_of=as_of) == expected


def test_nothing_in_force_or_both_selectors_are_errors() -> None:
    with pytest.raises(ReleaseNotFound, match="in force on 2024-12-31"):
        choose(INDEXED, as_of="2024-12-31")
    with pytest.raises(ValueError, match="not both"):
        choose(INDEXED, release="2026", as_of="2026-01-01")


@given(st.dates())
def test_any_calendar_date_parses_to_itself(day: date) -> None:
    if day.year >= 1000:  # ISO dates are written with four-digit years
        assert parse_as_of(day.isoformat()) == day.isoformat()


@given(st.text(max_size=30))
def test_anything_else_is_a_value_error_never_a_crash(text: str) -> None:
    try:
        parsed = parse_as_of(text)
    except ValueError:
        return
    assert date.fromisoformat(parsed).isoformat() == text
