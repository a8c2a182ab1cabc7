"""The release files of a data dir, each opened once and reused while it is unchanged.

A hot reload after one import must not reopen (and lose the warm caches of) every other
release, and must let go of a replaced file at once: importers rename a new file into
place, so a replaced file keeps its old inode open for as long as anything refers to it.
Each opened file is tagged with the stat taken *before* opening it, so a file replaced
while it was being opened is seen as changed at the next look and opened again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from medcode_codes.datasets.store import Dataset, DatasetCatalog
from medcode_codes.snapshot.reader import Snapshot
from medcode_codes.snapshot.releases import ReleaseCatalog

log = logging.getLogger(__name__)

#: (path under the data dir, size, mtime in ns, inode) of one release file.
FileStat = tuple[str, int, int, int]
Signature = tuple[FileStat, ...]
SNAPSHOT_FILES = "snapshots/*/*.sqlite"
DATASET_FILES = "datasets/*/*.sqlite"


def _stats(data_dir: Path, pattern: str) -> list[tuple[Path, FileStat]]:
    found = []
    for path in sorted(data_dir.glob(pattern)):
        with contextlib.suppress(FileNotFoundError):  # replaced or removed while we looked
            stat = path.stat()
            relative = str(path.relative_to(data_dir))
            found.append((path, (relative, stat.st_size, stat.st_mtime_ns, stat.st_ino)))
    return found


def signature(data_dir: Path) -> Signature:
    """Name, size, mtime and inode of every release file: changes whenever an import lands."""
    stats = _stats(data_dir, SNAPSHOT_FILES) + _stats(data_dir, DATASET_FILES)
    return tuple(sorted(stat for _path, stat in stats))


@dataclass(frozen=True, slots=True)
class Loaded:
    """Catalogs of every release file, and the stats they were opened at."""

    catalog: ReleaseCatalog
    datasets: DatasetCatalog
    signature: Signature
    opened: int


class DataDirFiles:
    """Opens a data dir's snapshots and data sets, reusing files unchanged since last time."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._open: dict[FileStat, Snapshot | Dataset] = {}

    def _reuse_or_open(
        self, pattern: str, opener: Callable[[Path], Snapshot | Dataset]
    ) -> dict[FileStat, Snapshot | Dataset]:
        return {
            stat: self._open.get(stat) or opener(path)
            for path, stat in _stats(self.data_dir, pattern)
        }

    def load(self) -> Loaded:
        """Open what is new or replaced, reuse the rest; raises if a new file is unreadable
        (and then keeps what it had, so the caller can go on serving it)."""
        snapshots = self._reuse_or_open(SNAPSHOT_FILES, Snapshot)
        datasets = self._reuse_or_open(DATASET_FILES, Dataset)
        opened = sum(1 for stat in (*snapshots, *datasets) if stat not in self._open)
        # Dropping the replaced objects here (and the servicer dropping its catalogs) frees
        # them, which closes their files, once no call in flight still reads them.
        self._open = {**snapshots, **datasets}
        log.info("opened %d release file(s) under %s", opened, self.data_dir)
        return Loaded(
            catalog=ReleaseCatalog([s for s in snapshots.values() if isinstance(s, Snapshot)]),
            datasets=DatasetCatalog([d for d in datasets.values() if isinstance(d, Dataset)]),
            signature=tuple(sorted(self._open)),
            opened=opened,
        )
