"""Build a SQLite file under a temporary name and rename it into place only when complete.

Readers open snapshots and data sets immutable, so a file must never be seen half-written
and a failed build must leave the previous file (if any) exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_sqlite(final: Path) -> Iterator[sqlite3.Connection]:
    """Yield a connection to a fresh partial file; on success commit and rename it to `final`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        yield db
        db.commit()
    except BaseException:
        db.close()
        partial.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(partial, final)
