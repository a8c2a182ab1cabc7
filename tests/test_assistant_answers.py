"""CasePilot over the real codes and search services: one or more questions per intent, each
answer checked for the facts of the official data, its citations and its validated codes."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as agrpc
from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode.codes.v1 import codes_service_pb2_grpc as cgrpc
from medcode_assistant.code_shapes import code_shaped_tokens
from medcode_common import service_auth
from medcode_common.codesystems import PROTO_TO_SYSTEM
from medcode_common.service_auth import ASSISTANT, CODES, GATEWAY, SEARCH


@pytest.fixture(scope="module")
def ask(assistant_address: str) -> Iterator[agrpc.AssistantServiceStub]:
    with service_auth.channel(assistant_address, identity=GATEWAY, audience=ASSISTANT) as channel:
        yield agrpc.AssistantServiceStub(channel)


@pytest.fixture(scope="module")
def codes(assistant_codes_address: str) -> Iterator[cgrpc.CodesServiceStub]:
    with service_auth.channel(assistant_codes_address, identity=GATEWAY, audience=CODES) as channel:
        yield cgrpc.CodesServiceStub(channel)


def question(
    stub: agrpc.AssistantServiceStub, text: str, conversation: str = ""
) -> apb.AskResponse:
    return stub.Ask(apb.AskRequest(question=text, conversation_id=conversation), timeout=30)


def assert_every_code_valid(reply: apb.AskResponse, codes: cgrpc.CodesServiceStub) -> None:
    """The property the issue asks for: each code-shaped word of the answer is a code the
    reply lists (or one of the question's unknown codes), and each listed code is valid."""
    listed = {code.code for code in reply.codes} | set(reply.unknown_codes)
    assert code_shaped_tokens(reply.answer) <= listed | _fits_of(reply, listed)
    for mentioned in reply.codes:
        verdicts = codes.ValidateCodes(
            cpb.ValidateCodesRequest(system=mentioned.system, codes=[mentioned.code]), timeout=10
        ).verdicts
        assert verdicts[0].valid, f"{mentioned.code} is listed but not valid"


def _fits_of(reply: apb.AskResponse, listed: set[str]) -> set[str]:
    """Other spellings of one listed word (J1100 as HCPCS also reads as ICD-10-CM J11.00)."""
    from medcode_assistant.code_shapes import find_code_mentions

    extra: set[str] = set()
    for mention in find_code_mentions(reply.answer):
        if any(code in listed for _s, code in mention.fits):
            extra.update(code for _s, code in mention.fits)
    return extra


CASES = [
    ("What does E11.9 mean?", apb.INTENT_CODE_MEANING, ["E11.9", "Type 2 diabetes mellitus"]),
    ("Is S72.001 billable?", apb.INTENT_BILLABLE, ["No", "7th character", "S72.001A"]),
    ("Is E11 billable?", apb.INTENT_BILLABLE, ["No", "category", "E11.9"]),
    ("Is I10 billable?", apb.INTENT_BILLABLE, ["Yes", "I10"]),
    (
        "Which code for type 1 diabetes with ketoacidosis without coma?",
        apb.INTENT_FIND_CODE,
        ["E10.10"],
    ),
    ("What are the excludes notes for S72.001A?", apb.INTENT_NOTES, ["Excludes1", "Excludes2",
                                                                    "inherited from S72"]),
    ("What 7th characters does T07 take?", apb.INTENT_SEVENTH_CHARACTER,
     ["placeholder", "T07.XXXA", "T07.XXXS"]),
    ("What 7th characters does T81.4 take?", apb.INTENT_SEVENTH_CHARACTER,
     ["choose one of them first", "T81.40"]),
    ("What are the children of E11.6?", apb.INTENT_HIERARCHY, ["E11.65", "chapter"]),
    ("ICD-10 for ICD-9 428.0?", apb.INTENT_CROSSWALK, ["I50.9", "approximate"]),
    ("What is the ICD-9 code for I50.9 in the GEMs?", apb.INTENT_CROSSWALK, ["428.0"]),
    ("Is N18.6 an MCC?", apb.INTENT_CC_MCC, ["MCC", "principal diagnoses"]),
    ("Can 64492 be billed alone?", apb.INTENT_ADD_ON, ["add-on code", "64490", "64491"]),
    ("Can 29880 and 29881 be billed together?", apb.INTENT_NCCI_PTP,
     ["Column 1 **29880**", "column 2 **29881**", "indicator 1"]),
    ("Is there a hospital NCCI edit between 29880 and 29881?", apb.INTENT_NCCI_PTP,
     ["hospital", "Column 1 **29880**"]),
    ("What are the notes for N18.6?", apb.INTENT_NOTES,
     ["Code first", "Use additional code", "inherited from N18"]),
    ("What is the MUE for 20610?", apb.INTENT_MUE, ["**2**"]),
    ("What are the RVUs and global days for 29881?", apb.INTENT_FEE_SCHEDULE,
     ["work 7.03", "Global days 090", "National payment", "facility $538.25"]),
    ("What is the weather in Paris?", apb.INTENT_OUT_OF_SCOPE, ["outside what CasePilot"]),
    # a description instead of a code: found, then built with the 7th character it names
    ("Concussion without loss of consciousness, initial encounter: what is the full code?",
     apb.INTENT_SEVENTH_CHARACTER, ["S06.0X0A", "placeholder"]),
    ("Maternal care for breech presentation, fetus 1: which 7th character?",
     apb.INTENT_SEVENTH_CHARACTER, ["O32.1XX1", "fetus 1"]),
    ("Why does W19.XXXA have three X's?", apb.INTENT_SEVENTH_CHARACTER, ["placeholder"]),
    ("ICD-10 equivalent of ICD-9 496", apb.INTENT_CROSSWALK, ["J44.9"]),
    ("What should be coded first with N18?", apb.INTENT_NOTES, ["Code first", "I12"]),
    ("What category does J45.909 belong to?", apb.INTENT_HIERARCHY, ["J45"]),
    ("Is A41.9 a major complication?", apb.INTENT_CC_MCC, ["MCC"]),
    ("Can I bill 29880 with 29881?", apb.INTENT_NCCI_PTP, ["Column 1 **29880**"]),
    ("What are the total RVUs and PC/TC indicator of 29881?", apb.INTENT_FEE_SCHEDULE,
     ["Total RVUs", "PC/TC indicator 0"]),
    ("Break down PCS code 0DTJ4ZZ", apb.INTENT_PCS_STRUCTURE, ["Resection", "Appendix"]),
    ("Is J45.9 billable?", apb.INTENT_BILLABLE, ["Billable codes below it", "J45.909"]),
    ("What is the difference between excision and resection?", apb.INTENT_PCS_STRUCTURE,
     ["Excision", "Resection", "Official definition", "a portion of a body part",
      "all of a body part"]),
    # the coverage code of a HCPCS record (HCPCS 2020: A4252 S, A0425 C)
    ("Does Medicare cover A4252?", apb.INTENT_COVERAGE,
     ["coverage code **S**", "Non-covered by Medicare statute"]),
    ("What is the coverage status of A0425?", apb.INTENT_COVERAGE,
     ["coverage code **C**", "Carrier judgment"]),
    # a modifier named without the word "modifier": the knowledge entry and the HCPCS descriptor
    ("When do I use XS?", apb.INTENT_MODIFIER, ["Modifier **XS**", "separate organ/structure"]),
    # a fee-schedule word without any code is not a question about a code
    ("What is the stock price of Apple?", apb.INTENT_OUT_OF_SCOPE, ["outside what CasePilot"]),
    # HCPCS modifiers are read from the loaded HCPCS release even without a knowledge entry.
    ("What does modifier RT mean?", apb.INTENT_MODIFIER, ["Modifier **RT**", "Right side"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "intent", "facts"), CASES, ids=[c[0] for c in CASES])
def test_each_intent_is_answered_from_the_loaded_data(
    ask: agrpc.AssistantServiceStub,
    codes: cgrpc.CodesServiceStub,
    text: str,
    intent: int,
    facts: list[str],
) -> None:
    reply = question(ask, text)
    assert reply.intent == intent, apb.Intent.Name(reply.intent)
    for fact in facts:
        assert fact in reply.answer, f"{fact!r} missing from:\n{reply.answer}"
    if intent != apb.INTENT_OUT_OF_SCOPE:
        assert reply.citations, "every grounded answer cites its facts"
        assert all(c.source for c in reply.citations)
    assert_every_code_valid(reply, codes)


def test_an_unknown_code_is_called_unknown_and_never_explained(
    ask: agrpc.AssistantServiceStub, codes: cgrpc.CodesServiceStub
) -> None:
    reply = question(ask, "What does I10.9 mean?")
    assert list(reply.unknown_codes) == ["I10.9"]
    assert "I10.9 is not a valid ICD-10-CM code" in reply.answer
    assert "I10.9" not in {code.code for code in reply.codes}
    assert "I10" in {code.code for code in reply.codes}  # a close valid code of its category
    assert_every_code_valid(reply, codes)


def test_a_follow_up_resolves_it_and_the_initial_encounter(ask: agrpc.AssistantServiceStub) -> None:
    first = question(ask, "What does S72.001 mean?")
    billable = question(ask, "Is it billable?", first.conversation_id)
    assert billable.intent == apb.INTENT_BILLABLE and "S72.001" in billable.answer
    built = question(ask, "the initial encounter", first.conversation_id)
    assert built.intent == apb.INTENT_SEVENTH_CHARACTER
    assert "S72.001A" in {code.code for code in built.codes}
    assert built.conversation_id == first.conversation_id


def test_a_follow_up_continues_from_the_code_found(ask: agrpc.AssistantServiceStub) -> None:
    found = question(ask, "Which code for type 1 diabetes with ketoacidosis without coma?")
    best = found.codes[0].code
    follow = question(ask, "Is it billable?", found.conversation_id)
    assert follow.intent == apb.INTENT_BILLABLE
    assert follow.answer.startswith(f"Yes: **{best}**")


def test_a_missing_data_set_is_said_not_loaded(codes_address: str, search_address: str) -> None:
    """Over the default data (no fee schedule imported) the answer says so, names the data
    set in not_loaded, and invents no number."""
    from medcode_assistant.testing import serve_assistant

    server = serve_assistant(codes_address, search_address, knowledge=None)
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=ASSISTANT) as ch:
            reply = question(agrpc.AssistantServiceStub(ch), "What are the RVUs for 29881?")
    finally:
        server.stop()
    assert "pfs-rvu" in reply.not_loaded
    assert "Not loaded in this installation" in reply.answer
    assert "RVUs: work" not in reply.answer


def test_the_stream_sends_chunks_then_the_whole_answer(ask: agrpc.AssistantServiceStub) -> None:
    request = apb.AskStreamRequest(request=apb.AskRequest(question="What does S72.001A mean?"))
    pieces = list(ask.AskStream(request, timeout=30))
    assert pieces[-1].WhichOneof("piece") == "final"
    assert all(p.WhichOneof("piece") == "text" for p in pieces[:-1]) and len(pieces) >= 2
    assert "".join(p.text for p in pieces[:-1]) == pieces[-1].final.answer


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (apb.AskRequest(question="   "), "question is empty"),
        (apb.AskRequest(question="x" * 2001), "at most 2,000"),
        (apb.AskRequest(question="what is it?", conversation_id="bad id!"), "conversation_id"),
        (
            apb.AskRequest(
                question="what is it?",
                context_code=apb.CodeRef(system=cpb.CODE_SYSTEM_ICD10CM, code="not a code"),
            ),
            "context_code",
        ),
    ],
)
def test_a_bad_request_is_invalid_argument(
    ask: agrpc.AssistantServiceStub, request_: apb.AskRequest, message: str
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        ask.Ask(request_, timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert message in (refused.value.details() or "")


def test_the_context_code_is_the_subject(ask: agrpc.AssistantServiceStub) -> None:
    reply = ask.Ask(
        apb.AskRequest(
            question="Is this billable?",
            context_code=apb.CodeRef(system=cpb.CODE_SYSTEM_ICD10CM, code="e119"),
        ),
        timeout=30,
    )
    assert reply.intent == apb.INTENT_BILLABLE and "E11.9" in reply.answer


@pytest.mark.parametrize("caller", [SEARCH, CODES])
def test_only_the_gateway_may_ask(assistant_address: str, caller: str) -> None:
    with (
        service_auth.channel(assistant_address, identity=caller, audience=ASSISTANT) as channel,
        pytest.raises(grpc.RpcError) as refused,
    ):
        agrpc.AssistantServiceStub(channel).Ask(apb.AskRequest(question="hi"), timeout=10)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_system_of_each_listed_code_is_known(ask: agrpc.AssistantServiceStub) -> None:
    reply = question(ask, "Can 29880 and 29881 be billed together?")
    assert {PROTO_TO_SYSTEM[c.system].value for c in reply.codes} == {"cpt"}


def test_ptp_without_the_edits_loaded_says_so(codes_address: str, search_address: str) -> None:
    """The default data has no NCCI PTP file: the answer says it is not loaded (ListDatasets)
    rather than "no edit applies"."""
    from medcode_assistant.testing import serve_assistant

    server = serve_assistant(codes_address, search_address, knowledge=None)
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=ASSISTANT) as ch:
            reply = question(
                agrpc.AssistantServiceStub(ch), "Can 29880 and 29881 be billed together?"
            )
    finally:
        server.stop()
    assert reply.not_loaded == ["ncci-ptp-practitioner"]
    assert "No NCCI PTP edit" not in reply.answer and "Not loaded" in reply.answer
