"""Where a code stands among its neighbours and across loaded releases (for code pages).

A code page links to the codes before and after it and tells a coder what changed in the
code from one loaded release to the next, so a revised title or a new note is never missed.
"""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.convert import summary
from medcode_codes.errors import CodeNotFound
from medcode_codes.snapshot.reader import CodeRecord, Snapshot
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_common.codesystems import System, normalize_code


def neighbours(snapshot: Snapshot, system: System, raw: str) -> pb.GetNeighboursResponse:
    """The codes just before and after `raw` in the snapshot's tabular order."""
    code = normalize_code(system, raw)
    if snapshot.node(code) is None:
        raise CodeNotFound(
            f"{code} is not {system.a_label} code in release {snapshot.meta.release}"
        )
    before, after = snapshot.neighbours(code)
    response = pb.GetNeighboursResponse(release=snapshot.meta.release, code=code)
    if before is not None:
        response.previous.CopyFrom(summary(before))
    if after is not None:
        response.next.CopyFrom(summary(after))
    return response


def _notes(record: CodeRecord) -> tuple[tuple[str, str, str], ...]:
    """What a coder reads as the code's notes: type, text and where each is written."""
    return tuple((n.type, n.text, n.source_code) for n in record.notes)


def changes(before: CodeRecord | None, after: CodeRecord | None) -> list[pb.CodeChange]:
    """How `after` (a newer release's record, None when absent) differs from `before`."""
    if before is None and after is None:
        return []
    if before is None:
        return [pb.CODE_CHANGE_ADDED]
    if after is None:
        return [pb.CODE_CHANGE_DELETED]
    found = []
    if before.node.title != after.node.title:
        found.append(pb.CODE_CHANGE_TITLE_REVISED)
    if before.node.billable != after.node.billable:
        found.append(pb.CODE_CHANGE_BILLABLE_CHANGED)
    if _notes(before) != _notes(after):
        found.append(pb.CODE_CHANGE_NOTES_CHANGED)
    return found


def history(catalog: ReleaseCatalog, system: System, raw: str) -> pb.GetCodeHistoryResponse:
    """The code in every loaded release of its system, oldest first, with what changed."""
    code = normalize_code(system, raw)
    snapshots = list(reversed(catalog.all(system)))  # the catalog lists newest first
    records = [snapshot.record(code) for snapshot in snapshots]
    if not any(records):
        loaded = ", ".join(s.meta.release for s in snapshots) or "none"
        raise CodeNotFound(f"{code} is not {system.a_label} code in any loaded release ({loaded})")
    response = pb.GetCodeHistoryResponse(code=code)
    previous: CodeRecord | None = None
    for index, (snapshot, record) in enumerate(zip(snapshots, records, strict=True)):
        entry = response.releases.add(
            release=snapshot.meta.release,
            effective_date=snapshot.meta.effective_date.isoformat(),
            present=record is not None,
            title=record.node.title if record else "",
            billable=bool(record and record.node.billable),
        )
        if index > 0:
            entry.changes.extend(changes(previous, record))
            if pb.CODE_CHANGE_TITLE_REVISED in entry.changes and previous is not None:
                entry.previous_title = previous.node.title
        previous = record
    return response
