"""Snapshot rows to protobuf messages, in one place so every RPC renders codes the same way."""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.snapshot.reader import CodeRecord, NodeRow, Snapshot
from medcode_common.codesystems import System

NOTE_TYPE_TO_PB = {
    "includes": pb.NOTE_TYPE_INCLUDES,
    "inclusionTerm": pb.NOTE_TYPE_INCLUSION_TERM,
    "excludes1": pb.NOTE_TYPE_EXCLUDES1,
    "excludes2": pb.NOTE_TYPE_EXCLUDES2,
    "codeFirst": pb.NOTE_TYPE_CODE_FIRST,
    "useAdditionalCode": pb.NOTE_TYPE_USE_ADDITIONAL_CODE,
    "codeAlso": pb.NOTE_TYPE_CODE_ALSO,
    "notes": pb.NOTE_TYPE_NOTE,
    "sevenChrNote": pb.NOTE_TYPE_SEVENTH_CHARACTER_NOTE,
}

STATUS_TO_PB = {
    "billable": pb.VALIDATION_STATUS_BILLABLE,
    "not_billable": pb.VALIDATION_STATUS_NOT_BILLABLE,
    "not_found": pb.VALIDATION_STATUS_NOT_FOUND,
    "malformed": pb.VALIDATION_STATUS_MALFORMED,
}


def summary(node: NodeRow) -> pb.CodeSummary:
    """The link-sized view of a node."""
    return pb.CodeSummary(code=node.code, title=node.title, kind=node.kind, billable=node.billable)


def _pcs_fields(message: pb.Code, node: NodeRow) -> None:
    for axis in node.extra.get("axes", ()):
        message.pcs_axes.add(
            position=axis["position"], name=axis["name"], value=axis["value"], label=axis["label"]
        )
    if node.extra.get("root_operation"):
        _root_operation(message, node)


def full_code(
    record: CodeRecord, *, system: System, release: str, content_digest: str = ""
) -> pb.Code:
    """A code page's record: hierarchy, notes (own and inherited), 7th characters, axes."""
    node = record.node
    message = pb.Code(
        system=system.proto,
        code=node.code,
        title=node.title,
        kind=node.kind,
        billable=node.billable,
        release=release,
        ancestors=[summary(a) for a in record.ancestors],
        children=[summary(c) for c in record.children],
        content_digest=content_digest,
    )
    if record.ancestors:
        message.parent.CopyFrom(summary(record.ancestors[-1]))
    for note in record.notes:
        message.notes.add(
            type=NOTE_TYPE_TO_PB.get(note.type, pb.NOTE_TYPE_NOTE),
            text=note.text,
            source_code=note.source_code,
            inherited=note.inherited,
        )
    for seventh in record.seventh_characters:
        message.seventh_characters.add(
            character=seventh.character,
            description=seventh.description,
            source_code=seventh.source_code,
            notes=seventh.notes,
        )
    _pcs_fields(message, node)
    if system in (System.HCPCS, System.CPT):
        _procedure_attributes(message, node)
    if not message.HasField("root_operation"):
        for above in reversed(record.ancestors):
            if above.extra.get("root_operation"):
                _root_operation(message, above)
                break
    return message


def _root_operation(message: pb.Code, node: NodeRow) -> None:
    root = node.extra["root_operation"]
    message.root_operation.CopyFrom(
        pb.RootOperation(
            name=root.get("name") or "",
            definition=root.get("definition") or "",
            explanation=root.get("explanation") or "",
            examples=root.get("examples") or "",
        )
    )


def export_code(snapshot: Snapshot, node: NodeRow, *, system: System) -> pb.Code:
    """An export record: the node with its own notes and parent, no inherited notes."""
    message = pb.Code(
        system=system.proto,
        code=node.code,
        title=node.title,
        kind=node.kind,
        billable=node.billable,
        release=snapshot.meta.release,
    )
    if node.parent is not None:
        message.parent.code = node.parent
    for note_type, text in snapshot.own_notes(node.code):
        message.notes.add(
            type=NOTE_TYPE_TO_PB.get(note_type, pb.NOTE_TYPE_NOTE),
            text=text,
            source_code=node.code,
        )
    _pcs_fields(message, node)
    return message


def _procedure_attributes(message: pb.Code, node: NodeRow) -> None:
    """HCPCS/CPT extras: our plain description, add-on flag, scalar attributes as text."""
    extra = node.extra
    message.plain_description = extra.get("plain_description") or ""
    if extra.get("add_on"):
        message.add_on.CopyFrom(pb.AddOnStatus(is_add_on=True, basis="MedCode CPT starter set"))
    for key, value in extra.items():
        if key in {"plain_description", "add_on"} or value in (None, "", [], {}):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        message.attributes[key] = text
