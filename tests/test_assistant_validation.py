"""The gate every answer passes: no code-shaped word leaves unless it is a code the reply
lists and the codes service confirms (hypothesis over questions with real and made-up codes),
and the seal withholds what it cannot confirm."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as agrpc
from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode.codes.v1 import codes_service_pb2_grpc as cgrpc
from medcode_assistant.answer import Answer
from medcode_assistant.clients import DataClients
from medcode_assistant.code_shapes import find_code_mentions
from medcode_assistant.lookup import Lookup
from medcode_assistant.testing import loopback_settings
from medcode_assistant.validation import WITHHELD, seal
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, CODES, GATEWAY

REAL = ["E11.9", "S72.001", "N18.6", "I10", "T81.4", "29881", "64492", "20610", "0DTJ4ZZ", "E11"]
TEMPLATES = [
    "What does {} mean?",
    "Is {} billable?",
    "What are the notes for {}?",
    "What 7th character does {} take?",
    "Is {} an MCC?",
    "Can {} be billed alone?",
    "What is the MUE for {}?",
    "What are the RVUs of {}?",
    "What are the children of {}?",
    "What is the ICD-9 code for {} in the GEMs?",
    "Can {} and 29880 be billed together?",
]
made_up = st.from_regex(r"[A-Z][0-9]{2}\.[0-9A-Z]{1,4}|[0-9]{5}", fullmatch=True)


@pytest.fixture(scope="module")
def ask(assistant_address: str) -> Iterator[agrpc.AssistantServiceStub]:
    with service_auth.channel(assistant_address, identity=GATEWAY, audience=ASSISTANT) as channel:
        yield agrpc.AssistantServiceStub(channel)


@pytest.fixture(scope="module")
def codes(assistant_codes_address: str) -> Iterator[cgrpc.CodesServiceStub]:
    with service_auth.channel(assistant_codes_address, identity=GATEWAY, audience=CODES) as ch:
        yield cgrpc.CodesServiceStub(ch)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(template=st.sampled_from(TEMPLATES), code=st.one_of(st.sampled_from(REAL), made_up))
def test_no_answer_names_a_code_that_is_not_listed_and_valid(
    ask: agrpc.AssistantServiceStub, codes: cgrpc.CodesServiceStub, template: str, code: str
) -> None:
    reply = ask.Ask(apb.AskRequest(question=template.format(code)), timeout=30)
    listed = {mentioned.code for mentioned in reply.codes}
    for mention in find_code_mentions(reply.answer):
        spellings = {code for _system, code in mention.fits}
        assert spellings & listed or mention.text in reply.unknown_codes, (
            f"{mention.text} is in the answer but not listed:\n{reply.answer}"
        )
    for mentioned in reply.codes:
        verdict = codes.ValidateCodes(
            cpb.ValidateCodesRequest(system=mentioned.system, codes=[mentioned.code]), timeout=10
        ).verdicts[0]
        assert verdict.valid, f"{mentioned.code} listed but not valid"
    for unknown in reply.unknown_codes:
        assert "is not a valid" in reply.answer and unknown not in listed


def test_the_seal_withholds_what_the_codes_service_refuses(
    assistant_codes_address: str, search_address: str
) -> None:
    async def sealed() -> Answer:
        clients = DataClients.connect(loopback_settings(assistant_codes_address, search_address))
        try:
            answer = Answer(intent=apb.INTENT_CODE_MEANING)
            answer.say("Report E11.9, not Z99.99X, and never 99999 with modifier 25.")
            await seal(Lookup(clients), answer)
            return answer
        finally:
            await clients.close()

    answer = asyncio.run(sealed())
    assert answer.text == f"Report E11.9, not {WITHHELD}, and never {WITHHELD} with modifier 25."
    assert [code for _system, code in answer.codes] == ["E11.9"]
