"""NCCI PTP checks, MUE lookups and GEMs crosswalks: questions asked of the data sets."""

from __future__ import annotations

import datetime as dt

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.datasets import kinds
from medcode_codes.datasets.store import DatasetCatalog
from medcode_codes.enrich import cc_condition, gem_message, mue_values
from medcode_codes.errors import DatasetNotLoaded
from medcode_codes.importers.gems import format_code
from medcode_codes.importers.ncci_ptp import MODIFIER_INDICATOR_MEANINGS
from medcode_codes.snapshot.releases import ReleaseCatalog, ReleaseNotFound
from medcode_common.codesystems import MalformedCode, System, normalize_code

MAX_CLAIM_CODES = 100

_SETTINGS = {
    pb.PTP_SETTING_UNSPECIFIED: "practitioner",
    pb.PTP_SETTING_PRACTITIONER: "practitioner",
    pb.PTP_SETTING_HOSPITAL: "hospital",
}
_GEM_SYSTEMS = {
    "icd9cm": None,
    "icd10cm": System.ICD10CM,
    "icd9pcs": None,
    "icd10pcs": System.ICD10PCS,
}


def normalize_procedure(raw: str) -> str:
    """A HCPCS Level II or CPT code in canonical form, or MalformedCode."""
    for system in (System.CPT, System.HCPCS):
        try:
            return normalize_code(system, raw)
        except MalformedCode:
            continue
    raise MalformedCode(
        f"{raw.strip()[:40]!r} is not a CPT or HCPCS Level II code "
        "(CPT: 4 digits and a digit, F, T or U, e.g. 64490; HCPCS: a letter A-V and 4 digits)"
    )


def _date(text: str) -> dt.date:
    if not text.strip():
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _active(row: dict[str, object], day: dt.date) -> bool:
    effective = dt.date.fromisoformat(str(row["effective_date"]))
    deletion = row.get("deletion_date")
    return effective <= day and (not deletion or day < dt.date.fromisoformat(str(deletion)))


def check_ptp(
    datasets: DatasetCatalog, request: pb.CheckPtpEditsRequest
) -> pb.CheckPtpEditsResponse:
    """Every active PTP edit between two of the claim's codes, in claim order."""
    if not 2 <= len(request.codes) <= MAX_CLAIM_CODES:
        raise ValueError(f"give 2 to {MAX_CLAIM_CODES} codes, got {len(request.codes)}")
    codes = list(dict.fromkeys(normalize_procedure(raw) for raw in request.codes))
    setting = _SETTINGS.get(request.setting, "practitioner")
    day = _date(request.date)
    kind = kinds.PTP_SETTINGS[setting]
    dataset = datasets.select(kind)
    if dataset is None:
        raise DatasetNotLoaded(kinds.MISSING[kind])
    order = {code: index for index, code in enumerate(codes)}
    found = [
        (column1, column2, row)
        for column1, column2, row in dataset.rows_among(codes)
        if _active(row, day)
    ]
    found.sort(key=lambda item: (order[item[0]], order[item[1]]))
    response = pb.CheckPtpEditsResponse(
        release=dataset.meta.release, setting=setting, date=day.isoformat()
    )
    for column1, column2, row in found:
        indicator = str(row["modifier_indicator"])
        response.pairs.add(
            column1=column1,
            column2=column2,
            modifier_indicator=indicator,
            modifier_meaning=MODIFIER_INDICATOR_MEANINGS.get(indicator, ""),
            effective_date=str(row["effective_date"]),
            deletion_date=str(row.get("deletion_date") or ""),
            rationale=str(row.get("rationale", "")),
            existed_before_1996=bool(row.get("existed_before_1996")),
        )
    return response


def get_mue(datasets: DatasetCatalog, request: pb.GetMueRequest) -> pb.GetMueResponse:
    """The code's MUE per setting; NOT_FOUND-worthy when no MUE table is loaded at all."""
    code = normalize_procedure(request.code)
    values, statuses = mue_values(datasets, code)
    if not any(s.loaded for s in statuses):
        raise DatasetNotLoaded(
            "no MUE tables are loaded in this installation; an operator "
            "imports them with `medcode import mue FILE`"
        )
    return pb.GetMueResponse(code=code, values=values, datasets=statuses)


def crosswalk(
    datasets: DatasetCatalog, releases: ReleaseCatalog, request: pb.CrosswalkGemsRequest
) -> pb.CrosswalkGemsResponse:
    """GEMs mappings of one code, each with the target's title when MedCode has it."""
    from_system = request.from_system.strip().lower()
    if from_system not in _GEM_SYSTEMS:
        raise ValueError(f"from must be one of: {', '.join(_GEM_SYSTEMS)}")
    code = _normalize_gem_code(from_system, request.code)
    gems = datasets.select(kinds.GEMS)
    if gems is None:
        raise DatasetNotLoaded(kinds.MISSING[kinds.GEMS])
    response = pb.CrosswalkGemsResponse(code=code, release=gems.meta.release)
    for row in gems.rows(f"{from_system}:{code}"):
        mapping = gem_message(row)
        mapping.target_title = _title(releases, mapping.target_system, mapping.target)
        response.mappings.append(mapping)
    return response


def _normalize_gem_code(system: str, raw: str) -> str:
    target = _GEM_SYSTEMS[system]
    if target is not None:
        return normalize_code(target, raw)
    return format_code(system, raw)


def _title(releases: ReleaseCatalog, system: str, code: str) -> str:
    target = _GEM_SYSTEMS.get(system)
    if target is None or not code:
        return ""
    try:
        node = releases.select(target).node(code)
    except ReleaseNotFound:
        return ""
    return node.title if node else ""


def cc_exclusions(
    datasets: DatasetCatalog, request: pb.GetCcExclusionsRequest
) -> pb.GetCcExclusionsResponse:
    """The principal diagnoses that cancel a CC/MCC (MS-DRG table 6K), or one such check."""
    code = normalize_code(System.ICD10CM, request.code)
    principal = normalize_code(System.ICD10CM, request.principal) if request.principal else ""
    cc = datasets.select(kinds.MSDRG_CC)
    if cc is None:
        raise DatasetNotLoaded(kinds.MISSING[kinds.MSDRG_CC])
    response = pb.GetCcExclusionsResponse(code=code, principal=principal, release=cc.meta.release)
    for row in cc.rows(code, "level"):
        response.level = row["level"]
        response.pdx_collection = str(row["pdx_collection"])
        response.discharged_alive_only, response.condition = cc_condition(row)
    if not response.pdx_collection:
        return response
    collection = f"pdx:{response.pdx_collection}"
    if principal:
        response.excluded = bool(cc.rows(collection, principal))
    else:
        response.principal_codes.extend(cc.key2s(collection))
    return response
