"""Answers from CMS data sets about one code: GEMs both ways, CC/MCC, add-on codes."""

from __future__ import annotations

import grpc

from medcode_assistant.grounding import Grounding, show
from medcode_assistant.resolve import KnownCode
from medcode_common.codesystems import System

_ICD9 = {"icd9cm": "ICD-9-CM", "icd9pcs": "ICD-9-PCS"}
_GEM_FLAGS = (
    ("approximate", "approximate: the target is close, not identical in meaning"),
    ("no_map", "no map: nothing in the other system corresponds"),
    ("combination", "combination: several target codes together express the source"),
)


async def crosswalk_from_icd9(ctx: Grounding, icd9: str) -> None:
    """ICD-9 -> ICD-10 through the GEMs, each target confirmed in the loaded release."""
    from_system = "icd9pcs" if len(icd9.split(".")[0]) == 2 else "icd9cm"
    try:
        reply = await ctx.lookup.crosswalk(from_system, icd9)
    except grpc.aio.AioRpcError as error:
        ctx.answer.say(f"{_ICD9[from_system]} {icd9}: {error.details()}")
        return
    ctx.answer.cite("gems", release=reply.release)
    target_system = System.ICD10PCS if from_system == "icd9pcs" else System.ICD10CM
    if not reply.mappings:
        ctx.answer.say(f"The GEMs ({reply.release}) have no entry for {_ICD9[from_system]} {icd9}.")
        return
    targets = await ctx.valid_only(target_system, [m.target for m in reply.mappings if m.target])
    valid = {known.code: known for known in targets}
    ctx.answer.say(
        f"{_ICD9[from_system]} {icd9} maps to {target_system.label} through the "
        f"GEMs (release {reply.release}):"
    )
    withheld = 0
    for mapping in reply.mappings:
        if mapping.no_map:
            ctx.answer.say("- no map: nothing in ICD-10 corresponds")
            continue
        known = valid.get(mapping.target)
        if known is None:
            withheld += 1
            continue
        ctx.answer.say(f"- {show(known.code, known.title)}{_flags(mapping)}")
    if withheld:
        ctx.answer.say(
            f"{withheld} GEM target(s) are not valid in the loaded release and are not shown."
        )
    _explain_flags(ctx)


async def crosswalk_from_icd10(ctx: Grounding, known: KnownCode) -> None:
    """ICD-10 -> ICD-9 through the backward GEMs."""
    record = await ctx.record(known)
    from_system = "icd10pcs" if known.system is System.ICD10PCS else "icd10cm"
    reply = await ctx.lookup.crosswalk(from_system, known.code)
    ctx.answer.cite("gems", system=known.system, code=known.code, release=reply.release)
    title = record.title if record else known.title
    if not reply.mappings:
        ctx.answer.say(f"The GEMs ({reply.release}) have no entry for {show(known.code, title)}.")
        return
    ctx.answer.say(
        f"{show(known.code, title)} maps back through the GEMs (release {reply.release}) to:"
    )
    for mapping in reply.mappings:
        label = _ICD9.get(mapping.target_system, mapping.target_system)
        what = "no map" if mapping.no_map else f"{label} {mapping.target} {mapping.target_title}"
        ctx.answer.say(f"- {what.strip()}{_flags(mapping)}")
    _explain_flags(ctx)


def _flags(mapping: object) -> str:
    shown = [name.replace("_", " ") for name, _ in _GEM_FLAGS if getattr(mapping, name)]
    scenario = getattr(mapping, "scenario", 0)
    if getattr(mapping, "combination", False) and scenario:
        shown.append(f"scenario {scenario}, choice list {getattr(mapping, 'choice_list', 0)}")
    return f" ({', '.join(shown)})" if shown else ""


def _explain_flags(ctx: Grounding) -> None:
    ctx.answer.say(
        "GEM flags: " + "; ".join(text for _, text in _GEM_FLAGS) + ". A GEM is a "
        "starting point: the code is chosen from the record, not from the map."
    )


async def cc_mcc(ctx: Grounding, known: KnownCode) -> None:
    """CC/MCC level, its exclusions count, and whether a named principal diagnosis excludes it."""
    record = await ctx.record(known)
    if record is None or ctx.not_loaded(record, ["msdrg-cc"]):
        return
    status = record.cc_status
    cite = {"system": known.system, "code": record.code, "release": status.release}
    ctx.answer.cite("cc_mcc", **cite)  # type: ignore[arg-type]
    level = status.level or "neither a CC nor an MCC"
    article = "an " if level == "MCC" else "a " if level == "CC" else ""
    ctx.answer.say(
        f"{show(record.code, record.title)} is {article}**{level}** as a secondary "
        f"diagnosis in MS-DRG {status.release}."
    )
    if status.level:
        ctx.answer.say(
            f"It is excluded (does not count as {status.level}) with "
            f"{status.excluded_by_count} principal diagnoses (PDX exclusion "
            f"collection {status.pdx_collection})."
        )
        if status.discharged_alive_only:
            ctx.answer.say("It counts only when the patient is discharged alive.")
        if status.condition:
            ctx.answer.say(f"Condition: {status.condition}")
    principal = next((k for k in ctx.known[1:] if k.system is System.ICD10CM), None)
    if principal is not None and status.level:
        reply = await ctx.lookup.cc_exclusions(record.code, principal.code)
        ctx.answer.mention(
            System.ICD10CM,
            principal.code,
            title=principal.title,
            billable=principal.billable,
            release=principal.release,
        )
        verdict = "excludes it: it does not count" if reply.excluded else "does not exclude it"
        ctx.answer.say(
            f"With principal diagnosis {show(principal.code, principal.title)}: "
            f"the principal {verdict}."
        )
        ctx.answer.cite("cc_mcc.exclusions", **cite)  # type: ignore[arg-type]


async def add_on(ctx: Grounding, known: KnownCode) -> None:
    """Whether the code is an add-on (never billed alone) and its primaries, or its add-ons."""
    record = await ctx.record(known)
    if record is None or ctx.not_loaded(record, ["ncci-aoc"]):
        return
    info = record.add_on
    ctx.answer.cite("ncci_aoc", system=known.system, code=record.code, release=record.release)
    if info.is_add_on:
        ctx.answer.say(
            f"{show(record.code, record.title)} is an **add-on code**: it is never "
            "billed alone, only with one of its primary codes on the same claim."
        )
        if info.edit_type:
            ctx.answer.say(f"Edit type {info.edit_type}: {info.edit_type_meaning}")
        primaries = await ctx.valid_only(known.system, info.primary_codes)
        if primaries:
            ctx.answer.say("Primary codes: " + ", ".join(f"**{p.code}**" for p in primaries))
        elif info.primary_codes:
            ctx.answer.say("Its primary codes are not in the loaded code release.")
    else:
        ctx.answer.say(
            f"{show(record.code, record.title)} is not an add-on code: it can be billed on its own."
        )
    add_ons = await ctx.valid_only(known.system, info.add_on_codes)
    if add_ons:
        ctx.answer.say(
            "Add-on codes reported with it: " + ", ".join(f"**{a.code}**" for a in add_ons)
        )
