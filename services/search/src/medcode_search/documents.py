"""What the search index holds per code, and how it is saved beside the tantivy index."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class IndexedCode:
    """One searchable node: enough to rank, filter and render a hit without another call."""

    system: str
    code: str
    title: str
    kind: str
    billable: bool
    release: str
    terms: tuple[str, ...]  # inclusion terms and includes notes
    ancestors: tuple[str, ...]  # chapter, section, ... codes above it
    context: tuple[str, ...] = ()  # titles and inclusion terms of the headings above it
    referenced: tuple[str, ...] = ()  # other codes' notes that name it ("chilblains (T69.1)")
    #: ICD-10-CM alphabetic index lines that lead to it ("Pernio, hands"), when loaded.
    index_terms: tuple[str, ...] = ()
    #: Rows of the Tables of Neoplasms and of Drugs that lead to it, with their column
    #: ("Neoplasm, neoplastic, lung, Malignant Primary"), when loaded.
    table_terms: tuple[str, ...] = ()

    @property
    def word_texts(self) -> tuple[str, ...]:
        """Its own texts besides the title: inclusion terms, then index lines. Both say what
        the code is called; ranking and "why" treat them alike, except for the reason."""
        return (*self.terms, *self.index_terms) if self.index_terms else self.terms


def split_name(title: str) -> tuple[str, str]:
    """(name, explanation) of a title written "Name: what it means" (MedCode's own CPT
    wording), else (title, ""). The name is what a coder searches for; the explanation is
    plain language that should match without weighing like the name."""
    name, colon, explanation = title.partition(": ")
    return (name, explanation) if colon else (title, "")


def save(path: Path, documents: Iterable[IndexedCode]) -> None:
    """Write documents as JSON lines (the index's sidecar, reloaded instead of re-exported)."""
    with path.open("w", encoding="utf-8") as out:
        for document in documents:
            out.write(json.dumps(asdict(document), separators=(",", ":")) + "\n")


def load(path: Path) -> Iterator[IndexedCode]:
    """Read documents written by `save`."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            raw["terms"] = tuple(raw["terms"])
            raw["ancestors"] = tuple(raw["ancestors"])
            raw["context"] = tuple(raw.get("context", ()))
            raw["referenced"] = tuple(raw.get("referenced", ()))
            raw["index_terms"] = tuple(raw.get("index_terms", ()))
            raw["table_terms"] = tuple(raw.get("table_terms", ()))
            yield IndexedCode(**raw)
