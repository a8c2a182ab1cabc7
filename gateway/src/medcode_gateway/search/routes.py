"""REST search: /v1/search and /v1/suggest, plus NLM Clinical Tables compatible endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from medcode.search.v1 import search_service_pb2 as pb
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import Problem
from medcode_gateway.core.schemas import problems
from medcode_gateway.search.clinical_tables import (
    MAX_PAGE,
    TABLES,
    answer,
    extra_fields,
    field_list,
    match_request,
    page_size,
)
from medcode_gateway.search.render import search_body, suggest_body
from medcode_gateway.search.schemas import ClinicalTablesOut, SearchOut, SuggestOut

router = APIRouter(tags=["search"])

_ERRORS = problems(
    {
        400: "Empty, over-long or otherwise bad query.",
        503: "The search service is unavailable or still indexing.",
    }
)
_SEARCH_ERRORS = {**_ERRORS, **problems({404: "No indexed release matches release/as_of."})}
#: Parameter defaults and bounds.
SEARCH_LIMIT, SEARCH_LIMIT_MAX, OFFSET_MAX = 20, 500, 10_000
SUGGEST_LIMIT, SUGGEST_LIMIT_MAX = 10, 50
RELEASE_NAME_MAX = 64
#: Clinical Tables paging stops here (NLM's own limit is lower; MedCode counts every match).
OFFSET_LIMIT = 100_000
QueryText = Annotated[str, Query(description="A code, code prefix or words (1-256 characters)")]
Systems = Annotated[str | None, Query(description="Comma-separated: icd10cm, icd10pcs, hcpcs, cpt")]
TypedText = Annotated[
    str, Query(description="What was typed so far (1-256 characters); a final space ends a word")
]


def checked_query(text: str) -> str:
    """The query as typed, or a 400 problem when it is empty or over 256 characters."""
    if not text.strip():
        raise Problem(400, "the query is empty; type a code or some words")
    if len(text.strip()) > 256:
        raise Problem(400, f"the query is {len(text.strip())} characters; at most 256")
    return text


def systems_list(text: str | None) -> list[str]:
    """`system=icd10cm,cpt` as a list; blank items dropped (the service names unknown ones)."""
    return [s for s in (text or "").split(",") if s.strip()]


def search_request(
    q: QueryText,
    system: Systems = None,
    billable: Annotated[bool, Query(description="Only billable codes")] = False,
    within: Annotated[str | None, Query(description="A chapter or section code")] = None,
    limit: Annotated[int, Query(ge=1, le=SEARCH_LIMIT_MAX)] = SEARCH_LIMIT,
    offset: Annotated[int, Query(ge=0, le=OFFSET_MAX)] = 0,
    release: Annotated[
        str | None,
        Query(max_length=RELEASE_NAME_MAX, description="A release name, e.g. 2026-04-01"),
    ] = None,
    as_of: Annotated[
        str | None,
        Query(description="YYYY-MM-DD: the releases in force that day"),
    ] = None,
) -> pb.SearchRequest:
    """/v1/search's parameters as a SearchRequest (the route's dependency and its fast path)."""
    return pb.SearchRequest(
        query=checked_query(q),
        systems=systems_list(system),
        billable_only=billable,
        limit=limit,
        offset=offset,
        within=within or "",
        release=release or "",
        as_of=as_of or "",
    )


def suggest_request(
    q: TypedText,
    system: Systems = None,
    billable: Annotated[bool, Query(description="Only billable codes")] = False,
    limit: Annotated[int, Query(ge=1, le=SUGGEST_LIMIT_MAX)] = SUGGEST_LIMIT,
) -> pb.SuggestRequest:
    """/v1/suggest's parameters as a SuggestRequest (the route's dependency and its fast path).
    The query is sent as typed: a trailing space says the last word is finished."""
    checked_query(q)
    return pb.SuggestRequest(
        query=q, systems=systems_list(system), billable_only=billable, limit=limit
    )


@router.get(
    "/v1/search",
    response_model=SearchOut,
    responses=_SEARCH_ERRORS,
    summary="Search codes (Case2Code)",
)
async def search(
    clients: Clients, request: Annotated[pb.SearchRequest, Depends(search_request)]
) -> JSONResponse:
    """Hits ranked: exact code, code prefix (subtree in code order), then words, synonyms
    and typos; each hit says why it matched. The newest release of each code system unless
    `release` or `as_of` (a date of service) picks an older one (404 when none matches)."""
    reply = await clients.search.Search(request, timeout=clients.timeout)
    return JSONResponse(search_body(reply))


@router.get(
    "/v1/suggest", response_model=SuggestOut, responses=_ERRORS, summary="Type-ahead suggestions"
)
async def suggest(
    clients: Clients, request: Annotated[pb.SuggestRequest, Depends(suggest_request)]
) -> JSONResponse:
    """Type-ahead from the first character: a code prefix lists its codes (common ones first);
    words are completed as they are typed ("toothac" -> toothache, "runny no" -> runny nose),
    earlier words may be whole words, prefixes or typos, and short prefixes prefer the codes
    people look up most."""
    reply = await clients.search.Suggest(request, timeout=clients.timeout)
    return JSONResponse(suggest_body(reply))


@router.get(
    "/api/{table}/v3/search",
    response_model=ClinicalTablesOut,
    responses={
        **_ERRORS,
        **problems({404: "The table's code set is not loaded in this installation."}),
    },
    summary="NLM Clinical Table Search Service compatible search",
)
async def clinical_tables(
    clients: Clients,
    table: Literal["icd10cm", "hcpcs"],
    terms: Annotated[
        str, Query(max_length=256, description="What was typed: an AND of word or code prefixes")
    ],
    max_list: Annotated[
        str | None,
        Query(alias="maxList", description="Results wanted, 1-500 (empty: 500); wins over count"),
    ] = None,
    count: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page size")] = 7,
    offset: Annotated[int, Query(ge=0, le=OFFSET_LIMIT, description="Matches to skip")] = 0,
    sf: Annotated[str | None, Query(description="Fields searched (icd10cm: code,name)")] = None,
    df: Annotated[str | None, Query(description="Fields displayed (icd10cm: code,name)")] = None,
    ef: Annotated[
        str | None, Query(description="Extra fields returned, field:alias allowed")
    ] = None,
    cf: Annotated[str | None, Query(description="The field returned as the code")] = None,
    q: Annotated[
        str | None, Query(max_length=500, description='A further constraint: "code:A15*"')
    ] = None,
    synonyms: Annotated[
        bool, Query(description="MedCode extension: also match synonyms and word families")
    ] = False,
) -> JSONResponse:
    """`[total, codes, extra, display rows]` as clinicaltables.nlm.nih.gov answers: every
    word of `terms` must start a word of the searched fields (or the code), matches come in
    code order and `total` counts them all, so an autocompleter written for NLM's service
    switches to MedCode by changing its URL."""
    chosen = TABLES[table]
    request = match_request(
        chosen,
        terms=terms,
        search_fields=sf,
        limit=page_size(max_list, count),
        offset=offset,
        q=q,
        synonyms=synonyms,
    )
    display = field_list(chosen, df or chosen.display_fields, "df")
    extra = extra_fields(chosen, ef)
    code_field = field_list(chosen, cf or "code", "cf")[0]
    reply = await clients.search.MatchPrefixes(request, timeout=clients.timeout)
    return JSONResponse(answer(chosen, reply, code_field=code_field, display=display, extra=extra))
