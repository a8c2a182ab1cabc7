"""AssistantService: read the question, ground the answer in the codes and search services,
check every code in it, remember the conversation, stream it in pieces on request."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import grpc

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode.assistant.v1 import assistant_service_pb2_grpc as pb_grpc
from medcode_assistant.answer import Answer
from medcode_assistant.case2code import Case2Coder
from medcode_assistant.compose import compose
from medcode_assistant.conversations import ConversationStore, Turn, valid_conversation_id
from medcode_assistant.grounding import Grounding
from medcode_assistant.knowledge_port import Knowledge
from medcode_assistant.lookup import Lookup
from medcode_assistant.questions import QuestionError, understand
from medcode_assistant.rephrase import Rephraser
from medcode_assistant.resolve import KnownCode
from medcode_assistant.validation import seal

log = logging.getLogger(__name__)

SERVICE_NAME = "medcode.assistant.v1.AssistantService"
CHUNK_CHARS = 200


class AssistantServicer(pb_grpc.AssistantServiceServicer):
    """CasePilot over one codes service, one search service and the knowledge base."""

    def __init__(
        self,
        *,
        lookup: Lookup,
        knowledge: Knowledge | None,
        conversations: ConversationStore,
        case2code: Case2Coder,
        rephraser: Rephraser | None = None,
    ) -> None:
        self._case2code = case2code
        self._lookup = lookup
        self._knowledge = knowledge
        self._conversations = conversations
        self._rephraser = rephraser

    async def answer(self, request: pb.AskRequest) -> pb.AskResponse:
        """The whole grounded answer (raises QuestionError for a bad request)."""
        question = request.question.strip()
        conversation_id = request.conversation_id
        if conversation_id and not valid_conversation_id(conversation_id):
            raise QuestionError("conversation_id must be 8-64 letters, digits, '-' or '_'")
        previous = self._conversations.get(conversation_id) if conversation_id else None
        understood = await understand(self._lookup, request, previous)
        answer = Answer(intent=understood.intent)
        ctx = Grounding(
            question=question,
            reading=understood.reading,
            known=understood.known,
            lookup=self._lookup,
            knowledge=self._knowledge,
            answer=answer,
        )
        await compose(ctx, understood.unknown)
        await seal(self._lookup, answer)
        text = answer.text
        if self._rephraser is not None:
            text = await self._rephraser.rephrase(question, answer, self._lookup)
        conversation_id = conversation_id or self._conversations.new_id()
        subjects = tuple(understood.known) or (() if understood.unknown else _best_named(answer))
        if subjects:
            self._conversations.put(conversation_id, Turn(codes=subjects, intent=answer.intent))
        return answer.to_proto(conversation_id, text)

    async def Ask(
        self, request: pb.AskRequest, context: grpc.aio.ServicerContext
    ) -> pb.AskResponse:
        """One grounded answer."""
        return await self._answer_or_abort(request, context)

    async def AskStream(
        self, request: pb.AskStreamRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.AskStreamResponse]:
        """The answer in text chunks, then the whole reply."""
        reply = await self._answer_or_abort(request.request, context)
        for chunk in chunks(reply.answer):
            yield pb.AskStreamResponse(text=chunk)
        yield pb.AskStreamResponse(final=reply)

    async def Case2Code(
        self, request: pb.Case2CodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.Case2CodeResponse:
        """Codes for clinical text, each with its evidence; negated and historical mentions
        are listed apart, never suggested."""
        try:
            return await self._case2code.suggest(request.text, request.limit)
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except grpc.aio.AioRpcError as error:
            log.warning("case2code: search did not answer: %s %s", error.code(), error.details())
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the search service did not answer")
        raise AssertionError("abort raises")

    async def _answer_or_abort(
        self, request: pb.AskRequest, context: grpc.aio.ServicerContext
    ) -> pb.AskResponse:
        try:
            return await self.answer(request)
        except QuestionError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except grpc.aio.AioRpcError as error:
            log.warning("assistant: upstream call failed: %s %s", error.code(), error.details())
            await context.abort(
                grpc.StatusCode.UNAVAILABLE, f"the data services did not answer: {error.details()}"
            )
        raise AssertionError("abort raises")


def _best_named(answer: Answer) -> tuple[KnownCode, ...]:
    """The first code an answer named (the best match of "which code for ..."), so "is it
    billable?" continues from it."""
    first = next(iter(answer.codes.items()), None)
    if first is None:
        return ()
    (system, code), named = first
    return (KnownCode(system, code, named.title, named.billable, named.release),)


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Split the markdown at paragraph or word boundaries into pieces of about `size` chars;
    joined, they are the text exactly."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + 1, end)
            if cut <= start:
                cut = text.rfind(" ", start + 1, end)
            end = cut + 1 if cut > start else end
        pieces.append(text[start:end])
        start = end
    return pieces
