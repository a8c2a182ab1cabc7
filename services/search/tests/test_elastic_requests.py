"""The Elasticsearch mapping and candidate requests, checked as the JSON they send (no cluster
here): the same fields as the tantivy index, and each reading's plan as one msearch search."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search import fields, weights
from medcode_search.backends.base import BackendUnavailable
from medcode_search.backends.elastic_candidates import (
    MAX_WINDOW,
    candidates_of,
    search_body,
)
from medcode_search.backends.elastic_mapping import concrete_index, from_source, to_source
from medcode_search.candidates import Candidate, CandidatePlan, Clause, Prefix, Scope
from medcode_search.documents import IndexedCode

KNEE = IndexedCode(
    system="cpt",
    code="27447",
    title="Total knee replacement: the worn joint surfaces are replaced",
    kind="code",
    billable=True,
    release="starter-2025",
    terms=("Arthroplasty, knee, total",),
    ancestors=("SURG",),
    index_terms=("Replacement, knee",),
)


def test_the_mapping_has_the_tantivy_fields_keywords_and_one_shard() -> None:
    body = concrete_index("medcode-codes-5-abc", replicas=0).to_dict()
    mapped = body["mappings"]["properties"]
    for name in fields.STEMMED:
        assert mapped[name] == {"type": "text", "analyzer": "medcode_stemmed"}, name
    for name in (fields.TITLE_RAW, fields.INDEX_RAW):
        assert mapped[name] == {"type": "text", "analyzer": "medcode_words"}, name
    for name in ("system", "code", "edition", "ancestors"):
        assert mapped[name] == {"type": "keyword"}, name
    assert mapped["billable"] == {"type": "boolean"}
    assert mapped["document"] == {"type": "object", "enabled": False}  # kept, not indexed
    assert body["settings"]["number_of_shards"] == 1
    assert body["settings"]["number_of_replicas"] == 0
    # Snowball English, as tantivy's en_stem and the ranking's stems.
    stemmer = body["settings"]["analysis"]["filter"]["medcode_porter2"]
    assert stemmer == {"type": "stemmer", "language": "porter2"}
    assert body["settings"]["analysis"]["analyzer"]["medcode_stemmed"]["tokenizer"] == "whitespace"


def test_a_document_holds_the_folded_texts_tantivy_indexes() -> None:
    source = to_source(KNEE)
    assert source["title"] == ["total knee replacement"]  # the name before ": "
    assert source["terms"] == [
        "arthroplasty knee total",
        "replacement knee",
        "the worn joint surfaces are replaced",
    ]
    assert source["title_raw"] == ["total knee replacement the worn joint surfaces are replaced"]
    assert source["edition"] == "cpt:starter-2025"
    assert from_source(source) == KNEE


@given(
    st.builds(
        IndexedCode,
        system=st.sampled_from(["icd10cm", "icd10pcs", "hcpcs", "cpt"]),
        code=st.from_regex(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?", fullmatch=True),
        title=st.text(max_size=40),
        kind=st.sampled_from(["category", "code"]),
        billable=st.booleans(),
        release=st.text(max_size=10),
        terms=st.lists(st.text(max_size=20), max_size=3).map(tuple),
        ancestors=st.lists(st.text(max_size=8), max_size=3).map(tuple),
        context=st.lists(st.text(max_size=20), max_size=3).map(tuple),
        referenced=st.lists(st.text(max_size=20), max_size=3).map(tuple),
        index_terms=st.lists(st.text(max_size=20), max_size=3).map(tuple),
        table_terms=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    )
)
def test_source_round_trips(document: IndexedCode) -> None:
    source = json.loads(json.dumps(to_source(document)))
    assert from_source(source) == document
    for name, texts in fields.searchable(document).items():
        assert source[name] == list(texts)


PLAN = CandidatePlan(
    (
        Clause(fields.TITLE, "knee", weights.TITLE_BOOST, bm25=True),
        Clause(fields.TERMS, "knee", 4.5),
        Clause(fields.CONTEXT, "knee", 0.75),
    )
)


def _should(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(body["query"]["bool"]["should"])


def test_a_bm25_clause_is_a_term_query_scaled_like_tantivys_bm25() -> None:
    title = _should(search_body(PLAN, Scope(), 50))[0]
    assert title == {
        "term": {
            "title": {
                "value": "knee",
                "boost": weights.TITLE_BOOST * weights.ELASTIC_BM25_SCALE,
                "_name": "title",
            }
        }
    }


def test_a_constant_clause_scores_its_boost_and_names_its_field() -> None:
    _title, terms, context = _should(search_body(PLAN, Scope(), 50))
    assert terms == {
        "constant_score": {"filter": {"term": {"terms": "knee"}}, "boost": 4.5, "_name": "terms"}
    }
    assert context["constant_score"]["boost"] == 0.75
    assert context["constant_score"]["_name"] == "context"


def test_type_ahead_prefixes_are_prefix_queries_on_unstemmed_fields() -> None:
    plan = CandidatePlan(
        (), (Prefix(fields.TITLE_RAW, "diab", 2.0), Prefix("index_raw", "diab", 1.0))
    )
    assert _should(search_body(plan, Scope(), 30)) == [
        {"prefix": {"title_raw": {"value": "diab", "boost": 2.0, "_name": "title_raw"}}},
        {"prefix": {"index_raw": {"value": "diab", "boost": 1.0, "_name": "index_raw"}}},
    ]


def test_the_scope_filters_and_never_scores() -> None:
    scope = Scope(("icd10cm:2026-04-01",), ("icd10cm",), True, "E08-E13")
    body = search_body(PLAN, scope, 50)
    assert body["query"]["bool"]["filter"] == [
        {"terms": {"edition": ["icd10cm:2026-04-01"]}},
        {"terms": {"system": ["icd10cm"]}},
        {"term": {"billable": True}},
        {"term": {"ancestors": "E08-E13"}},
    ]
    assert body["query"]["bool"]["minimum_should_match"] == 1
    assert "filter" not in search_body(PLAN, Scope(), 50)["query"]["bool"]


def test_only_ids_and_scores_come_back_and_the_window_is_capped() -> None:
    body = search_body(PLAN, Scope(), 50_000)
    assert (body["size"], body["_source"], body["track_total_hits"]) == (MAX_WINDOW, False, False)
    assert search_body(CandidatePlan(()), Scope(), 10)["query"] == {"match_none": {}}


def test_an_answer_becomes_candidates_with_their_matched_fields() -> None:
    answer = {
        "hits": {
            "hits": [
                {"_id": "12", "_score": 9.5, "matched_queries": ["title", "terms"]},
                {"_id": "3", "_score": 1.25},
            ]
        }
    }
    assert candidates_of(answer) == [
        Candidate(12, 9.5, frozenset({"title", "terms"})),
        Candidate(3, 1.25),
    ]


def test_a_failed_search_in_an_msearch_is_unavailable_not_empty() -> None:
    failed = {"error": {"type": "index_not_found_exception"}, "status": 404}
    with pytest.raises(BackendUnavailable, match="index_not_found"):
        candidates_of(failed)
