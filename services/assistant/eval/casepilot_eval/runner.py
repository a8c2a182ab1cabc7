"""Ask every question over gRPC `Ask`, conversations in order, and judge each answer.

The evaluation plays the gateway: it signs its calls as the gateway identity, the only caller
the platform lets ask questions and read codes on a user's behalf. Every code-shaped token of
every answer (and every code the response lists) is checked with the codes service's
ValidateCodes; a code the answer quotes as unknown is exempt.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import grpc

from casepilot_eval.code_tokens import CodeToken, code_tokens
from casepilot_eval.facts import Answer, Verdict, judge
from casepilot_eval.questions import Question, conversations
from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as assistant_grpc
from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, CODES, GATEWAY

log = logging.getLogger(__name__)
ASK_TIMEOUT_S = 30.0
SYSTEMS = {
    "ICD10CM": cpb.CODE_SYSTEM_ICD10CM,
    "ICD10PCS": cpb.CODE_SYSTEM_ICD10PCS,
    "HCPCS": cpb.CODE_SYSTEM_HCPCS,
    "CPT": cpb.CODE_SYSTEM_CPT,
}
_SYSTEM_NAMES = {value: name for name, value in SYSTEMS.items()}


@dataclass(frozen=True)
class InvalidCode:
    """A code an answer named that the loaded release does not have."""

    question_id: str
    system: str
    code: str


@dataclass
class RunResult:
    """Everything one evaluation run found."""

    verdicts: list[Verdict] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    invalid_codes: list[InvalidCode] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)


def to_answer(reply: apb.AskResponse) -> Answer:
    return Answer(
        text=reply.answer,
        intent=apb.Intent.Name(reply.intent).removeprefix("INTENT_"),
        codes=frozenset(code.code for code in reply.codes),
        unknown_codes=frozenset(reply.unknown_codes),
        not_loaded=frozenset(reply.not_loaded),
    )


def request_for(question: Question, conversation_id: str) -> apb.AskRequest:
    request = apb.AskRequest(question=question.question, conversation_id=conversation_id)
    if question.context_code:
        request.context_code.system = SYSTEMS[question.context_system]
        request.context_code.code = question.context_code
    return request


def answer_tokens(reply: apb.AskResponse) -> set[CodeToken]:
    """Codes an answer names (its text and its listed codes), minus those it calls unknown."""
    tokens = set(code_tokens(reply.answer))
    tokens |= {CodeToken(_SYSTEM_NAMES.get(c.system, "ICD10CM"), c.code) for c in reply.codes}
    return {token for token in tokens if token.code not in set(reply.unknown_codes)}


class CodeValidator:
    """ValidateCodes over one channel, remembering verdicts (answers repeat codes)."""

    def __init__(self, stub: codes_grpc.CodesServiceStub) -> None:
        self._stub = stub
        self._known: dict[CodeToken, bool] = {}

    def invalid(self, tokens: Iterable[CodeToken]) -> list[CodeToken]:
        wanted = [token for token in set(tokens) if token not in self._known]
        by_system: dict[str, list[str]] = defaultdict(list)
        for token in wanted:
            by_system[token.system].append(token.code)
        for system, codes in by_system.items():
            reply = self._stub.ValidateCodes(
                cpb.ValidateCodesRequest(system=SYSTEMS[system], codes=codes), timeout=30
            )
            for code, verdict in zip(codes, reply.verdicts, strict=True):
                self._known[CodeToken(system, code)] = verdict.valid
        return sorted(token for token in set(tokens) if not self._known[token])


def run(
    questions: Sequence[Question],
    *,
    assistant_address: str,
    codes_address: str,
    loaded: frozenset[str],
    missing: dict[str, str] | None = None,
) -> RunResult:
    """Ask each question (skipping those whose data sets are not loaded) and judge it."""
    result = RunResult()
    missing = missing or {}
    with (
        service_auth.channel(assistant_address, identity=GATEWAY, audience=ASSISTANT) as ask_ch,
        service_auth.channel(codes_address, identity=GATEWAY, audience=CODES) as codes_ch,
    ):
        assistant = assistant_grpc.AssistantServiceStub(ask_ch)
        validator = CodeValidator(codes_grpc.CodesServiceStub(codes_ch))
        for group in conversations(questions):
            conversation_id = ""
            for question in group:
                absent = [name for name in question.requires if name not in loaded]
                if absent:
                    reasons = "; ".join(missing.get(name, f"{name} not loaded") for name in absent)
                    result.skipped[question.id] = reasons
                    continue
                try:
                    reply = assistant.Ask(
                        request_for(question, conversation_id), timeout=ASK_TIMEOUT_S
                    )
                except grpc.RpcError as error:
                    result.errors[question.id] = f"{error.code().name}: {error.details()}"
                    log.warning("%s: %s", question.id, result.errors[question.id])
                    continue
                conversation_id = reply.conversation_id
                result.answers[question.id] = reply.answer
                result.verdicts.append(judge(question, to_answer(reply)))
                for token in validator.invalid(answer_tokens(reply)):
                    result.invalid_codes.append(InvalidCode(question.id, token.system, token.code))
    return result
