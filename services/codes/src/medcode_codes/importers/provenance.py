"""Where an import came from: a digest of its source files, and whether a build is current.

Imports compare digests instead of timestamps, so re-importing the same file is a no-op
and a changed file is always rebuilt. The digest also names the stored layout when it is
not the first one, so a build in an older layout is rebuilt, and the new content gets a new
digest that caches and indexes keyed by it notice.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from medcode_codes.snapshot.reader import Snapshot, SnapshotFormatError
from medcode_codes.snapshot.schema import SCHEMA_VERSION

#: The snapshot layout's part of every snapshot's digest.
SNAPSHOT_LAYOUT = f"snapshot schema {SCHEMA_VERSION}"


def digest(paths: Iterable[Path], *, layout: str = "") -> str:
    """SHA-256 over the contents of `paths` (and the stored `layout`, when named), to tell
    whether a source or the way it is stored changed."""
    hasher = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    if layout:
        hasher.update(b"\0layout:" + layout.encode())
    return hasher.hexdigest()


def snapshot_up_to_date(path: Path, source_digest: str) -> bool:
    """True when `path` is a snapshot in the current format built from sources with
    `source_digest`; an older format is rebuilt so it gains what the new one stores."""
    if not path.exists():
        return False
    try:
        snapshot = Snapshot(path)
    except (SnapshotFormatError, sqlite3.DatabaseError, KeyError):  # unreadable: rebuild
        return False
    snapshot.close()
    current = snapshot.schema_version == SCHEMA_VERSION
    return current and snapshot.meta.source_digest == source_digest
