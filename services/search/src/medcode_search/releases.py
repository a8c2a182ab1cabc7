"""Which release of each code system a search reads: the newest, a named one, or the one in
force on a date (a claim's date of service is coded with the code set of that day)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class IndexedRelease:
    """One release held in the search index."""

    system: str  # "icd10cm"
    release: str  # its name, e.g. "2026-04-01"
    effective: str  # ISO date it takes effect ("" when the codes service does not say)
    #: Digest of the files the codes service built it from: a release imported again from
    #: changed files (corrected data, reworded CPT starter text) is a different index.
    digest: str = ""


class ReleaseNotFound(LookupError):
    """No searched system has the release asked for (gRPC NOT_FOUND)."""


def parse_as_of(text: str) -> str:
    """The ISO date `text` names, or ValueError saying what is expected."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"as_of must be an ISO date (YYYY-MM-DD), not {text[:40]!r}")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"as_of {text!r} is not a calendar date") from None


def newest_first(indexed: Iterable[IndexedRelease]) -> dict[str, list[IndexedRelease]]:
    """Per system, its releases by effective date, newest first (ties keep their order)."""
    by_system: dict[str, list[IndexedRelease]] = {}
    for release in indexed:
        by_system.setdefault(release.system, []).append(release)
    for releases in by_system.values():
        releases.sort(key=lambda r: r.effective, reverse=True)
    return by_system


def choose(
    indexed: Sequence[IndexedRelease],
    *,
    systems: Sequence[str] = (),
    release: str = "",
    as_of: str = "",
) -> dict[str, str]:
    """system -> the release to search, for the searched systems (all when none are named).

    With neither `release` nor `as_of`, each system's newest release; a system with no
    release indexed is left out (its search finds nothing). ValueError for both at once or a
    bad date; ReleaseNotFound when a named release or date matches no searched system.
    """
    if release and as_of:
        raise ValueError("give release or as_of, not both")
    by_system = newest_first(indexed)
    wanted = [s for s in (systems or sorted(by_system)) if s in by_system]
    if release:
        # Names match whatever their case, as the codes service matches them ("STARTER-2025").
        named = release.casefold()
        chosen = {
            s: r.release for s in wanted for r in by_system[s] if r.release.casefold() == named
        }
        if not chosen:
            raise ReleaseNotFound(f"no release {release!r} is indexed; {_listing(by_system)}")
        return chosen
    if as_of:
        day = parse_as_of(as_of)
        chosen = {}
        for system in wanted:
            in_force = [r for r in by_system[system] if r.effective and r.effective <= day]
            if in_force:
                chosen[system] = in_force[0].release
        if not chosen:
            raise ReleaseNotFound(f"no indexed release is in force on {day}; {_listing(by_system)}")
        return chosen
    return {s: by_system[s][0].release for s in wanted}


def _listing(by_system: dict[str, list[IndexedRelease]]) -> str:
    parts = [
        f"{r.system} {r.release} (from {r.effective or 'unknown'})"
        for releases in by_system.values()
        for r in releases
    ]
    return "indexed: " + (", ".join(parts) if parts else "none")
