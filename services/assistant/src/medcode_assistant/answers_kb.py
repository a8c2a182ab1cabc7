"""Answers from the knowledge base (modifiers, PCS, conventions, guidelines, coverage), from
the search service (which code fits a description), and the out-of-scope answer."""

from __future__ import annotations

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.answers_coverage import hcpcs_coverage
from medcode_assistant.answers_pcs import official_definition
from medcode_assistant.grounding import Grounding, show
from medcode_assistant.knowledge_port import KnowledgeEntry
from medcode_common.codesystems import System, parse_system

_KINDS = {
    pb.INTENT_MODIFIER: ("modifier",),
    pb.INTENT_PCS_STRUCTURE: ("pcs_root_operation", "pcs_axis"),
    pb.INTENT_CONVENTION: ("convention",),
    pb.INTENT_GUIDELINE: ("guideline",),
    pb.INTENT_COVERAGE: ("coverage",),
}
CAPABILITIES = (
    "what a code means; whether it is billable and why not; which code fits a description; "
    "a code's notes (Excludes1/Excludes2, code first, use additional code, code also); "
    "7th characters and the placeholder X; a code's hierarchy; ICD-9 <-> ICD-10 through the "
    "GEMs; CC/MCC status; add-on codes; NCCI PTP edits; MUE units; fee schedule RVUs, global "
    "days and national payment; modifiers; ICD-10-PCS root operations and axes; ICD-10-CM "
    "conventions and guideline topics; Medicare coverage"
)


async def knowledge(ctx: Grounding, *, any_kind: bool = False) -> None:
    """Entries of the knowledge base that fit the question, each citing its official source;
    for a PCS code, its axes and root operation from the code's own record first. `any_kind`
    searches every kind (a code question that named no code)."""
    from_record = await _pcs_axes(ctx) if ctx.answer.intent == pb.INTENT_PCS_STRUCTURE else False
    if ctx.answer.intent == pb.INTENT_MODIFIER:
        from_record = await _hcpcs_modifiers(ctx, ctx.reading.modifiers)
    if ctx.answer.intent == pb.INTENT_COVERAGE:
        from_record = await hcpcs_coverage(ctx)
        await _loaded_here(ctx)
    if ctx.knowledge is None:
        ctx.answer.missing_dataset("knowledge")
        ctx.answer.say(
            "The knowledge base (modifiers, conventions, guideline topics) is not "
            "loaded in this installation."
        )
        return
    entries = list(ctx.knowledge.find(ctx.question)) if any_kind else _entries(ctx)
    if ctx.answer.intent == pb.INTENT_MODIFIER and not ctx.reading.modifiers:
        named = tuple(e.key.upper() for e in entries[:2] if e.kind == "modifier")
        from_record = await _hcpcs_modifiers(ctx, named) or from_record
    if not entries and not from_record:
        ctx.answer.say("I have no entry on that topic in MedCode's knowledge base.")
    for entry in entries[:2]:
        ctx.answer.say(f"**{entry.title}**")
        ctx.answer.say(entry.text.strip())
        if entry.kind == "pcs_root_operation" and not from_record:
            await official_definition(ctx, entry)
        ctx.answer.cite(f"knowledge:{entry.kind}", reference=entry.source)
        ctx.answer.say(f"_Source: {entry.source}_")
        for code in entry.codes:
            for system in (System.ICD10CM, System.ICD10PCS, System.CPT, System.HCPCS):
                if await ctx.valid_only(system, [code]):
                    break


def _entries(ctx: Grounding) -> list[KnowledgeEntry]:
    assert ctx.knowledge is not None
    kinds = _KINDS.get(ctx.answer.intent, ())
    found: list[KnowledgeEntry] = []
    if ctx.answer.intent == pb.INTENT_MODIFIER:
        for modifier in ctx.reading.modifiers:
            entry = ctx.knowledge.modifier(modifier)
            if entry is not None:
                found.append(entry)
            elif (System.HCPCS, modifier) not in ctx.answer.codes:
                ctx.answer.say(f"Modifier {modifier} is not in MedCode's modifier list.")
        if ctx.reading.modifiers:
            return found
    if ctx.answer.intent == pb.INTENT_PCS_STRUCTURE:
        for word in ctx.question.replace("?", " ").split():
            entry = ctx.knowledge.root_operation(word.strip("\"'.,"))
            if entry is not None and len(word) > 2 and entry not in found:
                found.append(entry)  # "excision and resection": both, in question order
        if found:
            return found
    return found or list(ctx.knowledge.find(ctx.question, kinds))


COVERAGE_KINDS = ("ncd", "lcd")


async def _loaded_here(ctx: Grounding) -> None:
    """What this installation has loaded (ListDatasets), and that no NCD/LCD data set is."""
    loaded = await ctx.lookup.datasets()
    names = ", ".join(f"{kind} ({dataset.release})" for kind, dataset in sorted(loaded.items()))
    ctx.answer.say(f"Loaded in this installation: {names or 'no CMS data sets'}.")
    ctx.answer.cite("datasets")
    missing = [kind for kind in COVERAGE_KINDS if not any(k.startswith(kind) for k in loaded)]
    for kind in missing:
        ctx.answer.missing_dataset(kind)
    if missing:
        ctx.answer.say(
            "_Not loaded in this installation:_ Medicare coverage determinations "
            f"({', '.join(k.upper() for k in missing)}), so I cannot say whether a specific "
            "service is covered; the Medicare Coverage Database holds them."
        )


async def _hcpcs_modifiers(ctx: Grounding, modifiers: tuple[str, ...]) -> bool:
    """Each modifier's descriptor in the loaded HCPCS Level II release, when it is one."""
    said = False
    for modifier in modifiers:
        if len(modifier) != 2:
            continue
        record = await ctx.lookup.get_code(System.HCPCS, modifier)
        if record is None:
            continue
        ctx.answer.mention(
            System.HCPCS, record.code, title=record.title, billable=record.billable,
            release=record.release,
        )  # fmt: skip
        ctx.answer.cite("title", system=System.HCPCS, code=record.code, release=record.release)
        ctx.answer.say(
            f"Modifier **{record.code}** in HCPCS Level II release {record.release}: "
            f"{record.title}."
        )
        said = True
    return said


async def _pcs_axes(ctx: Grounding) -> bool:
    """The 7 axes of the question's PCS code, from its record; False when there is none."""
    known = ctx.first(System.ICD10PCS)
    if known is None:
        return False
    record = await ctx.record(known)
    if record is None or not record.pcs_axes:
        return False
    ctx.answer.say(f"The 7 characters of {show(record.code, record.title)}:")
    for axis in record.pcs_axes:
        ctx.answer.say(f"- {axis.position}. {axis.name}: {axis.value} = {axis.label}")
    ctx.answer.cite("pcs_axes", system=known.system, code=record.code, release=record.release)
    if record.root_operation.name:
        ctx.answer.say(
            f"Root operation **{record.root_operation.name}**: {record.root_operation.definition}"
        )
        ctx.answer.cite(
            "root_operation", system=known.system, code=record.code, release=record.release
        )
    return True


async def find_code(ctx: Grounding) -> None:
    """The search service's best codes for the description, each confirmed valid."""
    phrase = ctx.reading.phrase or ctx.question
    hits = await ctx.lookup.search(phrase, systems=_systems_asked(ctx.question), limit=5)
    by_system: dict[System, list[str]] = {}
    for hit in hits:
        by_system.setdefault(parse_system(hit.system), []).append(hit.code)
    valid = {
        (known.system, known.code): known
        for system, codes in by_system.items()
        for known in await ctx.valid_only(system, codes)
    }
    ranked = [valid[key] for hit in hits if (key := (parse_system(hit.system), hit.code)) in valid]
    if not ranked:
        ctx.answer.say(f'I found no code for "{phrase}" in the loaded releases.')
        return
    best = ranked[0]
    ctx.answer.say(
        f'For "{phrase}" the best match is {show(best.code, best.title)} '
        f"({best.system.label}, {'billable' if best.billable else 'not billable'})."
    )
    if len(ranked) > 1:
        ctx.answer.say("Other candidates:")
        for known in ranked[1:]:
            ctx.answer.say(f"- {show(known.code, known.title)} ({known.system.label})")
    for known in ranked:
        ctx.answer.cite("search", system=known.system, code=known.code, release=known.release)
    ctx.answer.say("Confirm the choice against the record and the tabular notes.")
    ctx.answer.suggest(f"What are the notes for {best.code}?")


def _systems_asked(question: str) -> tuple[System, ...]:
    lowered = question.lower()
    if "pcs" in lowered or "procedure code" in lowered and "icd" in lowered:
        return (System.ICD10PCS,)
    if "cpt" in lowered:
        return (System.CPT,)
    if "hcpcs" in lowered:
        return (System.HCPCS,)
    if "icd" in lowered or "diagnosis" in lowered:
        return (System.ICD10CM,)
    return ()


def out_of_scope(ctx: Grounding) -> None:
    """Say plainly what CasePilot answers instead of guessing."""
    ctx.answer.say(
        "That is outside what CasePilot answers. I answer from MedCode's loaded "
        f"data only: {CAPABILITIES}."
    )
    ctx.answer.suggest("What does modifier 25 mean?")
    ctx.answer.suggest("Which code for type 2 diabetes without complications?")
