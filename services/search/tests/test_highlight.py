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
