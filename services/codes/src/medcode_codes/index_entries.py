"""The alphabetic index lines that lead to an ICD-10-CM code, for code pages and the export.

The index names codes that take a 7th character by their stem ("T51.3X1", "S72.001"), since
it cannot list every encounter; the code S72.001A therefore shows, and is searchable by, the
lines that name S72.001. Placeholder X's before the 7th character are not part of the stem
the index writes ("T70.4XXA" completes "T70.4"). A code written with a dash ("C34.9-") is to
be completed with more characters: its line also leads to every code below it (C34.90,
C34.91, C34.92).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.datasets import kinds
from medcode_codes.datasets.store import Dataset, DatasetCatalog

_NAMES = {kind: name for name, kind in kinds.ALPHABETIC_INDEXES.items()}


def index_keys(code: str) -> tuple[str, ...]:
    """The keys index lines for `code` are stored under: the code, then the stem a
    7-character code completes ("S72.001A" -> "S72.001"; "T70.4XXA" -> "T70.4")."""
    bare = code.replace(".", "")
    if len(bare) != 7:
        return (code,)
    stem = bare[:6].rstrip("X")
    return (code, stem if len(stem) == 3 else f"{stem[:3]}.{stem[3:]}")


def _entry(dataset: Dataset, code: str, row: Mapping[str, Any]) -> pb.IndexEntry:
    return pb.IndexEntry(
        index=_NAMES[dataset.meta.kind],
        path=row.get("path", ()),
        column=row.get("column", ""),
        modifiers=row.get("modifiers", ()),
        code=code,
        release=dataset.meta.release,
        incomplete=bool(row.get("incomplete")),
    )


def loaded_indexes(datasets: DatasetCatalog) -> list[Dataset]:
    """The newest release of each index file that is loaded, in the CDC's order."""
    chosen = (datasets.select(kind) for kind in kinds.ALPHABETIC_INDEXES.values())
    return [dataset for dataset in chosen if dataset is not None]


def add_index_entries(message: pb.Code, datasets: DatasetCatalog) -> None:
    """A code page's index lines, from every loaded index file (one query per key): its own,
    its stem's, and the dashed lines of the codes above it."""
    above = [ancestor.code for ancestor in message.ancestors]
    found: list[pb.IndexEntry] = []
    for dataset in loaded_indexes(datasets):
        for key in index_keys(message.code):
            found.extend(_entry(dataset, key, row) for row in dataset.rows(key))
        for key in above:
            found.extend(
                _entry(dataset, key, row) for row in dataset.rows(key) if row.get("incomplete")
            )
    message.index_entries.extend(unique(found))


def unique(entries: Iterable[pb.IndexEntry]) -> list[pb.IndexEntry]:
    """`entries` without repeats: a 7th-character code reaches a dashed stem's line twice,
    as its stem's line and as its parent's."""
    seen: set[tuple[str, tuple[str, ...], str, str]] = set()
    kept = []
    for entry in entries:
        key = (entry.index, tuple(entry.path), entry.column, entry.code)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


class IndexLookup:
    """Every loaded index line in memory, by key: the export asks for every code, which
    one query per code and file would make several times slower than reading them all."""

    def __init__(self, datasets: DatasetCatalog) -> None:
        self._by_key: dict[str, list[pb.IndexEntry]] = {}
        for dataset in loaded_indexes(datasets):
            for key, _key2, row in dataset.iter_rows():
                self._by_key.setdefault(key, []).append(_entry(dataset, key, row))

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def entries(self, code: str) -> Iterator[pb.IndexEntry]:
        """The lines for `code` and for the stem it completes."""
        for key in index_keys(code):
            yield from self._by_key.get(key, ())

    def dashed(self, code: str) -> list[pb.IndexEntry]:
        """The lines written "`code`-", which every code below `code` inherits."""
        return [entry for entry in self._by_key.get(code, ()) if entry.incomplete]
