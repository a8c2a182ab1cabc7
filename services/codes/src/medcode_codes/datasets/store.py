"""One storage shape for every data set: rows of (key, key2, JSON payload) plus meta.

Every data set in MedCode is looked up by a code (and sometimes a second code or a
modifier), so one small table with two indexed keys serves them all and keeps the writer,
reader and release selection in one place.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medcode_codes.atomic import atomic_sqlite

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE row (
    seq INTEGER PRIMARY KEY, key TEXT NOT NULL, key2 TEXT NOT NULL, payload TEXT NOT NULL
);
"""
_INDEXES = "CREATE INDEX row_key ON row (key, key2); CREATE INDEX row_key2 ON row (key2);"

Row = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class DatasetMeta:
    """What a data-set file holds and where it came from."""

    kind: str
    release: str
    effective_date: dt.date
    source: str
    source_digest: str
    row_count: int


def dataset_path(data_dir: Path, *, kind: str, release: str) -> Path:
    """Where release `release` of data set `kind` lives under `data_dir`."""
    return data_dir / "datasets" / kind / f"{release}.sqlite"


def write_dataset(
    *,
    data_dir: Path,
    kind: str,
    release: str,
    effective_date: dt.date,
    source: str,
    source_digest: str,
    rows: Iterable[Row],
) -> Path:
    """Write `rows` as release `release` of `kind`, atomically; return the final path.

    `rows` is consumed fully before the rename, so a parser error raised while iterating
    (e.g. ImportFormatError) leaves any existing release untouched.
    """
    final = dataset_path(data_dir, kind=kind, release=release)
    with atomic_sqlite(final) as db:
        db.executescript(_DDL)
        count = 0
        batch: list[tuple[str, str, str]] = []
        for key, key2, payload in rows:
            batch.append((key, key2, json.dumps(payload, separators=(",", ":"), default=str)))
            if len(batch) >= 5000:
                db.executemany("INSERT INTO row (key, key2, payload) VALUES (?, ?, ?)", batch)
                count += len(batch)
                batch.clear()
        db.executemany("INSERT INTO row (key, key2, payload) VALUES (?, ?, ?)", batch)
        count += len(batch)
        db.executescript(_INDEXES)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "release": release,
            "effective_date": effective_date.isoformat(),
            "source": source,
            "source_digest": source_digest,
            "row_count": str(count),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    log.info("wrote %s: %d rows", final, count)
    return final


class Dataset:
    """One release of one data set, opened read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"file:{path.resolve()}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"{path}: unsupported data-set schema")
        self.meta = DatasetMeta(
            kind=meta["kind"],
            release=meta["release"],
            effective_date=dt.date.fromisoformat(meta["effective_date"]),
            source=meta["source"],
            source_digest=meta["source_digest"],
            row_count=int(meta["row_count"]),
        )

    def close(self) -> None:
        """Release the file handle."""
        self._db.close()

    def rows(self, key: str, key2: str | None = None) -> list[dict[str, Any]]:
        """Payloads stored under `key` (and `key2` when given), in import order."""
        params: tuple[str, ...]
        if key2 is None:
            query, params = "SELECT payload FROM row WHERE key = ? ORDER BY seq", (key,)
        else:
            query = "SELECT payload FROM row WHERE key = ? AND key2 = ? ORDER BY seq"
            params = (key, key2)
        return [json.loads(p) for (p,) in self._db.execute(query, params)]

    def iter_rows(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (key, key2, payload), in import order (for callers that need them all)."""
        for key, key2, payload in self._db.execute(
            "SELECT key, key2, payload FROM row ORDER BY seq"
        ):
            yield key, key2, json.loads(payload)

    def key2s(self, key: str) -> list[str]:
        """The second keys stored under `key`, in import order (e.g. a collection's members)."""
        query = "SELECT key2 FROM row WHERE key = ? ORDER BY seq"
        return [key2 for (key2,) in self._db.execute(query, (key,))]

    def rows_by_key2(self, key2: str) -> list[tuple[str, dict[str, Any]]]:
        """(key, payload) of the rows whose second key is `key2` (reverse lookups)."""
        query = "SELECT key, payload FROM row WHERE key2 = ? ORDER BY seq"
        return [(k, json.loads(p)) for k, p in self._db.execute(query, (key2,))]

    def rows_among(self, keys: list[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Rows whose key and key2 are both in `keys` (e.g. every edit pair on a claim)."""
        marks = ",".join("?" * len(keys))
        query = (
            f"SELECT key, key2, payload FROM row WHERE key IN ({marks}) AND key2 IN ({marks}) "
            "ORDER BY seq"
        )
        for key, key2, payload in self._db.execute(query, [*keys, *keys]):
            yield key, key2, json.loads(payload)


class DatasetCatalog:
    """Every data-set file under a data dir, newest release first per kind."""

    def __init__(self, datasets: list[Dataset]) -> None:
        self._by_kind: dict[str, list[Dataset]] = {}
        for dataset in datasets:
            self._by_kind.setdefault(dataset.meta.kind, []).append(dataset)
        for found in self._by_kind.values():
            found.sort(key=lambda d: (d.meta.effective_date, d.meta.release), reverse=True)

    @classmethod
    def open_dir(cls, data_dir: Path) -> DatasetCatalog:
        """Open every ``datasets/<kind>/<release>.sqlite`` under `data_dir`."""
        return cls([Dataset(p) for p in sorted((data_dir / "datasets").glob("*/*.sqlite"))])

    def all(self) -> list[Dataset]:
        """Every loaded data set, grouped by kind, newest first."""
        return [d for kind in sorted(self._by_kind) for d in self._by_kind[kind]]

    def select(self, kind: str, *, as_of: dt.date | None = None) -> Dataset | None:
        """The newest release of `kind` effective on `as_of` (default: the newest), if any."""
        for dataset in self._by_kind.get(kind, []):
            if as_of is None or dataset.meta.effective_date <= as_of:
                return dataset
        return None
