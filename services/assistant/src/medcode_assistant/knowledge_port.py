"""The knowledge base as CasePilot uses it: the lookups answers make, so tests may hand the
composer a small knowledge base of their own (`medcode_assistant.knowledge` is the real one)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from medcode_assistant.knowledge import KnowledgeBase


class KnowledgeEntry(Protocol):
    """One entry: MedCode's own words on a modifier, convention, guideline or PCS topic."""

    @property
    def kind(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def codes(self) -> tuple[str, ...]: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


class Knowledge(Protocol):
    """The lookups CasePilot makes (`medcode_assistant.knowledge.KnowledgeBase`)."""

    def modifier(self, code: str) -> KnowledgeEntry | None: ...
    def root_operation(self, name_or_character: str) -> KnowledgeEntry | None: ...
    def find(
        self, question: str, kinds: Collection[str] = (), limit: int = 5
    ) -> Sequence[KnowledgeEntry]: ...


def load_knowledge() -> Knowledge:
    """The packaged knowledge base (read once per process)."""
    knowledge: Knowledge = KnowledgeBase.load()
    return knowledge
