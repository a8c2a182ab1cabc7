"""A hit being ranked, and the reasons a hit can give for matching."""

from __future__ import annotations

from dataclasses import dataclass, field

from medcode_search.documents import IndexedCode

CODE, PREFIX, TITLE, TERM, SYNONYM, FUZZY = "code", "prefix", "title", "term", "synonym", "fuzzy"
HEADING, REFERENCE, INDEX = "heading", "reference", "index"


@dataclass(slots=True)
class Ranked:
    """A hit being ranked: the document, its score and why it matched."""

    document: IndexedCode
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_text: str = ""
    number: int = -1  # the document's position, when it came from the word index
    #: The reading's text that found it (a type-ahead completion: "toothache" for "toothac").
    read_as: str = ""
