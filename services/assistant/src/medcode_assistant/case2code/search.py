"""The code search Case2Code asks for candidates: a Protocol the caller provides, and the
search service's gRPC client that fulfils it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from medcode.search.v1 import search_service_pb2 as search_pb
from medcode.search.v1 import search_service_pb2_grpc as search_grpc

__all__ = ["CodeSearch", "GrpcCodeSearch", "SearchHit"]

#: The search service refuses longer queries.
MAX_QUERY_CHARS = 256


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One candidate code, as the search service ranks it for one query."""

    system: str
    code: str
    title: str
    billable: bool
    score: float


class CodeSearch(Protocol):
    """Finds codes for words; Case2Code never reads the code files itself."""

    async def search(
        self, query: str, *, systems: Sequence[str] = (), limit: int = 10
    ) -> list[SearchHit]: ...


class GrpcCodeSearch:
    """`CodeSearch` over `medcode.search.v1.SearchService.Search` (the caller signs the channel)."""

    def __init__(self, stub: search_grpc.SearchServiceStub, *, timeout: float = 5.0) -> None:
        self._stub = stub
        self._timeout = timeout

    async def search(
        self, query: str, *, systems: Sequence[str] = (), limit: int = 10
    ) -> list[SearchHit]:
        request = search_pb.SearchRequest(
            query=query[:MAX_QUERY_CHARS], systems=list(systems), limit=limit
        )
        reply = await self._stub.Search(request, timeout=self._timeout)
        return [
            SearchHit(
                system=hit.system,
                code=hit.code,
                title=hit.title,
                billable=hit.billable,
                score=hit.score,
            )
            for hit in reply.hits
        ]
