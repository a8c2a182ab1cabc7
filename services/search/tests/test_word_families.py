"""Word families: parsing the packaged list and widening stems both ways."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search.query import stem
from medcode_search.word_families import WordFamilies, load_word_families, parse_families


def test_each_member_finds_the_others() -> None:
    families = WordFamilies([["lung", "pulmonary", "pulmonic"]])
    assert set(families.others(stem("lung"))) == {stem("pulmonary"), stem("pulmonic")}
    assert stem("lung") in families.others(stem("pulmonary"))
    assert families.others(stem("femur")) == ()


def test_widen_adds_members_and_keeps_unrelated_stems() -> None:
    families = WordFamilies([["kidney", "renal"]])
    assert families.widen(frozenset({stem("renal"), "colic"})) == {
        stem("renal"),
        stem("kidney"),
        "colic",
    }
    unrelated = frozenset({"colic"})
    assert families.widen(unrelated) is unrelated


def test_a_word_in_two_families_is_an_error() -> None:
    with pytest.raises(ValueError, match="two word families"):
        WordFamilies([["kidney", "renal"], ["renal", "nephric"]])


def test_parse_skips_comments_and_rejects_phrases() -> None:
    assert parse_families("# note\n\nliver\thepatic\n") == [["liver", "hepatic"]]
    with pytest.raises(ValueError, match="single words"):
        parse_families("large intestine\tcolon\n")


def test_packaged_list_loads_and_pairs_organs_with_adjectives() -> None:
    families = load_word_families()
    assert len(families) >= 200
    assert stem("liver") in families.others(stem("hepatic"))


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


@given(st.lists(st.lists(words, min_size=2, max_size=4, unique=True), max_size=6))
def test_membership_is_symmetric(raw: list[list[str]]) -> None:
    try:
        families = WordFamilies(raw)
    except ValueError:
        return  # the same stem in two families: rejected, nothing built
    for family in raw:
        stems = {stem(word) for word in family}
        for member in stems:
            assert set(families.others(member)) == (stems - {member} if len(stems) > 1 else set())


def test_other_words_leave_out_the_typed_words_stem() -> None:
    families = WordFamilies([["tooth", "teeth", "dental"]])
    assert families.other_words("Teeth") == ("tooth", "dental")
    assert families.other_words("femur") == ()
