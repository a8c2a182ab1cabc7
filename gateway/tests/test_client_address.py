"""The client address rule: only trusted proxies may name the client, read right to left."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from medcode_gateway.core.client_address import (
    IPAddress,
    TrustedProxies,
    client_address,
    forwarded_entries,
    parse_hop,
)
from medcode_gateway.settings import RETIRED_HOPS_VARIABLE, GatewaySettings

TRUSTED = TrustedProxies.parse("10.0.0.0/8, fd00::/8")
PROXY = "10.0.0.2"


def plain(address: IPAddress) -> IPAddress:
    """What the gateway reports for an address (IPv4-mapped IPv6 as its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def chain(*entries: str) -> list[str]:
    return forwarded_entries([", ".join(entries)])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.7", [], "203.0.113.7"),  # direct, no header
        ("203.0.113.7", ["198.51.100.9"], "203.0.113.7"),  # a header from an untrusted peer
        (PROXY, ["198.51.100.9"], "198.51.100.9"),  # one trusted proxy
        (PROXY, ["1.2.3.4, 198.51.100.9"], "198.51.100.9"),  # spoofed prefix, one proxy
        (PROXY, ["1.2.3.4, 198.51.100.9, 10.0.0.7"], "198.51.100.9"),  # spoofed, two proxies
        (PROXY, ["10.9.9.9, 198.51.100.9, 10.0.0.7"], "198.51.100.9"),  # spoofed trusted prefix
        (PROXY, ["10.0.0.7"], "10.0.0.7"),  # only proxies: the furthest one seen
        (PROXY, [], PROXY),  # a proxy's own request (a health check)
        (PROXY, ["198.51.100.9, garbage"], PROXY),  # unreadable hop: stop at what we know
        (PROXY, ["198.51.100.9, unknown, 10.0.0.7"], "10.0.0.7"),
        (PROXY, ["198.51.100.9, "], PROXY),  # an empty entry is not an address either
        (PROXY, ["198.51.100.1", "198.51.100.2"], "198.51.100.2"),  # two header lines
        (PROXY, ["198.51.100.9:4711"], "198.51.100.9"),  # with a port
        (PROXY, ["[2001:db8::7]:443"], "2001:db8::7"),  # IPv6 with a port
        (PROXY, ["2001:db8::7"], "2001:db8::7"),
        (PROXY, ["2001:db8::7, fd00::3"], "2001:db8::7"),  # through an IPv6 proxy
        (PROXY, ["[fe80::7%eth0]:443"], "fe80::7"),  # a zone id is not part of the address
        ("fd00::1%2", ["fe80::7%1"], "fe80::7"),
        ("fd00::1", ["198.51.100.9"], "198.51.100.9"),  # an IPv6 proxy
        ("::ffff:10.0.0.2", ["198.51.100.9"], "198.51.100.9"),  # dual-stack view of a proxy
        ("::ffff:203.0.113.7", ["198.51.100.9"], "203.0.113.7"),
        (PROXY, ["::ffff:198.51.100.9"], "198.51.100.9"),
        ("testclient", ["198.51.100.9"], ""),  # not an IP peer (a Unix socket): unknown
        ("", [], ""),
    ],
)
def test_the_client_is_the_first_untrusted_address_from_the_right(
    peer: str, forwarded: list[str], client: str
) -> None:
    assert client_address(peer, forwarded_entries(forwarded), TRUSTED) == client


def test_with_no_trusted_proxies_every_header_is_ignored() -> None:
    nobody = TrustedProxies.parse("")
    assert client_address("127.0.0.1", ["203.0.113.7"], nobody) == "127.0.0.1"


@pytest.mark.parametrize(
    "entry",
    [
        "",
        " ",
        "unknown",
        "_hidden",
        "1.2.3",
        "1.2.3.4:",
        "1.2.3.4:65536",
        "1.2.3.4:-1",
        "1.2.3.4:８０",
        "[::1",
        "[::1]x",
        "[::1]:",
        "::1]:80",
        "１.2.3.4",
        "0x7f.0.0.1",
        "1.2.3.4:" + "0" * 60,
        "2001:db8::1" * 7,
    ],
)
def test_anything_but_an_address_is_not_a_hop(entry: str) -> None:
    assert parse_hop(entry) is None


def _spellings(address: IPAddress, port: int) -> list[str]:
    if isinstance(address, ipaddress.IPv4Address):
        return [str(address), f"{address}:{port}", f" {address} "]
    return [str(address), f"[{address}]", f"[{address}]:{port}", address.exploded]


@given(address=st.ip_addresses(), port=st.integers(min_value=0, max_value=65535))
def test_every_spelling_of_an_address_reads_as_that_address(address: IPAddress, port: int) -> None:
    for spelling in _spellings(address, port):
        assert parse_hop(spelling) == plain(address), spelling


@given(entry=st.text(max_size=80))
def test_any_text_is_an_address_or_nothing(entry: str) -> None:
    found = parse_hop(entry)
    assert found is None or isinstance(found, ipaddress.IPv4Address | ipaddress.IPv6Address)


_untrusted = st.ip_addresses().filter(lambda a: not TRUSTED.trusts(a))
_trusted = st.one_of(
    st.ip_addresses(network="10.0.0.0/8"), st.ip_addresses(network="fd00::/8")
).map(str)
_words = st.text(alphabet=st.characters(exclude_characters=","), max_size=40)
_junk = st.one_of(_words, st.ip_addresses().map(str), _trusted)


@given(peer=_untrusted, forwarded=st.lists(_junk, max_size=6))
def test_an_untrusted_peer_is_the_client_whatever_it_sends(
    peer: IPAddress, forwarded: list[str]
) -> None:
    assert client_address(str(peer), forwarded, TRUSTED) == str(plain(peer))


@given(
    spoofed=st.lists(_junk, max_size=6),
    client=_untrusted,
    proxies=st.lists(_trusted, max_size=3),
    peer=_trusted,
)
def test_nothing_a_client_prepends_changes_who_it_is(
    spoofed: list[str], client: IPAddress, proxies: list[str], peer: str
) -> None:
    """Through any number of trusted proxies, each appending what it saw, the client is found."""
    seen = chain(*spoofed, str(client), *proxies)
    assert client_address(peer, seen, TRUSTED) == str(plain(client))


@given(peer=st.text(max_size=50), forwarded=st.lists(st.text(max_size=50), max_size=8))
def test_any_header_gives_an_address_or_nothing_and_never_fails(
    peer: str, forwarded: list[str]
) -> None:
    found = client_address(peer, forwarded_entries(forwarded), TRUSTED)
    assert found == "" or parse_hop(found) is not None


@given(
    networks=st.lists(
        st.tuples(st.ip_addresses(v=4), st.integers(0, 32))
        | st.tuples(st.ip_addresses(v=6), st.integers(0, 128)),
        max_size=5,
    )
)
def test_trusted_networks_read_back_as_written(networks: list[tuple[IPAddress, int]]) -> None:
    written = [ipaddress.ip_network(f"{a}/{bits}", strict=False) for a, bits in networks]
    parsed = TrustedProxies.parse(" , ".join(str(network) for network in written))
    assert parsed.networks == tuple(written)
    assert TrustedProxies.parse(str(parsed)) == parsed


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "localhost", "10.0.0.0/8;", "*", "1.2.3.4/x"])
def test_a_bad_trusted_network_is_a_start_up_error_naming_it(bad: str) -> None:
    with pytest.raises(ValidationError, match=f"trusted proxy '{bad}'"):
        GatewaySettings(trusted_proxies=f"127.0.0.1/32, {bad}")


def test_settings_take_comma_separated_networks_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEDCODE_GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7, ::1")
    assert GatewaySettings().trusted_proxies == "10.0.0.0/8,192.168.1.7/32,::1/128"
    monkeypatch.delenv("MEDCODE_GATEWAY_TRUSTED_PROXIES")
    assert GatewaySettings().trusted_proxies == "", "nobody is trusted by default"


def test_the_retired_hop_count_stops_the_gateway_instead_of_being_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(RETIRED_HOPS_VARIABLE, "1")
    with pytest.raises(ValidationError, match="MEDCODE_GATEWAY_TRUSTED_PROXIES"):
        GatewaySettings()
