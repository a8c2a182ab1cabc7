"""The search service's highlights as safe HTML: its `<em>` marks become `<mark>`, and every
other character is text, so a title can never inject markup into a page."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_MARKS = re.compile(r"(</?em>)")


def marked(highlight: str) -> Markup:
    """`highlight` with each `<em>...</em>` as `<mark>...</mark>`; everything else escaped.

    A stray or unbalanced tag is shown as text, and a mark left open is closed at the end.
    """
    html: list[str] = []
    open_mark = False
    for part in _MARKS.split(highlight):
        if part == "<em>" and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif part == "</em>" and open_mark:
            html.append("</mark>")
            open_mark = False
        else:
            html.append(str(escape(part)))
    if open_mark:
        html.append("</mark>")
    return Markup("".join(html))
