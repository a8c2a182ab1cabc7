"""Medicare coverage of a HCPCS Level II code, from the coverage code its own record carries
(HCPCS record layout, field 16 "HCPCS Coverage Code")."""

from __future__ import annotations

from medcode_assistant.grounding import Grounding, show
from medcode_common.codesystems import System

#: The values of the coverage code, as the HCPCS record layout defines them.
COVERAGE_CODES = {
    "C": "Carrier judgment: the Medicare contractor decides coverage",
    "D": "Special coverage instructions apply",
    "I": "Not payable by Medicare (another code is used for the service)",
    "M": "Non-covered by Medicare",
    "S": "Non-covered by Medicare statute",
}


async def hcpcs_coverage(ctx: Grounding) -> bool:
    """Say the question's HCPCS code's coverage code and its meaning; False when it has none."""
    known = ctx.first(System.HCPCS)
    if known is None:
        return False
    record = await ctx.record(known)
    value = record.attributes.get("coverage_code", "") if record is not None else ""
    if record is None or not value:
        return False
    meaning = COVERAGE_CODES.get(value, "a value the HCPCS record layout does not define")
    ctx.answer.say(
        f"{show(record.code, record.title)} has HCPCS coverage code **{value}**: {meaning} "
        f"(HCPCS Level II release {record.release})."
    )
    ctx.answer.cite("coverage_code", system=System.HCPCS, code=record.code, release=record.release)
    return True
