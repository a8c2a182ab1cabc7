"""Who the client is: the direct peer, or, behind trusted proxies, the address they were given.

Only a peer inside a configured trusted network may speak for someone else. X-Forwarded-For is
read right to left, because each proxy appends the address it received the request from: the
client is the first address from the right that is not a trusted proxy. Entries further left
were written by the client itself and are never believed. An entry that cannot be read ends the
walk at the last address the gateway can vouch for, since a proxy that wrote nothing usable
cannot vouch for anything left of it. The `Forwarded` header (RFC 7239) is deliberately not read:
honouring two headers would let a client pick the one its proxy does not rewrite.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Longer than any address with brackets, a zone id and a port: longer entries are not addresses.
MAX_ENTRY_LENGTH = 64


def _plain(address: IPAddress) -> IPAddress:
    """IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 peer) as the IPv4 it maps."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True, slots=True)
class TrustedProxies:
    """The networks whose peers may report a client address on someone else's behalf."""

    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, text: str) -> TrustedProxies:
        """From comma-separated CIDRs or addresses; a ValueError names a bad entry."""
        networks = []
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(
                    f"trusted proxy {entry!r} is not an IP network such as 10.0.0.0/8 or ::1"
                ) from None
        return cls(tuple(networks))

    def __str__(self) -> str:
        return ",".join(str(network) for network in self.networks)

    def trusts(self, address: IPAddress) -> bool:
        """Whether `address` is one of the trusted proxies."""
        plain = _plain(address)
        return any(plain in network for network in self.networks)


@functools.lru_cache(maxsize=4096)  # the same few proxies and clients, request after request
def parse_hop(entry: str) -> IPAddress | None:
    """The address of one X-Forwarded-For entry ("203.0.113.7", "203.0.113.7:4711",
    "2001:db8::1", "[2001:db8::1]:443"), or None for anything else."""
    entry = entry.strip()
    if not entry or len(entry) > MAX_ENTRY_LENGTH or not entry.isascii():
        return None
    host, port = entry, None
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port = rest[1:] if rest else None
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    if port is not None and not (port.isdigit() and int(port) <= 65535):
        return None
    try:
        # A zone id ("%eth0") names an interface of the writer, not a client: one address.
        return _plain(ipaddress.ip_address(host.partition("%")[0]))
    except ValueError:
        return None


def forwarded_entries(header_values: Iterable[str]) -> list[str]:
    """Every entry of every X-Forwarded-For line, in order (repeated lines read as one list)."""
    return [entry for value in header_values for entry in value.split(",")]


def client_address(peer: str, forwarded_for: Sequence[str], trusted: TrustedProxies) -> str:
    """The client's address: `peer` itself unless it is a trusted proxy, else the first address
    from the right of the `forwarded_for` entries that is not a trusted proxy; "" when the peer
    is not an IP address (a Unix socket)."""
    current = parse_hop(peer)
    if current is None:
        return ""
    if not trusted.trusts(current):
        return str(current)
    for entry in reversed(forwarded_for):
        hop = parse_hop(entry)
        if hop is None:
            break
        current = hop
        if not trusted.trusts(hop):
            break
    return str(current)
