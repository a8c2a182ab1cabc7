"""Response and request shapes of the REST API (documentation and request validation)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SystemName = Literal["icd10cm", "icd10pcs", "hcpcs", "cpt"]


class CodeSummaryOut(BaseModel):
    """A link-sized view of a code."""

    code: str = Field(examples=["E11.9"])
    title: str
    kind: str = Field(examples=["category", "code"])
    billable: bool


class NoteOut(BaseModel):
    """One instructional note and the code it is written at."""

    text: str
    source: str = Field(description="The code where the note is written.")
    inherited: bool = Field(description="True when written at an ancestor.")


class SeventhCharacterOut(BaseModel):
    """A 7th character that applies to the code."""

    character: str
    description: str
    source: str


class PcsAxisOut(BaseModel):
    """One of the seven ICD-10-PCS axes."""

    position: int
    name: str
    value: str
    label: str


class RootOperationOut(BaseModel):
    """An ICD-10-PCS root operation definition."""

    name: str
    definition: str
    explanation: str
    examples: str


class CodeOut(BaseModel):
    """The full record of one code."""

    system: SystemName
    code: str
    title: str
    kind: str
    billable: bool
    release: str
    parent: CodeSummaryOut | None
    ancestors: list[CodeSummaryOut]
    children: list[CodeSummaryOut]
    notes: dict[str, list[NoteOut]] = Field(
        description="Notes grouped by type: includes, inclusion_terms, excludes1, excludes2, "
        "code_first, use_additional_code, code_also, notes, seventh_character_notes."
    )
    seventh_characters: list[SeventhCharacterOut]
    pcs_axes: list[PcsAxisOut] | None = None
    root_operation: RootOperationOut | None = None


class ChildrenOut(BaseModel):
    """The direct children of a code."""

    system: SystemName
    code: str
    release: str
    children: list[CodeSummaryOut]


class ReleaseOut(BaseModel):
    """One loaded release."""

    system: SystemName
    release: str
    effective_date: str
    code_count: int
    billable_count: int
    source: str


class ValidateIn(BaseModel):
    """Codes to validate against one release."""

    system: SystemName
    codes: list[str] = Field(min_length=1, max_length=1000, examples=[["E11", "e119", "S72.001A"]])
    release: str | None = None
    as_of: str | None = Field(default=None, description="ISO date; newest release effective then.")


class VerdictOut(BaseModel):
    """The verdict on one input code."""

    input: str
    code: str | None
    status: Literal["billable", "not_billable", "not_found", "malformed"]
    valid: bool
    billable: bool
    title: str | None
    message: str
    suggestions: list[CodeSummaryOut]


class ValidateOut(BaseModel):
    """One verdict per input, in order."""

    system: SystemName
    release: str
    results: list[VerdictOut]
