"""REST /v1 edits and crosswalks: NCCI PTP pairs, MUEs, GEMs, loaded data sets."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import Problem
from medcode_gateway.core.schemas import problems
from medcode_gateway.edits import render
from medcode_gateway.edits.schemas import (
    CcExclusionsOut,
    DatasetOut,
    GemsOut,
    MueLookupOut,
    PtpCheckOut,
)

router = APIRouter(prefix="/v1", tags=["edits"])

_ERRORS = problems(
    {
        400: "Malformed code, date or parameter.",
        404: "The data set is not loaded in this installation.",
        503: "The codes service is unavailable.",
    }
)
_SETTINGS = {"practitioner": pb.PTP_SETTING_PRACTITIONER, "hospital": pb.PTP_SETTING_HOSPITAL}


@router.get(
    "/edits/ptp",
    response_model=PtpCheckOut,
    responses=_ERRORS,
    summary="NCCI procedure-to-procedure edits on a claim",
)
async def ptp_edits(
    clients: Clients,
    codes: Annotated[
        str, Query(description="Comma-separated HCPCS/CPT codes", examples=["64490,64491,64493"])
    ],
    setting: Annotated[Literal["practitioner", "hospital"], Query()] = "practitioner",
    date: Annotated[str | None, Query(description="Date of service (ISO); default today")] = None,
) -> JSONResponse:
    """Every pair of the codes with an active edit: column 1, modifier indicator in plain words,
    dates and rationale. An empty `pairs` means no edit applies; a missing data set is a 404."""
    listed = [code for code in codes.split(",") if code.strip()]
    if len(listed) < 2:
        raise Problem(400, "give at least two comma-separated codes, e.g. codes=64490,64491")
    request = pb.CheckPtpEditsRequest(codes=listed, setting=_SETTINGS[setting], date=date or "")
    reply = await clients.codes.CheckPtpEdits(request, timeout=clients.timeout)
    return JSONResponse(render.ptp(reply))


@router.get(
    "/edits/mue/{code}",
    response_model=MueLookupOut,
    responses=_ERRORS,
    summary="Medically unlikely edits of a code",
)
async def mue(clients: Clients, code: Annotated[str, Path(examples=["64490"])]) -> JSONResponse:
    """The code's MUE value, adjudication indicator and rationale in each loaded setting."""
    reply = await clients.codes.GetMue(pb.GetMueRequest(code=code), timeout=clients.timeout)
    return JSONResponse(
        {
            "code": reply.code,
            "values": [render.mue(v) for v in reply.values],
            "datasets": [render.dataset_status(d) for d in reply.datasets],
        }
    )


@router.get(
    "/crosswalk/gems",
    response_model=GemsOut,
    responses=_ERRORS,
    summary="ICD-9 <-> ICD-10 GEMs crosswalk",
)
async def gems(
    clients: Clients,
    code: Annotated[str, Query(examples=["250.00"])],
    from_system: Annotated[
        Literal["icd9cm", "icd10cm", "icd9pcs", "icd10pcs"], Query(alias="from")
    ] = "icd9cm",
) -> JSONResponse:
    """The CMS GEMs mappings of one code, with flags and the target's title."""
    request = pb.CrosswalkGemsRequest(from_system=from_system, code=code)
    reply = await clients.codes.CrosswalkGems(request, timeout=clients.timeout)
    return JSONResponse(
        {
            "from": from_system,
            "code": reply.code,
            "release": reply.release,
            "mappings": [render.gem(m) for m in reply.mappings],
        }
    )


@router.get(
    "/codes/icd10cm/{code}/cc-exclusions",
    response_model=CcExclusionsOut,
    responses=_ERRORS,
    summary="Principal diagnoses that cancel a CC/MCC (MS-DRG table 6K)",
)
async def cc_exclusions(
    clients: Clients,
    code: Annotated[str, Path(examples=["J96.01"])],
    principal: Annotated[
        str | None, Query(description="Check one principal diagnosis instead of listing all")
    ] = None,
) -> JSONResponse:
    """The code's CC/MCC level and exclusion collection, with its principal diagnoses or a
    yes/no for one principal diagnosis."""
    request = pb.GetCcExclusionsRequest(code=code, principal=principal or "")
    reply = await clients.codes.GetCcExclusions(request, timeout=clients.timeout)
    body: dict[str, Any] = {
        "code": reply.code,
        "level": reply.level or None,
        "pdx_collection": reply.pdx_collection or None,
        "release": reply.release,
        "discharged_alive_only": reply.discharged_alive_only,
        "condition": reply.condition or None,
    }
    if principal:
        body |= {"principal": reply.principal, "excluded": reply.excluded}
    else:
        body["principal_codes"] = list(reply.principal_codes)
    return JSONResponse(body)


@router.get("/datasets", response_model=list[DatasetOut], summary="Loaded reference data sets")
async def datasets(clients: Clients) -> JSONResponse:
    """Fee schedule, NCCI, MUE, MS-DRG and GEMs releases loaded in this installation."""
    reply = await clients.codes.ListDatasets(pb.ListDatasetsRequest(), timeout=clients.timeout)
    return JSONResponse(
        [
            {
                "kind": d.kind,
                "release": d.release,
                "effective_date": d.effective_date,
                "row_count": d.row_count,
                "source": d.source,
            }
            for d in reply.datasets
        ]
    )
