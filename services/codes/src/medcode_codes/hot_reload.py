"""Serve new snapshots and data sets without a restart, by watching the data dir.

`medcode import` writes each release atomically (a temporary file renamed into place), so a
cheap stat of the release files every few seconds sees a new or replaced file only once it
is complete. A change opens the new or replaced files (unchanged ones are reused) and swaps
fresh catalogs into the servicer at once; code-set releases and data sets served for the
first time, or imported again from changed files, are announced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable

from medcode_codes.data_files import DataDirFiles, Loaded, signature
from medcode_codes.release_events import Announcement, ReleaseKey, served
from medcode_codes.service import CodesServicer

log = logging.getLogger(__name__)

Announce = Callable[[Iterable[Announcement]], Awaitable[None]]


def changes(
    before: dict[ReleaseKey, Announcement], now: dict[ReleaseKey, Announcement]
) -> list[Announcement]:
    """Releases in `now` that are new, or whose digest differs from `before` (replaced)."""
    found = []
    for key, announcement in sorted(now.items()):
        previous = before.get(key)
        if previous is None:
            found.append(announcement)
        elif previous.content_digest != announcement.content_digest:
            found.append(announcement.as_replacement())
    return found


class ReleaseWatcher:
    """Polls the data dir and swaps new catalogs into the servicer."""

    def __init__(
        self,
        *,
        files: DataDirFiles,
        loaded: Loaded,
        servicer: CodesServicer,
        announce: Announce | None = None,
    ) -> None:
        self._files = files
        self._servicer = servicer
        self.announce = announce
        self._signature = loaded.signature
        self.serving = served(loaded)
        self.swaps = 0

    async def check(self) -> list[Announcement]:
        """Swap in the data dir's releases if any file changed; return the releases new to
        us or imported again from changed files."""
        current = await asyncio.to_thread(signature, self._files.data_dir)
        if current == self._signature:
            return []
        try:
            loaded = await asyncio.to_thread(self._files.load)
        except Exception:  # a bad file must not take the service down; keep the old data
            self._signature = current  # and do not retry it until something else changes
            log.exception(
                "new files under %s could not be opened; still serving the old ones",
                self._files.data_dir,
            )
            return []
        self._signature = loaded.signature
        self._servicer.replace_data(catalog=loaded.catalog, datasets=loaded.datasets)
        now = served(loaded)
        # A release imported again from changed files is news too: copies must rebuild.
        new = changes(self.serving, now)
        self.serving = now
        self.swaps += 1
        log.info(
            "serving %d release(s) from %s (%d file(s) opened); new: %s",
            len(now),
            self._files.data_dir,
            loaded.opened,
            [a.key for a in new] or "none",
        )
        if new and self.announce is not None:
            await self.announce(new)
        return new

    async def run(self, *, every: float, stop: asyncio.Event) -> None:
        """Announce what is served at start, then check every `every` seconds until `stop`."""
        if self.announce is not None:
            await self.announce(self.serving.values())
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if not stop.is_set():
                try:
                    await self.check()
                except Exception:  # e.g. the data dir vanished: log, keep serving, keep polling
                    log.exception("checking %s for new releases failed", self._files.data_dir)
