"""Answers read from one code's record: meaning, billable, notes, 7th characters, hierarchy."""

from __future__ import annotations

import re

from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode_assistant.grounding import Grounding, show
from medcode_assistant.resolve import KnownCode
from medcode_common.codesystems import System

_HEADER_KINDS = {"category", "subcategory", "section", "chapter", "table", "header"}


async def code_meaning(ctx: Grounding, known: KnownCode) -> cpb.Code | None:
    """What the code is: its title, plain words, kind, billable status and parent."""
    record = await ctx.record(known)
    if record is None:
        return None
    say = ctx.answer.say
    say(f"{show(record.code, record.title)} ({known.system.label}, release {record.release}).")
    if record.plain_description:
        say(f"In plain words: {record.plain_description}")
        ctx.answer.cite(
            "plain_description", system=known.system, code=record.code, release=record.release
        )
    status = "billable (reportable as is)" if record.billable else "not billable as is"
    say(f"It is a {record.kind or 'code'}, {status}.")
    if record.HasField("parent") and record.parent.code:
        ctx.mention_summary(known.system, record.parent, record.release)
        say(f"It sits under {show(record.parent.code, record.parent.title)}.")
        ctx.answer.cite("hierarchy", system=known.system, code=record.code, release=record.release)
    ctx.answer.suggest(f"Is {record.code} billable?")
    if known.system is System.ICD10CM:
        ctx.answer.suggest(f"What are the notes for {record.code}?")
    return record


async def billable(ctx: Grounding, known: KnownCode) -> None:
    """Billable or not, and why not: a header with codes below it, or a missing 7th character."""
    record = await ctx.record(known)
    if record is None:
        return
    say = ctx.answer.say
    cite = {"system": known.system, "code": record.code, "release": record.release}
    ctx.answer.cite("billable", **cite)  # type: ignore[arg-type]
    if record.billable:
        say(
            f"Yes: {show(record.code, record.title)} is billable in {known.system.label} "
            f"release {record.release}; it is complete as written."
        )
        return
    if needs_seventh(record):
        say(
            f"No: {show(record.code, record.title)} needs a 7th character before it can be "
            "reported."
        )
        await seventh_character_options(ctx, known, record, limit=4)
        return
    kind = record.kind or "header"
    say(
        f"No: {show(record.code, record.title)} is a {kind} (a heading), not a complete code. "
        "Report one of the more specific codes below it."
    )
    await _list_children(ctx, known, record, limit=12)
    verdicts, _release = await ctx.lookup.validate(known.system, [known.code])
    suggested = [s.code for s in verdicts[known.code].suggestions] if known.code in verdicts else []
    deeper = [k for k in await ctx.valid_only(known.system, suggested) if k.billable]
    if deeper and all(k.code not in {c.code for c in record.children} for k in deeper):
        say("Billable codes below it: " + ", ".join(show(k.code, k.title) for k in deeper[:6]))


def needs_seventh(record: cpb.Code) -> bool:
    """A code whose category takes 7th characters but which has fewer than 7 characters."""
    return bool(record.seventh_characters) and len(record.code.replace(".", "")) < 7


def build_with_seventh(code: str, character: str) -> str:
    """The full code: placeholder X up to the 6th character, then the 7th ("T81.4" -> T81.4XXA)."""
    raw = code.replace(".", "").ljust(6, "X") + character
    return f"{raw[:3]}.{raw[3:]}"


async def seventh_character_options(
    ctx: Grounding, known: KnownCode, record: cpb.Code, *, limit: int = 20, wanted: str = ""
) -> list[KnownCode]:
    """List the 7th characters (or those matching `wanted`), built into full codes that the
    codes service confirms; returns the confirmed codes."""
    options = [
        seventh
        for seventh in record.seventh_characters
        if not wanted or wanted in seventh.description.lower()
    ]
    built = {build_with_seventh(record.code, s.character): s for s in options[:limit]}
    confirmed = await ctx.valid_only(known.system, built)
    ctx.answer.cite(
        "seventh_characters", system=known.system, code=record.code, release=record.release
    )
    if confirmed and len(record.code.replace(".", "")) < 6:
        ctx.answer.say(
            "The code has fewer than 6 characters, so the placeholder **X** fills "
            "the empty positions before the 7th character."
        )
    for full in confirmed:
        seventh = built[full.code]
        ctx.answer.say(
            f"- {seventh.character}: {seventh.description} -> {show(full.code, full.title)}"
        )
    if not confirmed and record.children:
        ctx.answer.say(
            "It has more specific codes below it: choose one of them first, then add the "
            "7th character."
        )
        await _list_children(ctx, known, record, limit=12)
    elif not confirmed:
        ctx.answer.say("None of these combinations is a valid code in the loaded release.")
    return confirmed


async def seventh_characters(ctx: Grounding, known: KnownCode) -> None:
    """The 7th characters of the code's category, or the full code for one encounter."""
    record = await ctx.record(known)
    if record is None:
        return
    if not record.seventh_characters:
        ctx.answer.say(f"{show(record.code, record.title)} takes no 7th character.")
        return
    if not needs_seventh(record):
        seventh = next(
            (s for s in record.seventh_characters if s.character == record.code[-1]), None
        )
        if seventh is not None:
            ctx.answer.say(
                f"{show(record.code, record.title)}: its 7th character "
                f"**{seventh.character}** means {seventh.description}."
            )
            if "X" in record.code.replace(".", "")[3:6]:
                ctx.answer.say(
                    "The **X** before it is a placeholder: it fills an empty position so the "
                    "7th character stays in the 7th place."
                )
            ctx.answer.cite(
                "seventh_characters", system=known.system, code=record.code, release=record.release
            )
        return
    wanted = _encounter_wanted(ctx.question)
    ctx.answer.say(
        f"{show(record.code, record.title)} needs a 7th character "
        f"({'matching ' + repr(wanted) if wanted else 'one of these'}):"
    )
    await seventh_character_options(ctx, known, record, wanted=wanted)


def _encounter_wanted(question: str) -> str:
    match = re.search(r"initial encounter|subsequent encounter|sequela", question, re.I)
    return match.group(0).lower() if match else ""


_NOTE_EXPLAINED = {
    cpb.NOTE_TYPE_EXCLUDES1: (
        "Excludes1",
        "never reported together with this code: the two "
        "conditions cannot occur together (a pure 'NOT CODED HERE').",
    ),
    cpb.NOTE_TYPE_EXCLUDES2: (
        "Excludes2",
        "not part of this condition; both codes may be "
        "reported together when the patient has both.",
    ),
    cpb.NOTE_TYPE_CODE_FIRST: (
        "Code first",
        "the underlying condition is sequenced before this code.",
    ),
    cpb.NOTE_TYPE_USE_ADDITIONAL_CODE: (
        "Use additional code",
        "add a second code for the named detail, after this one.",
    ),
    cpb.NOTE_TYPE_CODE_ALSO: (
        "Code also",
        "a second code may be needed; sequence depends on the circumstances of the encounter.",
    ),
    cpb.NOTE_TYPE_INCLUDES: ("Includes", "conditions that are part of this code."),
    cpb.NOTE_TYPE_INCLUSION_TERM: ("Inclusion term", "other names for conditions coded here."),
    cpb.NOTE_TYPE_NOTE: ("Note", "an instruction of the tabular list."),
    cpb.NOTE_TYPE_SEVENTH_CHARACTER_NOTE: (
        "7th character note",
        "how the 7th character is chosen.",
    ),
}


async def notes(ctx: Grounding, known: KnownCode) -> None:
    """Every note of the code by type, explained, with where an inherited note comes from."""
    record = await ctx.record(known)
    if record is None:
        return
    if not record.notes:
        ctx.answer.say(
            f"{show(record.code, record.title)} has no notes in release "
            f"{record.release}, nor inherits any."
        )
        return
    ctx.answer.say(f"Notes for {show(record.code, record.title)} (release {record.release}):")
    for note_type, (label, meaning) in _NOTE_EXPLAINED.items():
        of_type = [note for note in record.notes if note.type == note_type]
        if not of_type:
            continue
        ctx.answer.say(f"**{label}** ({meaning})")
        field_name = "notes." + label.lower().replace(" ", "_").replace("7th_", "seventh_")
        for note in of_type:
            where = f" (inherited from {note.source_code})" if note.inherited else ""
            ctx.answer.say(f"- {note.text}{where}")
            ctx.answer.cite(
                field_name,
                system=known.system,
                code=note.source_code or record.code,
                release=record.release,
            )
    ctx.answer.suggest(f"What does {record.code} mean?")


async def hierarchy(ctx: Grounding, known: KnownCode) -> None:
    """The chain of chapter, section and categories above the code, and its children."""
    record = await ctx.record(known)
    if record is None:
        return
    ctx.answer.say(f"Where {show(record.code, record.title)} sits (release {record.release}):")
    for depth, ancestor in enumerate(record.ancestors):
        label = ancestor.kind or "level"
        if ancestor.kind in ("chapter", "section"):
            ctx.answer.say(f"{'  ' * depth}- {label} {ancestor.code}: {ancestor.title}")
        else:
            ctx.mention_summary(known.system, ancestor, record.release)
            ctx.answer.say(f"{'  ' * depth}- {label} {show(ancestor.code, ancestor.title)}")
    ctx.answer.cite("hierarchy", system=known.system, code=record.code, release=record.release)
    await _list_children(ctx, known, record, limit=15)


async def _list_children(ctx: Grounding, known: KnownCode, record: cpb.Code, *, limit: int) -> None:
    children = list(record.children)
    if not children:
        ctx.answer.say("It has no codes below it.")
        return
    ctx.answer.say(f"Codes directly below it ({len(children)}):")
    for child in children[:limit]:
        ctx.mention_summary(known.system, child, record.release)
        mark = "billable" if child.billable else "not billable"
        ctx.answer.say(f"- {show(child.code, child.title)} ({mark})")
    if len(children) > limit:
        ctx.answer.say(f"... and {len(children) - limit} more.")
    ctx.answer.cite("children", system=known.system, code=record.code, release=record.release)
