"""Answers from the CMS payment edits: NCCI PTP pairs, MUE units, the physician fee schedule."""

from __future__ import annotations

import re

from medcode_assistant.grounding import Grounding, show
from medcode_assistant.resolve import KnownCode
from medcode_common.codesystems import System

PTP_PRACTITIONER = "ncci-ptp-practitioner"
PTP_HOSPITAL = "ncci-ptp-hospital"
_HOSPITAL = re.compile(r"\bhospital|\boutpatient|\bfacility|\bOPPS\b", re.IGNORECASE)
_MODIFIER_INDICATOR = {
    "0": "0: never allowed together; no modifier bypasses the edit",
    "1": "1: allowed with an NCCI-associated modifier (e.g. 59, XE, XS, XP, XU) when the "
    "services are truly distinct",
    "9": "9: the edit does not apply (deleted back to its start)",
}


async def ncci_ptp(ctx: Grounding) -> None:
    """NCCI procedure-to-procedure edits among the question's procedure codes."""
    procedures = [k for k in ctx.known if k.system in (System.CPT, System.HCPCS)]
    if len(procedures) < 2:
        ctx.answer.say(
            "Name two procedure codes (CPT or HCPCS) to check an NCCI PTP edit, "
            'e.g. "Can 29881 and 29880 be billed together?"'
        )
        return
    for known in procedures:
        await ctx.record(known)
    hospital = bool(_HOSPITAL.search(ctx.question))
    kind = PTP_HOSPITAL if hospital else PTP_PRACTITIONER
    if kind not in await ctx.lookup.datasets():
        ctx.answer.missing_dataset(kind)
        ctx.answer.say(
            f"_Not loaded in this installation:_ no NCCI PTP edits ({kind.rsplit('-', 1)[1]}) "
            "are loaded, so I cannot say whether these codes are bundled."
        )
        return
    reply = await ctx.lookup.ptp([k.code for k in procedures], hospital=hospital)
    ctx.answer.cite("ncci_ptp", release=reply.release)
    codes = ", ".join(f"**{k.code}**" for k in procedures)
    if not reply.pairs:
        ctx.answer.say(
            f"No NCCI PTP edit ({reply.setting or 'practitioner'}, release "
            f"{reply.release or 'none loaded'}) applies between {codes}."
        )
        return
    setting = reply.setting or ("hospital" if hospital else "practitioner")
    ctx.answer.say(f"NCCI PTP edits ({setting}, release {reply.release}) among {codes}:")
    for pair in reply.pairs:
        meaning = _MODIFIER_INDICATOR.get(pair.modifier_indicator, pair.modifier_meaning)
        ctx.answer.say(
            f"- Column 1 **{pair.column1}**, column 2 **{pair.column2}**: the "
            f"column 2 code is bundled into the column 1 code. Modifier indicator "
            f"{meaning}."
        )
        if pair.rationale:
            ctx.answer.say(f"  Rationale: {pair.rationale}")
        if pair.deletion_date:
            ctx.answer.say(f"  Deleted {pair.deletion_date}.")


async def mue(ctx: Grounding, known: KnownCode) -> None:
    """MUE units per setting, with the adjudication indicator explained."""
    record = await ctx.record(known)
    if record is None:
        return
    if not record.mues:
        if not ctx.not_loaded(record, ["mue"]):
            ctx.answer.say(f"No MUE is published for {show(record.code, record.title)}.")
        return
    for value in record.mues:
        ctx.answer.say(
            f"- {value.setting}: at most **{value.value}** unit(s) per "
            f"{'day' if value.adjudication_indicator != '1' else 'claim line'} "
            f"(MAI {value.adjudication_indicator}: {value.adjudication_description})"
            f"{'; ' + value.rationale if value.rationale else ''}"
        )
        ctx.answer.cite("mue", system=known.system, code=record.code, release=value.release)


_PFS_STATUS = {
    "A": "active: paid under the fee schedule",
    "B": "bundled: paid as part of other services, never separately",
    "C": "carrier-priced: the Medicare contractor sets the payment",
    "E": "excluded by regulation",
    "I": "not valid for Medicare; another code is used",
    "M": "measurement code, for reporting only",
    "N": "not covered by Medicare",
    "R": "restricted coverage",
    "T": "paid only when no other service is billed that day",
    "X": "excluded from the fee schedule by statute",
}
# PFS relative value file, PC/TC indicator (field "PCTC IND"), in our words.
_PCTC = {
    "0": "physician service; the professional/technical split does not apply",
    "1": "diagnostic test with a professional component (modifier 26) and a technical "
    "component (modifier TC); either may be billed alone, or both as the global service",
    "2": "professional component only code",
    "3": "technical component only code",
    "4": "global test only code (its parts have their own codes)",
    "5": "incident-to code: services under a physician's direct supervision",
    "6": "laboratory physician interpretation code",
    "7": "physical therapy service; the professional/technical split does not apply",
    "8": "physician interpretation code",
    "9": "the professional/technical concept does not apply",
}
_GLOBAL = {
    "000": "000: minor procedure, no follow-up days; same-day E/M included",
    "010": "010: minor procedure, 10 follow-up days included",
    "090": "090: major surgery, 1 day before and 90 days after included",
    "XXX": "XXX: the global concept does not apply",
    "YYY": "YYY: the contractor sets the global period",
    "ZZZ": "ZZZ: part of another service's global period (add-on)",
    "MMM": "MMM: maternity care global rules apply",
}


async def fee_schedule(ctx: Grounding, known: KnownCode) -> None:
    """PFS RVUs, global days and the national payment of each fee schedule row."""
    record = await ctx.record(known)
    if record is None:
        return
    if not record.fee_schedule:
        if not ctx.not_loaded(record, ["pfs-rvu"]):
            ctx.answer.say(f"The fee schedule has no row for {show(record.code, record.title)}.")
        return
    for row in record.fee_schedule:
        ctx.answer.cite("pfs_rvu", system=known.system, code=record.code, release=row.release)
        label = f" with modifier {row.modifier}" if row.modifier else ""
        status = _PFS_STATUS.get(row.status_code, "see the PFS status indicators")
        ctx.answer.say(
            f"**{record.code}**{label} (PFS {row.release}, status {row.status_code}: {status}):"
        )
        nonfacility = "NA" if row.nonfacility_not_applicable else row.nonfacility_pe_rvu
        facility = "NA" if row.facility_not_applicable else row.facility_pe_rvu
        ctx.answer.say(
            f"- RVUs: work {row.work_rvu}, practice expense {nonfacility} "
            f"(non-facility) / {facility} (facility), malpractice {row.mp_rvu}"
        )
        totals = [
            f"{total} ({where})"
            for where, total in (
                ("non-facility", row.nonfacility_total),
                ("facility", row.facility_total),
            )
            if total
        ]
        if totals:
            ctx.answer.say(f"- Total RVUs: {' / '.join(totals)}")
        ctx.answer.say(f"- Global days {_GLOBAL.get(row.global_days, row.global_days)}")
        if row.pctc_indicator:
            meaning = _PCTC.get(row.pctc_indicator, "see the PFS PC/TC indicators")
            ctx.answer.say(f"- PC/TC indicator {row.pctc_indicator}: {meaning}")
        payments = [
            f"{where} ${amount}"
            for where, amount, na in (
                ("non-facility", row.nonfacility_payment, row.nonfacility_not_applicable),
                ("facility", row.facility_payment, row.facility_not_applicable),
            )
            if amount and not na
        ]
        if payments:
            ctx.answer.say(
                f"- National payment (conversion factor {row.conversion_factor}): "
                f"{', '.join(payments)}"
            )
        if row.nonfacility_not_applicable or row.facility_not_applicable:
            ctx.answer.say("- NA: the fee schedule pays no practice expense in that setting.")
