"""One request understood: checked, read, its codes resolved, the conversation applied."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.code_shapes import CodeMention
from medcode_assistant.conversations import Turn, refers_back
from medcode_assistant.lookup import Lookup
from medcode_assistant.reader import MAX_QUESTION_CHARS, Reading, read
from medcode_assistant.resolve import KnownCode, UnknownCode, resolve
from medcode_common.codesystems import PROTO_TO_SYSTEM, MalformedCode, normalize_code

_CONTINUES = re.compile(r"^\s*(?:and|what about|how about|same for|and for)\b", re.IGNORECASE)


class QuestionError(ValueError):
    """The request cannot be answered as sent; the message says what to change."""


@dataclass(frozen=True, slots=True)
class Understood:
    """The intent to answer and the codes it is about (valid and unknown)."""

    intent: int
    reading: Reading
    known: list[KnownCode]
    unknown: list[UnknownCode]


def _checked_question(request: pb.AskRequest) -> str:
    question = request.question.strip()
    if not question:
        raise QuestionError("question is empty: ask 1 to 2,000 characters")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"question has {len(question)} characters; at most 2,000 are read")
    return question


def _context_mention(request: pb.AskRequest) -> CodeMention | None:
    if not request.HasField("context_code") or not request.context_code.code:
        return None
    system = PROTO_TO_SYSTEM.get(request.context_code.system)
    if system is None:
        raise QuestionError("context_code.system must be ICD-10-CM, ICD-10-PCS, HCPCS or CPT")
    try:
        code = normalize_code(system, request.context_code.code)
    except MalformedCode as error:
        raise QuestionError(f"context_code: {error}") from None
    return CodeMention(text=request.context_code.code, start=-1, fits=((system, code),))


async def understand(lookup: Lookup, request: pb.AskRequest, previous: Turn | None) -> Understood:
    """Read the question; codes come from it, else the context code, else the conversation."""
    question = _checked_question(request)
    reading = read(question)
    context = _context_mention(request)
    mentions = list(reading.codes)
    if context is not None and not mentions:
        mentions.append(context)
    resolution = await resolve(lookup, mentions)
    known, intent = resolution.known, reading.intent
    if previous is not None and not mentions and not reading.icd9:
        if refers_back(question) or intent != pb.INTENT_OUT_OF_SCOPE:
            known = list(previous.codes)
            if intent == pb.INTENT_OUT_OF_SCOPE:
                intent = previous.intent
    elif previous is not None and _CONTINUES.search(question) and intent == pb.INTENT_CODE_MEANING:
        intent = previous.intent  # "and S72.002?" asks the same as before
    if intent == pb.INTENT_OUT_OF_SCOPE and known and not reading.icd9:
        intent = pb.INTENT_CODE_MEANING
    return Understood(intent=intent, reading=reading, known=known, unknown=resolution.unknown)
