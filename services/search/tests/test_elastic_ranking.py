"""Elasticsearch's answers go through the very ranking tantivy's go through.

No cluster is obtainable here, so Elasticsearch's side is its recorded answer: for each query,
the msearch reply carrying the documents and scores tantivy found for the same candidate
plans. The Elasticsearch candidate adapter turns that reply into candidates, the shared
engine ranks them, and the hits (codes, scores, reasons) must be tantivy's. The request sent
must ask Elasticsearch for exactly the plans tantivy was asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from medcode_search import documents, index
from medcode_search.backends.elastic_candidates import ElasticCandidates, search_body
from medcode_search.backends.tantivy_candidates import TantivyCandidates
from medcode_search.candidates import Candidate, CandidatePlan, CandidateSource, Scope
from medcode_search.corpus import Corpus
from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine
from medcode_search.hits import Ranked
from medcode_search.synonyms import SynonymExpander, load_synonyms

from .elastic_script import Conversation, Reply, scripted_client

ALIAS_INDEX = "medcode-codes-5-0123456789abcdef"
SYNONYMS = SynonymExpander(load_synonyms())


@dataclass
class Recording:
    """A candidate source that remembers what it was asked and what it answered."""

    inner: CandidateSource
    asked: list[tuple[Sequence[CandidatePlan], Scope, int, list[list[Candidate]]]] = field(
        default_factory=list
    )

    def candidates(
        self, plans: Sequence[CandidatePlan], scope: Scope, depth: int
    ) -> list[list[Candidate]]:
        found = self.inner.candidates(plans, scope, depth)
        self.asked.append((plans, scope, depth, found))
        return found


def _reply(found: list[list[Candidate]]) -> dict[str, Any]:
    """The msearch reply Elasticsearch sends for these candidates, one answer per search."""
    return {
        "responses": [
            {"hits": {"hits": [{"_id": str(c.number), "_score": c.score} for c in candidates]}}
            for candidates in found
        ]
    }


def _seen(hits: list[Ranked]) -> list[tuple[str, str, float, list[str], str]]:
    return [(h.document.system, h.document.code, h.score, h.reasons, h.matched_text) for h in hits]


def _both_ways(corpus: Corpus, built: Any, query: str, **options: Any) -> None:
    """Rank `query` with tantivy's candidates, then with the same candidates as an
    Elasticsearch reply; the hits and the questions asked must agree."""
    recording = Recording(TantivyCandidates(built, len(corpus.documents)))
    tantivy = SearchEngine(corpus, recording, SYNONYMS)
    expected = _seen(tantivy.search(query, **options)[0])
    replies = [
        Reply("POST", f"/{ALIAS_INDEX}/_msearch", _reply(found))
        for _plans, _scope, _depth, found in recording.asked
    ]
    conversation = Conversation(replies)
    elastic = SearchEngine(
        corpus, ElasticCandidates(scripted_client(conversation), ALIAS_INDEX), SYNONYMS
    )
    assert _seen(elastic.search(query, **options)[0]) == expected, query
    for sent, (plans, scope, depth, _found) in zip(conversation.sent, recording.asked, strict=True):
        bodies = sent.body[1::2]  # header, body, header, body ...
        assert bodies == [search_body(plan, scope, depth) for plan in plans], query


def _node(code: str, title: str, *, billable: bool = True, parent: str = "X") -> IndexedCode:
    kind = "code" if billable else "category"
    return IndexedCode("icd10cm", code, title, kind, billable, "2026", (), ("X", parent))


SMALL = [
    _node("X80", "Effusion of widget", billable=False),
    _node("X80.1", "Effusion of right widget", parent="X80"),
    _node("X80.2", "Effusion of left widget", parent="X80"),
    _node("X80.9", "Effusion of unspecified widget", parent="X80"),
    _node("X90", "Gizmo fever", billable=False),
    _node("X90.0", "Gizmo fever with rash", parent="X90"),
    _node("X90.9", "Gizmo fever, unspecified", parent="X90"),
    _node("I10", "Essential (primary) hypertension"),
    _node("I21.9", "Acute myocardial infarction, unspecified"),
]


@pytest.mark.parametrize(
    "query",
    ["effusion widget", "right widget effusion", "gizmo fever", "gizmo fevr", "heart attack"],
)
def test_the_same_candidates_rank_the_same_on_both_backends(query: str) -> None:
    _both_ways(Corpus(SMALL), index.build(SMALL, None), query)


@pytest.mark.parametrize("typed", ["gizmo fev", "gizmo fe", "gizmo fever "])
def test_suggest_ranks_the_same_on_both_backends(typed: str) -> None:
    corpus, built = Corpus(SMALL), index.build(SMALL, None)
    recording = Recording(TantivyCandidates(built, len(SMALL)))
    expected = _seen(SearchEngine(corpus, recording, SYNONYMS).suggest(typed))
    assert expected and expected[0][1] in {"X90", "X90.9"}  # completed to "gizmo fever"
    ((plans, scope, depth, found),) = recording.asked  # every reading in one request
    conversation = Conversation([Reply("POST", f"/{ALIAS_INDEX}/_msearch", _reply(found))])
    source = ElasticCandidates(scripted_client(conversation), ALIAS_INDEX)
    assert _seen(SearchEngine(corpus, source, SYNONYMS).suggest(typed)) == expected
    bodies = conversation.sent[0].body[1::2]
    assert bodies == [search_body(plan, scope, depth) for plan in plans]
    prefixes = [q for body in bodies for q in body["query"]["bool"]["should"] if "prefix" in q]
    if typed == "gizmo fev":  # a fragment of three letters or more is also read as a prefix
        (prefix,) = prefixes
        assert prefix["prefix"]["title_raw"]["value"] == "fev"
    else:
        assert not prefixes


@pytest.fixture(scope="module")
def real(search_address: str, codes_data_dir: Path) -> tuple[Corpus, Any]:
    """The corpus and tantivy index the session's search service built from the real code
    sets (read from its folder, as a restart would)."""
    (folder,) = [p.parent for p in (codes_data_dir / "search").glob("*/documents.jsonl")]
    docs = list(documents.load(folder / "documents.jsonl"))
    return Corpus(docs), index.open_saved(folder / "tantivy")


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("essential hypertension", {"systems": ["icd10cm"]}),
        ("heart attack", {"systems": ["icd10cm"]}),
        ("alzimer disease", {"systems": ["icd10cm"]}),
        ("effusion knee", {"systems": ["icd10cm"]}),
        ("type 2 diabetes mellitus without complications", {"systems": ["icd10cm"]}),
        ("fracture femur neck", {"systems": ["icd10cm"], "limit": 20}),
        ("diabetes", {"billable_only": True, "within": "E08-E13", "limit": 50}),
        ("urinary tract infection pregnancy", {"systems": ["icd10cm"]}),
        ("colonoscopy", {"systems": ["cpt"]}),
        ("knee replacement", {}),
        ("flu shot", {}),
        ("E11.6", {"systems": ["icd10cm"]}),
    ],
)
def test_the_real_code_sets_rank_the_same_on_both_backends(
    real: tuple[Corpus, Any], query: str, options: dict[str, Any]
) -> None:
    corpus, built = real
    _both_ways(corpus, built, query, **options)
