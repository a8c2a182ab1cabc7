"""Browse pages: each code system's top level, then chapters -> sections -> categories.

Headings (chapters, sections, PCS body systems) get a browse page listing their children;
anything below links to its code page. The codes service's ListChildren with no parent
gives a release's top level, and GetCode a heading with its ancestors and children.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import System
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.web.catalog import code_path, loaded_systems, system_named
from medcode_gateway.web.templating import render

router = APIRouter(include_in_schema=False)

#: Hierarchy levels that group codes rather than being looked up themselves.
HEADING_KINDS = frozenset({"chapter", "section", "body_system"})
#: What the top level of each system is called on its browse page.
TOP_LEVEL_NAMES = {
    System.ICD10CM: "chapters",
    System.ICD10PCS: "sections",
    System.HCPCS: "sections",
    System.CPT: "sections",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One child as a browse page lists it."""

    href: str
    code: str
    title: str
    kind: str
    billable: bool


def browse_path(system: System, code: str = "") -> str:
    """The browse page of a system, or of one of its headings."""
    return f"/browse/{system.value}" + (f"/{quote(code, safe='')}" if code else "")


def entry(system: System, node: pb.CodeSummary) -> Entry:
    """A child linked to its browse page (a heading) or its code page (anything else)."""
    href = (
        browse_path(system, node.code)
        if node.kind in HEADING_KINDS
        else code_path(system.value, node.code)
    )
    return Entry(href, node.code, node.title, node.kind.replace("_", " "), node.billable)


def shown_code(system: System, node: pb.CodeSummary | pb.Code) -> str:
    """How a heading's code is shown: ICD-10-CM chapters by number, others as they are."""
    if system is System.ICD10CM and node.kind == "chapter":
        return f"Chapter {node.code}"
    return node.code


@router.get("/browse", response_class=HTMLResponse)
async def browse_index(request: Request) -> HTMLResponse:
    """Every loaded code system, with its release and size."""
    clients: ServiceClients = request.app.state.clients
    systems = await loaded_systems(clients)
    return await render(request, "browse_index.html", {"systems": systems})


@router.get("/browse/{system_name}", response_class=HTMLResponse)
async def browse_system(request: Request, system_name: str) -> HTMLResponse:
    """A code system's top level (ICD-10-CM chapters, PCS/HCPCS/CPT sections)."""
    system = system_named(system_name)
    clients: ServiceClients = request.app.state.clients
    reply = await clients.codes.ListChildren(
        pb.ListChildrenRequest(system=system.proto), timeout=clients.timeout
    )
    return await render(
        request,
        "browse.html",
        {
            "system": system,
            "heading": None,
            "crumbs": [],
            "release": reply.release,
            "entries": [entry(system, child) for child in reply.children],
            "level_name": TOP_LEVEL_NAMES[system],
            "shown_code": lambda node: shown_code(system, node),
        },
    )


@router.get("/browse/{system_name}/{code}", response_class=HTMLResponse)
async def browse_heading(request: Request, system_name: str, code: str) -> Response:
    """A heading's children; a code that is not a heading has its own page."""
    system = system_named(system_name)
    clients: ServiceClients = request.app.state.clients
    reply = await clients.codes.GetCode(
        pb.GetCodeRequest(system=system.proto, code=code), timeout=clients.timeout
    )
    heading = reply.code
    if heading.kind not in HEADING_KINDS:  # a category or code: its own page shows it
        return RedirectResponse(code_path(system.value, heading.code), status_code=302)
    crumbs = [
        (browse_path(system, a.code), shown_code(system, a), a.title) for a in heading.ancestors
    ]
    return await render(
        request,
        "browse.html",
        {
            "system": system,
            "heading": heading,
            "crumbs": crumbs,
            "release": heading.release,
            "entries": [entry(system, child) for child in heading.children],
            "level_name": "contents",
            "shown_code": lambda node: shown_code(system, node),
        },
    )
