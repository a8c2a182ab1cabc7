"""The site's core pages: home (more pages join this router as they are built)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medcode_gateway.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    """The home page: the search box and where to start browsing."""
    return await render(request, "home.html", {})
