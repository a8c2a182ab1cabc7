"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from starlette.middleware import Middleware

from medcode_common.events import EventBus, create_bus
from medcode_common.metrics import new_registry
from medcode_gateway.accounts import auth_routes as account_auth_routes
from medcode_gateway.accounts import routes as account_routes
from medcode_gateway.accounts.revocations import KeyRevocationListener, revocation_group
from medcode_gateway.assistant import routes as assistant_routes
from medcode_gateway.auth.caller import AuthState
from medcode_gateway.codes import routes as codes_routes
from medcode_gateway.codes.fast_path import CODE_PAGE, CodePageFastPath
from medcode_gateway.core import health
from medcode_gateway.core.body_limit import BodySizeLimit
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.cache_middleware import LookupCacheMiddleware
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.freshness import CacheInvalidator, default_group
from medcode_gateway.core.json_bodies import UnicodeJsonBodies
from medcode_gateway.core.problems import install_problem_handlers
from medcode_gateway.core.schemas import COMMON_PROBLEMS
from medcode_gateway.edits import routes as edits_routes
from medcode_gateway.fhir import ROUTERS as FHIR_ROUTERS
from medcode_gateway.fhir.outcomes import FhirOutcomes
from medcode_gateway.metering import routes as metering_routes
from medcode_gateway.metering.quota_middleware import ApiKeyQuotaMiddleware
from medcode_gateway.observability.http_metrics import HttpMetrics
from medcode_gateway.observability.metrics_route import add_metrics_route
from medcode_gateway.observability.middleware import RequestObserver
from medcode_gateway.search import routes as search_routes
from medcode_gateway.search.fast_path import SearchFastPath
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.web import ROUTERS as WEB_ROUTERS
from medcode_gateway.web.errors import install_html_errors

DESCRIPTION = """MedCode: ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT code lookup.

Errors are RFC 9457 problem documents (`application/problem+json`).

Code pages (`GET /v1/codes/{system}/{code}`) are metered: guests and free accounts have a
monthly allowance of views (`GET /v1/meter` says how many are left and the allowances in
force), Pro and internal plans are unlimited. Partner API keys (`X-API-Key` or
`Authorization: Bearer mc_live_...`) spend their monthly quota on every call."""


#: The API areas the gateway serves (after the health probes), in the order OpenAPI lists them.
AREAS = (
    codes_routes,
    edits_routes,
    search_routes,
    account_auth_routes,
    account_routes,
    metering_routes,
    assistant_routes,
)


def create_app(
    settings: GatewaySettings | None = None, *, bus_factory: Callable[[], EventBus] = create_bus
) -> FastAPI:
    """Build the app; channels (and the cache invalidator) open at start-up, close at shutdown."""
    chosen = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = ServiceClients.connect(chosen)
        invalidator = None
        if chosen.events:
            invalidator = CacheInvalidator(
                caches=[page_cache, search_cache],
                loop=asyncio.get_running_loop(),
                bus_factory=bus_factory,
                group=chosen.events_group or default_group(),
            ).start()
        app.state.invalidator = invalidator
        revocations = None
        if chosen.events:
            revocations = KeyRevocationListener(
                verifier=app.state.auth.keys,
                loop=asyncio.get_running_loop(),
                bus_factory=bus_factory,
                group=revocation_group(),
            ).start()
        app.state.key_revocations = revocations
        try:
            yield
        finally:
            if revocations is not None:
                await asyncio.to_thread(revocations.stop)
            if invalidator is not None:
                await asyncio.to_thread(invalidator.stop)
            await app.state.clients.close()

    page_cache = ResponseCache(
        max_entries=chosen.cache_max_entries, ttl_seconds=chosen.cache_ttl_seconds
    )
    # Search answers change only when an index is rebuilt or popularity shifts: a short TTL.
    search_cache = ResponseCache(
        max_entries=chosen.cache_max_entries, ttl_seconds=chosen.search_cache_ttl_seconds
    )
    registry = new_registry()  # this app's own metrics (tests run several apps in one process)
    app = FastAPI(
        title="MedCode API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        middleware=middleware(
            page_cache=page_cache,
            search_cache=search_cache,
            registry=registry,
            max_body_bytes=chosen.max_body_bytes,
        ),
    )
    app.state.metrics_registry = registry
    add_metrics_route(app, registry)
    install_problem_handlers(app)
    install_html_errors(app)  # browsers on site paths get pages; the API keeps problems
    app.state.settings = chosen
    app.state.page_cache = page_cache
    app.state.search_cache = search_cache
    app.state.auth = AuthState.from_settings(chosen)
    app.include_router(health.router)
    for area in AREAS:
        app.include_router(area.router, responses=COMMON_PROBLEMS)
    for fhir_router in FHIR_ROUTERS:  # FHIR's contract is its CapabilityStatement
        app.include_router(fhir_router, include_in_schema=False)
    for web_router in WEB_ROUTERS:
        app.include_router(web_router, include_in_schema=False)
    return app


def middleware(
    *,
    page_cache: ResponseCache,
    search_cache: ResponseCache,
    registry: CollectorRegistry,
    max_body_bytes: int,
) -> list[Middleware]:
    """Every middleware, outermost first: each sees the request before the ones below it."""
    return [
        # Every error on a /fhir path, from whichever layer below, becomes an OperationOutcome.
        Middleware(FhirOutcomes),
        # Request ids, the access log and HTTP metrics cover every answer, whoever gives it.
        Middleware(RequestObserver, metrics=HttpMetrics(registry)),
        # Bodies are bounded, then must be Unicode JSON, before anything reads them.
        Middleware(BodySizeLimit, max_bytes=max_body_bytes),
        Middleware(UnicodeJsonBodies),
        # Partner calls pay quota first, even when a cache or a fast path answers.
        Middleware(ApiKeyQuotaMiddleware),
        Middleware(
            LookupCacheMiddleware,
            cache=search_cache,
            prefixes=["/v1/search", "/v1/suggest", "/api/"],
        ),
        Middleware(SearchFastPath),
        # Code pages are metered: their cache is read only after metering (fast path or route).
        Middleware(CodePageFastPath, cache=page_cache),
        Middleware(
            LookupCacheMiddleware, cache=page_cache, prefixes=["/v1/codes/"], skip=CODE_PAGE
        ),
    ]
