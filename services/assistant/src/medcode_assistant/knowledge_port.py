"""The knowledge base as CasePilot uses it (the `medcode_assistant.knowledge` package provides
it); loaded by name so the service also runs, saying so, where that package is absent."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Collection
from typing import Protocol

log = logging.getLogger(__name__)


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


class Knowledge(Protocol):
    """The lookups CasePilot makes (`medcode_assistant.knowledge.KnowledgeBase`)."""

    def modifier(self, code: str) -> KnowledgeEntry | None: ...
    def root_operation(self, name_or_character: str) -> KnowledgeEntry | None: ...
    def find(self, question: str, kinds: Collection[str] = ()) -> list[KnowledgeEntry]: ...


def load_knowledge() -> Knowledge | None:
    """The packaged knowledge base, or None (logged) when this build has none."""
    try:
        module = importlib.import_module("medcode_assistant.knowledge")
    except ImportError:
        log.warning("no knowledge base in this build: modifier and guideline answers say so")
        return None
    knowledge: Knowledge = module.KnowledgeBase.load()
    return knowledge
