"""The gateway's channels spread calls over every address a target names.

Two minimal SearchService servers stand in for two search replicas: what is tested is the
gateway's channel, so each server only counts the calls it answers.
"""

from __future__ import annotations

import asyncio
from concurrent import futures

import grpc

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.settings import GatewaySettings


class _CountingReplica(pb_grpc.SearchServiceServicer):
    def __init__(self) -> None:
        self.calls = 0

    def Search(self, request: pb.SearchRequest, context: grpc.ServicerContext) -> pb.SearchResponse:
        self.calls += 1
        return pb.SearchResponse(total=0)


def _serve(replica: _CountingReplica) -> tuple[grpc.Server, int]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_SearchServiceServicer_to_server(replica, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


async def _search_many(target: str, times: int) -> None:
    clients = ServiceClients.connect(
        GatewaySettings(events=False, search_addr=target, rpc_timeout_seconds=10)
    )
    try:
        for _ in range(times):
            await clients.search.Search(pb.SearchRequest(query="asthma"), timeout=10)
    finally:
        await clients.close()


def test_searches_go_round_robin_over_every_replica() -> None:
    replicas = [_CountingReplica(), _CountingReplica()]
    served = [_serve(replica) for replica in replicas]
    try:
        target = "ipv4:" + ",".join(f"127.0.0.1:{port}" for _server, port in served)
        asyncio.run(_search_many(target, 40))
    finally:
        for server, _port in served:
            server.stop(0)
    assert sum(r.calls for r in replicas) == 40
    assert all(r.calls >= 10 for r in replicas), [r.calls for r in replicas]
