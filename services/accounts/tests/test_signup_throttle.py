"""Sign-ups are throttled per client network (IPv4 /24, IPv6 /64) and for everyone together."""

from __future__ import annotations

import grpc
import pytest

from medcode_accounts.models import OutboxMail, SignUp

from .conftest import Running, StartServer
from .test_signup import rows


def refused(server: Running, email: str, ip: str) -> tuple[str, int]:
    """The message and retry-after of a sign-up that must be throttled."""
    with pytest.raises(grpc.RpcError) as failure:
        server.register(email, client_ip=ip)
    error = failure.value
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # type: ignore[attr-defined]
    metadata = dict(error.trailing_metadata())  # type: ignore[attr-defined]
    return error.details(), int(metadata["retry-after"])  # type: ignore[attr-defined]


def test_a_network_gets_its_share_per_window(start_server: StartServer) -> None:
    server = start_server(signup_max_per_network=3, signup_window_seconds=600)
    for i, host in enumerate(("198.51.100.1", "198.51.100.2", "198.51.100.3")):
        server.clock.advance(10)
        server.register(f"n{i}@example.com", client_ip=host)
    hashes, mails = server.runtime.backend.accounts.hashing.hashes, rows(server, OutboxMail)
    message, wait = refused(server, "n9@example.com", "198.51.100.250")
    assert "your network" in message and wait == 600 - 20
    # Refused before any work: no hash spent, no sign-up or mail staged.
    assert server.runtime.backend.accounts.hashing.hashes == hashes
    assert (rows(server, SignUp), rows(server, OutboxMail)) == (3, mails)
    server.register("other@example.com", client_ip="198.51.101.1")  # the next /24 is not held
    server.clock.advance(wait)
    server.register("n9@example.com", client_ip="198.51.100.250")


def test_ipv6_networks_are_counted_per_64(start_server: StartServer) -> None:
    server = start_server(signup_max_per_network=2)
    server.register("v1@example.com", client_ip="2001:db8:1:2::1")
    server.register("v2@example.com", client_ip="2001:db8:1:2:ffff::9")
    assert refused(server, "v3@example.com", "2001:db8:1:2::77")[1] == 3600
    server.register("v3@example.com", client_ip="2001:db8:1:3::1")


def test_ipv4_mapped_addresses_count_as_their_ipv4_network(start_server: StartServer) -> None:
    server = start_server(signup_max_per_network=1)
    server.register("m1@example.com", client_ip="203.0.113.5")
    refused(server, "m2@example.com", "::ffff:203.0.113.9")


def test_everyone_together_is_capped_too(start_server: StartServer) -> None:
    server = start_server(signup_max_global=2, signup_max_per_network=100)
    server.register("g1@example.com", client_ip="192.0.2.1")
    server.register("g2@example.com")  # no client address: counted under everyone only
    message, wait = refused(server, "g3@example.com", "203.0.113.1")
    assert "right now" in message and wait == 3600
