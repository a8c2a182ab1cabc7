"""The popularity hook: a bounded boost that orders near-ties but never overturns relevance."""

from __future__ import annotations

import pytest

from medcode_search.backends.tantivy_backend import tantivy_engine
from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine, popularity_factor
from medcode_search.synonyms import SynonymExpander


def _code(code: str, title: str) -> IndexedCode:
    return IndexedCode("icd10cm", code, title, "code", True, "2026", (), ("X00-X09", "X01"))


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    documents = [
        _code("X01.1", "Widget disease of alpha region"),
        _code("X01.2", "Widget disease of gamma region"),
        _code("X01.3", "Gadget syndrome"),
    ]
    return tantivy_engine(documents, synonyms=SynonymExpander([]))


def _codes(engine: SearchEngine, query: str, **options: object) -> list[str]:
    hits, _total = engine.search(query, **options)  # type: ignore[arg-type]
    return [hit.document.code for hit in hits]


def test_popularity_reorders_equal_hits(engine: SearchEngine) -> None:
    assert _codes(engine, "widget disease")[:2] == ["X01.1", "X01.2"]
    popular = {"X01.2": 1.05}.get
    assert _codes(engine, "widget disease", popularity=lambda c: popular(c, 1.0))[:2] == [
        "X01.2",
        "X01.1",
    ]


def test_popularity_never_lifts_a_weak_match_over_a_clearly_better_one(
    engine: SearchEngine,
) -> None:
    hugely_popular = {"X01.2": 1000.0}.get
    found = _codes(engine, "widget disease alpha", popularity=lambda c: hugely_popular(c, 1.0))
    assert found[:2] == ["X01.1", "X01.2"]


def test_popularity_does_not_move_an_exact_code(engine: SearchEngine) -> None:
    found = _codes(engine, "X01.1", popularity=lambda c: 1.1 if c != "X01.1" else 1.0)
    assert found[0] == "X01.1"


def test_suggest_takes_popularity_too(engine: SearchEngine) -> None:
    assert [h.document.code for h in engine.suggest("widget dis")][:2] == ["X01.1", "X01.2"]
    boosted = engine.suggest("widget dis", popularity=lambda c: 1.1 if c == "X01.2" else 1.0)
    assert [h.document.code for h in boosted][:2] == ["X01.2", "X01.1"]


@pytest.mark.parametrize(
    ("given", "applied"), [(0.2, 1.0), (1.04, 1.04), (7.0, 1.1), (float("nan"), 1.0)]
)
def test_factor_is_clamped(given: float, applied: float) -> None:
    assert popularity_factor(lambda _code: given, "X01.1") == pytest.approx(applied)
    assert popularity_factor(None, "X01.1") == 1.0
