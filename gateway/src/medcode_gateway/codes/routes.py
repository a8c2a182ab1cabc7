"""REST /v1 code lookup: releases, one code, children, validation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.auth.caller import CallerDep, remember_guest
from medcode_gateway.codes import render
from medcode_gateway.codes.pages import cache_entry, page_key, page_response
from medcode_gateway.codes.schemas import ChildrenOut, CodeOut, ReleaseOut, ValidateIn, ValidateOut
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import Problem
from medcode_gateway.core.schemas import problems

router = APIRouter(prefix="/v1", tags=["codes"])

_METERED = problems(
    {
        401: "Invalid access token or API key.",
        403: "No code-page views left; type ends /view-limit.",
        429: "API key rate limit or monthly quota reached.",
    }
)
_ERRORS = problems(
    {
        400: "Malformed code or parameter.",
        404: "Unknown system, release or code.",
        503: "The codes service is unavailable.",
    }
)

SystemParam = Annotated[
    str, Path(description="icd10cm, icd10pcs, hcpcs or cpt", examples=["icd10cm"])
]
CodeParam = Annotated[
    str, Path(description="The code, with or without the dot", examples=["E11.9"])
]
ReleaseParam = Annotated[str | None, Query(description="Exact release name, e.g. 2026-04-01")]
AsOfParam = Annotated[str | None, Query(description="ISO date: the newest release effective then")]


def _system(name: str) -> int:
    try:
        return render.SYSTEM_NAMES[name.lower()]
    except KeyError:
        names = ", ".join(render.SYSTEM_NAMES)
        raise Problem(404, f"unknown code system {name!r}; use one of: {names}") from None


def _selector(release: str | None, as_of: str | None) -> pb.ReleaseSelector:
    return pb.ReleaseSelector(release=release or "", as_of=as_of or "")


@router.get("/releases", response_model=list[ReleaseOut], summary="Loaded code-set releases")
async def list_releases(clients: Clients) -> JSONResponse:
    """Every loaded release with its effective date and counts, newest first per system."""
    reply = await clients.codes.ListReleases(pb.ListReleasesRequest(), timeout=clients.timeout)
    return JSONResponse([render.release(r) for r in reply.releases])


async def _code_request(
    system: SystemParam,
    code: CodeParam,
    release: ReleaseParam = None,
    as_of: AsOfParam = None,
) -> pb.GetCodeRequest:
    """The GetCode request a code URL and its release query parameters describe."""
    return pb.GetCodeRequest(system=_system(system), code=code, release=_selector(release, as_of))


CodeRequest = Annotated[pb.GetCodeRequest, Depends(_code_request)]


@router.get(
    "/codes/{system}/{code}",
    response_model=CodeOut,
    responses={**_ERRORS, **_METERED},
    summary="One code (a metered code page)",
)
async def get_code(
    request: CodeRequest, caller: CallerDep, clients: Clients, http: Request
) -> Response:
    """The full record: title, billable flag, hierarchy, notes with their source, PCS axes.

    Guests and free users spend one view per code per 24 h (X-Views-Remaining says how many
    are left); partner keys spend API quota; Pro and internal plans are unlimited.
    """
    cache: ResponseCache = http.app.state.page_cache
    key = page_key(http.scope)
    entry = cache.get(key)
    cache_state = "hit" if entry is not None else "miss"
    if entry is None:
        generation = cache.generation
        entry = cache_entry(await clients.codes.GetCode(request, timeout=clients.timeout))
        cache.put(key, entry, generation=generation)
    response = await page_response(
        entry=entry, caller=caller, clients=clients, instance=http.url.path, cache_state=cache_state
    )
    remember_guest(response, caller, http)
    return response


@router.get(
    "/codes/{system}/{code}/children",
    response_model=ChildrenOut,
    responses=_ERRORS,
    summary="Direct children of a code",
)
async def get_children(request: CodeRequest, clients: Clients) -> JSONResponse:
    """Children in tabular order (e.g. the subcategories of a category)."""
    reply = await clients.codes.GetCode(request, timeout=clients.timeout)
    return JSONResponse(
        {
            "system": render.SYSTEM_BY_ENUM[reply.code.system],
            "code": reply.code.code,
            "release": reply.code.release,
            "children": [render.summary(c) for c in reply.code.children],
        }
    )


@router.post(
    "/codes/validate", response_model=ValidateOut, responses=_ERRORS, summary="Validate codes"
)
async def validate_codes(body: ValidateIn, clients: Clients) -> JSONResponse:
    """A verdict per input: valid? billable? and if not, why and what to report instead."""
    request = pb.ValidateCodesRequest(
        system=_system(body.system), codes=body.codes, release=_selector(body.release, body.as_of)
    )
    reply = await clients.codes.ValidateCodes(request, timeout=clients.timeout)
    return JSONResponse(
        {
            "system": body.system,
            "release": reply.release,
            "results": [render.verdict(v) for v in reply.verdicts],
        }
    )
