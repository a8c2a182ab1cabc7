"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from medcode_gateway.auth.caller import AuthState
from medcode_gateway.auth.quota_middleware import ApiKeyQuotaMiddleware
from medcode_gateway.cache import ResponseCache
from medcode_gateway.cache_middleware import LookupCacheMiddleware
from medcode_gateway.clients import ServiceClients
from medcode_gateway.code_page_fast_path import CODE_PAGE, CodePageFastPath
from medcode_gateway.observability.install import install_observability
from medcode_gateway.problems import install_problem_handlers
from medcode_gateway.routers import auth, codes, edits, health, me, search
from medcode_gateway.search_fast_path import SearchFastPath
from medcode_gateway.settings import GatewaySettings

DESCRIPTION = """MedCode: ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT code lookup.

Errors are RFC 9457 problem documents (`application/problem+json`).

Code pages (`GET /v1/codes/{system}/{code}`) are metered: guests get 1 view, a free account
5 more per month, Pro and internal plans are unlimited. Partner API keys (`X-API-Key` or
`Authorization: Bearer mc_live_...`) spend their monthly quota on every call."""


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
    app.state.page_cache = cache
    app.state.auth = AuthState.from_settings(chosen)
    # Code pages are metered: their cache is read only after metering (fast path or route).
    app.add_middleware(LookupCacheMiddleware, cache=cache, prefixes=["/v1/codes/"], skip=CODE_PAGE)
    app.add_middleware(CodePageFastPath, cache=cache)
    app.add_middleware(SearchFastPath)
    # Search answers change only when an index is rebuilt or popularity shifts: a short TTL.
    search_cache = ResponseCache(
        max_entries=chosen.cache_max_entries, ttl_seconds=chosen.search_cache_ttl_seconds
    )
    app.add_middleware(
        LookupCacheMiddleware, cache=search_cache, prefixes=["/v1/search", "/v1/suggest", "/api/"]
    )
    # Added last = outermost: partner calls pay quota even when the lookup cache answers.
    app.add_middleware(ApiKeyQuotaMiddleware)
    for router in (health, codes, edits, search, auth, me):
        app.include_router(router.router)
    # Observability: added last = outermost, so ids and access lines cover every answer.
    install_observability(app)
    return app
