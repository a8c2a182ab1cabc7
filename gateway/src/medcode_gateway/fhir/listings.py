"""What is loaded (the codes service's release and data-set listings), kept in the gateway's
lookup cache for the FHIR answers that name it.

Every $translate, metadata and resource answer says which releases and GEM directions are
loaded; asking the codes service each time cost a round trip per listing, most of what
separated $translate from the JSON crosswalk. The listings live in the code pages' cache, so
the `release.published` announcement that refreshes a code page refreshes them too, and its
TTL bounds a missed announcement (with the cache off, every answer asks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from google.protobuf.message import Message

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import System
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.fhir.versions import group_by_system

CACHE_TAG = "fhir-listing"
Reply = TypeVar("Reply", bound=Message)


async def _cached(
    request: Request, name: str, empty: Reply, fetch: Callable[[], Awaitable[Reply]]
) -> Reply:
    """A listing from the cache, else fetched and kept (unless a release was announced while
    it was being fetched)."""
    cache: ResponseCache = request.app.state.page_cache
    key = (CACHE_TAG, name)
    body = cache.get(key)
    if body is not None:
        empty.ParseFromString(body)
        return empty
    generation = cache.generation
    reply = await fetch()
    cache.put(key, reply.SerializeToString(), generation=generation)
    return reply


async def list_releases(request: Request, clients: ServiceClients) -> pb.ListReleasesResponse:
    """Every loaded release (newest first within each system)."""
    return await _cached(
        request,
        "releases",
        pb.ListReleasesResponse(),
        lambda: clients.codes.ListReleases(pb.ListReleasesRequest(), timeout=clients.timeout),
    )


async def list_datasets(request: Request, clients: ServiceClients) -> pb.ListDatasetsResponse:
    """Every loaded reference data set (newest first within each kind)."""
    return await _cached(
        request,
        "datasets",
        pb.ListDatasetsResponse(),
        lambda: clients.codes.ListDatasets(pb.ListDatasetsRequest(), timeout=clients.timeout),
    )


async def releases_by_system(
    request: Request, clients: ServiceClients
) -> dict[System, list[pb.Release]]:
    """Every loaded release, newest first, per served system, from the cache."""
    return group_by_system((await list_releases(request, clients)).releases)
