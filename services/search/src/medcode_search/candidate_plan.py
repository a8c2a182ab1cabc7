"""Which stems to look for where: one reading of a query as a backend-neutral candidate plan.

A query's stems become a flat OR over titles (BM25), inclusion terms, headings, other codes'
notes and table rows (constant scores by rarity), each stem joined by its word family and a
body part by its region's words ("calf" by "lower leg"); the re-scoring in `ranking.py` then
decides among the candidates. tantivy and Elasticsearch each translate the same plan.
"""

from __future__ import annotations

from collections.abc import Callable

from medcode_search import fields, weights
from medcode_search.candidates import CandidatePlan, Clause, Prefix
from medcode_search.query import ParsedQuery, text_stems
from medcode_search.ranking import TABLE_STRUCTURE, TABLE_SUBJECTS
from medcode_search.regions import BodyRegions
from medcode_search.word_families import WordFamilies


class Planner:
    """Plans candidate searches for one corpus (its rarity weights, families, regions)."""

    def __init__(
        self,
        *,
        rarity: Callable[[str], float],
        families: WordFamilies,
        regions: BodyRegions,
        has_tables: bool,
        has_index_lines: bool,
    ) -> None:
        self._rarity = rarity
        self._families = families
        self._regions = regions
        self._has_tables = has_tables
        #: Type-ahead completes titles, and index lines and table rows when there are any.
        self._prefix_fields = [(fields.TITLE_RAW, weights.TITLE_PREFIX_BOOST)]
        if has_index_lines:
            self._prefix_fields.append((fields.INDEX_RAW, weights.INDEX_PREFIX_BOOST))

    def plan(self, parsed: ParsedQuery, *, prefix_last: bool) -> CandidatePlan:
        """The candidate search for one reading; `prefix_last` completes its last word.

        Titles score by BM25. Inclusion terms score a constant per stem (its rarity): most
        codes have none, so BM25's length normalisation would make any code that has several
        look far longer than average and bury a term that says exactly what was asked.
        """
        stems = parsed.searched
        if prefix_last:
            stems = tuple(stem for stem in stems if stem not in text_stems(parsed.words[-1]))
        if not self._has_tables:
            table_boost = 0.0
        elif TABLE_SUBJECTS & set(stems):
            table_boost = weights.TABLE_BOOST
        else:
            table_boost = weights.TABLE_BOOST_UNASKED
        clauses: list[Clause] = []
        for asked in stems:
            rarity = self._rarity(asked)
            for stem in (asked, *self._families.others(asked)):
                clauses.extend(_stem_clauses(stem, rarity, table_boost))
            for stem in self._regions.regions_of(asked):
                boost = weights.REGION_BOOST * rarity  # no BM25: "leg" is common
                clauses.append(Clause(fields.TITLE, stem, boost))
                clauses.append(Clause(fields.TERMS, stem, boost))
        prefixes: tuple[Prefix, ...] = ()
        if prefix_last:
            # Type-ahead: the last word is still being typed, so match it as a prefix.
            typed = parsed.words[-1]
            prefixes = tuple(Prefix(field, typed, boost) for field, boost in self._prefix_fields)
        return CandidatePlan(tuple(clauses), prefixes)


def _stem_clauses(stem: str, rarity: float, table_boost: float) -> list[Clause]:
    """One stem's clauses: BM25 on titles, its rarity on terms, headings, notes, tables."""
    clauses = [
        Clause(fields.TITLE, stem, weights.TITLE_BOOST, bm25=True),
        Clause(fields.TERMS, stem, weights.TERM_BOOST * rarity),
    ]
    if stem in TABLE_STRUCTURE:
        table_boost = 0.0  # in every row of its table: it tells rows apart no more
    # The index's main term often lives only in a heading or another code's note.
    for name, boost in (
        (fields.CONTEXT, weights.CONTEXT_BOOST),
        (fields.REFERENCED, weights.REFERENCED_BOOST),
        (fields.TABLES, table_boost),
    ):
        if boost:
            clauses.append(Clause(name, stem, boost * rarity))
    return clauses
