"""An earlier, small ICD-10-CM release beside the real one, for tests of what changed.

Built from the real snapshot's rows for a handful of codes (with their ancestors), then
changed the ways releases change: a revised title, a note that was later removed, a code
that is new in the real release and one that the real release deleted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from medcode_codes.importers.records import NodeRecord, NoteRecord, ReleaseInfo, SeventhCharacter
from medcode_codes.snapshot.reader import NodeRow, Snapshot
from medcode_codes.snapshot.writer import write_snapshot

EARLIER_RELEASE = "2025-10-01"
#: Same in both releases.
UNCHANGED_CODE = "E11.8"
#: Title worded differently in the earlier release.
REVISED_CODE = "E11.9"
EARLIER_TITLE = "Type 2 diabetes mellitus without complication (earlier wording)"
#: Carries a note in the earlier release that the real one does not have.
NOTES_CHANGED_CODE = "E11.65"
EARLIER_NOTE = "An earlier release's note, removed since"
#: In the real release only.
ADDED_CODE = "E11.A"
#: In the earlier release only.
DELETED_CODE = "E11.99"
DELETED_TITLE = "Type 2 diabetes mellitus, code retired after the earlier release"
_KEPT = (UNCHANGED_CODE, REVISED_CODE, NOTES_CHANGED_CODE)


def _node(snapshot: Snapshot, row: NodeRow) -> NodeRecord:
    notes = tuple(NoteRecord(t, text) for t, text in snapshot.own_notes(row.code))
    sevenths = tuple(
        SeventhCharacter(c, d, n) for c, d, n in snapshot.own_seventh_characters(row.code)
    )
    title = EARLIER_TITLE if row.code == REVISED_CODE else row.title
    if row.code == NOTES_CHANGED_CODE:
        notes += (NoteRecord("notes", EARLIER_NOTE),)
    return NodeRecord(row.code, title, row.kind, row.billable, row.parent, notes, sevenths)


def write_earlier_icd10cm_release(data_dir: Path, real: Snapshot) -> Path:
    """Write the earlier release into `data_dir` (beside `real`, the current one)."""
    nodes: dict[str, NodeRecord] = {}
    for code in _KEPT:
        row = real.node(code)
        if row is None:
            raise LookupError(f"{code} is not in {real.path}")
        for above in (*real.ancestors(row), row):
            nodes.setdefault(above.code, _node(real, above))
    nodes[DELETED_CODE] = NodeRecord(DELETED_CODE, DELETED_TITLE, "code", True, "E11")
    info = ReleaseInfo(
        system="icd10cm",
        release=EARLIER_RELEASE,
        effective_date=dt.date.fromisoformat(EARLIER_RELEASE),
        source="medcode_codes.testing_releases (a test release)",
    )
    return write_snapshot(
        data_dir=data_dir, info=info, nodes=list(nodes.values()), source_digest="earlier"
    )


#: A HCPCS code whose title tries to inject markup into any page that shows it.
HOSTILE_CODE = "A9999"
HOSTILE_TITLE = 'Supply <script>alert("x")</script> & </script><b>bold</b> "quoted"'


def write_hostile_hcpcs_release(data_dir: Path) -> Path:
    """A one-code HCPCS release whose title is markup, for escaping tests."""
    info = ReleaseInfo(
        system="hcpcs",
        release="2026-01-01",
        effective_date=dt.date(2026, 1, 1),
        source="medcode_codes.testing_releases (a test release)",
    )
    node = NodeRecord(HOSTILE_CODE, HOSTILE_TITLE, "code", True, None)
    return write_snapshot(data_dir=data_dir, info=info, nodes=[node], source_digest="hostile")
