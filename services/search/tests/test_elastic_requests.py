"""The Elasticsearch mapping and requests, checked as the JSON they send (no cluster here)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medcode_search.backends import elastic_query as rules
from medcode_search.backends.elastic_mapping import (
    concrete_index,
    from_source,
    to_source,
)
from medcode_search.documents import IndexedCode
from medcode_search.synonyms import SynonymExpander, load_synonyms

SYNONYMS = SynonymExpander(load_synonyms())


def _search(text: str, **options: Any) -> dict[str, Any]:
    chosen: dict[str, Any] = {"systems": [], "billable_only": False, "within": "", "depth": 30}
    chosen.update(options)
    return rules.search_request("medcode-codes", text, synonyms=SYNONYMS, **chosen).to_dict()


def _rules(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["query"]["bool"]["must"][0]["dis_max"]["queries"]


def _find(node: Any, key: str) -> list[Any]:
    """Every value stored under `key` anywhere in a request body."""
    if isinstance(node, dict):
        found = [node[key]] if key in node else []
        return found + [v for child in node.values() for v in _find(child, key)]
    if isinstance(node, list):
        return [v for child in node for v in _find(child, key)]
    return []


def test_mapping_has_code_keywords_stemmed_text_and_one_shard() -> None:
    body = concrete_index("medcode-codes-1-abc", replicas=0).to_dict()
    fields = body["mappings"]["properties"]
    assert fields["code_key"] == {"type": "keyword"}
    assert fields["ancestors"] == {"type": "keyword"}
    assert fields["billable"] == {"type": "boolean"}
    assert fields["title"]["analyzer"] == "medcode_english"
    assert fields["title"]["fields"]["raw"]["analyzer"] == "standard"
    assert fields["terms"]["analyzer"] == fields["context"]["analyzer"] == "medcode_english"
    assert fields["name"]["analyzer"] == fields["explanation"]["analyzer"] == "medcode_english"
    assert fields["referenced"]["analyzer"] == "medcode_english"
    assert body["settings"]["number_of_shards"] == 1
    assert body["settings"]["number_of_replicas"] == 0
    stemmer = body["settings"]["analysis"]["filter"]["medcode_stemmer"]
    assert stemmer == {"type": "stemmer", "language": "english"}


def test_a_name_explanation_title_is_searched_by_its_name() -> None:
    """MedCode's CPT wording, "Name: explanation": the name weighs as a title does and the
    explanation as an inclusion term, so its extra words do not dilute the name."""
    document = IndexedCode(
        system="cpt",
        code="27447",
        title="Total knee replacement: the worn joint surfaces are replaced",
        kind="code",
        billable=True,
        release="starter-2025",
        terms=(),
        ancestors=(),
    )
    source = to_source(document)
    assert source["name"] == "Total knee replacement"
    assert source["explanation"] == "the worn joint surfaces are replaced"
    assert source["title"] == document.title
    assert from_source(source) == document
    plain = to_source(
        IndexedCode(
            "icd10cm", "J18.9", "Pneumonia, unspecified organism", "code", True, "2026", (), ()
        )
    )
    assert (plain["name"], plain["explanation"]) == ("Pneumonia, unspecified organism", "")


def test_title_priors_look_at_the_name() -> None:
    (scored,) = _find(_search("diabetes"), "function_score")
    phrases = [
        f["filter"]["match_phrase"]
        for f in scored["functions"]
        if "filter" in f and "match_phrase" in f["filter"]
    ]
    assert phrases and all(set(phrase) == {"name"} for phrase in phrases)


def test_normalised_code_is_an_exact_keyword_match_above_its_prefix() -> None:
    assert rules.code_keys("e119", ["icd10cm"]) == [("icd10cm", "E119")]
    exact, prefix, _words = _rules(_search("e119", systems=["icd10cm"]))
    assert exact["constant_score"]["boost"] == rules.EXACT_SCORE
    assert {"term": {"code_key": "E119"}} in exact["constant_score"]["filter"]["bool"]["filter"]
    assert prefix["constant_score"]["boost"] == rules.PREFIX_SCORE < rules.EXACT_SCORE
    assert {"prefix": {"code_key": "E119"}} in prefix["constant_score"]["filter"]["bool"]["filter"]


def test_ties_are_listed_in_code_order() -> None:
    body = _search("E11.6")
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"code_key": {"order": "asc"}}]
    assert body["track_scores"] is True and body["track_total_hits"] is True


def test_words_are_a_fuzzy_multi_match_with_field_weights() -> None:
    body = _search("hypertension essential")
    assert _rules(body)[0:1] == [r for r in _rules(body) if "function_score" in r]
    (matcher,) = [m for m in _find(body, "multi_match") if m["_name"] == rules.TEXT]
    fields = matcher["fields"]
    assert fields[:3] == ["name^3", "explanation^2", "terms^2"]  # the name weighs most
    assert {"index_terms^2", "table_terms^0.5", "context^0.5", "referenced^0.5"} <= set(fields)
    assert matcher["fuzziness"] == "AUTO:4,7"
    assert matcher["query"] == "hypertension essential"
    phrase = _find(body, "match_phrase")
    assert {"terms": {"query": "hypertension essential", "boost": 15.0, "_name": "text"}} in phrase


def test_lay_words_add_the_clinical_rewrite_from_the_synonym_list() -> None:
    body = _search("heart attack")
    (rewrite,) = [m for m in _find(body, "multi_match") if m["_name"] == rules.SYNONYM]
    assert rewrite["query"] == "myocardial infarction"
    assert rewrite["boost"] == rules.WHOLE_LAY_REWRITE_BOOST
    assert "fuzziness" not in rewrite
    assert not [m for m in _find(_search("diabetes"), "multi_match") if m["_name"] == "synonym"]


def test_billable_and_title_priors_are_a_function_score() -> None:
    (scored,) = _find(_search("diabetes"), "function_score")
    assert scored["score_mode"] == scored["boost_mode"] == "multiply"
    billable = scored["functions"][0]
    assert billable["filter"] == {"term": {"billable": True}} and billable["weight"] > 1
    assert {"field_value_factor": {"field": "generality", "missing": 1.0}} in scored["functions"]


def test_filters_restrict_system_billable_and_chapter() -> None:
    body = _search("diabetes", systems=["icd10cm"], billable_only=True, within="E08-E13")
    assert body["query"]["bool"]["filter"] == [
        {"terms": {"system": ["icd10cm"]}},
        {"term": {"billable": True}},
        {"term": {"ancestors": "E08-E13"}},
    ]


def test_paging_window_is_capped_at_max_result_window() -> None:
    body = _search("diabetes", depth=50_000)
    assert body["from"] == 0 and body["size"] == rules.MAX_WINDOW


def test_suggest_completes_the_last_word_on_the_unstemmed_title() -> None:
    body = rules.suggest_request("medcode-codes", "diab", systems=["icd10cm"], limit=10).to_dict()
    prefixes = _find(body, "match_bool_prefix")
    assert {"title.raw": {"query": "diab", "boost": 2.0}} in prefixes
    assert {"index_terms": {"query": "diab"}} in prefixes
    assert body["size"] == 10


def test_query_of_only_punctuation_matches_nothing_instead_of_failing() -> None:
    assert _rules(_search('"(*:)"')) == [{"match_none": {}}]


@given(st.text(min_size=1, max_size=80))
def test_any_text_becomes_plain_words(text: str) -> None:
    body = _search(text)
    json.dumps(body)  # serialisable as sent
    for query in [m["query"] for m in _find(body, "multi_match")]:
        assert all(ch.isalnum() or ch == " " for ch in query), query


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
    source = to_source(document)
    assert source["code_key"] == document.code.replace(".", "")
    assert from_source(json.loads(json.dumps(source))) == document


def test_word_families_are_searched_beside_the_typed_words() -> None:
    body = _search("kidney colic")
    family = [q for q in _find(body, "multi_match") if q.get("boost") == rules.FAMILY_BOOST]
    assert len(family) == 1
    assert set(family[0]["query"].split()) == {"renal", "nephric"}
    assert not [
        q for q in _find(_search("colic"), "multi_match") if q.get("boost") == rules.FAMILY_BOOST
    ]


def test_a_release_choice_filters_each_system_to_its_release() -> None:
    body = _search("asthma", releases={"icd10cm": "2026-04-01", "cpt": "2026"})
    pairs = [
        (terms[0]["term"]["system"], terms[1]["term"]["release"])
        for terms in _find(body, "filter")
        if len(terms) == 2 and "release" in terms[1].get("term", {})
    ]
    assert pairs == [("cpt", "2026"), ("icd10cm", "2026-04-01")]


def test_no_release_for_the_searched_systems_matches_nothing() -> None:
    body = _search("asthma", systems=["hcpcs"], releases={"icd10cm": "2026-04-01"})
    assert _find(body, "match_none")


def test_a_body_part_also_searches_its_region() -> None:
    body = _search("burn calf")
    (related,) = [q for q in _find(body, "multi_match") if q.get("boost") == rules.FAMILY_BOOST]
    assert set(related["query"].split()) == {"lower", "leg"}


def test_table_rows_weigh_up_only_when_the_query_names_a_neoplasm_or_poisoning() -> None:
    def table_weight(text: str) -> str:
        (matcher,) = [
            m
            for m in _find(_search(text), "multi_match")
            if m["_name"] == rules.TEXT and m.get("fuzziness")
        ]
        return next(f for f in matcher["fields"] if f.startswith("table_terms"))

    assert table_weight("acetaminophen poisoning") == "table_terms^2"
    assert table_weight("neoplasm lung") == "table_terms^2"
    assert table_weight("cyst sublingual gland") == "table_terms^0.5"
