"""Highlighting: the title survives intact, and only words the query names are marked."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from medcode_search.service import highlight, query_prefixes


def test_marks_words_the_query_names_by_prefix() -> None:
    wanted = query_prefixes("Hypertensive heart")
    assert highlight("Hypertensive heart disease", wanted) == (
        "<em>Hypertensive</em> <em>heart</em> disease"
    )


def test_escapes_markup_in_titles() -> None:
    assert highlight('Burn <3 "deg"', query_prefixes("burn")) == (
        "<em>Burn</em> &lt;3 &quot;deg&quot;"
    )


@given(title=st.text(max_size=80), query=st.text(max_size=40))
def test_removing_the_marks_gives_back_the_title(title: str, query: str) -> None:
    marked = highlight(title, query_prefixes(query))
    assert "<" not in re.sub(r"</?em>", "", marked)
    assert html.unescape(re.sub(r"</?em>", "", marked)) == title


def _word_by_word(title: str, wanted: frozenset[str]) -> str:
    """The plain statement of the rule `highlight` implements with one pattern."""
    out = []
    for piece in re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9]+", title):
        if piece.isalnum():
            out.append(f"<em>{piece}</em>" if piece.lower()[:5] in wanted else piece)
        else:
            out.append(html.escape(piece))
    return "".join(out)


_TITLE_CHARACTERS = st.sampled_from(list("abcdeAEamplgtquotx27#&;<>\"' -,.()éſK0123456789"))


@given(
    title=st.text(_TITLE_CHARACTERS, max_size=60) | st.text(max_size=60),
    query=st.text(_TITLE_CHARACTERS, max_size=30) | st.text(max_size=30),
)
def test_marks_exactly_the_words_whose_prefix_was_asked(title: str, query: str) -> None:
    # Entity names made by escaping ("amp" in "&amp;") are never marked; words are.
    wanted = query_prefixes(query)
    assert highlight(title, wanted) == _word_by_word(title, wanted)


def test_words_beside_markup_are_marked_but_entity_names_are_not() -> None:
    wanted = query_prefixes("amp quot x27 crohn")
    assert highlight('Crohn\'s & amp "quot" #x27', wanted) == (
        "<em>Crohn</em>&#x27;s &amp; <em>amp</em> &quot;<em>quot</em>&quot; #<em>x27</em>"
    )
