"""The SearchService gRPC servicer: checks input, asks the engine, shapes hits."""

from __future__ import annotations

import html
import re

import grpc

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_search import engine as ranking
from medcode_search.engine import Ranked, SearchEngine
from medcode_search.indexer import IndexHolder
from medcode_search.synonyms import normalise_phrase

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["SearchService"].full_name
SYSTEMS = ("icd10cm", "icd10pcs", "hcpcs", "cpt")
_REASONS = {
    ranking.CODE: pb.MATCH_REASON_CODE,
    ranking.PREFIX: pb.MATCH_REASON_CODE_PREFIX,
    ranking.TITLE: pb.MATCH_REASON_TITLE,
    ranking.TERM: pb.MATCH_REASON_INCLUSION_TERM,
    ranking.SYNONYM: pb.MATCH_REASON_SYNONYM,
    ranking.FUZZY: pb.MATCH_REASON_FUZZY,
}
_WORDS = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]+")


def highlight(title: str, query: str) -> str:
    """The title, HTML-escaped, with words that match the query wrapped in <em>."""
    wanted = {w[:5] for w in re.findall(r"[a-z0-9]+", normalise_phrase(query)) if len(w) > 1}
    out = []
    for piece in _WORDS.findall(title):
        escaped = html.escape(piece)
        out.append(f"<em>{escaped}</em>" if piece.lower()[:5] in wanted else escaped)
    return "".join(out)


def hit_message(hit: Ranked, query: str) -> pb.Hit:
    """One ranked document as a Hit."""
    document = hit.document
    return pb.Hit(
        code=document.code,
        title=document.title,
        system=document.system,
        billable=document.billable,
        score=round(hit.score, 4),
        kind=document.kind,
        release=document.release,
        highlight=highlight(document.title, query),
        reasons=[_REASONS[r] for r in hit.reasons],
        matched_text=hit.matched_text,
    )


def _systems(requested: list[str]) -> list[str]:
    chosen = [s.strip().lower() for s in requested if s.strip()]
    unknown = sorted(set(chosen) - set(SYSTEMS))
    if unknown:
        raise ValueError(f"unknown system(s) {', '.join(unknown)}; use {', '.join(SYSTEMS)}")
    return chosen


class SearchServicer(pb_grpc.SearchServiceServicer):
    """Answers from whatever engine the holder is serving right now."""

    def __init__(self, holder: IndexHolder) -> None:
        self._holder = holder

    async def _engine(self, context: grpc.aio.ServicerContext) -> SearchEngine:
        if self._holder.engine is None:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the search index is being built")
        assert self._holder.engine is not None
        return self._holder.engine

    async def Search(
        self, request: pb.SearchRequest, context: grpc.aio.ServicerContext
    ) -> pb.SearchResponse:
        engine = await self._engine(context)
        limit = request.limit or 20
        try:
            if not 1 <= limit <= 500 or request.offset < 0:
                raise ValueError("limit must be 1-500 and offset 0 or more")
            hits, total = engine.search(
                request.query,
                systems=_systems(list(request.systems)),
                billable_only=request.billable_only,
                limit=limit,
                offset=request.offset,
                within=request.within.strip().upper(),
            )
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        return pb.SearchResponse(hits=[hit_message(h, request.query) for h in hits], total=total)

    async def Suggest(
        self, request: pb.SuggestRequest, context: grpc.aio.ServicerContext
    ) -> pb.SuggestResponse:
        engine = await self._engine(context)
        limit = request.limit or 10
        try:
            if not 1 <= limit <= 50:
                raise ValueError("limit must be 1-50")
            hits = engine.suggest(
                request.query, systems=_systems(list(request.systems)), limit=limit
            )
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        return pb.SuggestResponse(suggestions=[hit_message(h, request.query) for h in hits])

    async def GetIndexStatus(
        self, request: pb.GetIndexStatusRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetIndexStatusResponse:
        engine = self._holder.engine
        return pb.GetIndexStatusResponse(
            releases=[f"{s}:{r}" for s, r in sorted(self._holder.releases.items())],
            document_count=len(engine.documents) if engine else 0,
            build_seconds=self._holder.build_seconds,
            rebuilding=self._holder.rebuilding,
        )
