"""REST /v1 CasePilot: ask (JSON), ask/stream (server-sent events) and Case2Code.

Questions are metered per plan before the assistant is called (a refused question costs the
assistant nothing); a partner key paid its quota in the quota middleware. Errors are problem
documents: bad input 400/422, the allowance spent 429, the assistant down 503.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import grpc
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode_gateway.assistant import render
from medcode_gateway.assistant.meter import (
    REMAINING_HEADER,
    QuestionOutcome,
    charge_question,
    question_limit_problem,
)
from medcode_gateway.assistant.schemas import AskIn, AskOut, Case2CodeIn, Case2CodeOut
from medcode_gateway.auth.caller import Caller, CallerDep, remember_guest
from medcode_gateway.auth.guards import require_csrf, same_origin
from medcode_gateway.core.clients import Clients, ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.core.schemas import problems

router = APIRouter(prefix="/v1", tags=["assistant"], dependencies=[Depends(same_origin)])

_ASK_ERRORS = problems(
    {
        400: "The question or context code is malformed.",
        403: "Cross-site request, or a session-cookie call without X-CSRF-Token.",
        429: "The plan's CasePilot questions for this month are used up (see `upgrade`), or "
        "the API key's rate limit or quota is reached.",
        503: "The assistant or metering service is unavailable.",
    }
)
_CASE2CODE_ERRORS = problems(
    {
        400: "The text is malformed.",
        403: "Cross-site request, or a session-cookie call without X-CSRF-Token.",
        429: "The plan's CasePilot questions for this month are used up.",
        404: "Case2Code is not available in this installation yet.",
        503: "The assistant or metering service is unavailable.",
    }
)
SSE_MEDIA_TYPE = "text/event-stream"


#: One server-sent event (OpenAPI before 3.2: `schema` of an event stream describes each event).
EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["text", "final", "error"]},
        "data": {
            "type": "string",
            "description": 'JSON: {"text": chunk} for `text`, the whole answer for '
            '`final`, {"status", "detail"} for `error` (the answer broke off).',
        },
    },
}


class EventStreamResponse(StreamingResponse):
    """Server-sent events; the class names the media type so OpenAPI documents it."""

    media_type = SSE_MEDIA_TYPE


async def _admit(caller: Caller, clients: ServiceClients, request: Request) -> QuestionOutcome:
    """CSRF for cookie sessions, then one question charged; a refusal raises its problem."""
    if caller.via_cookie:
        require_csrf(request)
    return await charge_question(caller=caller, clients=clients)


def _finish(response: Response, outcome: QuestionOutcome, caller: Caller, request: Request) -> None:
    if outcome.remaining is not None:
        response.headers[REMAINING_HEADER] = str(outcome.remaining)
    remember_guest(response, caller, request)


@router.post(
    "/assistant/ask",
    response_model=AskOut,
    responses=_ASK_ERRORS,
    summary="Ask CasePilot a coding question",
)
async def ask(body: AskIn, caller: CallerDep, clients: Clients, request: Request) -> Response:
    """A grounded answer (markdown) with its citations, the codes it names (each valid in the
    loaded release), follow-up questions and the intent understood. Spends one question of the
    plan's month (X-Questions-Remaining); a partner key pays one unit of quota instead."""
    outcome = await _admit(caller, clients, request)
    if not outcome.allowed:
        return question_limit_problem(caller=caller, outcome=outcome, instance=request.url.path)
    reply = await clients.assistant.Ask(render.ask_request(body), timeout=clients.assistant_timeout)
    response = JSONResponse(render.answer(reply))
    _finish(response, outcome, caller, request)
    return response


def sse(event: str, data: Any) -> bytes:
    """One server-sent event whose data is one line of JSON."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _events(
    first: apb.AskStreamResponse,
    rest: AsyncIterator[apb.AskStreamResponse],
    call: grpc.aio.UnaryStreamCall,
) -> AsyncIterator[bytes]:
    """`text` events for the chunks, `final` with the whole answer; `error` if it breaks off.
    A client that goes away cancels the assistant's call (the generator is closed)."""
    piece: apb.AskStreamResponse | None = first
    try:
        while piece is not None:
            if piece.WhichOneof("piece") == "final":
                yield sse("final", render.answer(piece.final))
            else:
                yield sse("text", {"text": piece.text})
            piece = await anext(rest, None)
    except grpc.aio.AioRpcError as error:
        yield sse("error", {"status": 503, "detail": f"the answer broke off: {error.code().name}"})
    finally:
        call.cancel()  # a no-op once the answer is complete


@router.post(
    "/assistant/ask/stream",
    response_model=None,
    response_class=EventStreamResponse,
    responses={
        200: {
            "description": 'Server-sent events: `text` events ({"text": chunk}) in order, '
            "then one `final` event whose data is the whole answer (as /v1/assistant/ask).",
            "content": {SSE_MEDIA_TYPE: {"schema": EVENT_SCHEMA}},
        },
        **_ASK_ERRORS,
    },
    summary="Ask CasePilot, the answer streamed as server-sent events",
)
async def ask_stream(
    body: AskIn, caller: CallerDep, clients: Clients, request: Request
) -> Response:
    """The same answer as /v1/assistant/ask, in pieces for a chat page. Errors before the
    first piece (the assistant down, bad input) are problem documents, not events."""
    outcome = await _admit(caller, clients, request)
    if not outcome.allowed:
        return question_limit_problem(caller=caller, outcome=outcome, instance=request.url.path)
    call = clients.assistant.AskStream(
        apb.AskStreamRequest(request=render.ask_request(body)), timeout=clients.assistant_timeout
    )
    pieces = aiter(call)
    first = await anext(pieces, None)  # an upstream failure raises here: a 503 problem
    if first is None:
        raise Problem(503, "the assistant ended the answer before it began; ask again")
    response = EventStreamResponse(
        _events(first, pieces, call),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    _finish(response, outcome, caller, request)
    return response


@router.post(
    "/case2code",
    response_model=Case2CodeOut,
    responses=_CASE2CODE_ERRORS,
    summary="Suggest codes for clinical text",
)
async def case2code(
    body: Case2CodeIn, caller: CallerDep, clients: Clients, request: Request
) -> Response:
    """Ranked codes with the words that support each; negated and historical mentions are
    listed apart under `excluded`, never suggested as current. Spends one question."""
    outcome = await _admit(caller, clients, request)
    if not outcome.allowed:
        return question_limit_problem(caller=caller, outcome=outcome, instance=request.url.path)
    try:
        reply = await clients.assistant.Case2Code(
            render.case2code_request(body), timeout=clients.assistant_timeout
        )
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.UNIMPLEMENTED:
            raise Problem(404, "Case2Code is not available in this installation yet") from None
        raise
    response = JSONResponse(render.case2code(reply))
    _finish(response, outcome, caller, request)
    return response
