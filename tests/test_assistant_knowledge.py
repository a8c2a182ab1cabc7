"""Knowledge answers (modifiers, PCS, conventions, guidelines, coverage) through the port the
knowledge package fills, with a small knowledge base built here until that package is merged;
and the answer a build without a knowledge base gives."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import pytest

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as agrpc
from medcode_assistant.testing import serve_assistant
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, GATEWAY


@dataclass(frozen=True)
class Entry:
    kind: str
    key: str
    title: str
    text: str
    source: str
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


ENTRIES = (
    Entry("modifier", "XU", "Modifier XU: unusual non-overlapping service",
          "A service distinct because it does not overlap the main service.",
          "NCCI Policy Manual, Chapter I, E.1"),
    Entry("modifier", "25", "Modifier 25: significant, separately identifiable E/M",
          "An E/M on the day of a procedure, beyond the procedure's usual care.",
          "CMS Claims Processing Manual, Chapter 12, 30.6.6"),
    Entry("pcs_root_operation", "B", "Excision",
          "Cutting out or off, without replacement, a portion of a body part.",
          "ICD-10-PCS Official Guidelines FY2026, B3.1", aliases=("excision",)),
    Entry("convention", "nec", "NEC: not elsewhere classified",
          "Other specified: the classification has no more specific code.",
          "ICD-10-CM Official Guidelines FY2026, I.A.9.a", aliases=("nec",)),
    Entry("guideline", "htn-ckd", "Hypertension with chronic kidney disease",
          "The classification presumes a link; use the combination category I12 with N18.",
          "ICD-10-CM Official Guidelines FY2026, I.C.9.a.2",
          aliases=("hypertension with ckd", "hypertension"), codes=("I12.9", "N18.3")),
    Entry("coverage", "lcd", "Local Coverage Determinations",
          "A Medicare contractor's decision on whether a service is covered in its region.",
          "Medicare Program Integrity Manual, Chapter 13", aliases=("lcd",)),
)  # fmt: skip


class TinyKnowledge:
    """The KnowledgeBase interface over ENTRIES (word overlap for `find`)."""

    def modifier(self, code: str) -> Entry | None:
        return next((e for e in ENTRIES if e.kind == "modifier" and e.key == code.upper()), None)

    def root_operation(self, name_or_character: str) -> Entry | None:
        wanted = name_or_character.lower()
        return next(
            (e for e in ENTRIES if e.kind == "pcs_root_operation" and wanted in e.aliases), None
        )

    def find(self, question: str, kinds: Collection[str] = (), limit: int = 5) -> list[Entry]:
        words = question.lower()
        return [
            e for e in ENTRIES
            if (not kinds or e.kind in kinds) and any(alias in words for alias in e.aliases)
        ][:limit]  # fmt: skip


@pytest.fixture(scope="module")
def ask(assistant_codes_address: str, search_address: str) -> Iterator[agrpc.AssistantServiceStub]:
    server = serve_assistant(assistant_codes_address, search_address, knowledge=TinyKnowledge())
    with service_auth.channel(server.address, identity=GATEWAY, audience=ASSISTANT) as channel:
        yield agrpc.AssistantServiceStub(channel)
    server.stop()


CASES = [
    ("What does modifier XU mean?", apb.INTENT_MODIFIER, "XU", "NCCI Policy Manual"),
    ("When is modifier 25 used?", apb.INTENT_MODIFIER, "separately identifiable", "30.6.6"),
    ("What is the root operation excision?", apb.INTENT_PCS_STRUCTURE, "Cutting out", "B3.1"),
    ("What does NEC mean?", apb.INTENT_CONVENTION, "Other specified", "I.A.9.a"),
    ("What is the guideline for hypertension with CKD?", apb.INTENT_GUIDELINE, "I12", "I.C.9.a.2"),
    ("What is an LCD?", apb.INTENT_COVERAGE, "contractor", "Chapter 13"),
    # no intent phrasing, no code: the knowledge base decides what the question is about
    ("How does excision work?", apb.INTENT_PCS_STRUCTURE, "Cutting out", "B3.1"),
    # "how do I code" a guideline topic is the guideline, not a search for one code
    ("How do I code hypertension with CKD?", apb.INTENT_GUIDELINE, "I12", "I.C.9.a.2"),
]


@pytest.mark.parametrize(("text", "intent", "fact", "reference"), CASES)
def test_a_knowledge_answer_cites_its_official_source(
    ask: agrpc.AssistantServiceStub, text: str, intent: int, fact: str, reference: str
) -> None:
    reply = ask.Ask(apb.AskRequest(question=text), timeout=30)
    assert reply.intent == intent
    assert fact in reply.answer
    assert any(
        reference in c.reference and c.source.startswith("knowledge:") for c in reply.citations
    )


def test_codes_a_knowledge_entry_names_are_validated(ask: agrpc.AssistantServiceStub) -> None:
    reply = ask.Ask(apb.AskRequest(question="Guideline for hypertension with CKD?"), timeout=30)
    assert {"I12.9", "N18.3"} <= {code.code for code in reply.codes}


def test_an_unknown_modifier_is_said_unknown(ask: agrpc.AssistantServiceStub) -> None:
    reply = ask.Ask(apb.AskRequest(question="What does modifier 9Z mean?"), timeout=30)
    assert "Modifier 9Z is not in MedCode's modifier list" in reply.answer


def test_pcs_axes_come_from_the_code_record(ask: agrpc.AssistantServiceStub) -> None:
    reply = ask.Ask(apb.AskRequest(question="What are the axes of 0DTJ4ZZ?"), timeout=30)
    assert reply.intent == apb.INTENT_PCS_STRUCTURE
    assert "Body Part" in reply.answer or "body part" in reply.answer.lower()
    assert "0DTJ4ZZ" in {code.code for code in reply.codes}


def test_without_a_knowledge_base_the_answer_says_it_is_not_loaded(
    assistant_codes_address: str, search_address: str
) -> None:
    server = serve_assistant(assistant_codes_address, search_address, knowledge=None)
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=ASSISTANT) as ch:
            reply = agrpc.AssistantServiceStub(ch).Ask(
                apb.AskRequest(question="What does modifier 59 mean?"), timeout=30
            )
    finally:
        server.stop()
    assert "knowledge" in reply.not_loaded
    assert "not loaded in this installation" in reply.answer


def test_coverage_says_what_is_loaded_here(ask: agrpc.AssistantServiceStub) -> None:
    reply = ask.Ask(apb.AskRequest(question="Is this covered under an LCD?"), timeout=30)
    assert reply.intent == apb.INTENT_COVERAGE
    assert "Loaded in this installation:" in reply.answer and "pfs-rvu" in reply.answer
    assert {"ncd", "lcd"} <= set(reply.not_loaded)
