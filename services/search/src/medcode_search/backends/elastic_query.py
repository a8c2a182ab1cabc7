"""Elasticsearch requests for the Case2Code ranking rules, built with elasticsearch.dsl.

One request per search: a dis_max over (exact code, code prefix, words), so the best rule a
document meets sets its score and rules never add up. Exact codes and prefixes get constant
scores far above any text score; sorting by score then code key lists a prefix's subtree in
code order. Words are a multi_match over name^3 explanation^2 terms^2 index_terms^2
table_terms^0.5 (^2 for a query naming a neoplasm or poisoning) context^0.5 referenced^0.5
(the name is the title, or its part before ": " in MedCode's CPT wording) with typo
tolerance, plus the whole phrase in an inclusion term, plus the query rewritten by MedCode's
synonym list; a function_score applies the billable and title priors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from elasticsearch.dsl import Q, Search
from elasticsearch.dsl.query import Query

from medcode_common.codesystems import MalformedCode, System, normalize_code
from medcode_search.query import text_stems
from medcode_search.ranking import BILLABLE_BOOST, TABLE_SUBJECTS, TITLE_PRIORS
from medcode_search.regions import load_body_regions
from medcode_search.synonyms import SynonymExpander, normalise_phrase
from medcode_search.word_families import load_word_families

EXACT_SCORE = 20_000.0
PREFIX_SCORE = 10_000.0
CODE, PREFIX, TEXT, SYNONYM = "code", "prefix", "text", "synonym"
WORD_FIELDS = [
    "name^3",
    "explanation^2",
    "terms^2",
    "index_terms^2",
    "table_terms^0.5",
    "context^0.5",
    "referenced^0.5",
]
#: Table of Neoplasms / Drugs rows weigh like index lines once the query names a neoplasm or
#: a poisoning (ranking.TABLE_SUBJECTS), and little otherwise, as in the tantivy engine.
TABLE_FIELDS = {True: "table_terms^2", False: "table_terms^0.5"}
#: Edit distance 0 below 4 letters, 1 below 7, else 2 (the tantivy engine's rule).
FUZZINESS = "AUTO:4,7"
PHRASE_BOOST = 15.0
#: A query that is wholly a lay phrase means its clinical rewrite; a partial one keeps the
#: literal words slightly ahead.
WHOLE_LAY_REWRITE_BOOST = 2.0
PARTIAL_REWRITE_BOOST = 0.98
#: A word's family ("renal" for "kidney") and a body part's region ("lower leg" for "calf")
#: count a little less than the word typed.
FAMILY_BOOST = 0.8
MAX_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
_WORD = re.compile(r"[a-z0-9]+")


def query_words(text: str) -> list[str]:
    """Normalised words of `text`: punctuation and query syntax become spaces."""
    return _WORD.findall(normalise_phrase(text))


def code_keys(text: str, systems: Sequence[str]) -> list[tuple[str, str]]:
    """(system, code without dot) for every system in which `text` is a well-formed code."""
    found = []
    for system in systems or [s.value for s in System]:
        try:
            canonical = normalize_code(System(system), text)
        except (MalformedCode, ValueError):
            continue
        found.append((system, canonical.replace(".", "")))
    return found


def code_clauses(keys: Sequence[tuple[str, str]]) -> list[Query]:
    """Constant-score exact and prefix matches on the code keyword, per system."""
    clauses: list[Query] = []
    for system, key in keys:
        in_system = Q("term", system=system)
        clauses.append(
            Q(
                "constant_score",
                filter=Q("bool", filter=[in_system, Q("term", code_key=key)]),
                boost=EXACT_SCORE,
                _name=CODE,
            )
        )
        clauses.append(
            Q(
                "constant_score",
                filter=Q("bool", filter=[in_system, Q("prefix", code_key=key)]),
                boost=PREFIX_SCORE,
                _name=PREFIX,
            )
        )
    return clauses


def filters(
    systems: Sequence[str],
    billable_only: bool,
    within: str,
    releases: Mapping[str, str] | None = None,
) -> list[Query]:
    """Code system, release, billable-only and chapter/section restrictions."""
    chosen: list[Query] = []
    if systems:
        chosen.append(Q("terms", system=list(systems)))
    if releases is not None:
        # One release per system: (system and release) for each chosen pair.
        pairs = [
            Q("bool", filter=[Q("term", system=system), Q("term", release=releases[system])])
            for system in (systems or sorted(releases))
            if system in releases
        ]
        chosen.append(Q("bool", should=pairs, minimum_should_match=1) if pairs else Q("match_none"))
    if billable_only:
        chosen.append(Q("term", billable=True))
    if within:
        chosen.append(Q("term", ancestors=within))
    return chosen


def with_priors(query: Query) -> Query:
    """Billable codes above their headings, the general code first, initial encounters first."""
    functions = [
        {"filter": Q("term", billable=True), "weight": BILLABLE_BOOST},
        {"field_value_factor": {"field": "generality", "missing": 1.0}},
    ]
    functions.extend(
        {"filter": Q("match_phrase", name=words), "weight": factor}
        for words, factor in TITLE_PRIORS
    )
    return Q(
        "function_score",
        query=query,
        functions=functions,
        score_mode="multiply",
        boost_mode="multiply",
    )


def word_fields(words: list[str]) -> list[str]:
    """WORD_FIELDS, with table rows weighed up when the words name a neoplasm or poisoning."""
    asks_table = bool(TABLE_SUBJECTS & text_stems(" ".join(words)))
    return [TABLE_FIELDS[asks_table] if f.startswith("table_terms") else f for f in WORD_FIELDS]


def _words_clauses(words: list[str], *, name: str, boost: float, fuzzy: bool) -> list[Query]:
    text = " ".join(words)
    options = {"fuzziness": FUZZINESS} if fuzzy else {}
    clauses = [
        Q(
            "multi_match",
            query=text,
            fields=word_fields(words),
            type="most_fields",
            boost=boost,
            _name=name,
            **options,
        )
    ]
    if len(words) > 1:
        # "high blood pressure" written as an inclusion term of I10 beats scattered words.
        clauses.append(
            Q("match_phrase", terms={"query": text, "boost": PHRASE_BOOST * boost, "_name": name})
        )
    return clauses


def rewrite(text: str, synonyms: SynonymExpander) -> tuple[list[str], float]:
    """The clinical rewrite's words (empty when none) and how much it weighs."""
    variants = synonyms.rewrite(text)
    if len(variants) < 2:
        return [], 0.0
    typed = query_words(text)
    covered = sum(len(lay.split()) for lay, _clinical in synonyms.expand(text))
    whole = covered >= len(typed)
    return query_words(variants[1]), WHOLE_LAY_REWRITE_BOOST if whole else PARTIAL_REWRITE_BOOST


def text_query(text: str, synonyms: SynonymExpander) -> Query | None:
    """Words (typo-tolerant) plus the synonym rewrite, with priors; None without words."""
    words = query_words(text)
    if not words:
        return None
    clauses = _words_clauses(words, name=TEXT, boost=1.0, fuzzy=True)
    rewritten, weight = rewrite(text, synonyms)
    if rewritten:
        clauses.extend(_words_clauses(rewritten, name=SYNONYM, boost=weight, fuzzy=False))
    families, regions = load_word_families(), load_body_regions()
    related = [other for word in words for other in families.other_words(word)]
    related += [
        part for word in words for region in regions.region_phrases(word) for part in region.split()
    ]
    if related:
        family = " ".join(dict.fromkeys(related))
        clauses.append(
            Q("multi_match", query=family, fields=WORD_FIELDS, boost=FAMILY_BOOST, _name=TEXT)
        )
    return with_priors(Q("bool", should=clauses, minimum_should_match=1))


def _request(index: str, rules: list[Query], chosen: list[Query], depth: int) -> Search:
    query = Q("bool", must=[Q("dis_max", queries=rules, tie_breaker=0.0)], filter=chosen)
    return (
        Search(index=index)
        .query(query)
        .sort({"_score": {"order": "desc"}}, {"code_key": {"order": "asc"}})
        .extra(track_scores=True, track_total_hits=True)[0 : min(depth, MAX_WINDOW)]
    )


def search_request(
    index: str,
    text: str,
    *,
    systems: Sequence[str],
    billable_only: bool,
    within: str,
    depth: int,
    synonyms: SynonymExpander,
    releases: Mapping[str, str] | None = None,
) -> Search:
    """The first `depth` hits of a search (paged and popularity-boosted by the caller)."""
    rules = code_clauses(code_keys(text, systems))
    words = text_query(text, synonyms)
    if words is not None:
        rules.append(words)
    if not rules:
        rules.append(Q("match_none"))
    return _request(index, rules, filters(systems, billable_only, within, releases), depth)


def suggest_request(
    index: str,
    text: str,
    *,
    systems: Sequence[str],
    limit: int,
    releases: Mapping[str, str] | None = None,
) -> Search:
    """Type-ahead: codes starting with the input, then titles whose words start with it."""
    rules = code_clauses(code_keys(text, systems))
    words = query_words(text)
    if words:
        typed = " ".join(words)
        completion = Q(
            "bool",
            should=[
                Q("multi_match", query=typed, fields=WORD_FIELDS, type="most_fields"),
                Q("match_bool_prefix", **{"title.raw": {"query": typed, "boost": 2.0}}),
                # Alphabetic index lines and table rows complete too ("acetamin").
                Q("match_bool_prefix", index_terms={"query": typed}),
                Q("match_bool_prefix", table_terms={"query": typed}),
            ],
            minimum_should_match=1,
            _name=TEXT,
        )
        rules.append(with_priors(completion))
    if not rules:
        rules.append(Q("match_none"))
    return _request(index, rules, filters(systems, False, "", releases), limit)
