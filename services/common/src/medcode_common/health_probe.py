"""Readiness probes the runner and `medcode status` use: gRPC health and HTTP."""

from __future__ import annotations

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc


def grpc_serving(address: str, *, timeout: float = 1.0) -> bool:
    """True when the standard gRPC health service at `address` reports SERVING."""
    try:
        with grpc.insecure_channel(address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
    except grpc.RpcError:
        return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def http_ready(url: str, *, timeout: float = 1.0) -> bool:
    """True when `url` answers 200."""
    try:
        return httpx.get(url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False
