"""Build one release's snapshot file from importer records, atomically.

The file is written under a temporary name and renamed into place only when complete, so
a server never opens a half-written snapshot and a failed import leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from medcode_codes.atomic import atomic_sqlite
from medcode_codes.importers.records import NodeRecord, ReleaseInfo
from medcode_codes.snapshot.schema import DDL, SCHEMA_VERSION

log = logging.getLogger(__name__)

_BATCH = 5000


def snapshot_path(data_dir: Path, *, system: str, release: str) -> Path:
    """Where the snapshot of `release` of `system` lives under `data_dir`."""
    return data_dir / "snapshots" / system / f"{release}.sqlite"


class SnapshotIntegrityError(ValueError):
    """The records do not form a valid hierarchy (duplicate code, unknown parent)."""


def write_snapshot(
    *, data_dir: Path, info: ReleaseInfo, nodes: Iterable[NodeRecord], source_digest: str
) -> Path:
    """Write `nodes` as the snapshot of `info`; return the final path."""
    final = snapshot_path(data_dir, system=info.system, release=info.release)
    started = time.perf_counter()
    with atomic_sqlite(final) as db:
        db.executescript(DDL)
        counts = _insert_nodes(db, nodes)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "system": info.system,
            "release": info.release,
            "effective_date": info.effective_date.isoformat(),
            "source": info.source,
            "source_digest": source_digest,
            "code_count": str(counts[0]),
            "billable_count": str(counts[1]),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    log.info(
        "wrote %s: %d nodes, %d billable in %.1fs",
        final,
        counts[0],
        counts[1],
        time.perf_counter() - started,
    )
    return final


def _insert_nodes(db: sqlite3.Connection, nodes: Iterable[NodeRecord]) -> tuple[int, int]:
    seen: set[str] = set()
    rows: list[tuple[object, ...]] = []
    notes: list[tuple[object, ...]] = []
    sevenths: list[tuple[object, ...]] = []
    billable = 0
    for seq, node in enumerate(nodes):
        if node.code in seen:
            raise SnapshotIntegrityError(f"duplicate code {node.code}")
        if node.parent is not None and node.parent not in seen:
            raise SnapshotIntegrityError(f"{node.code}: parent {node.parent} not seen before it")
        seen.add(node.code)
        billable += node.billable
        extra = json.dumps(dict(node.extra), separators=(",", ":")) if node.extra else None
        rows.append((seq, node.code, node.title, node.kind, int(node.billable), node.parent, extra))
        notes.extend((node.code, i, n.type, n.text) for i, n in enumerate(node.notes))
        sevenths.extend(
            (node.code, i, s.character, s.description, json.dumps(s.notes) if s.notes else None)
            for i, s in enumerate(node.seventh_characters)
        )
        if len(rows) >= _BATCH:
            _flush(db, rows, notes, sevenths)
    _flush(db, rows, notes, sevenths)
    return len(seen), billable


def _flush(
    db: sqlite3.Connection,
    rows: list[tuple[object, ...]],
    notes: list[tuple[object, ...]],
    sevenths: list[tuple[object, ...]],
) -> None:
    db.executemany("INSERT INTO node VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO note VALUES (?, ?, ?, ?)", notes)
    db.executemany("INSERT INTO seventh_character VALUES (?, ?, ?, ?, ?)", sevenths)
    rows.clear()
    notes.clear()
    sevenths.clear()
