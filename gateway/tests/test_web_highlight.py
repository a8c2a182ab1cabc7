"""The search service's highlights as safe HTML (property-based): only `<mark>` is markup,
and the words read exactly as the title the service highlighted."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.web.highlight import marked

WORDS = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(["Galeazzi's", "<b>", "&amp;", "a&b", '"x"', "<em>", "</em>"]),
            st.text(alphabet=st.characters(blacklist_categories=["Cs", "Zs"]), min_size=1),
        ),
        st.booleans(),
    ),
    max_size=10,
)


def as_the_service_sends(words: list[tuple[str, bool]]) -> tuple[str, str]:
    """(title, highlight): the title HTML-escaped, chosen words wrapped in <em>."""
    title = " ".join(word for word, _ in words)
    pieces = [f"<em>{html.escape(w)}</em>" if hit else html.escape(w) for w, hit in words]
    return title, " ".join(pieces)


def test_marks_become_mark_elements_and_entities_their_characters() -> None:
    assert marked("Galeazzi&#x27;s <em>fracture</em> &amp; &lt;b&gt;") == (
        "Galeazzi&#39;s <mark>fracture</mark> &amp; &lt;b&gt;"
    )


def test_raw_markup_and_unbalanced_marks_are_text() -> None:
    assert marked("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert marked("</em>a <em>b") == "&lt;/em&gt;a <mark>b</mark>"
    assert marked("<em>a<em>b</em>") == "<mark>a&lt;em&gt;b</mark>"


@given(WORDS)
def test_only_marks_are_markup_and_the_title_reads_back(words: list[tuple[str, bool]]) -> None:
    title, highlight = as_the_service_sends(words)
    out = str(marked(highlight))
    tags = re.findall(r"<[^>]*>", out)
    assert tags == ["<mark>", "</mark>"] * (len(tags) // 2)  # balanced, never nested
    assert len(tags) // 2 == sum(hit for _, hit in words)
    assert html.unescape(re.sub(r"</?mark>", "", out)) == title


@given(st.text())
def test_any_text_yields_only_mark_tags(text: str) -> None:
    tags = re.findall(r"<[^>]*>", str(marked(text)))
    assert set(tags) <= {"<mark>", "</mark>"}
