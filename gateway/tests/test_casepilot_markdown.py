"""CasePilot's markdown as HTML: the subset rendered, everything else escaped (properties)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.web.casepilot_markdown import render_markdown

ALLOWED = {"p", "ul", "li", "strong", "code", "a", "br"}


class Tags(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.found


def test_the_subset_is_rendered() -> None:
    html = render_markdown(
        "**N18.6** is an MCC.\n\n- one `E11.9`\n- [see](/codes/icd10cm/I10)\n\nend",
        {"N18.6": "icd10cm", "E11.9": "icd10cm"},
    )
    assert html == (
        '<p><strong><a href="/codes/icd10cm/N18.6">N18.6</a></strong> is an MCC.</p>\n'
        '<ul><li>one <a href="/codes/icd10cm/E11.9"><code>E11.9</code></a></li>'
        '<li><a href="/codes/icd10cm/I10">see</a></li></ul>\n<p>end</p>'
    )


def test_links_off_the_code_pages_stay_text() -> None:
    html = render_markdown("[x](javascript:alert(1)) [y](https://evil.example/)")
    assert "<a" not in html and "[x](javascript:alert(1))" in html


@given(st.text(max_size=400))
def test_any_text_yields_only_the_allowed_tags_and_code_page_links(text: str) -> None:
    html = render_markdown(text, {"E11.9": "icd10cm"})
    for tag, attrs in tags(html):
        assert tag in ALLOWED, (tag, html)
        if tag == "a":
            assert set(attrs) == {"href"}
            assert re.fullmatch(r"/codes/[a-z0-9]+/[A-Za-z0-9.\-]+", attrs["href"] or "")
        else:
            assert not attrs, (tag, attrs)


@given(st.text(alphabet=st.characters(blacklist_characters="*`[]\x00\r\n"), max_size=200))
def test_one_plain_line_reads_back_as_typed(line: str) -> None:
    parser = HTMLParser(convert_charrefs=True)
    seen: list[str] = []
    parser.handle_data = seen.append  # type: ignore[method-assign]
    parser.feed(render_markdown(line))
    expected = line.strip()
    if re.match(r"[-*] ", expected):
        expected = expected[2:]
    assert "".join(seen) == expected
