"""Clinical Tables matching: the `terms` splitter and the AND-of-prefixes index, each held to
its definition by brute force over generated codes and titles (hypothesis)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_search.prefix_match import (
    CODE,
    FIELDS,
    MAX_TERMS,
    TITLE,
    PrefixIndex,
    Row,
    Term,
    brute_force_match,
    split_terms,
    title_words,
)

#: Words sharing prefixes ("dia", "diab"), so generated prefixes match several of them.
WORDS = (  # noqa: SIM905
    "diabetes diabetic dialysis diarrhea mellitus melanoma tuberculosis tuberculous lung"
    " lungs chronic cholera cholesterol of with right left ankle sprain"
).split()


def test_each_whitespace_token_is_a_term_with_its_folded_words() -> None:
    assert split_terms("  Dia  MEL ") == (Term("DIA", ("dia",)), Term("MEL", ("mel",)))
    assert split_terms("Alzheimer's non-ST") == (
        Term("ALZHEIMER'S", ("alzheimers",)),
        Term("NON-ST", ("non", "st")),
    )
    assert split_terms("E11.6 - *") == (Term("E11.6", ("e11", "6")),)


def test_too_many_terms_are_refused() -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_TERMS}"):
        split_terms(" ".join(["a"] * (MAX_TERMS + 1)))


@given(st.text(max_size=60))
def test_split_terms_keeps_every_token_that_has_a_letter_or_digit(text: str) -> None:
    tokens = [t for t in text.split() if re.search(r"[a-z0-9]", title_fold(t))]
    if len(tokens) > MAX_TERMS:
        return
    terms = split_terms(text)
    assert [term.typed for term in terms] == [token.upper() for token in tokens]
    for term in terms:
        assert term.words and all(re.fullmatch(r"[a-z0-9]+", word) for word in term.words)


def title_fold(text: str) -> str:
    return " ".join(title_words(text))


codes = st.builds(
    lambda letter, digits, tail: f"{letter}{digits}" + (f".{tail}" if tail else ""),
    st.sampled_from("ABE"),
    st.text("0123456789", min_size=2, max_size=2),
    st.text("0123456789X", max_size=3),
)
titles = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
rows = st.lists(st.tuples(codes, titles, st.booleans()), max_size=40, unique_by=lambda r: r[0])
#: A term is the start of a word, the start of a code, or two words joined by a hyphen.
terms_text = st.one_of(
    st.sampled_from(WORDS).flatmap(lambda w: st.integers(1, len(w)).map(lambda n: w[:n])),
    codes.flatmap(lambda c: st.integers(1, len(c)).map(lambda n: c[:n].lower())),
    st.sampled_from(["dia-mel", "x", "TUBERC", "lungs", "9"]),
)
field_sets = st.sampled_from([FIELDS, frozenset({CODE}), frozenset({TITLE})])


def build(raw: list[tuple[str, str, bool]]) -> PrefixIndex:
    return PrefixIndex(
        Row(code, title, billable, n, title_words(title))
        for n, (code, title, billable) in enumerate(raw)
    )


@settings(max_examples=300)
@given(rows, st.lists(terms_text, min_size=1, max_size=3), field_sets)
def test_matches_are_exactly_the_brute_force_matches_in_code_order(
    raw: list[tuple[str, str, bool]], typed: list[str], fields: frozenset[str]
) -> None:
    index = build(raw)
    terms = split_terms(" ".join(typed))
    expected = [n for n, row in enumerate(index.rows) if brute_force_match(row, terms, fields)]
    assert index.matches([terms], fields) == expected
    assert [index.rows[n].code for n in expected] == sorted(index.rows[n].code for n in expected)


@given(rows, st.lists(terms_text, min_size=1, max_size=2), st.lists(terms_text, max_size=2))
def test_readings_are_a_union_and_keep_filters(
    raw: list[tuple[str, str, bool]], first: list[str], second: list[str]
) -> None:
    index = build(raw)
    readings = [split_terms(" ".join(first)), split_terms(" ".join(second))]
    either = set(index.matches(readings[:1], FIELDS)) | set(index.matches(readings[1:], FIELDS))
    assert index.matches(readings, FIELDS) == sorted(either)
    billable = index.matches(readings, FIELDS, keep=lambda row: row.billable)
    assert billable == sorted(n for n in either if index.rows[n].billable)


def test_an_alternative_word_matches_as_its_word_would() -> None:
    index = build([("N18.9", "Chronic kidney disease", True), ("N28.9", "Renal disorder", True)])
    terms = split_terms("kidney")
    assert [index.rows[n].code for n in index.matches([terms], FIELDS)] == ["N18.9"]
    wider = index.matches(
        [terms], FIELDS, alternatives=lambda w: ["renal"] if w == "kidney" else []
    )
    assert [index.rows[n].code for n in wider] == ["N18.9", "N28.9"]


def test_a_code_term_matches_the_code_as_written() -> None:
    index = build([("E11.65", "Type 2 diabetes", True), ("E116", "Made-up code", True)])
    found = index.matches([split_terms("e11.6")], frozenset({CODE}))
    assert [index.rows[n].code for n in found] == ["E11.65"]
