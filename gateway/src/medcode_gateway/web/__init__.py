"""The website: server-rendered pages over the same gRPC services as the API.

`ROUTERS` lists every web router the app includes (HTML routes stay out of the OpenAPI
schema); an area adds its pages with one line here.
"""

from __future__ import annotations

from fastapi import APIRouter

from medcode_gateway.web import account_pages, assets, casepilot_page, code_page, routes

ROUTERS: tuple[APIRouter, ...] = (
    assets.router,
    routes.router,
    account_pages.router,
    code_page.router,  # the code page: /codes/{system}/{code}
    casepilot_page.router,  # CasePilot, the coding assistant: /casepilot
)
