"""Case2Code through the assistant service itself (signed as the gateway, over the real search
service): codes for clinical text with their evidence, negated mentions kept apart."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as agrpc
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, GATEWAY, SEARCH

NOTE = (
    "58 year old man with type 2 diabetes and chronic kidney disease stage 3a. "
    "He denies chest pain."
)


@pytest.fixture(scope="module")
def assistant(assistant_address: str) -> Iterator[agrpc.AssistantServiceStub]:
    with service_auth.channel(assistant_address, identity=GATEWAY, audience=ASSISTANT) as channel:
        yield agrpc.AssistantServiceStub(channel)


def test_the_service_suggests_the_combination_code_and_keeps_negated_mentions_apart(
    assistant: agrpc.AssistantServiceStub,
) -> None:
    reply = assistant.Case2Code(apb.Case2CodeRequest(text=NOTE, limit=5), timeout=60)
    suggested = [s.code for s in reply.suggestions]
    assert "E11.22" in suggested[:3], suggested
    assert not any(code.startswith("R07") for code in suggested)  # chest pain was denied
    denied = [s for s in reply.excluded if s.negated]
    assert denied and all(s.evidence for s in denied)
    for suggestion in reply.suggestions:
        for span in suggestion.evidence:
            assert NOTE[span.start : span.end] == span.text


@pytest.mark.parametrize("text", ["", " " * 10, "x" * 20_001])
def test_text_that_is_empty_or_too_long_is_refused(
    assistant: agrpc.AssistantServiceStub, text: str
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        assistant.Case2Code(apb.Case2CodeRequest(text=text), timeout=30)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details()


def test_only_the_gateway_may_ask(assistant_address: str) -> None:
    with service_auth.channel(assistant_address, identity=SEARCH, audience=ASSISTANT) as channel:
        stub = agrpc.AssistantServiceStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.Case2Code(apb.Case2CodeRequest(text=NOTE), timeout=30)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
