"""Build the default snapshots (ICD-10-CM and ICD-10-PCS) from the PyPI data packages.

Idempotent: a snapshot whose source files are unchanged is not rebuilt, so `make run`
after the first time is ready in seconds.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medcode_codes.importers import icd10cm, icd10pcs
from medcode_codes.importers.records import NodeRecord, ReleaseInfo
from medcode_codes.snapshot.reader import Snapshot, SnapshotFormatError
from medcode_codes.snapshot.writer import snapshot_path, write_snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DefaultSource:
    """One default code set: its files, its release identity and its parser."""

    files: Sequence[Path]
    info: ReleaseInfo
    parse: Callable[[], Iterable[NodeRecord]]


def digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the contents of `paths`, to tell whether a source changed."""
    hasher = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    return hasher.hexdigest()


def default_sources() -> list[DefaultSource]:
    """The code sets that install with MedCode."""
    tabular = icd10cm.default_tabular_path()
    pcs = icd10pcs.default_sources()
    return [
        DefaultSource(
            [tabular], icd10cm.release_info(tabular), lambda: icd10cm.parse_tabular(tabular)
        ),
        DefaultSource(
            [pcs.csv_path, pcs.db_path], icd10pcs.release_info(pcs), lambda: icd10pcs.parse_pcs(pcs)
        ),
    ]


def _up_to_date(path: Path, source_digest: str) -> bool:
    if not path.exists():
        return False
    try:
        snapshot = Snapshot(path)
    except (SnapshotFormatError, sqlite3.DatabaseError, KeyError):  # unreadable: rebuild
        return False
    snapshot.close()
    return snapshot.meta.source_digest == source_digest


def import_defaults(data_dir: Path, *, force: bool = False) -> list[Path]:
    """Build every default snapshot that is missing or stale; return all their paths."""
    built = []
    for source in default_sources():
        path = snapshot_path(data_dir, system=source.info.system, release=source.info.release)
        source_digest = digest(source.files)
        if not force and _up_to_date(path, source_digest):
            log.info("%s %s is up to date", source.info.system, source.info.release)
        else:
            path = write_snapshot(
                data_dir=data_dir,
                info=source.info,
                nodes=source.parse(),
                source_digest=source_digest,
            )
        built.append(path)
    return built
