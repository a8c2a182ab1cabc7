"""From a reading to a grounded answer: unknown codes first, then the intent's composer."""

from __future__ import annotations

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant import answers_code, answers_data, answers_edits, answers_kb
from medcode_assistant.answers_seventh import seventh_from_description
from medcode_assistant.fallback import guideline_asked, knowledge_intent, means_a_code
from medcode_assistant.grounding import Grounding, show
from medcode_assistant.resolve import KnownCode, UnknownCode
from medcode_common.codesystems import System

_KNOWLEDGE_INTENTS = {
    pb.INTENT_MODIFIER,
    pb.INTENT_PCS_STRUCTURE,
    pb.INTENT_CONVENTION,
    pb.INTENT_GUIDELINE,
    pb.INTENT_COVERAGE,
}
_ONE_CODE = {
    pb.INTENT_CODE_MEANING: answers_code.code_meaning,
    pb.INTENT_BILLABLE: answers_code.billable,
    pb.INTENT_NOTES: answers_code.notes,
    pb.INTENT_SEVENTH_CHARACTER: answers_code.seventh_characters,
    pb.INTENT_HIERARCHY: answers_code.hierarchy,
    pb.INTENT_CC_MCC: answers_data.cc_mcc,
    pb.INTENT_ADD_ON: answers_data.add_on,
    pb.INTENT_MUE: answers_edits.mue,
    pb.INTENT_FEE_SCHEDULE: answers_edits.fee_schedule,
}
_WANTS_SYSTEMS = {
    pb.INTENT_CC_MCC: (System.ICD10CM,),
    pb.INTENT_ADD_ON: (System.CPT, System.HCPCS),
    pb.INTENT_MUE: (System.CPT, System.HCPCS),
    pb.INTENT_FEE_SCHEDULE: (System.CPT, System.HCPCS),
}


async def say_unknown(ctx: Grounding, unknown: list[UnknownCode]) -> None:
    """Call each unknown code unknown, never explain it; offer valid codes of its category."""
    for item in unknown:
        ctx.answer.unknown_codes.append(item.written)
        ctx.answer.say(
            f"{item.written} is not a valid {item.system.label} code in the loaded release."
        )
        near = await ctx.valid_only(item.system, [summary.code for summary in item.near])
        if near:
            ctx.answer.say(
                "Close valid codes: " + ", ".join(show(k.code, k.title) for k in near[:5])
            )
        ctx.answer.cite(
            "validation", system=item.system, code="", release=near[0].release if near else ""
        )


async def compose(ctx: Grounding, unknown: list[UnknownCode]) -> None:
    """Write the answer for `ctx.answer.intent` into `ctx.answer`."""
    intent = ctx.answer.intent
    if unknown:
        await say_unknown(ctx, unknown)
    if intent == pb.INTENT_OUT_OF_SCOPE and not unknown:
        kb_intent = knowledge_intent(ctx)
        if kb_intent is None:
            answers_kb.out_of_scope(ctx)
            return
        ctx.answer.intent = kb_intent
        await answers_kb.knowledge(ctx)
    elif intent == pb.INTENT_OUT_OF_SCOPE:
        answers_kb.out_of_scope(ctx)
    elif intent == pb.INTENT_FIND_CODE and guideline_asked(ctx):
        ctx.answer.intent = pb.INTENT_GUIDELINE
        await answers_kb.knowledge(ctx, any_kind=True)
    elif intent == pb.INTENT_FIND_CODE:
        await answers_kb.find_code(ctx)
    elif intent in _KNOWLEDGE_INTENTS:
        await answers_kb.knowledge(ctx)
    elif intent == pb.INTENT_NCCI_PTP:
        await answers_edits.ncci_ptp(ctx)
    elif intent == pb.INTENT_CROSSWALK and ctx.reading.icd9:
        for icd9 in ctx.reading.icd9[:3]:
            await answers_data.crosswalk_from_icd9(ctx, icd9)
    else:
        await _about_one_code(ctx, unknown)


async def _about_one_code(ctx: Grounding, unknown: list[UnknownCode]) -> None:
    intent = ctx.answer.intent
    known = _subject(ctx, _WANTS_SYSTEMS.get(intent, ()))
    if known is None:
        if unknown:
            return
        if intent == pb.INTENT_SEVENTH_CHARACTER and await seventh_from_description(ctx):
            return
        kb_intent = knowledge_intent(ctx, strict=False)
        if kb_intent is not None:
            ctx.answer.intent = kb_intent
            await answers_kb.knowledge(ctx, any_kind=True)
        elif means_a_code(ctx.question):
            ctx.answer.say("Which code do you mean? Name the code in the question.")
        else:
            ctx.answer.intent = pb.INTENT_OUT_OF_SCOPE
            answers_kb.out_of_scope(ctx)
        return
    if intent == pb.INTENT_CROSSWALK:
        await answers_data.crosswalk_from_icd10(ctx, known)
        return
    await _ONE_CODE[intent](ctx, known)


def _subject(ctx: Grounding, systems: tuple[System, ...]) -> KnownCode | None:
    return ctx.first(*systems) or ctx.first()
