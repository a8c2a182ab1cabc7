"""Protobuf replies to the JSON shapes in `schemas`, built as plain dicts for speed."""

from __future__ import annotations

from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import SYSTEM_TO_PROTO

SYSTEM_NAMES: dict[str, int] = {system.value: number for system, number in SYSTEM_TO_PROTO.items()}
SYSTEM_BY_ENUM = {value: name for name, value in SYSTEM_NAMES.items()}

NOTE_GROUPS = {
    pb.NOTE_TYPE_INCLUDES: "includes",
    pb.NOTE_TYPE_INCLUSION_TERM: "inclusion_terms",
    pb.NOTE_TYPE_EXCLUDES1: "excludes1",
    pb.NOTE_TYPE_EXCLUDES2: "excludes2",
    pb.NOTE_TYPE_CODE_FIRST: "code_first",
    pb.NOTE_TYPE_USE_ADDITIONAL_CODE: "use_additional_code",
    pb.NOTE_TYPE_CODE_ALSO: "code_also",
    pb.NOTE_TYPE_NOTE: "notes",
    pb.NOTE_TYPE_SEVENTH_CHARACTER_NOTE: "seventh_character_notes",
}

STATUS_NAMES = {
    pb.VALIDATION_STATUS_BILLABLE: "billable",
    pb.VALIDATION_STATUS_NOT_BILLABLE: "not_billable",
    pb.VALIDATION_STATUS_NOT_FOUND: "not_found",
    pb.VALIDATION_STATUS_MALFORMED: "malformed",
}


def summary(node: pb.CodeSummary) -> dict[str, Any]:
    """A CodeSummaryOut."""
    return {"code": node.code, "title": node.title, "kind": node.kind, "billable": node.billable}


def code(message: pb.Code) -> dict[str, Any]:
    """A CodeOut: notes grouped by type, each with the code it comes from."""
    notes: dict[str, list[dict[str, Any]]] = {}
    for note in message.notes:
        notes.setdefault(NOTE_GROUPS.get(note.type, "notes"), []).append(
            {"text": note.text, "source": note.source_code, "inherited": note.inherited}
        )
    out: dict[str, Any] = {
        "system": SYSTEM_BY_ENUM[message.system],
        "code": message.code,
        "title": message.title,
        "kind": message.kind,
        "billable": message.billable,
        "release": message.release,
        "parent": summary(message.parent) if message.HasField("parent") else None,
        "ancestors": [summary(a) for a in message.ancestors],
        "children": [summary(c) for c in message.children],
        "notes": notes,
        "seventh_characters": [
            {
                "character": s.character,
                "description": s.description,
                "notes": list(s.notes),
                "source": s.source_code,
            }
            for s in message.seventh_characters
        ],
    }
    out.update(reference_data(message))
    if message.system == pb.CODE_SYSTEM_ICD10PCS:
        out["pcs_axes"] = [
            {"position": a.position, "name": a.name, "value": a.value, "label": a.label}
            for a in message.pcs_axes
        ]
        root = message.root_operation if message.HasField("root_operation") else None
        out["root_operation"] = (
            {
                "name": root.name,
                "definition": root.definition,
                "explanation": root.explanation,
                "examples": root.examples,
            }
            if root
            else None
        )
    return out


def verdict(message: pb.CodeVerdict) -> dict[str, Any]:
    """A VerdictOut."""
    return {
        "input": message.input,
        "code": message.code or None,
        "status": STATUS_NAMES.get(message.status, "malformed"),
        "valid": message.valid,
        "billable": message.billable,
        "title": message.title or None,
        "message": message.message,
        "suggestions": [summary(s) for s in message.suggestions],
    }


def release(message: pb.Release) -> dict[str, Any]:
    """A ReleaseOut."""
    return {
        "system": SYSTEM_BY_ENUM[message.system],
        "release": message.release,
        "effective_date": message.effective_date,
        "code_count": message.code_count,
        "billable_count": message.billable_count,
        "source": message.source,
    }


def fields(message: Any) -> dict[str, Any]:
    """Every field of a flat message, by name (scalars only)."""
    return {field.name: getattr(message, field.name) for field in message.DESCRIPTOR.fields}


def gem(message: pb.GemMapping) -> dict[str, Any]:
    """A GemMappingOut."""
    return fields(message)


def mue(message: pb.MueValue) -> dict[str, Any]:
    """A MueOut."""
    return fields(message)


def dataset_status(message: pb.DatasetStatus) -> dict[str, Any]:
    """A DatasetStatusOut."""
    return fields(message)


def index_entry(message: pb.IndexEntry) -> dict[str, Any]:
    """An alphabetic index line, with the path written as coders read it."""
    path = list(message.path)
    return {
        "index": message.index,
        "text": ", ".join([*path, message.column] if message.column else path),
        "path": path,
        "column": message.column or None,
        "modifiers": list(message.modifiers),
        "code": message.code,
        "incomplete": message.incomplete,
        "release": message.release,
    }


#: The amounts each NA indicator withdraws: a setting that is not applicable has no PE RVU,
#: no total and no payment (null, never a figure or an empty string).
_NOT_APPLICABLE = {
    "nonfacility_not_applicable": (
        "nonfacility_pe_rvu",
        "nonfacility_total",
        "nonfacility_payment",
    ),
    "facility_not_applicable": ("facility_pe_rvu", "facility_total", "facility_payment"),
}


def fee_row(message: pb.FeeScheduleEntry) -> dict[str, Any]:
    """A FeeScheduleOut: the published row, with a not-applicable setting's amounts null."""
    row: dict[str, Any] = fields(message)
    for flag, amounts in _NOT_APPLICABLE.items():
        if row[flag]:
            row.update(dict.fromkeys(amounts))
    return row


def reference_data(message: pb.Code) -> dict[str, Any]:
    """The data-set sections of a code record: present only for the systems they apply to."""
    out: dict[str, Any] = {}
    if message.system in (pb.CODE_SYSTEM_HCPCS, pb.CODE_SYSTEM_CPT):
        out["fee_schedule"] = [fee_row(e) for e in message.fee_schedule]
        add_on = message.add_on
        out["add_on"] = {
            "is_add_on": add_on.is_add_on,
            "basis": add_on.basis,
            "primary_codes": list(add_on.primary_codes),
            "add_on_codes": list(add_on.add_on_codes),
            "edit_type": add_on.edit_type or None,
            "edit_type_meaning": add_on.edit_type_meaning or None,
        }
        out["mues"] = [mue(m) for m in message.mues]
        out["plain_description"] = message.plain_description or None
        out["attributes"] = dict(message.attributes)
    if message.system == pb.CODE_SYSTEM_ICD10CM:
        out["cc_status"] = fields(message.cc_status) if message.HasField("cc_status") else None
        out["index_entries"] = [index_entry(e) for e in message.index_entries]
    if message.system in (pb.CODE_SYSTEM_ICD10CM, pb.CODE_SYSTEM_ICD10PCS):
        out["gems"] = [gem(g) for g in message.gems]
    if message.datasets:
        out["datasets"] = [dataset_status(d) for d in message.datasets]
    return out
