"""The tantivy side of a word search: a candidate plan and its scope as tantivy queries."""

from __future__ import annotations

import re
from collections.abc import Sequence

import tantivy

from medcode_search.candidates import Candidate, CandidatePlan, Scope


class TantivyCandidates:
    """Finds candidates in one tantivy index whose doc numbers are the corpus positions."""

    def __init__(self, index: tantivy.Index, size: int) -> None:
        self._searcher = index.searcher()
        self._schema = index.schema
        self._in_order = self._addresses_are_positions(size)

    def _addresses_are_positions(self, size: int) -> bool:
        """True when tantivy's doc ids are the documents' positions (one segment, in order),
        so a hit needs no stored-field read to find its document."""
        if self._searcher.num_segments != 1 or self._searcher.num_docs != size:
            return False
        probes = {0, size // 2, size - 1} - {-1}
        return all(self._searcher.doc(tantivy.DocAddress(0, n))["doc"][0] == n for n in probes)

    def _number(self, address: tantivy.DocAddress) -> int:
        if self._in_order:
            return int(address.doc)
        return int(self._searcher.doc(address)["doc"][0])

    def candidates(
        self, plans: Sequence[CandidatePlan], scope: Scope, depth: int
    ) -> list[list[Candidate]]:
        """Each plan's best `depth` documents within `scope`, one tantivy search each."""
        filters = self._filters(scope)
        found = []
        for plan in plans:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, self._words(plan)), *filters])
            hits = self._searcher.search(query, depth, count=False).hits
            found.append([Candidate(self._number(address), score) for score, address in hits])
        return found

    def _term(self, field: str, value: str | int) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    def _filters(self, scope: Scope) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Must-clauses that restrict and never score (a filter must not reorder hits)."""
        chosen: list[tantivy.Query] = []
        for field, values in (("edition", scope.editions), ("system", scope.systems)):
            if values:
                either = [(tantivy.Occur.Should, self._term(field, value)) for value in values]
                chosen.append(tantivy.Query.boolean_query(either))
        if scope.billable_only:
            chosen.append(self._term("billable", 1))
        if scope.within:
            chosen.append(self._term("ancestors", scope.within))
        return [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)) for query in chosen
        ]

    def _words(self, plan: CandidatePlan) -> tantivy.Query:
        """A flat OR of stem terms, cheap for tantivy to take the top k of."""
        clauses = []
        for clause in plan.clauses:
            term = self._term(clause.field, clause.stem)
            if clause.bm25:
                scored = tantivy.Query.boost_query(term, clause.boost)
            else:
                scored = tantivy.Query.const_score_query(term, clause.boost)
            clauses.append((tantivy.Occur.Should, scored))
        for prefix in plan.prefixes:
            pattern = re.escape(prefix.prefix) + ".*"
            query = tantivy.Query.regex_query(self._schema, prefix.field, pattern)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, prefix.boost)))
        return tantivy.Query.boolean_query(clauses)
