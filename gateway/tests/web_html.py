"""A page as the web route tests read it: parsed with the stdlib, no browser needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

HTML = {"Accept": "text/html,application/xhtml+xml"}


@dataclass
class Link:
    """An `<a>` with its text."""

    href: str
    text: str = ""


@dataclass
class Page(HTMLParser):
    """The parts of a page these tests look at."""

    lang: str = ""
    title: str = ""
    description: str | None = None
    canonical: str | None = None
    robots: str | None = None
    h1: str = ""
    links: list[Link] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    labels_for: set[str] = field(default_factory=set)
    inputs: dict[str, dict[str, str | None]] = field(default_factory=dict)
    _open: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        elif tag == "meta" and found.get("name") == "description":
            self.description = found.get("content")
        elif tag == "meta" and found.get("name") == "robots":
            self.robots = found.get("content")
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical = found.get("href")
        elif tag == "a" and found.get("href"):
            self.links.append(Link(str(found["href"])))
        elif tag == "label" and found.get("for"):
            self.labels_for.add(str(found["for"]))
        elif tag in {"input", "select"} and found.get("id"):
            self.inputs[str(found["id"])] = found
        if tag in {"title", "h1", "mark", "a"}:
            self._open.append(tag)
            if tag == "mark":
                self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            self._open.remove(tag)

    def handle_data(self, data: str) -> None:
        if "title" in self._open:
            self.title += data
        if "h1" in self._open:
            self.h1 += data
        if "mark" in self._open:
            self.marks[-1] += data
        if "a" in self._open and self.links:
            self.links[-1].text += data

    def hrefs(self, prefix: str) -> list[str]:
        """Link targets starting with `prefix`, in page order."""
        return [link.href for link in self.links if link.href.startswith(prefix)]


def parse(body: str) -> Page:
    """The page's outline."""
    page = Page()
    page.feed(body)
    return page
