"""Readiness probes the runner and `medcode status` use: gRPC health, HTTP, Redis PING and
SMTP NOOP."""

from __future__ import annotations

import smtplib

import grpc
import httpx
import redis
from grpc_health.v1 import health_pb2, health_pb2_grpc
from redis.backoff import NoBackoff
from redis.retry import Retry

from medcode_common.launch import ServiceLaunch


def grpc_serving(address: str, *, service: str = "", timeout: float = 1.0) -> bool:
    """True when the standard gRPC health service at `address` reports `service` SERVING.

    The overall server ("") is SERVING as soon as it listens; a service that loads data
    after listening (search builds its index) is ready only when its own name says so.
    """
    try:
        with grpc.insecure_channel(address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
    except grpc.RpcError:
        return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def http_ready(url: str, *, timeout: float = 1.0) -> bool:
    """True when `url` answers 200."""
    try:
        return httpx.get(url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def redis_pong(address: str, *, timeout: float = 1.0) -> bool:
    """True when a Redis/Valkey server at `address` answers PING (not while it loads its data)."""
    host, _, port = address.rpartition(":")
    client = redis.Redis(
        host=host,
        port=int(port),
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),  # one attempt: the caller polls
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def smtp_ready(address: str, *, timeout: float = 1.0) -> bool:
    """True when an SMTP server at `address` greets and answers NOOP with 250."""
    host, _, port = address.rpartition(":")
    try:
        with smtplib.SMTP(host, int(port), timeout=timeout) as smtp:
            return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


def launch_ready(launch: ServiceLaunch, address: str) -> bool:
    """Probe `address` the way `launch.health` says."""
    if launch.health == "grpc":
        return grpc_serving(address, service=launch.health_service)
    if launch.health == "redis":
        return redis_pong(address)
    if launch.health == "smtp":
        return smtp_ready(address)
    return http_ready(f"http://{address}{launch.health_path}")
