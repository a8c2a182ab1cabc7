"""Who may call the search service: searches only through the gateway, nobody without a
service token; and search's own calls to codes carry its identity."""

from __future__ import annotations

import grpc
import pytest

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import CLI, CODES, GATEWAY, METERING, SEARCH
from medcode_search.access import POLICY, SERVICE

QUERY = pb.SearchRequest(query="knee replacement", limit=3)


def test_a_search_without_a_token_is_refused(search_address: str) -> None:
    with grpc.insecure_channel(search_address) as anonymous:
        stub = pb_grpc.SearchServiceStub(anonymous)
        with pytest.raises(grpc.RpcError) as caught:
            stub.Search(QUERY, timeout=10)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("identity", [CODES, METERING, CLI])
def test_only_the_gateway_searches(search_address: str, identity: str) -> None:
    with service_auth.channel(search_address, identity=identity, audience=SEARCH) as other:
        stub = pb_grpc.SearchServiceStub(other)
        for call in (
            lambda: stub.Search(QUERY, timeout=10),
            lambda: stub.Suggest(pb.SuggestRequest(query="kne"), timeout=10),
        ):
            with pytest.raises(grpc.RpcError) as caught:
                call()
            assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with service_auth.channel(search_address, identity=GATEWAY, audience=SEARCH) as gateway:
        assert pb_grpc.SearchServiceStub(gateway).Search(QUERY, timeout=10).hits


def test_the_operator_reads_the_index_status(search_address: str) -> None:
    """The session search service built its index: its calls to codes were signed as search
    (codes refuses anyone else the export)."""
    with service_auth.channel(search_address, identity=CLI, audience=SEARCH) as operator:
        status = pb_grpc.SearchServiceStub(operator).GetIndexStatus(
            pb.GetIndexStatusRequest(), timeout=10
        )
    assert status.releases


def test_every_method_has_a_policy() -> None:
    assert service_auth.undeclared_methods(SERVICE, POLICY) == []
