"""Imported CMS data through the real codes service and gateway: HCPCS, PFS, NCCI PTP, MUE.

The stack (`reference_dir`, `api`) is in conftest.py, shared with the contract tests.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from medcode_codes.importers import operator

NCCI_FIXTURES = Path(__file__).resolve().parents[1] / "services/codes/tests/fixtures/ncci"


def test_hcpcs_code_page(api: httpx.Client) -> None:
    body = api.get("/v1/codes/hcpcs/j1100").json()
    assert body["code"] == "J1100" and body["billable"] and body["release"] == "2020-01-01"
    assert body["parent"]["code"] == "J"
    assert body["title"].lower().startswith("injection, dexamethasone sodium phosphate")


def test_hcpcs_modifier_page(api: httpx.Client) -> None:
    body = api.get("/v1/codes/hcpcs/lt").json()
    assert body["kind"] == "modifier" and body["parent"]["code"] == "MODIFIERS"
    assert "left side" in body["title"].lower()


def test_fee_schedule_on_a_hcpcs_code(api: httpx.Client) -> None:
    body = api.get("/v1/codes/hcpcs/G0008").json()
    rows = {row["modifier"]: row for row in body["fee_schedule"]}
    assert rows[""]["conversion_factor"] == "32.3465" and rows[""]["release"] == "RVU25D"
    loaded = {d["kind"]: d["loaded"] for d in body["datasets"]}
    assert loaded["pfs-rvu"] and loaded["mue-practitioner"]


def test_ptp_pairs_in_claim_order_with_plain_words(api: httpx.Client) -> None:
    body = api.get("/v1/edits/ptp", params={"codes": "64490,64493,77003", "date": "2026-05-01"})
    assert body.status_code == 200, body.text
    pairs = [(p["column1"], p["column2"], p["modifier_indicator"]) for p in body.json()["pairs"]]
    assert pairs == [("64490", "64493", "1"), ("64490", "77003", "0"), ("64493", "77003", "0")]
    first = body.json()["pairs"][0]
    assert "bypassable" in first["modifier_meaning"] and first["rationale"]
    assert body.json()["setting"] == "practitioner"


def test_ptp_respects_dates_and_deleted_edits(api: httpx.Client) -> None:
    before = api.get("/v1/edits/ptp", params={"codes": "64490,64493", "date": "2009-12-31"})
    assert before.json()["pairs"] == []
    deleted = api.get("/v1/edits/ptp", params={"codes": "64493,76942", "date": "2026-05-01"})
    assert deleted.json()["pairs"] == []


def test_ptp_bad_input_is_400(api: httpx.Client) -> None:
    for params in (
        {"codes": "64490"},
        {"codes": "64490,6449"},
        {"codes": "64490,64493", "date": "May"},
    ):
        response = api.get("/v1/edits/ptp", params=params)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


def test_mue_per_setting(api: httpx.Client) -> None:
    body = api.get("/v1/edits/mue/64490").json()
    values = {v["setting"]: v for v in body["values"]}
    assert values["practitioner"]["value"] == 1
    assert values["practitioner"]["adjudication_indicator"] == "2"


def test_a_malformed_file_changes_nothing(reference_dir: Path, tmp_path: Path) -> None:
    before = sorted(p.stat().st_mtime_ns for p in reference_dir.rglob("*.sqlite"))
    broken = tmp_path / "broken.txt"
    text = (
        (NCCI_FIXTURES / "ccipra-v321r0-f1.txt").read_bytes().replace(b"20150101", b"2015O101", 1)
    )
    broken.write_bytes(text)
    with pytest.raises(ValueError, match=r"broken.txt:\d+"):
        operator.import_ncci_ptp(
            reference_dir, broken, setting="practitioner", release="2026-04-01"
        )
    assert sorted(p.stat().st_mtime_ns for p in reference_dir.rglob("*.sqlite")) == before


def test_reimporting_the_same_file_changes_nothing(reference_dir: Path, cms_data: Path) -> None:
    files = sorted(reference_dir.rglob("*.sqlite"))
    before = [p.stat().st_mtime_ns for p in files]
    operator.import_pfs_rvu(reference_dir, cms_data / "pfs_rvu/PPRRVU2025_Oct.txt")
    operator.import_hcpcs(reference_dir, cms_data / "hcpcs/HCPC2020_ANWEB_w_disclaimer.txt")
    assert [p.stat().st_mtime_ns for p in files] == before


def test_add_on_code_lists_its_primary_codes(api: httpx.Client) -> None:
    body = api.get("/v1/codes/cpt/64492").json()
    add_on = body["add_on"]
    assert add_on["is_add_on"] and add_on["primary_codes"] == ["64490", "64491"]
    assert add_on["edit_type"] == "1" and "only the listed" in add_on["edit_type_meaning"]
    fees = {row["modifier"]: row for row in body["fee_schedule"]}
    assert fees[""]["global_days"] == "ZZZ"
    primary = api.get("/v1/codes/cpt/64490").json()["add_on"]
    assert primary["is_add_on"] is False and primary["add_on_codes"] == ["64491", "64492"]


def test_a_not_applicable_setting_has_no_amounts(api: httpx.Client) -> None:
    """70553 is not paid in a facility setting: no facility PE RVU, total or payment."""
    rows = {row["modifier"]: row for row in api.get("/v1/codes/cpt/70553").json()["fee_schedule"]}
    whole = rows[""]
    assert whole["facility_not_applicable"] and not whole["nonfacility_not_applicable"]
    assert whole["facility_pe_rvu"] is whole["facility_total"] is whole["facility_payment"] is None
    assert float(whole["nonfacility_payment"]) > 0 and whole["nonfacility_total"]


def test_an_mcc_only_if_discharged_alive_says_so(api: httpx.Client) -> None:
    page = api.get("/v1/codes/icd10cm/I46.9").json()["cc_status"]
    assert page["level"] == "MCC" and page["discharged_alive_only"]
    assert "discharged alive" in page["condition"]
    edit = api.get("/v1/codes/icd10cm/I46.9/cc-exclusions").json()
    assert edit["discharged_alive_only"] and "discharged alive" in edit["condition"]
    plain = api.get("/v1/codes/icd10cm/J96.01/cc-exclusions").json()
    assert not plain["discharged_alive_only"] and plain["condition"] is None
