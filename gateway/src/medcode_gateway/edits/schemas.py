"""Response shapes of the edit and crosswalk endpoints (OpenAPI, checked by tests)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from medcode_gateway.codes.schemas import DatasetStatusOut, GemMappingOut, MueOut
from medcode_gateway.core.schemas import Out


class PtpPairOut(Out):
    """An NCCI procedure-to-procedure edit between two of the claim's codes."""

    column1: str = Field(description="The comprehensive code: the one that is paid.")
    column2: str = Field(description="The component code: denied unless the edit is bypassed.")
    modifier_indicator: str = Field(description="0 never bypassable, 1 with a modifier, 9 deleted.")
    modifier_meaning: str = Field(description="What the modifier indicator means, in plain words.")
    effective_date: str
    deletion_date: str = Field(description="Empty when none.")
    rationale: str
    existed_before_1996: bool


class PtpCheckOut(Out):
    """The active edits among a claim's codes (empty `pairs`: no edit applies)."""

    release: str
    setting: Literal["practitioner", "hospital"]
    date: str = Field(description="The date of service used.")
    pairs: list[PtpPairOut]


class MueLookupOut(Out):
    """A code's MUE in each loaded setting, and which settings are loaded."""

    code: str
    values: list[MueOut]
    datasets: list[DatasetStatusOut]


class GemsOut(Out):
    """A code's GEMs rows in file order."""

    from_: str = Field(alias="from", description="The source system asked for.")
    code: str
    release: str
    mappings: list[GemMappingOut]


class CcExclusionsOut(Out):
    """A secondary diagnosis' CC/MCC level and the principal diagnoses that cancel it.

    With `principal` the answer says whether that one cancels it (`principal`, `excluded`);
    without, it lists them all (`principal_codes`)."""

    code: str
    level: str | None = Field(description='"CC", "MCC", or null when the code is neither.')
    pdx_collection: str | None
    release: str
    discharged_alive_only: bool = Field(
        description="The level holds only if the patient is discharged alive (table 6K part 2)."
    )
    condition: str | None = Field(description="The condition in words; null when none.")
    principal: str | None = Field(default=None, description="The principal diagnosis checked.")
    excluded: bool | None = Field(default=None, description="True when `principal` cancels it.")
    principal_codes: list[str] | None = Field(
        default=None, description="Every principal diagnosis that cancels it."
    )


class DatasetOut(Out):
    """One loaded reference data set."""

    kind: str
    release: str
    effective_date: str
    row_count: int
    source: str
