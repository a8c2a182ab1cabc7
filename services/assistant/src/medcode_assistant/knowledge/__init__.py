"""CasePilot's knowledge base: modifiers, ICD-10-CM conventions, guideline topics, ICD-10-PCS
root operations and axes, and Medicare coverage, written for MedCode in its own words."""

from medcode_assistant.knowledge.base import KnowledgeBase
from medcode_assistant.knowledge.entry import KINDS, Entry, KnowledgeError, code_system

__all__ = ["KINDS", "Entry", "KnowledgeBase", "KnowledgeError", "code_system"]
