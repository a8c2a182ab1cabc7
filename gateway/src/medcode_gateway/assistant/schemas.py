"""Request and response models of the CasePilot routes; every field returned is listed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from medcode_gateway.core.schemas import Out

MAX_QUESTION = 2000
MAX_CASE_TEXT = 20_000
MAX_CONVERSATION_ID = 128
SystemName = Literal["icd10cm", "icd10pcs", "hcpcs", "cpt"]


class CodeRefIn(BaseModel):
    """A code the question is about."""

    model_config = ConfigDict(extra="forbid")

    system: SystemName = Field(description="Code system.", examples=["icd10cm"])
    code: str = Field(min_length=1, max_length=32, description="The code.", examples=["N18.6"])


class AskIn(BaseModel):
    """One question to CasePilot."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION,
        description="The question in words.",
        examples=["Is N18.6 an MCC?"],
    )
    context_code: CodeRefIn | None = Field(
        default=None, description="The code the question is about (a code page's box)."
    )
    conversation_id: str | None = Field(
        default=None,
        max_length=MAX_CONVERSATION_ID,
        description="Continue this conversation ('it', 'that code' resolve from it).",
    )


class Case2CodeIn(BaseModel):
    """Clinical text to code."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1,
        max_length=MAX_CASE_TEXT,
        description="The clinical text.",
        examples=[
            "Type 2 diabetes with diabetic chronic kidney disease stage 3a. Denies chest pain."
        ],
    )
    limit: int = Field(default=10, ge=1, le=50, description="Most suggestions wanted.")


class CitationOut(Out):
    """Where one fact of an answer comes from."""

    system: SystemName | None = Field(description="Code system, when the fact is about a code.")
    code: str | None = Field(description="The code, when the fact is about a code.")
    release: str = Field(description="Release or data-set version read.")
    source: str = Field(description="Field or data set, e.g. 'cc_mcc', 'notes.excludes1'.")
    reference: str = Field(description="Official source section, for knowledge-base facts.")


class MentionedCodeOut(Out):
    """A code the answer names, checked against the loaded release."""

    system: SystemName = Field(description="Code system.")
    code: str = Field(description="The canonical code.")
    title: str = Field(description="Its title in the release read.")
    billable: bool = Field(description="Reportable as is.")
    release: str = Field(description="Release it was checked against.")


class AskOut(Out):
    """A grounded, cited answer."""

    answer: str = Field(description="The answer, markdown.")
    citations: list[CitationOut] = Field(description="Where each fact comes from.")
    codes: list[MentionedCodeOut] = Field(description="Every code the answer names.")
    follow_ups: list[str] = Field(description="Questions a coder may ask next.")
    intent: str = Field(description="What was understood, e.g. 'cc_mcc', 'out_of_scope'.")
    conversation_id: str = Field(description="Send it back to continue the conversation.")
    not_loaded: list[str] = Field(description="Data sets the answer needed but are not loaded.")
    unknown_codes: list[str] = Field(description="Codes in the question that are not valid.")


class EvidenceOut(Out):
    """Words of the text that support a suggestion."""

    start: int = Field(description="Character offset where the words start.")
    end: int = Field(description="Character offset where they end (exclusive).")
    text: str = Field(description="The words.")


class SuggestionOut(Out):
    """One suggested code."""

    system: SystemName = Field(description="Code system.")
    code: str = Field(description="The canonical code.")
    title: str = Field(description="Its title.")
    score: float = Field(description="Higher is better, within one answer.")
    evidence: list[EvidenceOut] = Field(description="Supporting words.")
    negated: bool = Field(description="The text negates it ('denies chest pain').")
    historical: bool = Field(description="The text puts it in the past ('history of').")


class Case2CodeOut(Out):
    """Suggested codes for a clinical text."""

    suggestions: list[SuggestionOut] = Field(description="Current problems, best first.")
    missing: list[str] = Field(description="What a coder still needs for the specific code.")
    excluded: list[SuggestionOut] = Field(description="Negated and historical mentions.")
