"""Serve new snapshots and data sets without a restart, by watching the data dir.

`medcode import` writes each release atomically (a temporary file renamed into place), so a
cheap stat of the release files every few seconds sees a new or replaced file only once it
is complete. A change opens a fresh catalog beside the one being served and swaps both
catalogs into the servicer at once; releases served for the first time, or imported again
from changed files, are announced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from medcode_codes.datasets.store import DatasetCatalog
from medcode_codes.release_events import Release
from medcode_codes.service import CodesServicer
from medcode_codes.snapshot.releases import ReleaseCatalog

log = logging.getLogger(__name__)

Announce = Callable[[Iterable[Release]], Awaitable[None]]
Signature = tuple[tuple[str, int, int, int], ...]
_PATTERNS = ("snapshots/*/*.sqlite", "datasets/*/*.sqlite")


def signature(data_dir: Path) -> Signature:
    """Name, size, mtime and inode of every release file: changes whenever an import lands."""
    found = []
    for pattern in _PATTERNS:
        for path in data_dir.glob(pattern):
            with contextlib.suppress(FileNotFoundError):  # replaced while we looked
                stat = path.stat()
                found.append(
                    (str(path.relative_to(data_dir)), stat.st_size, stat.st_mtime_ns, stat.st_ino)
                )
    return tuple(sorted(found))


def served(catalog: ReleaseCatalog) -> dict[Release, str]:
    """(system, release) of every snapshot in `catalog`, with the digest of its sources."""
    return {(s.meta.system, s.meta.release): s.meta.source_digest for s in catalog.all()}


class ReleaseWatcher:
    """Polls the data dir and swaps new catalogs into the servicer."""

    def __init__(
        self,
        *,
        data_dir: Path,
        servicer: CodesServicer,
        catalog: ReleaseCatalog,
        announce: Announce | None = None,
    ) -> None:
        self._data_dir = data_dir
        self._servicer = servicer
        self.announce = announce
        self._signature = signature(data_dir)
        self.serving = served(catalog)
        self.swaps = 0

    async def check(self) -> set[Release]:
        """Swap in the data dir's releases if any file changed; return releases new to us
        (or whose files changed)."""
        current = await asyncio.to_thread(signature, self._data_dir)
        if current == self._signature:
            return set()
        self._signature = current
        try:
            catalog, datasets = await asyncio.to_thread(self._open)
        except Exception:  # a bad file must not take the service down; keep the old data
            log.exception(
                "new files under %s could not be opened; still serving the old ones", self._data_dir
            )
            return set()
        self._servicer.replace_data(catalog=catalog, datasets=datasets)
        now = served(catalog)
        # A release imported again from changed files is news too: copies must rebuild.
        new = {release for release, digest in now.items() if self.serving.get(release) != digest}
        self.serving = now
        self.swaps += 1
        log.info(
            "serving %d release(s) from %s; new: %s",
            len(now),
            self._data_dir,
            sorted(new) or "none",
        )
        if new and self.announce is not None:
            await self.announce(new)
        return new

    def _open(self) -> tuple[ReleaseCatalog, DatasetCatalog]:
        return ReleaseCatalog.open_dir(self._data_dir), DatasetCatalog.open_dir(self._data_dir)

    async def run(self, *, every: float, stop: asyncio.Event) -> None:
        """Announce what is served at start, then check every `every` seconds until `stop`."""
        if self.announce is not None:
            await self.announce(self.serving)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if not stop.is_set():
                try:
                    await self.check()
                except Exception:  # e.g. the data dir vanished: log, keep serving, keep polling
                    log.exception("checking %s for new releases failed", self._data_dir)
