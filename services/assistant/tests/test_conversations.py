"""Conversations are bounded by age and count, and follow-ups are told apart from new topics."""

from __future__ import annotations

from medcode_assistant.conversations import (
    ConversationStore,
    Turn,
    refers_back,
    valid_conversation_id,
)
from medcode_assistant.resolve import KnownCode
from medcode_common.codesystems import System

TURN = Turn(
    codes=(KnownCode(System.ICD10CM, "S72.001", "Fracture", False, "2026-04-01"),), intent=2
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_turn_is_forgotten_after_its_ttl() -> None:
    clock = Clock()
    store = ConversationStore(ttl_seconds=10, max_entries=5, clock=clock)
    store.put("conversation-1", TURN)
    clock.now = 9
    assert store.get("conversation-1") == TURN
    clock.now = 11
    assert store.get("conversation-1") is None
    assert len(store) == 0


def test_the_oldest_goes_first_beyond_max_entries() -> None:
    clock = Clock()
    store = ConversationStore(ttl_seconds=100, max_entries=3, clock=clock)
    for index in range(5):
        clock.now = index
        store.put(f"conversation-{index}", TURN)
    assert len(store) == 3
    assert store.get("conversation-0") is None and store.get("conversation-1") is None
    assert store.get("conversation-4") == TURN


def test_new_ids_are_valid_and_distinct() -> None:
    ids = {ConversationStore.new_id() for _ in range(100)}
    assert len(ids) == 100 and all(valid_conversation_id(i) for i in ids)
    assert not valid_conversation_id("short") and not valid_conversation_id("bad id with spaces")


def test_follow_ups_refer_back() -> None:
    assert refers_back("Is it billable?")
    assert refers_back("the initial encounter")
    assert refers_back("what about that code?")
    assert not refers_back("Which code for asthma?")
