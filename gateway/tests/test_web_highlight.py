"""The search service's highlights as safe HTML (property-based): only `<mark>` is markup,
everything else reads back exactly as the service sent it."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.web.highlight import marked

PIECES = st.lists(
    st.one_of(st.sampled_from(["<em>", "</em>", "<", ">", "&", '"', "'", "<script>"]), st.text()),
    max_size=12,
)


def test_marks_become_mark_elements() -> None:
    assert marked("Type 2 <em>diabetes</em> & <b>") == (
        "Type 2 <mark>diabetes</mark> &amp; &lt;b&gt;"
    )


def test_unbalanced_marks_are_closed_or_shown_as_text() -> None:
    assert marked("</em>a <em>b") == "&lt;/em&gt;a <mark>b</mark>"
    assert marked("<em>a<em>b</em>") == "<mark>a&lt;em&gt;b</mark>"


@given(PIECES)
def test_only_mark_tags_are_markup_and_the_text_survives(pieces: list[str]) -> None:
    source = "".join(pieces)
    out = str(marked(source))
    tags = re.findall(r"<[^>]*>", out)
    assert set(tags) <= {"<mark>", "</mark>"}
    assert tags == ["<mark>", "</mark>"] * (len(tags) // 2)  # balanced, never nested
    assert html.unescape(re.sub(r"</?mark>", "", out)) == _without_consumed_marks(source)


def _without_consumed_marks(source: str) -> str:
    """The text the reader sees: the source without the <em> tags that became marks."""
    kept: list[str] = []
    inside = False
    for part in re.split(r"(</?em>)", source):
        if part == "<em>" and not inside:
            inside = True
        elif part == "</em>" and inside:
            inside = False
        else:
            kept.append(part)
    return "".join(kept)
