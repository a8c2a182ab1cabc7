"""7th characters for a question that gives a description, not a code ("Concussion without
loss of consciousness, initial encounter: full code?"): the search service finds the code,
its own record gives the 7th characters, and the full code is built and confirmed."""

from __future__ import annotations

import re

from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode_assistant.answers_code import build_with_seventh
from medcode_assistant.grounding import Grounding, show
from medcode_assistant.knowledge.matching import content_words
from medcode_common.codesystems import System

# What the question asks after the description: "...: which 7th character?", "..., full code?"
_ASKED = re.compile(r"\s*[:?]\s*[^:]*$")
_SEARCHED = 5


def described(question: str) -> str:
    """The description part of the question (before the trailing ": what is the full code?")."""
    text = question.strip()
    if ":" in text:
        text = _ASKED.sub("", text)
    return text.strip(" ?.!")


def best_seventh(
    question: str, options: list[cpb.SeventhCharacter], title: str = ""
) -> cpb.SeventhCharacter | None:
    """The 7th character whose description shares most words with the question ("initial
    closed" -> "initial encounter for closed fracture", "fetus 1" -> "fetus 1"); words of the
    code's own title ("fracture") name no 7th character."""
    asked = content_words(question) | set(re.findall(r"\b\d+\b", question))
    asked -= content_words(title)
    scored = []
    for option in options:
        offered = content_words(option.description) | set(
            re.findall(r"\b\d+\b", option.description)
        )
        scored.append((len(asked & offered), -len(offered - asked), option))
    scored = [item for item in scored if item[0] > 0]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], item[1]))[2]


def _base(code: str) -> str:
    """The code without a 7th character and trailing placeholders ("O32.1XX1" -> "O32.1")."""
    raw = code.replace(".", "")
    if len(raw) == 7:
        raw = raw[:6]
    raw = raw.rstrip("X")
    return raw if len(raw) <= 3 else f"{raw[:3]}.{raw[3:]}"


async def seventh_from_description(ctx: Grounding) -> bool:
    """Find the described code and build it with the 7th character the question names;
    False when no code with 7th characters fits the description."""
    phrase = described(ctx.question)
    hits = await ctx.lookup.search(phrase, systems=(System.ICD10CM,), limit=_SEARCHED)
    for hit in hits:
        record = await ctx.lookup.get_code(System.ICD10CM, _base(hit.code))
        if record is None or not record.seventh_characters:
            continue
        seventh = best_seventh(ctx.question, list(record.seventh_characters), record.title)
        if seventh is None:
            continue
        built = build_with_seventh(record.code, seventh.character)
        confirmed = await ctx.valid_only(System.ICD10CM, [built])
        if not confirmed:
            continue
        full = confirmed[0]
        ctx.answer.mention(
            System.ICD10CM, record.code, title=record.title, billable=record.billable,
            release=record.release,
        )  # fmt: skip
        ctx.answer.cite("search", system=System.ICD10CM, code=record.code, release=record.release)
        ctx.answer.cite(
            "seventh_characters", system=System.ICD10CM, code=record.code, release=record.release
        )
        ctx.answer.say(f'For "{phrase}" the full code is {show(full.code, full.title)}.')
        ctx.answer.say(
            f"It is {show(record.code, record.title)} with the 7th character "
            f"**{seventh.character}** ({seventh.description})."
        )
        if "X" in full.code.replace(".", "")[3:6]:
            ctx.answer.say(
                "Each **X** is a placeholder: it fills an empty position so the 7th character "
                "stays in the 7th place."
            )
        ctx.answer.suggest(f"What are the notes for {record.code}?")
        return True
    return False
