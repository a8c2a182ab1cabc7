"""Where an import came from: a digest of its source files, and whether a build is current.

Imports compare digests instead of timestamps, so re-importing the same file is a no-op
and a changed file is always rebuilt.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from medcode_codes.snapshot.reader import Snapshot, SnapshotFormatError


def digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the contents of `paths`, to tell whether a source changed."""
    hasher = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    return hasher.hexdigest()


def snapshot_up_to_date(path: Path, source_digest: str) -> bool:
    """True when `path` is a readable snapshot built from sources with `source_digest`."""
    if not path.exists():
        return False
    try:
        snapshot = Snapshot(path)
    except (SnapshotFormatError, sqlite3.DatabaseError, KeyError):  # unreadable: rebuild
        return False
    snapshot.close()
    return snapshot.meta.source_digest == source_digest
