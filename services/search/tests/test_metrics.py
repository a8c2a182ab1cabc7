"""Searches and zero-result searches, counted by the real servicer over real gRPC and tantivy."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.grpc_server import create_server
from medcode_common.service_auth import GATEWAY, SEARCH
from medcode_common.settings import GrpcServiceSettings
from medcode_search.access import POLICY
from medcode_search.backends.tantivy_backend import TantivyBackend
from medcode_search.documents import IndexedCode
from medcode_search.indexer import IndexHolder
from medcode_search.metrics import SearchMetrics
from medcode_search.releases import IndexedRelease
from medcode_search.service import SearchServicer

DOCUMENTS = [
    IndexedCode("cpt", "27447", "Total knee replacement: joint surfaces replaced.", "code",
                True, "r1", (), ("SECTION-SURG",)),
    IndexedCode("cpt", "45378", "Diagnostic colonoscopy.", "code", True, "r1", (),
                ("SECTION-SURG",)),
]  # fmt: skip


async def _documents() -> list[IndexedCode]:
    return DOCUMENTS


def test_searches_and_zero_result_searches_are_counted(tmp_path: Path) -> None:
    metrics = SearchMetrics()

    def value(name: str, kind: str) -> float:
        return metrics.registry.get_sample_value(name, {"kind": kind}) or 0.0

    async def scenario() -> None:
        backend = TantivyBackend(index_dir=tmp_path, warm=False)
        await backend.load(key="0123456789abcdef", fetch=_documents)
        holder = IndexHolder(backend=backend, codes_addr="127.0.0.1:9", export_timeout=1)
        holder.indexed = (IndexedRelease("cpt", "r1", "2025-01-01"),)
        servicer = SearchServicer(holder, metrics=metrics)
        server, port, _health = create_server(
            settings=GrpcServiceSettings(host="127.0.0.1", port=0),
            register=lambda s: pb_grpc.add_SearchServiceServicer_to_server(servicer, s),
            auth=service_auth.server_interceptor(SEARCH, POLICY),
            registry=metrics.registry,
        )
        await server.start()
        try:
            async with service_auth.aio_channel(
                f"127.0.0.1:{port}", signer=service_auth.load_signer(GATEWAY), audience=SEARCH
            ) as channel:
                stub = pb_grpc.SearchServiceStub(channel)
                found = await stub.Search(pb.SearchRequest(query="knee replacement"))
                nothing = await stub.Search(pb.SearchRequest(query="xylophone"))
                typed = await stub.Suggest(pb.SuggestRequest(query="colon"))
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await stub.Search(pb.SearchRequest(query="knee", limit=999))
                assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        finally:
            await server.stop(0)
            await holder.close()
        assert found.total > 0 and nothing.total == 0 and len(typed.suggestions) > 0

    asyncio.run(scenario())
    assert value("medcode_searches_total", "search") == 2  # the refused one is not a search
    assert value("medcode_zero_result_searches_total", "search") == 1
    assert value("medcode_searches_total", "suggest") == 1
    assert value("medcode_zero_result_searches_total", "suggest") == 0
    rpc = {"service": "medcode.search.v1.SearchService", "method": "Search"}
    counts = {
        code: metrics.registry.get_sample_value(
            "medcode_grpc_server_requests_total", {**rpc, "code": code}
        )
        for code in ("OK", "INVALID_ARGUMENT")
    }
    assert counts == {"OK": 2.0, "INVALID_ARGUMENT": 1.0}


def test_the_index_gauges_read_the_holder_at_each_scrape(tmp_path: Path) -> None:
    metrics = SearchMetrics()

    def gauge(name: str) -> float | None:
        return metrics.registry.get_sample_value(name)

    async def scenario() -> None:
        backend = TantivyBackend(index_dir=tmp_path, warm=False)
        holder = IndexHolder(backend=backend, codes_addr="127.0.0.1:9", export_timeout=1)
        metrics.watch_index(holder)
        assert gauge("medcode_search_index_build_seconds") == 0.0
        assert gauge("medcode_search_index_rebuilding") == 0.0
        holder.rebuilding = True  # as refresh() sets it while a build runs
        assert gauge("medcode_search_index_rebuilding") == 1.0
        holder.build_seconds, holder.rebuilding = 12.5, False
        assert gauge("medcode_search_index_build_seconds") == 12.5
        await holder.close()

    asyncio.run(scenario())
