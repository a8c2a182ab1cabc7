"""CasePilot replies to the JSON shapes in `schemas`, and JSON requests to protobuf."""

from __future__ import annotations

from typing import Any

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode_common.codesystems import PROTO_TO_SYSTEM, SYSTEM_TO_PROTO, System
from medcode_gateway.assistant.schemas import AskIn, Case2CodeIn


def _system(value: int) -> str | None:
    system = PROTO_TO_SYSTEM.get(value)
    return system.value if system is not None else None


def intent_name(value: int) -> str:
    """'INTENT_CC_MCC' -> 'cc_mcc'; an intent newer than this gateway reads 'unspecified'."""
    try:
        return apb.Intent.Name(value).removeprefix("INTENT_").lower()
    except ValueError:
        return "unspecified"


def ask_request(body: AskIn) -> apb.AskRequest:
    """The gRPC request for a posted question."""
    request = apb.AskRequest(question=body.question, conversation_id=body.conversation_id or "")
    if body.context_code is not None:
        system = SYSTEM_TO_PROTO[System(body.context_code.system)]
        request.context_code.CopyFrom(apb.CodeRef(system=system, code=body.context_code.code))
    return request


def case2code_request(body: Case2CodeIn) -> apb.Case2CodeRequest:
    """The gRPC request for posted clinical text."""
    return apb.Case2CodeRequest(text=body.text, limit=body.limit)


def answer(reply: apb.AskResponse) -> dict[str, Any]:
    """An AskOut."""
    return {
        "answer": reply.answer,
        "citations": [
            {
                "system": _system(c.system),
                "code": c.code or None,
                "release": c.release,
                "source": c.source,
                "reference": c.reference,
            }
            for c in reply.citations
        ],
        "codes": [
            {
                "system": _system(c.system),
                "code": c.code,
                "title": c.title,
                "billable": c.billable,
                "release": c.release,
            }
            for c in reply.codes
            if _system(c.system) is not None
        ],
        "follow_ups": list(reply.follow_ups),
        "intent": intent_name(reply.intent),
        "conversation_id": reply.conversation_id,
        "not_loaded": list(reply.not_loaded),
        "unknown_codes": list(reply.unknown_codes),
    }


def _suggestion(item: apb.Case2CodeSuggestion) -> dict[str, Any]:
    return {
        "system": _system(item.system),
        "code": item.code,
        "title": item.title,
        "score": item.score,
        "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in item.evidence],
        "negated": item.negated,
        "historical": item.historical,
    }


def case2code(reply: apb.Case2CodeResponse) -> dict[str, Any]:
    """A Case2CodeOut."""
    return {
        "suggestions": [_suggestion(s) for s in reply.suggestions if _system(s.system)],
        "missing": list(reply.missing),
        "excluded": [_suggestion(s) for s in reply.excluded if _system(s.system)],
    }
