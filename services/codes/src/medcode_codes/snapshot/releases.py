"""All loaded snapshots, and the rule that picks one for a request."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from pathlib import Path

from medcode_codes.snapshot.reader import Snapshot
from medcode_common.codesystems import System

log = logging.getLogger(__name__)


class ReleaseNotFound(LookupError):
    """No loaded release matches the request."""


class ReleaseCatalog:
    """Snapshots by system, newest effective date first."""

    def __init__(self, snapshots: list[Snapshot]) -> None:
        by_system: dict[str, list[Snapshot]] = defaultdict(list)
        for snapshot in snapshots:
            by_system[snapshot.meta.system].append(snapshot)
        for found in by_system.values():
            found.sort(key=lambda s: (s.meta.effective_date, s.meta.release), reverse=True)
        self._by_system = dict(by_system)

    @classmethod
    def open_dir(cls, data_dir: Path) -> ReleaseCatalog:
        """Open every ``snapshots/<system>/<release>.sqlite`` under `data_dir`."""
        paths = sorted((data_dir / "snapshots").glob("*/*.sqlite"))
        log.info("opening %d snapshot(s) under %s", len(paths), data_dir)
        return cls([Snapshot(path) for path in paths])

    def all(self, system: System | None = None) -> list[Snapshot]:
        """Loaded snapshots, optionally of one system, newest first within each system."""
        if system is not None:
            return list(self._by_system.get(system.value, []))
        return [s for name in sorted(self._by_system) for s in self._by_system[name]]

    def select(self, system: System, *, release: str = "", as_of: str = "") -> Snapshot:
        """The exact `release`, else the newest effective on `as_of`, else the newest.

        Raises ValueError for a malformed `as_of` and ReleaseNotFound when nothing matches.
        """
        candidates = self._by_system.get(system.value, [])
        if not candidates:
            raise ReleaseNotFound(
                f"no {system.label} release is loaded; "
                "an operator imports one with `medcode import`"
            )
        names = ", ".join(s.meta.release for s in candidates)
        if release:
            for snapshot in candidates:
                if snapshot.meta.release.lower() == release.strip().lower():
                    return snapshot
            raise ReleaseNotFound(f"no {system.label} release {release!r}; loaded: {names}")
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of.strip())
            except ValueError:
                raise ValueError(f"as_of {as_of!r} is not an ISO date (YYYY-MM-DD)") from None
            for snapshot in candidates:
                if snapshot.meta.effective_date <= day:
                    return snapshot
            raise ReleaseNotFound(
                f"no {system.label} release was effective on {day.isoformat()}; loaded: {names}"
            )
        return candidates[0]
