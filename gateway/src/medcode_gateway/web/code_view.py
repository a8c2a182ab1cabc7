"""A code record as the code page shows it: sections in reading order, in plain words.

Built once per code and release (the rendered result is cached), so nothing here depends on
who is looking; `code_page` decides which sections a visitor may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import PROTO_TO_SYSTEM

NOTE_HEADINGS = {
    pb.NOTE_TYPE_INCLUDES: "Includes",
    pb.NOTE_TYPE_INCLUSION_TERM: "Inclusion terms",
    pb.NOTE_TYPE_EXCLUDES1: "Excludes1 (never reported together)",
    pb.NOTE_TYPE_EXCLUDES2: "Excludes2 (not included here; both may be reported)",
    pb.NOTE_TYPE_CODE_FIRST: "Code first",
    pb.NOTE_TYPE_USE_ADDITIONAL_CODE: "Use additional code",
    pb.NOTE_TYPE_CODE_ALSO: "Code also",
    pb.NOTE_TYPE_NOTE: "General notes",
    pb.NOTE_TYPE_SEVENTH_CHARACTER_NOTE: "7th character notes",
}
CHANGE_WORDS = {
    pb.CODE_CHANGE_ADDED: "new in this release",
    pb.CODE_CHANGE_TITLE_REVISED: "title revised",
    pb.CODE_CHANGE_NOTES_CHANGED: "notes changed",
    pb.CODE_CHANGE_DELETED: "deleted",
    pb.CODE_CHANGE_BILLABLE_CHANGED: "billable status changed",
}
MUE_KINDS = ("mue-practitioner", "mue-outpatient-hospital", "mue-dme")
INDEX_KINDS = ("icd10cm-index", "icd10cm-eindex", "icd10cm-neoplasm", "icd10cm-drug")
#: What the placeholder X means, shown with every 7th-character table.
PLACEHOLDER_X = (
    "A 7th character is always the 7th character of the code. When the code has fewer than "
    "six characters, fill each empty position with the placeholder X first "
    "(e.g. T36.0X1A: T36.0 + X + 1 + A)."
)
#: Data sets as a reader knows them (the service's sentences also tell operators what to run).
DATASET_NAMES = {
    "pfs-rvu": "the Medicare Physician Fee Schedule (PFS RVU file)",
    "ncci-aoc": "the NCCI add-on code edits",
    "msdrg-cc": "the MS-DRG CC/MCC tables",
    "gems": "the GEMs crosswalk",
    "mue-practitioner": "the MUE table for practitioners",
    "mue-outpatient-hospital": "the MUE table for outpatient hospitals",
    "mue-dme": "the MUE table for DME suppliers",
    "icd10cm-index": "the Index to Diseases and Injuries",
    "icd10cm-eindex": "the External Cause of Injuries Index",
    "icd10cm-neoplasm": "the Table of Neoplasms",
    "icd10cm-drug": "the Table of Drugs and Chemicals",
}
MODIFIER_NAMES = {"": "Global", "26": "Professional component (26)", "TC": "Technical (TC)"}


def summary(node: pb.CodeSummary) -> dict[str, Any]:
    """A link to another code."""
    return {"code": node.code, "title": node.title, "kind": node.kind, "billable": node.billable}


def _unloaded(datasets: Iterable[pb.DatasetStatus], kinds: Iterable[str]) -> list[str]:
    """The names of the data sets among `kinds` that this installation has not loaded."""
    wanted = set(kinds)
    return [
        DATASET_NAMES.get(d.kind, d.kind) for d in datasets if d.kind in wanted and not d.loaded
    ]


def _loaded(datasets: Iterable[pb.DatasetStatus], kinds: Iterable[str]) -> list[str]:
    wanted = set(kinds)
    return [f"{d.kind} {d.release}" for d in datasets if d.kind in wanted and d.loaded]


def note_groups(code: pb.Code) -> list[dict[str, Any]]:
    """Notes grouped by type in the order types are read, each with where it is written."""
    titles = {a.code: a.title for a in code.ancestors}
    groups: dict[int, list[dict[str, Any]]] = {}
    for note in code.notes:
        groups.setdefault(note.type, []).append(
            {
                "text": note.text,
                "source": note.source_code,
                "source_title": titles.get(note.source_code, ""),
                "inherited": note.inherited,
            }
        )
    return [
        {"heading": NOTE_HEADINGS.get(kind, "General notes"), "notes": groups[kind]}
        for kind in NOTE_HEADINGS
        if kind in groups
    ]


def fee_rows(code: pb.Code) -> list[dict[str, Any]]:
    """Fee schedule rows with a not-applicable setting's amounts withheld."""
    rows = []
    for entry in code.fee_schedule:
        rows.append(
            {
                "modifier": MODIFIER_NAMES.get(entry.modifier, entry.modifier),
                "status": entry.status_code,
                "work_rvu": entry.work_rvu,
                "mp_rvu": entry.mp_rvu,
                "global_days": entry.global_days,
                "nonfacility": None
                if entry.nonfacility_not_applicable
                else (entry.nonfacility_pe_rvu, entry.nonfacility_total, entry.nonfacility_payment),
                "facility": None
                if entry.facility_not_applicable
                else (entry.facility_pe_rvu, entry.facility_total, entry.facility_payment),
                "conversion_factor": entry.conversion_factor,
                "release": entry.release,
            }
        )
    return rows


def add_on_family(code: pb.Code) -> dict[str, Any] | None:
    """The primary codes, this code and its add-on codes, or None when it has no family."""
    add_on = code.add_on
    if not (add_on.is_add_on or add_on.add_on_codes):
        return None
    return {
        "is_add_on": add_on.is_add_on,
        "basis": add_on.basis,
        "primary_codes": list(add_on.primary_codes),
        "add_on_codes": list(add_on.add_on_codes),
        "edit_type_meaning": add_on.edit_type_meaning,
    }


def history_rows(history: pb.GetCodeHistoryResponse | None) -> list[dict[str, Any]]:
    """One row per loaded release, oldest first, with what changed in words."""
    if history is None:
        return []
    return [
        {
            "release": entry.release,
            "effective_date": entry.effective_date,
            "present": entry.present,
            "title": entry.title,
            "changes": [CHANGE_WORDS[c] for c in entry.changes if c in CHANGE_WORDS],
            "previous_title": entry.previous_title,
        }
        for entry in history.releases
    ]


def official_description(code: pb.Code) -> tuple[str, str]:
    """(descriptor, notice): the official words, or why they cannot be shown (CPT)."""
    if code.system == pb.CODE_SYSTEM_CPT and code.attributes.get(
        "official_descriptor_available"
    ) not in ("true", "True", "1"):
        notice = code.attributes.get("official_descriptor_notice") or (
            "The official CPT descriptor is shown only where a CPT licence file is loaded."
        )
        return "", notice
    return code.title, ""


def code_view(
    code: pb.Code,
    *,
    neighbours: pb.GetNeighboursResponse | None,
    history: pb.GetCodeHistoryResponse | None,
) -> dict[str, Any]:
    """Everything the code page template reads, as plain values."""
    system = PROTO_TO_SYSTEM[code.system]
    datasets = list(code.datasets)
    descriptor, descriptor_notice = official_description(code)
    history_list = history_rows(history)
    return {
        "system": system.value,
        "system_label": system.label,
        "code": code.code,
        "title": code.title,
        "kind": code.kind,
        "billable": code.billable,
        "release": code.release,
        "official": descriptor,
        "official_notice": descriptor_notice,
        "plain": code.plain_description,
        "ancestors": [summary(a) for a in code.ancestors],
        "children": [summary(c) for c in code.children],
        "note_groups": note_groups(code),
        "seventh": [
            {
                "character": s.character,
                "description": s.description,
                "notes": list(s.notes),
                "source": s.source_code,
            }
            for s in code.seventh_characters
        ],
        "placeholder_x": PLACEHOLDER_X,
        "pcs_axes": [
            {"position": a.position, "name": a.name, "value": a.value, "label": a.label}
            for a in code.pcs_axes
        ],
        "root_operation": (
            {"name": code.root_operation.name, "definition": code.root_operation.definition}
            if code.HasField("root_operation") and code.root_operation.name
            else None
        ),
        "procedure": system.value in ("hcpcs", "cpt"),
        "diagnosis": system.value == "icd10cm",
        "add_on": add_on_family(code),
        "aoc_missing": _unloaded(datasets, ["ncci-aoc"]),
        "fees": fee_rows(code),
        "fees_missing": _unloaded(datasets, ["pfs-rvu"]),
        "mues": [
            {
                "setting": m.setting.replace("_", " "),
                "value": m.value,
                "indicator": m.adjudication_indicator,
                "meaning": m.adjudication_description,
                "release": m.release,
            }
            for m in code.mues
        ],
        "mues_missing": _unloaded(datasets, MUE_KINDS),
        "cc": (
            {
                "level": code.cc_status.level,
                "condition": code.cc_status.condition,
                "excluded_by_count": code.cc_status.excluded_by_count,
                "release": code.cc_status.release,
            }
            if code.HasField("cc_status")
            else None
        ),
        "cc_loaded": _loaded(datasets, ["msdrg-cc"]),
        "cc_missing": _unloaded(datasets, ["msdrg-cc"]),
        "gems": [
            {
                "direction": f"{g.source_system} {g.source} to {g.target_system}",
                "target": g.target,
                "target_title": g.target_title,
                "flags": ", ".join(
                    word
                    for word, on in (
                        ("approximate", g.approximate),
                        ("no map", g.no_map),
                        ("combination", g.combination),
                    )
                    if on
                ),
            }
            for g in code.gems
        ],
        "gems_missing": _unloaded(datasets, ["gems"]),
        "index_entries": [
            {"index": e.index, "text": ", ".join([*e.path, e.column] if e.column else e.path)}
            for e in code.index_entries
        ],
        "index_loaded": _loaded(datasets, INDEX_KINDS),
        "index_missing": _unloaded(datasets, INDEX_KINDS),
        "previous": summary(neighbours.previous)
        if neighbours and neighbours.HasField("previous")
        else None,
        "next": summary(neighbours.next) if neighbours and neighbours.HasField("next") else None,
        "history": history_list if len(history_list) > 1 else [],
    }
