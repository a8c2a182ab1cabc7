"""Re-scoring rules on a small real tantivy index, and query parsing properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search import index
from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine
from medcode_search.query import CONNECTORS, parse, stem
from medcode_search.synonyms import SynonymExpander, normalise_phrase


def _node(
    code: str, title: str, *, billable: bool = True, context: tuple[str, ...] = ()
) -> IndexedCode:
    return IndexedCode("icd10cm", code, title, "code", billable, "2026", (), ("X",), context)


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    documents = [
        # A heading's words reach its children (the index's main term often lives only there).
        _node("X10", "Widget disease", billable=False),
        _node("X10.1", "Acute form", context=("Widget disease",)),
        _node("X20.1", "Acute gadget form"),
        # Children that add words nobody asked for rank below the heading that says it all.
        _node("X30.1", "Laceration of rear wall", billable=False),
        _node("X30.11", "Laceration of right rear wall, subsequent encounter"),
        _node("X30.12", "Laceration of left rear wall, subsequent encounter"),
        # "with" asks for the with-code; without it, the without-code is the default.
        _node("X40.0", "Sprocket palsy with tremor"),
        _node("X40.1", "Sprocket palsy without tremor"),
        _node("X40.9", "Sprocket palsy with tremor and fever"),
    ]
    return SearchEngine(documents, index.build(documents, None), SynonymExpander([]))


def _first(engine: SearchEngine, query: str) -> str:
    found, _total = engine.search(query)
    return found[0].document.code


def test_heading_words_reach_children(engine: SearchEngine) -> None:
    assert _first(engine, "widget disease acute") in {"X10.1", "X10"}
    found, _total = engine.search("acute widget")
    assert [hit.document.code for hit in found].index("X10.1") < [
        hit.document.code for hit in found
    ].index("X20.1")


def test_unasked_words_cost(engine: SearchEngine) -> None:
    assert _first(engine, "laceration rear wall") == "X30.1"
    assert _first(engine, "laceration right rear wall") == "X30.11"


def test_with_and_without(engine: SearchEngine) -> None:
    assert _first(engine, "sprocket palsy with tremor") == "X40.0"
    assert _first(engine, "sprocket palsy") == "X40.1"


@given(st.text(max_size=60))
def test_parse_sends_no_connector_unless_nothing_else(text: str) -> None:
    parsed = parse(text)
    assert set(parsed.searched) <= set(parsed.stems)
    content = [word for word in parsed.words if word not in CONNECTORS]
    if content:
        assert {stem(word) for word in content} == set(parsed.searched)
    assert parse(normalise_phrase(text)) == parsed


def test_warming_changes_speed_not_answers(engine: SearchEngine) -> None:
    before = [hit.document.code for hit in engine.search("laceration rear wall")[0]]
    engine.warm()
    assert [hit.document.code for hit in engine.search("laceration rear wall")[0]] == before


def test_specified_means_the_other_code() -> None:
    documents = [
        _node("X50.9", "Gizmo syndrome, unspecified"),
        _node("X50.8", "Other gizmo syndrome"),
        _node("X60.0", "Sprocket disorder of specified origin"),  # "specified" is a known word
    ]
    engine = SearchEngine(documents, index.build(documents, None), SynonymExpander([]))
    assert _first(engine, "gizmo syndrome") == "X50.9"
    assert _first(engine, "gizmo syndrome specified") == "X50.8"


def test_a_side_nobody_asked_for_costs() -> None:
    documents = [
        _node("X70.0", "Sprain of ankle", billable=False),
        _node("X70.01", "Sprain of right ankle"),
        _node("X70.09", "Sprain of unspecified ankle"),
    ]
    engine = SearchEngine(documents, index.build(documents, None), SynonymExpander([]))
    found = [hit.document.code for hit in engine.search("sprain ankle")[0]]
    assert found[-1] == "X70.01"
    assert _first(engine, "sprain right ankle") == "X70.01"
