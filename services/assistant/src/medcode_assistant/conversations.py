"""Bounded in-memory conversations: the codes and intent of the last answer, so a follow-up's
"it", "that code" or "the initial encounter" resolve. Lost on restart by design (a chat
page starts over); bounded by age and count so no client can grow it without limit."""

from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from medcode_assistant.resolve import KnownCode

_REFERS = re.compile(
    r"\b(?:it|its|it's|that|this|the same|the code|that code|this code|these|those|them)\b"
    r"|initial encounter|subsequent encounter|sequela|\bwhat about\b|\band\b\s*\?",
    re.IGNORECASE,
)
_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True, slots=True)
class Turn:
    """What a conversation remembers: the last answer's question codes and intent."""

    codes: tuple[KnownCode, ...]
    intent: int


def refers_back(question: str) -> bool:
    """Whether a question without codes leans on the previous answer ("is it billable?")."""
    return bool(_REFERS.search(question))


def valid_conversation_id(value: str) -> bool:
    """Conversation ids are 8-64 URL-safe characters (ours are 22)."""
    return bool(_ID.fullmatch(value))


class ConversationStore:
    """Last turns by conversation id, oldest evicted first, each forgotten after `ttl`."""

    def __init__(
        self, *, ttl_seconds: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._turns: OrderedDict[str, tuple[float, Turn]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._turns)

    @staticmethod
    def new_id() -> str:
        """A fresh unguessable id."""
        return secrets.token_urlsafe(16)

    def get(self, conversation_id: str) -> Turn | None:
        """The conversation's last turn, or None when unknown or expired."""
        entry = self._turns.get(conversation_id)
        if entry is None:
            return None
        stored_at, turn = entry
        if self._clock() - stored_at > self._ttl:
            del self._turns[conversation_id]
            return None
        return turn

    def put(self, conversation_id: str, turn: Turn) -> None:
        """Remember the turn; evict expired entries, then the oldest beyond `max_entries`."""
        now = self._clock()
        self._turns[conversation_id] = (now, turn)
        self._turns.move_to_end(conversation_id)
        while self._turns:
            oldest_id, (stored_at, _turn) = next(iter(self._turns.items()))
            if now - stored_at <= self._ttl and len(self._turns) <= self._max:
                break
            del self._turns[oldest_id]
