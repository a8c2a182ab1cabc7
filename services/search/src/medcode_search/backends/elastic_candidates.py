"""The Elasticsearch side of a word search: candidate plans as one msearch request.

Each reading's plan becomes one search of the msearch: a `bool` whose `should` clauses are the
plan's (a `term` on a stemmed field scored by BM25, or a `constant_score` around it; a
`prefix` on an unstemmed field for type-ahead), whose `filter` is the scope (filters never
score), named by field so each hit says which fields matched. Only `_id`s (the corpus
positions) and scores come back; the engine ranks them as it ranks tantivy's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elasticsearch import Elasticsearch

from medcode_search.backends.base import BackendUnavailable
from medcode_search.candidates import Candidate, CandidatePlan, Clause, Scope
from medcode_search.weights import ELASTIC_BM25_SCALE

MAX_WINDOW = 10_000  # Elasticsearch's default index.max_result_window


def clause_query(clause: Clause) -> dict[str, Any]:
    """One stem in one field: BM25 (scaled to tantivy's) or a constant score."""
    if clause.bm25:
        boost = clause.boost * ELASTIC_BM25_SCALE
        return {
            "term": {clause.field: {"value": clause.stem, "boost": boost, "_name": clause.field}}
        }
    return {
        "constant_score": {
            "filter": {"term": {clause.field: clause.stem}},
            "boost": clause.boost,
            "_name": clause.field,
        }
    }


def scope_filters(scope: Scope) -> list[dict[str, Any]]:
    """The scope as filter clauses (an empty restriction adds none)."""
    chosen: list[dict[str, Any]] = []
    if scope.editions:
        chosen.append({"terms": {"edition": list(scope.editions)}})
    if scope.systems:
        chosen.append({"terms": {"system": list(scope.systems)}})
    if scope.billable_only:
        chosen.append({"term": {"billable": True}})
    if scope.within:
        chosen.append({"term": {"ancestors": scope.within}})
    return chosen


def search_body(plan: CandidatePlan, scope: Scope, depth: int) -> dict[str, Any]:
    """One reading's search: its clauses, the scope, the best `depth` ids and scores."""
    should = [clause_query(clause) for clause in plan.clauses]
    should += [
        {"prefix": {p.field: {"value": p.prefix, "boost": p.boost, "_name": p.field}}}
        for p in plan.prefixes
    ]
    query: dict[str, Any] = {"bool": {"should": should, "minimum_should_match": 1}}
    filters = scope_filters(scope)
    if filters:
        query["bool"]["filter"] = filters
    return {
        "query": query if should else {"match_none": {}},
        "size": min(depth, MAX_WINDOW),
        "_source": False,
        "track_total_hits": False,
    }


def candidates_of(response: dict[str, Any]) -> list[Candidate]:
    """The candidates of one msearch answer, best first; an answer that failed raises."""
    if "error" in response:
        raise BackendUnavailable(f"Elasticsearch candidate search failed: {response['error']}")
    return [
        Candidate(
            int(hit["_id"]),
            float(hit.get("_score") or 0.0),
            frozenset(hit.get("matched_queries") or ()),
        )
        for hit in response["hits"]["hits"]
    ]


class ElasticCandidates:
    """Finds candidates in one concrete index (the one whose documents the corpus holds)."""

    def __init__(self, client: Elasticsearch, index: str) -> None:
        self._client = client
        self.index = index

    def candidates(
        self, plans: Sequence[CandidatePlan], scope: Scope, depth: int
    ) -> list[list[Candidate]]:
        """Each plan's best `depth` documents within `scope`, in one msearch round trip."""
        searches: list[dict[str, Any]] = []
        for plan in plans:
            searches += [{}, search_body(plan, scope, depth)]
        reply = self._client.msearch(index=self.index, searches=searches)
        return [candidates_of(answer) for answer in reply["responses"]]
