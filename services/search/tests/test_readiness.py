"""An index that serves before its releases are recorded answers UNAVAILABLE, never an empty
success: a client must not read "no such code" while the service is still starting."""

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


def test_search_is_unavailable_until_the_served_index_has_its_releases(tmp_path: Path) -> None:
    async def scenario() -> None:
        backend = TantivyBackend(index_dir=tmp_path, warm=False)
        await backend.load(key="0123456789abcdef", fetch=_documents)
        holder = IndexHolder(backend=backend, codes_addr="127.0.0.1:9", export_timeout=1)
        server, port, _health = create_server(
            settings=GrpcServiceSettings(host="127.0.0.1", port=0),
            register=lambda s: pb_grpc.add_SearchServiceServicer_to_server(
                SearchServicer(holder), s
            ),
            auth=service_auth.server_interceptor(SEARCH, POLICY),
        )
        await server.start()
        try:
            async with service_auth.aio_channel(
                f"127.0.0.1:{port}", signer=service_auth.load_signer(GATEWAY), audience=SEARCH
            ) as channel:
                stub = pb_grpc.SearchServiceStub(channel)
                assert backend.ready() and not holder.ready()
                for call in (
                    stub.Search(pb.SearchRequest(query="knee replacement")),
                    stub.Suggest(pb.SuggestRequest(query="kne")),
                ):
                    with pytest.raises(grpc.aio.AioRpcError) as caught:
                        await call
                    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
                holder.indexed = (IndexedRelease("cpt", "r1", "2025-01-01"),)
                reply = await stub.Search(pb.SearchRequest(query="knee replacement"))
                assert [hit.code for hit in reply.hits][:1] == ["27447"]
        finally:
            await server.stop(0)
            await holder.close()

    asyncio.run(scenario())


def test_the_served_releases_are_recorded_as_the_new_index_starts_serving(tmp_path: Path) -> None:
    async def scenario() -> None:
        backend = TantivyBackend(index_dir=tmp_path, warm=False)
        engines: list[object] = []

        def on_swap() -> None:
            engines.append(backend.engine)

        await backend.load(key="0" * 16, fetch=_documents, on_swap=on_swap)
        first = backend.engine
        assert first is not None and engines == [first]
        await backend.load(key="0" * 16, fetch=_documents, on_swap=on_swap)  # already serving
        assert engines == [first, first]

        async def fewer() -> list[IndexedCode]:
            return DOCUMENTS[:1]

        await backend.load(key="1" * 16, fetch=fewer, on_swap=on_swap)
        assert engines[-1] is backend.engine is not first
        assert backend.document_count() == 1

    asyncio.run(scenario())
