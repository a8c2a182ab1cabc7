"""The site's core pages: home here; search, browse, sitemaps and plans in their modules,
all served through this one router."""

from __future__ import annotations

import logging

import grpc
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.web import browse, plans, search_page, sitemap
from medcode_gateway.web.catalog import LoadedSystem, loaded_systems
from medcode_gateway.web.templating import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    """The home page: the search box and where to start browsing (search still works when
    the codes service is not answering; only the list of code sets is left out)."""
    clients: ServiceClients = request.app.state.clients
    systems: list[LoadedSystem] | None
    try:
        systems = await loaded_systems(clients)
    except grpc.aio.AioRpcError as error:
        log.warning("home page without its code-set list: ListReleases failed: %s", error.code())
        systems = None
    return await render(request, "home.html", {"systems": systems})


for area in (search_page, browse, sitemap, plans):
    router.include_router(area.router)
