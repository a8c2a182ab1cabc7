"""Re-scoring rules on a small real tantivy index, and query parsing properties."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search.backends.tantivy_backend import TantivyBackend, tantivy_engine
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
    return tantivy_engine(documents, synonyms=SynonymExpander([]))


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
    engine = tantivy_engine(documents, synonyms=SynonymExpander([]))
    assert _first(engine, "gizmo syndrome") == "X50.9"
    assert _first(engine, "gizmo syndrome specified") == "X50.8"


def test_a_side_nobody_asked_for_costs() -> None:
    documents = [
        _node("X70.0", "Sprain of ankle", billable=False),
        _node("X70.01", "Sprain of right ankle"),
        _node("X70.09", "Sprain of unspecified ankle"),
    ]
    engine = tantivy_engine(documents, synonyms=SynonymExpander([]))
    found = [hit.document.code for hit in engine.search("sprain ankle")[0]]
    assert found[-1] == "X70.01"
    assert _first(engine, "sprain right ankle") == "X70.01"


@pytest.mark.parametrize("warm", [True, False])
def test_a_new_tantivy_index_is_warmed_before_it_serves(tmp_path: Path, warm: bool) -> None:
    documents = [_node("X70.0", "Sprain of ankle"), _node("X80.0", "Widget palsy")]

    async def fetch() -> list[IndexedCode]:
        return documents

    backend = TantivyBackend(index_dir=tmp_path, warm=warm)
    asyncio.run(backend.load(key="k", fetch=fetch))
    assert backend.engine is not None
    profiled = len(backend.engine._rescorer._profiles)  # every code profiled, or none yet
    assert profiled == (len(documents) if warm else 0)


def _under(code: str, title: str, parent: str, *, billable: bool = True) -> IndexedCode:
    return IndexedCode("icd10cm", code, title, "code", billable, "2026", (), ("X", parent))


def test_a_heading_split_by_side_comes_before_its_unspecified_side_child() -> None:
    documents = [
        IndexedCode("icd10cm", "X80", "Effusion of widget", "category", False, "2026", (), ("X",)),
        _under("X80.1", "Effusion of right widget", "X80"),
        _under("X80.2", "Effusion of left widget", "X80"),
        _under("X80.9", "Effusion of unspecified widget", "X80"),
        # Not split by side: the billable code keeps its place above its heading.
        IndexedCode("icd10cm", "X90", "Gizmo fever", "category", False, "2026", (), ("X",)),
        _under("X90.0", "Gizmo fever with rash", "X90"),
        _under("X90.9", "Gizmo fever, unspecified", "X90"),
    ]
    engine = tantivy_engine(documents, synonyms=SynonymExpander([]))
    found = [hit.document.code for hit in engine.search("effusion widget")[0]]
    assert found[:2] == ["X80", "X80.9"]
    assert _first(engine, "effusion of right widget") == "X80.1"
    assert [hit.document.code for hit in engine.search("gizmo fever")[0]][:2] == ["X90.9", "X90"]


def test_a_new_index_removes_earlier_index_folders_only(tmp_path: Path) -> None:
    stale = tmp_path / "0123456789abcdef"
    (stale / "tantivy").mkdir(parents=True)
    (stale / "documents.jsonl").write_text("")
    half_built = tmp_path / "fedcba9876543210" / "tantivy.partial"
    half_built.mkdir(parents=True)
    unrelated = tmp_path / "notes"
    unrelated.mkdir()
    (tmp_path / "popularity.sqlite").write_text("")
    documents = [_node("X70.0", "Sprain of ankle")]

    async def fetch() -> list[IndexedCode]:
        return documents

    backend = TantivyBackend(index_dir=tmp_path, warm=False)
    asyncio.run(backend.load(key="aaaaaaaaaaaaaaaa", fetch=fetch))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "aaaaaaaaaaaaaaaa",
        "fedcba9876543210",  # no documents, no finished index: not ours to judge
        "notes",
        "popularity.sqlite",
    ]
    assert backend.engine is not None and backend.engine.search("ankle sprain")[0]
