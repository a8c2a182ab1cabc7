"""Questions that name no code: answered from the knowledge base when an entry fits, so a
convention or guideline question phrased in an unexpected way is still answered, and a
question about nothing CasePilot knows is called out of scope instead of asking for a code."""

from __future__ import annotations

import re

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.grounding import Grounding

#: The intent each knowledge kind answers.
KIND_INTENTS: dict[str, int] = {
    "modifier": pb.INTENT_MODIFIER,
    "convention": pb.INTENT_CONVENTION,
    "guideline": pb.INTENT_GUIDELINE,
    "pcs_root_operation": pb.INTENT_PCS_STRUCTURE,
    "pcs_axis": pb.INTENT_PCS_STRUCTURE,
    "coverage": pb.INTENT_COVERAGE,
}
#: "How do I code X?", "How is X coded?": a guideline topic when the knowledge base has one.
_HOW_TO_CODE = re.compile(
    r"\bhow (?:do|should|to|would) (?:i |we |you )?code\b|\bhow is .+ coded\b", re.IGNORECASE
)
#: Words that show the asker meant a particular code they did not name.
_MEANS_A_CODE = re.compile(r"\b(?:codes?|it|this|that)\b", re.IGNORECASE)


def knowledge_intent(ctx: Grounding) -> int | None:
    """The intent of the best knowledge entry for the question, or None when none fits."""
    if ctx.knowledge is None:
        return None
    entries = ctx.knowledge.find(ctx.question, (), limit=1)
    return KIND_INTENTS.get(entries[0].kind) if entries else None


def means_a_code(question: str) -> bool:
    """True when the question speaks of a code it did not name ("Is it billable?")."""
    return bool(_MEANS_A_CODE.search(question))


def guideline_asked(ctx: Grounding) -> bool:
    """True when a "how do I code ..." question is a guideline topic of the knowledge base."""
    if ctx.knowledge is None or not _HOW_TO_CODE.search(ctx.question):
        return False
    return bool(ctx.knowledge.find(ctx.question, ("guideline",), limit=1))
