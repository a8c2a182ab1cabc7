"""Add what applies to a code from the reference data sets: fees, MUEs, CC/MCC, GEMs and
the alphabetic index lines that lead to it.

Every section also reports whether its data set is loaded, so "nothing here" is never
mistaken for "no edit" when the data simply is not installed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.datasets import kinds
from medcode_codes.datasets.store import Dataset, DatasetCatalog
from medcode_codes.fees import fee_entry
from medcode_codes.importers.aoc import EDIT_TYPES
from medcode_codes.index_entries import add_index_entries
from medcode_common.codesystems import System

ADD_ON_GLOBAL_DAYS = "ZZZ"


def status(kind: str, dataset: Dataset | None) -> pb.DatasetStatus:
    """Loaded-or-not for one data-set kind, with a sentence when missing."""
    if dataset is None:
        return pb.DatasetStatus(kind=kind, loaded=False, message=kinds.MISSING[kind])
    meta = dataset.meta
    return pb.DatasetStatus(
        kind=kind, loaded=True, release=meta.release, content_digest=meta.source_digest
    )


def cc_condition(row: dict[str, Any]) -> tuple[bool, str]:
    """Whether a stored CC/MCC level holds only for a patient discharged alive (MS-DRG
    table 6K part 2), and that condition in words ("" when the level is unconditional)."""
    if not row.get("discharged_alive_only"):
        return False, ""
    return True, f"{row['level']} only if the patient is discharged alive"


def mue_values(
    datasets: DatasetCatalog, code: str
) -> tuple[list[pb.MueValue], list[pb.DatasetStatus]]:
    """The code's MUE in each setting whose table is loaded, and a status per setting."""
    values: list[pb.MueValue] = []
    statuses: list[pb.DatasetStatus] = []
    for setting, kind in kinds.MUE_SETTINGS.items():
        dataset = datasets.select(kind)
        statuses.append(status(kind, dataset))
        if dataset is None:
            continue
        for row in dataset.rows(code):
            values.append(
                pb.MueValue(
                    setting=setting,
                    value=int(row["value"]),
                    adjudication_indicator=row.get("adjudication_indicator", ""),
                    adjudication_description=row.get("adjudication_description", ""),
                    rationale=row.get("rationale", ""),
                    release=dataset.meta.release,
                )
            )
    return values, statuses


def gem_message(row: dict[str, Any]) -> pb.GemMapping:
    """One stored GEM row as a message."""
    return pb.GemMapping(
        source_system=row["source_system"],
        source=row["source"],
        target_system=row["target_system"],
        target=row.get("target", ""),
        approximate=bool(row.get("approximate")),
        no_map=bool(row.get("no_map")),
        combination=bool(row.get("combination")),
        scenario=int(row.get("scenario") or 0),
        choice_list=int(row.get("choice_list") or 0),
    )


def _procedure_fields(message: pb.Code, datasets: DatasetCatalog) -> None:
    pfs = datasets.select(kinds.PFS_RVU)
    message.datasets.append(status(kinds.PFS_RVU, pfs))
    if pfs is not None:
        for row in pfs.rows(message.code):
            modifier = row.get("modifier", "")
            message.fee_schedule.append(fee_entry(modifier, row, pfs.meta.release))
    global_rows = [e for e in message.fee_schedule if e.modifier == ""] or list(
        message.fee_schedule
    )
    if any(e.global_days == ADD_ON_GLOBAL_DAYS for e in global_rows):
        message.add_on.CopyFrom(pb.AddOnStatus(is_add_on=True, basis="PFS global days ZZZ"))
    _add_on_edits(message, datasets)
    values, statuses = mue_values(datasets, message.code)
    message.mues.extend(values)
    message.datasets.extend(statuses)


def _add_on_edits(message: pb.Code, datasets: DatasetCatalog) -> None:
    """Primary codes from the NCCI add-on code edits active today (they win over other bases)."""
    aoc = datasets.select(kinds.NCCI_AOC)
    message.datasets.append(status(kinds.NCCI_AOC, aoc))
    if aoc is None:
        return
    today = dt.date.today().isoformat()
    active = [
        r
        for r in aoc.rows(message.code)
        if not r.get("deletion_date") or r["deletion_date"] > today
    ]
    add_on_codes = dict.fromkeys(
        add_on
        for add_on, r in aoc.rows_by_key2(message.code)
        if not r.get("deletion_date") or r["deletion_date"] > today
    )
    message.add_on.add_on_codes.extend(add_on_codes)
    if not active:
        return
    edit_type = str(active[0]["edit_type"])
    message.add_on.CopyFrom(
        pb.AddOnStatus(
            is_add_on=True,
            basis=f"NCCI add-on code edits {aoc.meta.release}",
            primary_codes=[str(r["primary"]) for r in active if r["primary"]],
            edit_type=edit_type,
            edit_type_meaning=EDIT_TYPES.get(edit_type, ""),
            add_on_codes=list(add_on_codes),
        )
    )


def _diagnosis_fields(message: pb.Code, datasets: DatasetCatalog) -> None:
    for kind in kinds.ALPHABETIC_INDEXES.values():
        message.datasets.append(status(kind, datasets.select(kind)))
    add_index_entries(message, datasets)
    cc = datasets.select(kinds.MSDRG_CC)
    message.datasets.append(status(kinds.MSDRG_CC, cc))
    if cc is not None:
        for row in cc.rows(message.code, "level"):
            excluded_by = len(cc.rows(f"pdx:{row['pdx_collection']}"))
            alive_only, condition = cc_condition(row)
            message.cc_status.CopyFrom(
                pb.CcStatus(
                    level=row["level"],
                    pdx_collection=str(row["pdx_collection"]),
                    excluded_by_count=excluded_by,
                    release=cc.meta.release,
                    discharged_alive_only=alive_only,
                    condition=condition,
                )
            )


def _gem_fields(message: pb.Code, system: str, datasets: DatasetCatalog) -> None:
    gems = datasets.select(kinds.GEMS)
    message.datasets.append(status(kinds.GEMS, gems))
    if gems is None:
        return
    own = f"{system}:{message.code}"
    message.gems.extend(gem_message(row) for row in gems.rows(own))
    message.gems.extend(gem_message(row) for _key, row in gems.rows_by_key2(own))


def add_reference_data(message: pb.Code, *, system: System, datasets: DatasetCatalog) -> None:
    """Fill the data-set sections of `message` that apply to its system and kind."""
    if not message.billable and message.kind not in {"code", "category", "subcategory"}:
        return
    if system in (System.HCPCS, System.CPT):
        _procedure_fields(message, datasets)
    elif system is System.ICD10CM:
        _diagnosis_fields(message, datasets)
        _gem_fields(message, "icd10cm", datasets)
    elif system is System.ICD10PCS:
        _gem_fields(message, "icd10pcs", datasets)
