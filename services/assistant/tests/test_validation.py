"""The seal against the real codes service (the `codes_address` fixture): confirmed codes
are listed, refused ones withheld, and a rephrasing may name only codes already listed."""

from __future__ import annotations

import asyncio

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.answer import Answer
from medcode_assistant.clients import DataClients
from medcode_assistant.lookup import Lookup
from medcode_assistant.testing import loopback_settings
from medcode_assistant.validation import WITHHELD, seal, unconfirmed
from medcode_common.codesystems import System

NO_SEARCH = "127.0.0.1:9"  # the seal never searches


def sealed(codes_address: str, *lines: str) -> Answer:
    async def run() -> Answer:
        clients = DataClients.connect(loopback_settings(codes_address, NO_SEARCH))
        try:
            answer = Answer(intent=pb.INTENT_CODE_MEANING)
            for line in lines:
                answer.say(line)
            await seal(Lookup(clients), answer)
            return answer
        finally:
            await clients.close()

    return asyncio.run(run())


def test_valid_codes_are_listed_and_refused_ones_withheld(codes_address: str) -> None:
    answer = sealed(codes_address, "Report E11.9, not Z99.99X, and never S72.001Z.")
    assert answer.text == f"Report E11.9, not {WITHHELD}, and never {WITHHELD}."
    assert list(answer.codes) == [(System.ICD10CM, "E11.9")]


def test_the_end_of_a_range_is_checked_like_any_code(codes_address: str) -> None:
    answer = sealed(codes_address, "categories A00-Z99.99X, and E10-E11.9 are meant")
    assert answer.text == f"categories A00-{WITHHELD}, and E10-E11.9 are meant"
    assert {(System.ICD10CM, "A00"), (System.ICD10CM, "E11.9")} <= set(answer.codes)


def test_an_answer_without_codes_is_unchanged(codes_address: str) -> None:
    answer = sealed(codes_address, "Global days 090: major surgery; RVUs 7.03 in 2026-04-01.")
    assert answer.text == "Global days 090: major surgery; RVUs 7.03 in 2026-04-01."
    assert not answer.codes


def test_unknown_codes_of_the_question_may_be_named_as_unknown() -> None:
    answer = Answer(intent=pb.INTENT_CODE_MEANING, unknown_codes=["I10.9"])
    answer.say("I10.9 is not a valid ICD-10-CM code in the loaded release.")
    assert unconfirmed(answer, answer.text) == []


def test_a_rephrasing_may_name_only_codes_already_listed() -> None:
    answer = Answer(intent=pb.INTENT_CODE_MEANING)
    answer.mention(System.ICD10CM, "E11.9", title="T2DM", billable=True, release="r")
    assert unconfirmed(answer, "So E11.9 it is.") == []
    assert [m.text for m in unconfirmed(answer, "So E11.9, or maybe E11.65.")] == ["E11.65"]
