"""Fee schedule rows as served: NA settings left out whole, payments rounded like CMS."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.datasets import kinds
from medcode_codes.datasets.store import Dataset
from medcode_codes.fees import fee_entry, national_payment
from medcode_codes.importers.operator import import_pfs_rvu


def _half_up_cents(total: Decimal, factor: Decimal) -> Decimal:
    """An independent oracle: exact rational product, then floor(x * 100 + 1/2) cents."""
    exact = Fraction(total) * Fraction(factor) * 100
    cents = (exact + Fraction(1, 2)).__floor__()
    return Decimal(cents) / 100


_RVUS = st.integers(0, 999_999).map(lambda cents: Decimal(cents).scaleb(-2))
_FACTOR = st.integers(1, 999_999).map(lambda tenths: Decimal(tenths).scaleb(-4))


@given(_RVUS, _FACTOR)
def test_payment_is_rounded_half_up_to_cents(total: Decimal, factor: Decimal) -> None:
    payment = national_payment(total, factor)
    assert payment == _half_up_cents(total, factor)
    assert payment.as_tuple().exponent == -2


def test_a_tie_rounds_up_not_to_even() -> None:
    # 10.00 RVUs at the 2025 factor is $323.465 exactly: CMS pays 323.47.
    assert str(national_payment(Decimal("10.00"), Decimal("32.3465"))) == "323.47"
    assert str(national_payment(Decimal("0.50"), Decimal("0.0100"))) == "0.01"


def _row(total: Decimal, pe: Decimal, na: bool, facility_na: bool, factor: Decimal) -> Any:
    return {
        "status_code": "A",
        "work_rvu": "1.00",
        "nonfacility_pe_rvu": str(pe),
        "nonfacility_na": na,
        "facility_pe_rvu": str(pe),
        "facility_na": facility_na,
        "mp_rvu": "0.10",
        "nonfacility_total": str(total),
        "facility_total": str(total),
        "conversion_factor": str(factor),
    }


def _check_setting(entry: pb.FeeScheduleEntry, prefix: str, row: dict[str, Any]) -> None:
    values = [getattr(entry, f"{prefix}_{name}") for name in ("pe_rvu", "total", "payment")]
    if row[f"{prefix}_na"]:
        assert getattr(entry, f"{prefix}_not_applicable")
        assert values == ["", "", ""]
        return
    assert not getattr(entry, f"{prefix}_not_applicable")
    total, factor = Decimal(row[f"{prefix}_total"]), Decimal(row["conversion_factor"])
    assert values == [row[f"{prefix}_pe_rvu"], row[f"{prefix}_total"], values[2]]
    assert Decimal(values[2]) == _half_up_cents(total, factor)


@given(_RVUS, _RVUS, st.booleans(), st.booleans(), _FACTOR)
def test_na_leaves_out_pe_total_and_payment_together(
    total: Decimal, pe: Decimal, na: bool, facility_na: bool, factor: Decimal
) -> None:
    row = _row(total, pe, na, facility_na, factor)
    entry = fee_entry("", row, "RVU25D")
    _check_setting(entry, "nonfacility", row)
    _check_setting(entry, "facility", row)
    assert entry.work_rvu == "1.00" and entry.mp_rvu == "0.10"


@pytest.fixture(scope="module")
def pfs(cms_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    data_dir = tmp_path_factory.mktemp("pfs")
    dataset = Dataset(import_pfs_rvu(data_dir, cms_data / "pfs_rvu/PPRRVU2025_Oct.txt"))
    yield dataset
    dataset.close()


def _entries(pfs: Dataset, code: str) -> dict[str, pb.FeeScheduleEntry]:
    return {row["modifier"]: fee_entry(row["modifier"], row, "RVU25D") for row in pfs.rows(code)}


def test_every_real_row_is_consistent(pfs: Dataset) -> None:
    assert pfs.meta.kind == kinds.PFS_RVU
    count = 0
    for _code, _modifier, row in pfs.iter_rows():
        entry = fee_entry(row["modifier"], row, pfs.meta.release)
        _check_setting(entry, "nonfacility", row)
        _check_setting(entry, "facility", row)
        count += 1
    assert count == 19_090


def test_70553_has_no_facility_price(pfs: Dataset) -> None:
    # The file prints a facility PE RVU (7.26) and total (9.71) beside the NA indicator.
    rows = _entries(pfs, "70553")
    whole = rows[""]
    assert whole.facility_not_applicable and not whole.nonfacility_not_applicable
    assert (whole.facility_pe_rvu, whole.facility_total, whole.facility_payment) == ("", "", "")
    assert (whole.nonfacility_total, whole.nonfacility_payment) == ("9.71", "314.08")
    professional = rows["26"]  # the interpretation is paid in a facility too
    assert not professional.facility_not_applicable and professional.facility_payment == "104.80"


def test_hospital_visits_have_no_office_price(pfs: Dataset) -> None:
    visit = _entries(pfs, "99221")[""]  # initial hospital care: facility only
    assert visit.nonfacility_not_applicable and not visit.facility_not_applicable
    assert (visit.nonfacility_pe_rvu, visit.nonfacility_total, visit.nonfacility_payment) == (
        "",
        "",
        "",
    )
    assert visit.facility_payment


def test_real_ties_round_up(pfs: Dataset) -> None:
    for code in ("28200", "52282"):  # both total exactly 10.00 RVUs in a facility
        entry = _entries(pfs, code)[""]
        assert entry.facility_total == "10.00" and entry.facility_payment == "323.47"
    # 52282 is NA outside a facility although the file prints a 10.00 total there too.
    assert _entries(pfs, "52282")[""].nonfacility_payment == ""
