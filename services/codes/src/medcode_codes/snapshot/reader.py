"""Read-only access to one snapshot file, shaped for the questions the service answers.

Snapshots never change once written, so the file is opened immutable (no locking) and
assembled records are cached per snapshot. The caches hold the queries, never the Snapshot
itself, so a snapshot nobody serves any more is freed (and its file closed) at once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from medcode_codes.importers.records import NOTE_TYPES
from medcode_codes.snapshot.schema import READABLE_VERSIONS, SCHEMA_VERSION

#: Note types that apply to every code below the node they are written at; an inclusion
#: term describes only the node it is listed under...
INHERITED_NOTE_TYPES = frozenset(NOTE_TYPES) - {"inclusionTerm"}
#: ...except at a block (chapter or section), where it is guidance for every code in it
#: ("Categories Z40-Z53 are intended for use to indicate a reason for care...").
BLOCK_KINDS = frozenset({"chapter", "section"})

_NODE_COLUMNS = "code, title, kind, billable, parent, extra"
#: Headings that group codes (ICD-10 chapters and sections, PCS body systems, CPT sections):
#: previous/next links pass over them.
NEIGHBOUR_SKIPPED_KINDS = frozenset({"chapter", "section", "body_system"})


@dataclass(frozen=True, slots=True)
class NodeRow:
    """One node, without its notes."""

    code: str
    title: str
    kind: str
    billable: bool
    parent: str | None
    extra: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A note as it applies to some code: where it is written and whether it is inherited."""

    type: str
    text: str
    source_code: str
    inherited: bool


@dataclass(frozen=True, slots=True)
class SeventhRow:
    """A 7th character as it applies to some code, with the code that defines it and the
    notes the definition lists under it."""

    character: str
    description: str
    source_code: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodeRecord:
    """Everything a code page needs, assembled once per code."""

    node: NodeRow
    ancestors: tuple[NodeRow, ...]
    children: tuple[NodeRow, ...]
    notes: tuple[NoteRow, ...]
    seventh_characters: tuple[SeventhRow, ...]


@dataclass(frozen=True, slots=True)
class SnapshotMeta:
    """Identity and counts of a snapshot's release."""

    system: str
    release: str
    effective_date: dt.date
    source: str
    code_count: int
    billable_count: int
    source_digest: str


class SnapshotFormatError(RuntimeError):
    """The file is not a snapshot this version of the service can read."""


def _row(values: tuple[Any, ...]) -> NodeRow:
    code, title, kind, billable, parent, extra = values
    return NodeRow(code, title, kind, bool(billable), parent, json.loads(extra) if extra else {})


#: (character, description, notes) of one 7th-character value as stored.
StoredSeventh = tuple[str, str, tuple[str, ...]]


class _Queries:
    """The SQL a snapshot answers with; holds the connection and nothing else."""

    def __init__(self, db: sqlite3.Connection, *, schema_version: str) -> None:
        self.db = db
        self._seventh_notes = "notes" if schema_version != "1" else "NULL"

    def node(self, code: str) -> NodeRow | None:
        """The node with canonical `code`, if present."""
        found = self.db.execute(f"SELECT {_NODE_COLUMNS} FROM node WHERE code = ?", (code,))
        row = found.fetchone()
        return _row(row) if row else None

    def children(self, code: str | None) -> list[NodeRow]:
        """Direct children in tabular order; `None` lists the top level."""
        where = "parent IS NULL" if code is None else "parent = ?"
        params = () if code is None else (code,)
        query = f"SELECT {_NODE_COLUMNS} FROM node WHERE {where} ORDER BY seq"
        return [_row(r) for r in self.db.execute(query, params)]

    def own_notes(self, code: str) -> tuple[tuple[str, str], ...]:
        """(type, text) of the notes written at `code`, in order."""
        query = "SELECT type, text FROM note WHERE code = ? ORDER BY seq"
        return tuple(self.db.execute(query, (code,)))

    def own_seventh_characters(self, code: str) -> tuple[StoredSeventh, ...]:
        """(character, description, notes) defined at `code`, in order."""
        query = (
            f"SELECT character, description, {self._seventh_notes} FROM seventh_character "
            "WHERE code = ? ORDER BY seq"
        )
        return tuple(
            (char, description, tuple(json.loads(notes)) if notes else ())
            for char, description, notes in self.db.execute(query, (code,))
        )


def _ancestors(node_of: Callable[[str], NodeRow | None], node: NodeRow) -> list[NodeRow]:
    """Ancestors of `node` from the top down to its parent."""
    chain: list[NodeRow] = []
    parent = node.parent
    while parent is not None:
        above = node_of(parent)
        if above is None:
            break
        chain.append(above)
        parent = above.parent
    chain.reverse()
    return chain


def _inherits(note_type: str, above: NodeRow) -> bool:
    return note_type in INHERITED_NOTE_TYPES or above.kind in BLOCK_KINDS


def _record(
    node_of: Callable[[str], NodeRow | None],
    children_of: Callable[[str | None], list[NodeRow]],
    notes_of: Callable[[str], tuple[tuple[str, str], ...]],
    sevenths_of: Callable[[str], tuple[StoredSeventh, ...]],
    code: str,
) -> CodeRecord | None:
    """A code page: the node, its ancestors and children, own and inherited notes, and the
    7th characters of the nearest node that defines them."""
    node = node_of(code)
    if node is None:
        return None
    ancestors = _ancestors(node_of, node)
    notes = [NoteRow(t, text, code, False) for t, text in notes_of(code)]
    sevenths = [SeventhRow(c, d, code, n) for c, d, n in sevenths_of(code)]
    for above in reversed(ancestors):
        notes.extend(
            NoteRow(t, text, above.code, True)
            for t, text in notes_of(above.code)
            if _inherits(t, above)
        )
        if not sevenths:
            sevenths = [SeventhRow(c, d, above.code, n) for c, d, n in sevenths_of(above.code)]
    return CodeRecord(
        node, tuple(ancestors), tuple(children_of(code)), tuple(notes), tuple(sevenths)
    )


class Snapshot:
    """One release of one code system, opened read-only."""

    def __init__(self, path: Path, *, cache_size: int = 8192) -> None:
        self.path = path
        uri = f"file:{path.resolve()}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        version = str(meta.get("schema_version"))
        if version not in READABLE_VERSIONS:
            self._db.close()
            raise SnapshotFormatError(
                f"{path}: schema {version!r}, expected {SCHEMA_VERSION!r}; re-run the import"
            )
        #: The file's format version; older ones read fine but `medcode import` rebuilds them.
        self.schema_version = version
        self.meta = SnapshotMeta(
            system=meta["system"],
            release=meta["release"],
            effective_date=dt.date.fromisoformat(meta["effective_date"]),
            source=meta["source"],
            code_count=int(meta["code_count"]),
            billable_count=int(meta["billable_count"]),
            source_digest=meta.get("source_digest", ""),
        )
        # Ancestors (chapters, sections, categories) are shared by thousands of codes, so
        # caching nodes and notes makes a cold code page a handful of queries, not dozens.
        queries = _Queries(self._db, schema_version=version)
        self.children = queries.children
        self.node = lru_cache(maxsize=cache_size * 4)(queries.node)
        self.own_notes = lru_cache(maxsize=cache_size * 4)(queries.own_notes)
        self.own_seventh_characters = lru_cache(maxsize=cache_size * 4)(
            queries.own_seventh_characters
        )
        self.record = lru_cache(maxsize=cache_size)(
            partial(_record, self.node, self.children, self.own_notes, self.own_seventh_characters)
        )

    def close(self) -> None:
        """Release the file handle."""
        self._db.close()

    def ancestors(self, node: NodeRow) -> list[NodeRow]:
        """Ancestors of `node` from the top down to its parent."""
        return _ancestors(self.node, node)

    def billable_descendants(self, code: str, *, limit: int) -> list[NodeRow]:
        """Up to `limit` billable nodes below `code`, in tabular order."""
        query = f"""
            WITH RECURSIVE below(code) AS (
                SELECT code FROM node WHERE parent = :code
                UNION ALL SELECT node.code FROM node JOIN below ON node.parent = below.code
            )
            SELECT {_NODE_COLUMNS} FROM node WHERE billable = 1
              AND code IN (SELECT code FROM below) ORDER BY seq LIMIT :limit"""
        return [_row(r) for r in self._db.execute(query, {"code": code, "limit": limit})]

    def neighbours(self, code: str) -> tuple[NodeRow | None, NodeRow | None]:
        """The nodes just before and after `code` in tabular order, block headings skipped
        (a previous/next link leads to a code, not to a chapter)."""
        skipped = ", ".join(f"'{kind}'" for kind in sorted(NEIGHBOUR_SKIPPED_KINDS))
        found = []
        for compare, order in (("<", "DESC"), (">", "ASC")):
            query = f"""
                SELECT {_NODE_COLUMNS} FROM node
                WHERE seq {compare} (SELECT seq FROM node WHERE code = :code)
                  AND kind NOT IN ({skipped})
                ORDER BY seq {order} LIMIT 1"""
            row = self._db.execute(query, {"code": code}).fetchone()
            found.append(_row(row) if row else None)
        return found[0], found[1]

    def iter_nodes(self) -> Iterator[NodeRow]:
        """Every node in tabular order (parents before children)."""
        yield from (
            _row(r) for r in self._db.execute(f"SELECT {_NODE_COLUMNS} FROM node ORDER BY seq")
        )

    def summaries_from(self, offset: int, *, limit: int) -> list[tuple[str, str, str, bool]]:
        """(code, title, kind, billable) of up to `limit` nodes from position `offset` in
        tabular order: the writer numbers nodes 0..count-1, so a page is one range read on
        the primary key however deep it starts, and no node's extra JSON is parsed."""
        query = "SELECT code, title, kind, billable FROM node WHERE seq >= ? ORDER BY seq LIMIT ?"
        return [
            (code, title, kind, bool(billable))
            for code, title, kind, billable in self._db.execute(query, (offset, limit))
        ]

    def subtree_summaries(
        self, under: str | None, *, billable_only: bool, offset: int, limit: int
    ) -> tuple[int, list[tuple[str, str, str, bool]]] | None:
        """(exact number of matches, one page of their summaries) of `under` and its
        descendants (every node when None), billable ones only if asked; None when `under`
        is not in the release. Nodes are numbered in pre-order, so a subtree is the seq range
        from `under` to the next node that does not descend from it: the next sibling of
        `under` or of its nearest ancestor that has one, found on the (parent, seq) index
        instead of a recursive walk of every descendant."""
        db = self._db
        end = int(db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM node").fetchone()[0])
        start = 0
        if under is not None:
            found = db.execute("SELECT seq, parent FROM node WHERE code = ?", (under,)).fetchone()
            if found is None:
                return None
            start, parent = found
            seq = start
            while True:
                where = "parent IS NULL" if parent is None else "parent = :parent"
                sibling = db.execute(
                    f"SELECT MIN(seq) FROM node WHERE {where} AND seq > :seq",
                    {"parent": parent, "seq": seq},
                ).fetchone()[0]
                if sibling is not None or parent is None:
                    end = sibling if sibling is not None else end
                    break
                seq, parent = db.execute(
                    "SELECT seq, parent FROM node WHERE code = ?", (parent,)
                ).fetchone()
        billable = " AND billable = 1" if billable_only else ""
        if not billable_only:
            total = end - start
        elif under is None:
            total = self.meta.billable_count
        else:
            total = int(
                db.execute(
                    "SELECT COUNT(*) FROM node WHERE seq >= ? AND seq < ? AND billable = 1",
                    (start, end),
                ).fetchone()[0]
            )
        # Without the billable filter a page starts at a known seq: a range read however
        # deep; with it, the skipped rows are read (still one scan of at most the subtree).
        first, skip = (start, offset) if billable_only else (start + offset, 0)
        query = (
            "SELECT code, title, kind, billable FROM node WHERE seq >= ? AND seq < ?"
            f"{billable} ORDER BY seq LIMIT ? OFFSET ?"
        )
        rows = db.execute(query, (first, end, limit, skip))
        return total, [(code, title, kind, bool(flag)) for code, title, kind, flag in rows]
