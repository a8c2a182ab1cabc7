"""Medicare PFS rows as fee schedule messages: the NA indicators and the national payment.

The relative value file prints a PE RVU (and a total built from it) even where its NA
indicator says the setting does not apply, e.g. 70553's facility PE RVU. Showing those next
to a payment would read as a price CMS does not pay, so an NA setting's PE RVU, total and
payment are all left out together. Payments use CMS's arithmetic: total RVUs times the
conversion factor, rounded half up to cents (Decimal's default rounds half to even).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb

CENT = Decimal("0.01")


def national_payment(total_rvus: Decimal, conversion_factor: Decimal) -> Decimal:
    """The national (GPCI 1.0) payment in dollars, rounded half up to cents like CMS."""
    return (total_rvus * conversion_factor).quantize(CENT, rounding=ROUND_HALF_UP)


def _payment_text(total: str, factor: str) -> str:
    """`national_payment` of two stored decimal texts; "" when either is not a number."""
    try:
        return str(national_payment(Decimal(total), Decimal(factor)))
    except (InvalidOperation, ValueError):
        return ""


def _setting(row: dict[str, Any], prefix: str, factor: str) -> tuple[str, str, str, bool]:
    """(PE RVU, total, payment, not applicable) of one setting ("nonfacility"/"facility")."""
    if row.get(f"{prefix}_na"):
        return "", "", "", True
    total = str(row.get(f"{prefix}_total", ""))
    return str(row.get(f"{prefix}_pe_rvu", "")), total, _payment_text(total, factor), False


def fee_entry(modifier: str, row: dict[str, Any], release: str) -> pb.FeeScheduleEntry:
    """One stored PFS row as a message, with the national payment of each setting."""
    factor = str(row.get("conversion_factor", ""))
    nf_pe, nf_total, nf_payment, nf_na = _setting(row, "nonfacility", factor)
    f_pe, f_total, f_payment, f_na = _setting(row, "facility", factor)
    return pb.FeeScheduleEntry(
        modifier=modifier,
        status_code=row.get("status_code", ""),
        work_rvu=str(row.get("work_rvu", "")),
        nonfacility_pe_rvu=nf_pe,
        facility_pe_rvu=f_pe,
        mp_rvu=str(row.get("mp_rvu", "")),
        nonfacility_total=nf_total,
        facility_total=f_total,
        global_days=row.get("global_days", ""),
        pctc_indicator=row.get("pctc_indicator", ""),
        multiple_procedure=row.get("multiple_procedure", ""),
        bilateral_surgery=row.get("bilateral_surgery", ""),
        assistant_surgery=row.get("assistant_surgery", ""),
        co_surgeons=row.get("co_surgeons", ""),
        team_surgery=row.get("team_surgery", ""),
        conversion_factor=factor,
        nonfacility_payment=nf_payment,
        facility_payment=f_payment,
        release=release,
        nonfacility_not_applicable=nf_na,
        facility_not_applicable=f_na,
    )
