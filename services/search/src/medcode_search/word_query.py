"""The tantivy side of a word search: candidate queries and the filters around them.

A query's stems become a flat OR over titles (BM25), inclusion terms, headings and other
codes' notes (constant scores by rarity), each stem joined by its word family and a body
part by its region's words ("calf" by "lower leg"); the re-scoring in `ranking.py` then
decides among the candidates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import tantivy

from medcode_search.index import edition
from medcode_search.query import ParsedQuery, text_stems
from medcode_search.ranking import TABLE_STRUCTURE, TABLE_SUBJECTS, Rescorer

#: How much a stem found in the title (BM25), an inclusion term or a heading above (rarity)
#: counts when choosing candidates.
_TITLE_BOOST, _TERM_BOOST = 3.0, 3.0
_CONTEXT_BOOST = 0.5
#: Words other codes' notes say about a code ("chilblains (T69.1)") choose it too, modestly.
REFERENCED_BOOST = 1.0
#: Table of Neoplasms / Drugs rows choose codes like inclusion terms when the query names a
#: neoplasm or a poisoning (ranking.TABLE_SUBJECTS), and only faintly otherwise, so a site's
#: or a substance's name alone still finds its row without crowding other queries' candidates.
_TABLE_BOOST, _TABLE_BOOST_UNASKED = 3.0, 0.1


class WordQueries:
    """Builds candidate queries and filters for one index (its schema, systems, releases)."""

    def __init__(
        self,
        schema: tantivy.Schema,
        rescorer: Rescorer,
        *,
        systems: set[str],
        releases: dict[str, set[str]],
        has_tables: bool = False,
        has_index_lines: bool = False,
    ) -> None:
        self._schema = schema
        self._rescorer = rescorer
        self._systems = systems
        #: system -> its releases in this index (a filter is needed only when there are several).
        self._releases = releases
        #: Whether any code has table rows / index lines: without, their clauses are skipped
        #: (the default install has none, and every query would pay for empty fields).
        self._has_tables = has_tables
        self._raw_fields = [("title_raw", 2.0)]  # type-ahead prefixes, with their boosts
        if has_index_lines:
            self._raw_fields.append(("index_raw", 1.0))

    def filters(
        self,
        systems: Sequence[str],
        billable_only: bool,
        within: str,
        releases: Mapping[str, str] | None = None,
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Must-clauses for the chosen releases, systems, billable codes and chapter/section
        (none for a restriction that would keep everything)."""
        clauses = []
        if releases is not None and any(
            self._releases.get(s, set()) - {releases[s]} for s in systems
        ):
            # Several releases of a searched system are indexed: keep the chosen one of each.
            chosen = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "edition", key))
                for key in (edition(s, releases[s]) for s in systems)
            ]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(chosen)))
        if systems and set(systems) != set(self._systems):  # every system: nothing to filter
            either = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "system", s))
                for s in systems
            ]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(either)))
        if billable_only:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "billable", 1))
            )
        if within:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "ancestors", within))
            )
        return clauses

    def _stem_clauses(
        self, stem: str, rarity: float, table_boost: float
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """One stem's clauses: BM25 on titles, its rarity on terms, headings, notes, tables."""
        title = tantivy.Query.term_query(self._schema, "title", stem)
        term = tantivy.Query.term_query(self._schema, "terms", stem)
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(title, _TITLE_BOOST)),
            (tantivy.Occur.Should, tantivy.Query.const_score_query(term, _TERM_BOOST * rarity)),
        ]
        # The index's main term often lives only in a heading or another code's note.
        if stem in TABLE_STRUCTURE:
            table_boost = 0.0  # in every row of its table: it tells rows apart no more
        for name, boost in (
            ("context", _CONTEXT_BOOST),
            ("referenced", REFERENCED_BOOST),
            ("tables", table_boost),
        ):
            if boost:
                found = tantivy.Query.term_query(self._schema, name, stem)
                scored = tantivy.Query.const_score_query(found, boost * rarity)
                clauses.append((tantivy.Occur.Should, scored))
        return clauses

    def _region_clauses(
        self, stem: str, rarity: float
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """A region's stem for a part asked ("lower", "leg" for "calf"): titles and inclusion
        terms that name the region, at the part's rarity (no BM25: "leg" is common)."""
        return [
            (
                tantivy.Occur.Should,
                tantivy.Query.const_score_query(
                    tantivy.Query.term_query(self._schema, field, stem), rarity
                ),
            )
            for field in ("title", "terms")
        ]

    def words(self, parsed: ParsedQuery, prefix_last: bool) -> tantivy.Query:
        """A flat OR of stem terms, cheap for tantivy to take the top k of.

        Titles score by BM25. Inclusion terms score a constant per stem (its rarity): most
        codes have none, so BM25's length normalisation would make any code that has several
        look far longer than average and bury a term that says exactly what was asked.
        """
        stems = parsed.searched
        if prefix_last:
            stems = tuple(stem for stem in stems if stem not in text_stems(parsed.words[-1]))
        clauses = []
        if not self._has_tables:
            table_boost = 0.0
        elif TABLE_SUBJECTS & set(stems):
            table_boost = _TABLE_BOOST
        else:
            table_boost = _TABLE_BOOST_UNASKED
        for asked in stems:
            rarity = self._rescorer.weight(asked)
            for stem in (asked, *self._rescorer.families.others(asked)):
                clauses.extend(self._stem_clauses(stem, rarity, table_boost))
            for stem in self._rescorer.regions.regions_of(asked):
                clauses.extend(self._region_clauses(stem, rarity))
        if prefix_last:
            # Type-ahead: the last word is still being typed, so match it as a prefix.
            pattern = re.escape(parsed.words[-1]) + ".*"
            for field, boost in self._raw_fields:
                query = tantivy.Query.regex_query(self._schema, field, pattern)
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        return tantivy.Query.boolean_query(clauses)
