"""Protobuf replies to the JSON shapes in `schemas`, built as plain dicts for speed."""

from __future__ import annotations

from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb

SYSTEM_NAMES = {
    "icd10cm": pb.CODE_SYSTEM_ICD10CM,
    "icd10pcs": pb.CODE_SYSTEM_ICD10PCS,
    "hcpcs": pb.CODE_SYSTEM_HCPCS,
    "cpt": pb.CODE_SYSTEM_CPT,
}
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
            {"character": s.character, "description": s.description, "source": s.source_code}
            for s in message.seventh_characters
        ],
    }
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
