"""The search page: results with highlights, code-system and billable filters and pages; a
code typed exactly goes straight to its page. Plain GET parameters, so it works without JS."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from medcode.search.v1 import search_service_pb2 as spb
from medcode_common.codesystems import MalformedCode, System, normalize_code
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.web.catalog import LoadedSystem, code_path, loaded_systems
from medcode_gateway.web.highlight import marked
from medcode_gateway.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
#: The search service pages no deeper than 10,000 hits.
MAX_PAGE = 10_000 // PAGE_SIZE
MAX_QUERY = 256


@dataclass(frozen=True, slots=True)
class SearchForm:
    """The search page's parameters, checked."""

    query: str
    system: str
    billable: bool
    page: int

    def url(self, *, page: int) -> str:
        """This search's URL at another page."""
        params: dict[str, str | int] = {"q": self.query}
        if self.system:
            params["system"] = self.system
        if self.billable:
            params["billable"] = "1"
        if page > 1:
            params["page"] = page
        return "/search?" + urlencode(params)


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One hit as the page lists it."""

    href: str
    code: str
    title: Markup
    system_label: str
    billable: bool
    kind: str
    matched_text: str


def checked_form(q: str, system: str, billable: str, page: str) -> SearchForm:
    """The parameters as typed, or a 400 that says which one is wrong and how."""
    query = q.strip()
    if len(query) > MAX_QUERY:
        raise Problem(400, f"The search is {len(query)} characters long; at most {MAX_QUERY}.")
    chosen = system.strip().lower()
    if chosen and chosen not in {s.value for s in System}:
        raise Problem(400, f"There is no code system {system!r} to search.")
    try:
        number = int(page or "1")
    except ValueError:
        raise Problem(400, f"Page {page!r} is not a page number.") from None
    if not 1 <= number <= MAX_PAGE:
        raise Problem(400, f"Pages go from 1 to {MAX_PAGE}.")
    return SearchForm(query, chosen, billable.strip().lower() in {"1", "on", "true"}, number)


def exact_code(form: SearchForm, hits: list[spb.Hit]) -> spb.Hit | None:
    """The one hit whose code is exactly what was typed (any common form), if only one is."""
    exact = [hit for hit in hits if spb.MATCH_REASON_CODE in hit.reasons and typed(form, hit)]
    return exact[0] if len(exact) == 1 else None


def typed(form: SearchForm, hit: spb.Hit) -> bool:
    """Whether the query, normalised as a code of the hit's system, is the hit's code."""
    try:
        return normalize_code(System(hit.system), form.query) == hit.code
    except (MalformedCode, ValueError):
        return False


def rows(hits: list[spb.Hit]) -> list[ResultRow]:
    """The hits as the page lists them, highlights made safe."""
    return [
        ResultRow(
            href=code_path(hit.system, hit.code),
            code=hit.code,
            title=marked(hit.highlight or hit.title),
            system_label=System(hit.system).label if hit.system in set(System) else hit.system,
            billable=hit.billable,
            kind=hit.kind,
            matched_text=hit.matched_text,
        )
        for hit in hits
    ]


async def run_search(clients: ServiceClients, form: SearchForm) -> spb.SearchResponse:
    """One page of hits from the search service."""
    request = spb.SearchRequest(
        query=form.query,
        systems=[form.system] if form.system else [],
        billable_only=form.billable,
        limit=PAGE_SIZE,
        offset=(form.page - 1) * PAGE_SIZE,
    )
    reply: spb.SearchResponse = await clients.search.Search(request, timeout=clients.timeout)
    return reply


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request, q: str = "", system: str = "", billable: str = "", page: str = "1"
) -> Response:
    """Search results, the empty form, or a redirect to the code typed exactly."""
    form = checked_form(q, system, billable, page)
    clients: ServiceClients = request.app.state.clients
    systems: list[LoadedSystem] = await loaded_systems(clients)
    context: dict[str, object] = {"form": form, "systems": systems, "search_query": form.query}
    if not form.query:
        return await render(request, "search.html", {**context, "results": None})
    reply = await run_search(clients, form)
    hits = list(reply.hits)
    target = exact_code(form, hits) if form.page == 1 else None
    if target is not None:
        return RedirectResponse(code_path(target.system, target.code), status_code=302)
    # The service counts the candidates it ranked, a lower bound that grows with the page
    # asked for: enough to tell whether a next page exists, not to promise how many there are.
    first_shown = (form.page - 1) * PAGE_SIZE + 1
    more = form.page < MAX_PAGE and reply.total >= first_shown + len(hits)
    return await render(
        request,
        "search.html",
        {
            **context,
            "results": rows(hits),
            "more": more,
            "first_shown": first_shown,
        },
    )
