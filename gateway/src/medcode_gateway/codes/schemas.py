"""Request and response shapes of the code lookup endpoints (OpenAPI, checked by tests).

Every response model lists every field its route returns (`Out` forbids extras), so clients
generated from `/openapi.json` see the whole code page.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from medcode_gateway.core.schemas import Out

SystemName = Literal["icd10cm", "icd10pcs", "hcpcs", "cpt"]


class CodeSummaryOut(Out):
    """A link-sized view of a code."""

    code: str = Field(examples=["E11.9"])
    title: str
    kind: str = Field(examples=["category", "code"])
    billable: bool


class NoteOut(Out):
    """One instructional note and the code it is written at."""

    text: str
    source: str = Field(description="The code where the note is written.")
    inherited: bool = Field(description="True when written at an ancestor.")


class SeventhCharacterOut(Out):
    """A 7th character that applies to the code."""

    character: str
    description: str
    notes: list[str] = Field(description="Notes written under this character in the tabular.")
    source: str


class PcsAxisOut(Out):
    """One of the seven ICD-10-PCS axes."""

    position: int
    name: str
    value: str
    label: str


class RootOperationOut(Out):
    """An ICD-10-PCS root operation definition."""

    name: str
    definition: str
    explanation: str
    examples: str


class FeeScheduleOut(Out):
    """One Physician Fee Schedule row of a code (decimal amounts as published, as text)."""

    modifier: str = Field(description='"" for the global row, else "26", "TC", "53".')
    status_code: str = Field(description='PFS status, e.g. "A" (active).')
    work_rvu: str
    nonfacility_pe_rvu: str | None = Field(
        description="Non-facility practice expense RVU; null when not applicable (NA)."
    )
    facility_pe_rvu: str | None = Field(
        description="Facility practice expense RVU; null when not applicable (NA)."
    )
    mp_rvu: str = Field(description="Malpractice RVU.")
    nonfacility_total: str | None = Field(description="Null when not applicable.")
    facility_total: str | None = Field(description="Null when not applicable.")
    global_days: str = Field(description="000, 010, 090, XXX, YYY, ZZZ (add-on) or MMM.")
    pctc_indicator: str
    multiple_procedure: str
    bilateral_surgery: str
    assistant_surgery: str
    co_surgeons: str
    team_surgery: str
    conversion_factor: str = Field(description="Dollars per RVU in this release.")
    nonfacility_payment: str | None = Field(
        description="National non-facility payment in dollars, rounded half up to cents; "
        "null when not applicable."
    )
    facility_payment: str | None = Field(
        description="National facility payment in dollars; null when not applicable."
    )
    release: str = Field(examples=["RVU25D"])
    nonfacility_not_applicable: bool = Field(
        description="The PFS NA indicator: no non-facility PE RVU, total or payment applies."
    )
    facility_not_applicable: bool = Field(
        description="The PFS NA indicator: no facility PE RVU, total or payment applies."
    )


class AddOnOut(Out):
    """Whether a code is an add-on code, and the primary codes it is reported with."""

    is_add_on: bool
    basis: str = Field(description="Where the add-on status comes from.")
    primary_codes: list[str]
    add_on_codes: list[str] = Field(
        description="Add-on codes reported with this code as their primary (64490: 64491, 64492)."
    )
    edit_type: str | None = Field(description="NCCI add-on edit type (1, 2 or 3).")
    edit_type_meaning: str | None


class MueOut(Out):
    """A medically unlikely edit of a code in one setting."""

    setting: str = Field(examples=["practitioner", "outpatient_hospital", "dme"])
    value: int = Field(description="Most units of service reportable.")
    adjudication_indicator: str = Field(examples=["1", "2", "3"])
    adjudication_description: str
    rationale: str
    release: str


class CcStatusOut(Out):
    """MS-DRG CC/MCC level of a secondary diagnosis."""

    level: str = Field(examples=["CC", "MCC"])
    pdx_collection: str = Field(description="Its CC exclusion (PDX) collection.")
    excluded_by_count: int = Field(description="Principal diagnoses that cancel the CC/MCC.")
    release: str = Field(examples=["FY2026-v43"])
    discharged_alive_only: bool = Field(
        description="The level holds only if the patient is discharged alive (table 6K part 2)."
    )
    condition: str = Field(
        description="The condition in words, e.g. 'MCC only if the patient is discharged "
        "alive'; empty when none."
    )


class GemMappingOut(Out):
    """One row of the CMS General Equivalence Mappings."""

    source_system: str = Field(examples=["icd9cm", "icd10cm", "icd9pcs", "icd10pcs"])
    source: str
    target_system: str
    target: str = Field(description="Empty when no_map.")
    approximate: bool
    no_map: bool
    combination: bool
    scenario: int
    choice_list: int
    target_title: str


class IndexEntryOut(Out):
    """An alphabetic index line that leads to the code."""

    index: str = Field(description="Which index file or table.")
    text: str = Field(description="The line as coders read it: the path, then the column.")
    path: list[str]
    column: str | None = Field(description="The table column, e.g. 'Malignant Primary'.")
    modifiers: list[str] = Field(description="Non-essential modifiers along the path.")
    code: str
    incomplete: bool = Field(
        description='The index writes the code with a dash ("C34.9-"): it leads to the codes '
        "that complete it."
    )
    release: str


class DatasetStatusOut(Out):
    """Whether a data set is loaded, and a sentence for people."""

    kind: str = Field(examples=["pfs-rvu", "mue-practitioner"])
    loaded: bool
    release: str
    message: str
    content_digest: str = Field(
        description="Digest of the data set's source files; empty when not loaded."
    )


class CodeOut(Out):
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
    pcs_axes: list[PcsAxisOut] | None = Field(default=None, description="ICD-10-PCS only.")
    root_operation: RootOperationOut | None = Field(
        default=None, description="ICD-10-PCS only: the root operation of the code's table."
    )
    fee_schedule: list[FeeScheduleOut] | None = Field(
        default=None, description="HCPCS and CPT: Physician Fee Schedule rows, one per modifier."
    )
    add_on: AddOnOut | None = Field(default=None, description="HCPCS and CPT only.")
    mues: list[MueOut] | None = Field(
        default=None, description="HCPCS and CPT: medically unlikely edits per setting."
    )
    plain_description: str | None = Field(
        default=None, description="HCPCS and CPT: MedCode's own plain-language description."
    )
    attributes: dict[str, str] | None = Field(
        default=None, description="HCPCS and CPT: other attributes of the code's file, by name."
    )
    cc_status: CcStatusOut | None = Field(
        default=None, description="ICD-10-CM: MS-DRG CC/MCC level (null when neither)."
    )
    index_entries: list[IndexEntryOut] | None = Field(
        default=None, description="ICD-10-CM: alphabetic index lines that lead to the code."
    )
    gems: list[GemMappingOut] | None = Field(
        default=None, description="ICD-10-CM and ICD-10-PCS: GEMs crosswalk rows."
    )
    datasets: list[DatasetStatusOut] | None = Field(
        default=None, description="Whether each data set shown on the page is loaded."
    )


class ChildrenOut(Out):
    """The direct children of a code."""

    system: SystemName
    code: str
    release: str
    children: list[CodeSummaryOut]


class ReleaseOut(Out):
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


class VerdictOut(Out):
    """The verdict on one input code."""

    input: str
    code: str | None
    status: Literal["billable", "not_billable", "not_found", "malformed"]
    valid: bool
    billable: bool
    title: str | None
    message: str
    suggestions: list[CodeSummaryOut]


class ValidateOut(Out):
    """One verdict per input, in order."""

    system: SystemName
    release: str
    results: list[VerdictOut]
