"""The official definition of a PCS root operation, read from a PCS table's own record, so a
root-operation answer quotes CMS's words next to the knowledge base's explanation."""

from __future__ import annotations

from medcode_assistant.grounding import Grounding
from medcode_assistant.knowledge_port import KnowledgeEntry
from medcode_common.codesystems import System

_PCS_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Medical and surgical body systems that between them use every root operation (GI, anatomical
# regions, heart, nervous, subcutaneous, lower joints, lower bones, upper arteries).
_BODY_SYSTEMS = "DW20JSQ3"


def root_character(ctx: Grounding, entry: KnowledgeEntry) -> str:
    """The 3rd character the knowledge base gives this root operation entry, or ""."""
    if ctx.knowledge is None:
        return ""
    return next(
        (c for c in _PCS_CHARACTERS if ctx.knowledge.root_operation(c) is entry),
        "",
    )


async def official_definition(ctx: Grounding, entry: KnowledgeEntry) -> bool:
    """Quote the root operation's definition from the first medical and surgical table that
    has it (e.g. 0DQ for Repair); False when no such table is loaded."""
    character = root_character(ctx, entry)
    if not character:
        return False
    for body_system in _BODY_SYSTEMS:
        record = await ctx.lookup.get_code(System.ICD10PCS, f"0{body_system}{character}")
        if record is None or not record.root_operation.definition:
            continue
        ctx.answer.say(
            f"Official definition (ICD-10-PCS table {record.code}, release {record.release}): "
            f"{record.root_operation.name}: {record.root_operation.definition}"
        )
        ctx.answer.cite(
            "root_operation", system=System.ICD10PCS, code=record.code, release=record.release
        )
        return True
    return False
