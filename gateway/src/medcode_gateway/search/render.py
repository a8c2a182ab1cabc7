"""Search-service replies to the JSON bodies of /v1/search and /v1/suggest (plain dicts)."""

from __future__ import annotations

from typing import Any

from medcode.search.v1 import search_service_pb2 as pb

REASONS = {
    pb.MATCH_REASON_CODE: "code",
    pb.MATCH_REASON_CODE_PREFIX: "code_prefix",
    pb.MATCH_REASON_TITLE: "title",
    pb.MATCH_REASON_INCLUSION_TERM: "inclusion_term",
    pb.MATCH_REASON_SYNONYM: "synonym",
    pb.MATCH_REASON_FUZZY: "fuzzy",
    pb.MATCH_REASON_HEADING: "heading",
    pb.MATCH_REASON_NOTE_REFERENCE: "note_reference",
    pb.MATCH_REASON_INDEX_TERM: "index_term",
}


def hit(message: pb.Hit) -> dict[str, Any]:
    """One search hit as JSON."""
    return {
        "code": message.code,
        "title": message.title,
        "system": message.system,
        "billable": message.billable,
        "kind": message.kind,
        "score": message.score,
        "highlight": message.highlight,
        "matched": [REASONS.get(r, "title") for r in message.reasons],
        "matched_text": message.matched_text or None,
        "release": message.release,
    }


def search_body(reply: pb.SearchResponse) -> dict[str, Any]:
    """The JSON body of /v1/search (shared with `search_fast_path`)."""
    return {"total": reply.total, "hits": [hit(h) for h in reply.hits]}


def suggest_body(reply: pb.SuggestResponse) -> dict[str, Any]:
    """The JSON body of /v1/suggest (shared with `search_fast_path`)."""
    return {"suggestions": [hit(h) for h in reply.suggestions]}
