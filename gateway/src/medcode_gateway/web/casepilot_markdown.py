"""CasePilot's markdown as safe HTML: everything escaped, then a tiny subset rebuilt.

Only paragraphs, "- " lists, **bold**, `code` spans and links to this site's code pages
(`[text](/codes/system/code)`) become tags; anything else stays visible as text. A bold or
code span that is exactly a code the answer names (validated by the assistant) links to its
code page. Nothing from the answer reaches the page unescaped, so a rephrasing endpoint or a
question echoed back can never inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from markupsafe import Markup

#: A link target this renderer accepts: a code page on this site, nothing else.
CODE_PAGE = re.compile(r"/codes/(?:icd10cm|icd10pcs|hcpcs|cpt)/[A-Za-z0-9.\-]{1,32}")
_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\(([^()\s]{1,80})\)")
_BOLD = re.compile(r"\*\*([^*\n]{1,300})\*\*")
_CODE_SPAN = re.compile(r"`([^`\n]{1,300})`")
_LIST_ITEM = re.compile(r"[-*] (.*)")
_SLOT = "\x00{}\x00"


def _code_page(text: str, codes: Mapping[str, str]) -> str | None:
    system = codes.get(text)
    return f"/codes/{system}/{text}" if system else None


def inline(text: str, codes: Mapping[str, str]) -> str:
    """One line's inline markup as HTML; `codes` maps each named code to its system."""
    pieces: list[str] = []

    def keep(html: str) -> str:
        pieces.append(html)
        return _SLOT.format(len(pieces) - 1)

    def code_span(match: re.Match[str]) -> str:
        word = match.group(1)
        target = _code_page(word, codes)
        body = f"<code>{escape(word)}</code>"
        return keep(f'<a href="{escape(target)}">{body}</a>' if target else body)

    def link(match: re.Match[str]) -> str:
        label, href = match.group(1), match.group(2)
        if not CODE_PAGE.fullmatch(href):
            return match.group(0)  # not a code page: left as the text it was
        return keep(f'<a href="{escape(href)}">{escape(label)}</a>')

    def bold(match: re.Match[str]) -> str:
        word = match.group(1)
        target = _code_page(word, codes)
        body = escape(word)
        if target:
            body = f'<a href="{escape(target)}">{body}</a>'
        return keep(f"<strong>{body}</strong>")

    text = text.replace("\x00", "")
    text = _CODE_SPAN.sub(code_span, text)
    text = _LINK.sub(link, text)
    text = _BOLD.sub(bold, text)
    html = escape(text)
    return re.sub("\x00(\\d+)\x00", lambda m: pieces[int(m.group(1))], html)


def render_markdown(markdown: str, codes: Mapping[str, str] | None = None) -> Markup:
    """The answer as HTML: blank lines split paragraphs, "- " lines make a list."""
    known = codes or {}
    blocks: list[str] = []
    items: list[str] = []
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            blocks.append("<p>" + "<br>\n".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        item = _LIST_ITEM.fullmatch(line)
        if not line:
            close_paragraph()
            close_list()
        elif item:
            close_paragraph()
            items.append(inline(item.group(1), known))
        elif raw.startswith("  ") and items:
            items[-1] += " " + inline(line, known)  # a list item's continuation line
        else:
            close_list()
            paragraph.append(inline(line, known))
    close_paragraph()
    close_list()
    return Markup("\n".join(blocks))
