"""Response shapes of the search endpoints (documented in OpenAPI, checked by tests)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel

from medcode_gateway.core.schemas import Out

MatchReason = Literal[
    "code",
    "code_prefix",
    "title",
    "inclusion_term",
    "synonym",
    "fuzzy",
    "heading",
    "note_reference",
    "index_term",
]


class HitOut(Out):
    """One ranked code and why it matched."""

    code: str = Field(examples=["E11.9"])
    title: str
    system: str = Field(examples=["icd10cm"])
    billable: bool
    kind: str = Field(examples=["code", "category"])
    score: float = Field(description="Higher is better; comparable within one response.")
    highlight: str = Field(description="The title with matched words wrapped in <em></em>.")
    matched: list[MatchReason] = Field(description="Why it matched, strongest first.")
    matched_text: str | None = Field(description="The inclusion term or synonym that matched.")
    release: str


class SearchOut(Out):
    """One page of hits and how many there are in all."""

    total: int
    hits: list[HitOut]


class SuggestOut(Out):
    """Type-ahead completions, best first."""

    suggestions: list[HitOut]


class ClinicalTablesOut(
    RootModel[list[int | list[str] | dict[str, list[str]] | None | list[list[str]]]]
):
    """NLM Clinical Tables' answer, a 4-item array: [total (every match), codes (the `cf`
    field), the `ef` fields by name or alias (null without `ef`), display rows (the `df`
    fields of each code)]."""
