"""Questions that name no code: answered from the knowledge base when an entry fits, so a
convention or guideline question phrased in an unexpected way is still answered, and a
question about nothing CasePilot knows is called out of scope instead of asking for a code."""

from __future__ import annotations

import re

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.grounding import Grounding
from medcode_assistant.knowledge.matching import contains_phrase, content_words, words
from medcode_assistant.knowledge_port import KnowledgeEntry

#: The intent each knowledge kind answers.
KIND_INTENTS: dict[str, int] = {
    "modifier": pb.INTENT_MODIFIER,
    "convention": pb.INTENT_CONVENTION,
    "guideline": pb.INTENT_GUIDELINE,
    "pcs_root_operation": pb.INTENT_PCS_STRUCTURE,
    "pcs_axis": pb.INTENT_PCS_STRUCTURE,
    "coverage": pb.INTENT_COVERAGE,
}
#: Intents whose general questions (no code named) the conventions answer.
_CONVENTION_TOPICS = frozenset({pb.INTENT_NOTES, pb.INTENT_SEVENTH_CHARACTER})
#: "How do I code X?", "How is X coded?": a guideline topic when the knowledge base has one.
_HOW_TO_CODE = re.compile(
    r"\bhow (?:do|should|to|would) (?:i |we |you )?code\b|\bhow is .+ coded\b", re.IGNORECASE
)
#: Words that show the asker meant a particular code they did not name.
_MEANS_A_CODE = re.compile(r"\b(?:codes?|it|this|that)\b", re.IGNORECASE)


def clearly_about(question: str, entry: KnowledgeEntry) -> bool:
    """True when the question names the entry (its key or title as a phrase) or shares two
    words with its title and aliases: one shared word ("list") is chance in any question."""
    asked = words(question)
    if contains_phrase(asked, words(entry.key)) or contains_phrase(asked, words(entry.title)):
        return True
    named = content_words(" ".join((entry.key, entry.title, *entry.aliases)))
    return len(content_words(question) & named) >= 2


def knowledge_intent(ctx: Grounding, *, strict: bool = True) -> int | None:
    """The intent of the best knowledge entry for the question, or None; `strict` wants the
    question clearly about it (a question no phrasing read as a coding question)."""
    if ctx.knowledge is None:
        return None
    entries = ctx.knowledge.find(ctx.question, (), limit=1)
    if not entries or (strict and not clearly_about(ctx.question, entries[0])):
        return None
    kind_intent = KIND_INTENTS.get(entries[0].kind)
    if entries[0].kind == "convention" and ctx.answer.intent in _CONVENTION_TOPICS:
        return ctx.answer.intent  # notes and 7th characters are conventions of the tabular
    return kind_intent


def means_a_code(question: str) -> bool:
    """True when the question speaks of a code it did not name ("Is it billable?")."""
    return bool(_MEANS_A_CODE.search(question))


def guideline_asked(ctx: Grounding) -> bool:
    """True when a "how do I code ..." question is a guideline (or convention) topic of the
    knowledge base."""
    if ctx.knowledge is None or not _HOW_TO_CODE.search(ctx.question):
        return False
    return bool(ctx.knowledge.find(ctx.question, ("guideline", "convention"), limit=1))
