"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from medcode_gateway.cache import ResponseCache
from medcode_gateway.cache_middleware import LookupCacheMiddleware
from medcode_gateway.clients import ServiceClients
from medcode_gateway.problems import install_problem_handlers
from medcode_gateway.routers import codes, edits, health, search
from medcode_gateway.settings import GatewaySettings

DESCRIPTION = """MedCode: ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT code lookup.

Errors are RFC 9457 problem documents (`application/problem+json`)."""


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the app; channels open at start-up and close at shutdown."""
    chosen = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = ServiceClients.connect(chosen)
        try:
            yield
        finally:
            await app.state.clients.close()

    app = FastAPI(title="MedCode API", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    install_problem_handlers(app)
    cache = ResponseCache(
        max_entries=chosen.cache_max_entries, ttl_seconds=chosen.cache_ttl_seconds
    )
    app.add_middleware(LookupCacheMiddleware, cache=cache, prefixes=["/v1/codes/"])
    app.include_router(health.router)
    app.include_router(codes.router)
    app.include_router(edits.router)
    app.include_router(search.router)
    return app
