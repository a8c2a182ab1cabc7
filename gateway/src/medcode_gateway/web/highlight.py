"""The search service's highlights as safe HTML: its `<em>` marks become `<mark>`, and every
other character is text, so a title can never inject markup into a page.

The service sends the title HTML-escaped with `<em>` around matched words; each piece is
unescaped and escaped again, so its entities show as the characters they stand for and
anything else that looks like markup shows as text.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

_MARKS = re.compile(r"(</?em>)")


def marked(highlight: str) -> Markup:
    """`highlight` with each `<em>...</em>` as `<mark>...</mark>`; everything else text.

    A stray or unbalanced tag is shown as text, and a mark left open is closed at the end.
    """
    out: list[str] = []
    open_mark = False
    for part in _MARKS.split(highlight):
        if part == "<em>" and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif part == "</em>" and open_mark:
            out.append("</mark>")
            open_mark = False
        else:
            out.append(str(escape(html.unescape(part))))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))
