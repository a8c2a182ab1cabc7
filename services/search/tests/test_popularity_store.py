"""View counts in a real SQLite file: decay, the bounded factor, idempotency, restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_search.popularity import MAX_BOOST, PopularityStore

DAY = 86_400.0
NOW = 1_800_000_000.0


def store_at(path: Path, now: list[float]) -> PopularityStore:
    return PopularityStore(path, half_life_days=30.0, clock=lambda: now[0])


def test_unseen_code_gets_no_boost_and_the_most_viewed_the_most(tmp_path: Path) -> None:
    store = store_at(tmp_path / "p.sqlite", [NOW])
    assert store.factor("E11.9") == 1.0
    for number in range(9):
        store.record(f"a{number}", "E11.9", NOW)
    store.record("b0", "I10", NOW)
    assert store.factor("E11.9") == pytest.approx(1 + MAX_BOOST)
    assert 1.0 < store.factor("I10") < store.factor("E11.9")
    assert store.factor("J18.9") == 1.0


def test_a_redelivered_event_counts_once(tmp_path: Path) -> None:
    store = store_at(tmp_path / "p.sqlite", [NOW])
    assert store.record("same-id", "I10", NOW)
    assert not store.record("same-id", "I10", NOW)
    assert store.count("I10") == pytest.approx(1.0)


def test_views_lose_half_their_weight_per_half_life(tmp_path: Path) -> None:
    now = [NOW]
    store = store_at(tmp_path / "p.sqlite", now)
    store.record("old", "I10", NOW - 30 * DAY)
    store.record("new", "I10", NOW)
    assert store.count("I10") == pytest.approx(1.5)
    now[0] = NOW + 30 * DAY
    assert store.count("I10") == pytest.approx(0.75)


def test_counts_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    first = store_at(path, [NOW])
    first.record("x", "I10", NOW)
    first.record("y", "E11.9", NOW)
    first.record("z", "E11.9", NOW)
    before = (first.factor("I10"), first.factor("E11.9"))
    first.close()
    again = store_at(path, [NOW])
    assert (again.factor("I10"), again.factor("E11.9")) == pytest.approx(before)
    assert not again.record("x", "I10", NOW)  # seen ids persisted too


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDE"), st.floats(-400, 400)), max_size=40))
def test_factor_always_within_bounds(tmp_path_factory: pytest.TempPathFactory, views: list) -> None:
    store = store_at(tmp_path_factory.mktemp("p") / "p.sqlite", [NOW])
    for number, (code, days) in enumerate(views):
        store.record(str(number), code, NOW + days * DAY)
    assert all(1.0 <= store.factor(code) <= 1 + MAX_BOOST + 1e-9 for code in "ABCDEF")
