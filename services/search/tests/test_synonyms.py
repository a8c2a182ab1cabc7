"""Synonym table hygiene, normalisation properties, expansion behaviour, ICD-10-CM wording."""

from __future__ import annotations

import time
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search.synonyms import Synonym, SynonymExpander, load_synonyms, normalise_phrase

NOTES = {"abbr", "lay", "alt", "spelling", "anatomy", "eponym", "procedure", "hcpcs"}
# Rows with these notes target ICD-10-PCS / HCPCS / operative wording, not ICD-10-CM titles.
NOT_ICD10CM = {"procedure", "hcpcs"}
TABULAR_XML = "icd10c-tabular-April-1-2026.xml"
# Whole unicode range, lone surrogates included: normalisation must cope with any str.
ANY_TEXT = st.text(st.characters(exclude_categories=()))


@pytest.fixture(scope="module")
def synonyms() -> tuple[Synonym, ...]:
    return load_synonyms()


@pytest.fixture(scope="module")
def expander(synonyms: tuple[Synonym, ...]) -> SynonymExpander:
    return SynonymExpander(synonyms)


# --- the table itself -------------------------------------------------------------------------


def test_raw_file_has_header_and_three_non_empty_cells_per_row() -> None:
    raw = resources.files("medcode_search.data").joinpath("synonyms.tsv").read_text("utf-8")
    lines = raw.splitlines()
    assert lines[0] == "lay\tclinical\tnote"
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        assert len(cells) == 3, f"line {number}: {line!r}"
        assert all(cell and cell == cell.strip() for cell in cells), f"line {number}: {line!r}"


def test_at_least_350_unique_pairs(synonyms: tuple[Synonym, ...]) -> None:
    pairs = {(normalise_phrase(s.lay), normalise_phrase(s.clinical)) for s in synonyms}
    assert len(pairs) >= 350


def test_no_duplicate_pairs(synonyms: tuple[Synonym, ...]) -> None:
    counts = Counter((normalise_phrase(s.lay), normalise_phrase(s.clinical)) for s in synonyms)
    assert [pair for pair, n in counts.items() if n > 1] == []


def test_each_lay_phrase_has_one_meaning(synonyms: tuple[Synonym, ...]) -> None:
    # rewrite() uses the first meaning; a second one would silently never be used.
    counts = Counter(normalise_phrase(s.lay) for s in synonyms)
    assert [lay for lay, n in counts.items() if n > 1] == []


def test_rows_are_clean(synonyms: tuple[Synonym, ...]) -> None:
    for s in synonyms:
        assert s.lay and s.clinical and s.note, s
        assert s.note in NOTES, s
        assert s.lay == s.lay.lower() and s.clinical == s.clinical.lower(), s
        assert normalise_phrase(s.lay), s
        assert normalise_phrase(s.lay) != normalise_phrase(s.clinical), f"no-op row {s}"


def test_load_is_cached() -> None:
    assert load_synonyms() is load_synonyms()


def test_every_lay_phrase_expands_to_its_clinical_phrase(
    synonyms: tuple[Synonym, ...], expander: SynonymExpander
) -> None:
    for s in synonyms:
        assert expander.expand(s.lay) == [(normalise_phrase(s.lay), s.clinical)], s


def test_clinical_words_occur_in_official_icd10cm_titles(synonyms: tuple[Synonym, ...]) -> None:
    etree = pytest.importorskip("lxml.etree")
    pytest.importorskip("simple_icd_10_cm")
    xml = resources.files("simple_icd_10_cm.data").joinpath(TABULAR_XML)
    with resources.as_file(xml) as path:
        root = etree.parse(str(path)).getroot()
    texts = [el.text or "" for el in root.iter("desc")]
    texts += [el.text or "" for el in root.iterfind(".//inclusionTerm/note")]
    vocabulary = {word for text in texts for word in normalise_phrase(text).split()}
    assert len(vocabulary) > 10_000  # sanity: the real tabular list was parsed
    missing = [
        (s.lay, s.clinical, word)
        for s in synonyms
        if s.note not in NOT_ICD10CM
        for word in normalise_phrase(s.clinical).split()
        if word not in vocabulary
    ]
    assert missing == []


# --- normalise_phrase -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alzheimer's", "alzheimers"),
        ("Alzheimer\u2019s  Disease", "alzheimers disease"),
        ("C-Section", "c section"),
        ("  Heart   attack, old. ", "heart attack old"),
        ("Crohn\u00b4s", "crohns"),
        ("Pr\u00e9-\u00c9clampsia", "pre eclampsia"),
        ("Type\u00a02 DM_2", "type 2 dm 2"),
        ("N/V", "n v"),
        ("", ""),
    ],
)
def test_normalise_examples(text: str, expected: str) -> None:
    assert normalise_phrase(text) == expected


@given(ANY_TEXT)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise_phrase(text)
    assert normalise_phrase(once) == once


@given(ANY_TEXT)
def test_normalise_output_shape(text: str) -> None:
    out = normalise_phrase(text)
    assert not any(ch.isupper() for ch in out)
    assert "  " not in out
    assert out == out.strip()
    assert all(ch.isalnum() or ch == " " for ch in out)


@given(st.text(st.characters(codec="ascii")))
def test_ascii_fast_path_matches_generic_rules(text: str) -> None:
    expected = " ".join(
        "".join(
            ch if ch.isalnum() else " " for ch in text.lower().replace("'", "").replace("`", "")
        )
        .replace("_", " ")
        .split()
    )
    assert normalise_phrase(text) == expected


# --- expansion ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Heart attack, old", [("heart attack", "myocardial infarction")]),
        ("hives", [("hives", "urticaria")]),
        ("High blood pressure", [("high blood pressure", "hypertension")]),
        ("HTN", [("htn", "hypertension")]),
        ("h.t.n.", []),
        ("Sugar diabetes", [("sugar diabetes", "type 2 diabetes mellitus")]),
        ("diabetes type 2", [("diabetes type 2", "type 2 diabetes mellitus")]),
        ("DM 2", [("dm 2", "type 2 diabetes mellitus")]),
        ("DM", [("dm", "diabetes mellitus")]),
        ("blood clot in lung", [("blood clot in lung", "pulmonary embolism")]),
        ("blood clot in leg", [("blood clot", "thrombosis")]),
        ("Alzheimer's", [("alzheimers", "alzheimer's disease")]),
        ("c-section", [("c section", "cesarean")]),
        ("pink eye", [("pink eye", "conjunctivitis")]),
        (
            "HTN with CKD stage 3",
            [("htn", "hypertension"), ("ckd", "chronic kidney disease")],
        ),
        (
            "broken kneecap",
            [("broken", "fracture"), ("kneecap", "patella")],
        ),
    ],
)
def test_expand_examples(
    expander: SynonymExpander, query: str, expected: list[tuple[str, str]]
) -> None:
    assert expander.expand(query) == expected


def test_longest_match_wins_over_contained_phrase() -> None:
    expander = SynonymExpander(
        [
            Synonym("diabetes", "diabetes mellitus", "alt"),
            Synonym("type 2 diabetes", "type 2 diabetes mellitus", "alt"),
        ]
    )
    assert expander.expand("type 2 diabetes with CKD") == [
        ("type 2 diabetes", "type 2 diabetes mellitus")
    ]
    assert expander.expand("diabetes, type unknown") == [("diabetes", "diabetes mellitus")]


def test_longest_match_wins_across_start_positions() -> None:
    expander = SynonymExpander(
        [
            Synonym("a b", "short", "lay"),
            Synonym("b c d", "long", "lay"),
            Synonym("a", "alone", "lay"),
        ]
    )
    # "b c d" is longer than "a b", which it overlaps; "a" still fills the free word.
    assert expander.expand("a b c d") == [("a", "alone"), ("b c d", "long")]
    assert expander.rewrite("a b c d") == ["a b c d", "alone long"]


@pytest.mark.parametrize("query", ["mild", "mild fever", "Mild intermittent asthma", "pet", "utis"])
def test_whole_words_only(expander: SynonymExpander, query: str) -> None:
    assert expander.expand(query) == []


def test_abbreviation_still_found_next_to_lookalike_word(expander: SynonymExpander) -> None:
    assert expander.expand("Mild MI") == [("mi", "myocardial infarction")]


@pytest.mark.parametrize(
    "query",
    ["Type 2 diabetes mellitus", "covid-19 pneumonia", "vitreous floaters", "Alzheimer's disease"],
)
def test_no_expansion_when_query_already_uses_clinical_wording(
    expander: SynonymExpander, query: str
) -> None:
    assert expander.expand(query) == []
    assert expander.rewrite(query) == [query]


def test_rewrite(expander: SynonymExpander) -> None:
    assert expander.rewrite("Heart attack, old") == [
        "Heart attack, old",
        "myocardial infarction old",
    ]
    assert expander.rewrite("afib on blood thinners") == [
        "afib on blood thinners",
        "atrial fibrillation on anticoagulants",
    ]
    assert expander.rewrite("covid pneumonia") == ["covid pneumonia", "covid-19 pneumonia"]
    assert expander.rewrite("no lay words here") == ["no lay words here"]


def test_rewrite_deduplicates() -> None:
    expander = SynonymExpander([Synonym("x", "y", "lay")])
    assert expander.rewrite("y") == ["y"]
    assert expander.rewrite("x") == ["x", "y"]


def test_expander_skips_blank_rows_and_merges_duplicates() -> None:
    expander = SynonymExpander(
        [Synonym("", "x", "lay"), Synonym("!!", "x", "lay"), Synonym("a", "b", "lay")] * 2
    )
    assert expander.expand("a") == [("a", "b")]


def test_ten_word_query_takes_microseconds(expander: SynonymExpander) -> None:
    query = "patient with broken collarbone and high blood pressure history of mi"
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        expander.expand(query)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 250e-6, f"{per_call * 1e6:.1f} us per expand()"
