"""A heading's default code: the billable child that says the heading's title and nothing a
searcher has to ask for ("J21 Acute bronchiolitis" -> "J21.9 Acute bronchiolitis,
unspecified").

A heading can out-score its default child on words only its own includes notes carry (they
apply to every child); the default child then takes the heading's place, just above it, so
a billable code ranks above its category for the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from medcode_search.documents import IndexedCode
from medcode_search.query import FREE_WORDS
from medcode_search.spelling import WORD
from medcode_search.splits import Hit
from medcode_search.weights import JUST_ABOVE

_HEADING_KINDS = frozenset({"category", "subcategory"})


def default_children(documents: Iterable[IndexedCode]) -> dict[tuple[str, str], str]:
    """(system, heading code) -> its default child's code (parents come before children)."""
    titles: dict[tuple[str, str], str] = {}
    defaults: dict[tuple[str, str], str] = {}
    for document in documents:
        if document.kind in _HEADING_KINDS and not document.billable:
            titles[(document.system, document.code)] = document.title.lower()
        if not document.billable or not document.ancestors:
            continue
        parent = (document.system, document.ancestors[-1])
        heading = titles.get(parent)
        title = document.title.lower()
        if heading is None or parent in defaults or not title.startswith(heading):
            continue
        if set(WORD.findall(title[len(heading) :])) <= FREE_WORDS:
            defaults[parent] = document.code
    return defaults


def promote_default_children(hits: Sequence[Hit], defaults: Mapping[tuple[str, str], str]) -> None:
    """Put each heading's default child among `hits` just above the heading when below it."""
    found = {(hit.document.system, hit.document.code): hit for hit in hits}
    for (system, code), hit in found.items():
        child = defaults.get((system, code))
        below = found.get((system, child)) if child else None
        if below is not None and below.score <= hit.score:
            below.score = hit.score * JUST_ABOVE
