"""Where a request came from, and whether a webhook's source restriction lets it in."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

# Published webhook source addresses (FACTS.md, "Clients").
TRADINGVIEW_ADDRESSES = frozenset({"52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7"})
TRENDSPIDER_ADDRESSES = frozenset({"3.12.143.24"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv4 addresses as IPv6 (::ffff:a.b.c.d): an IPv4 client on a dual-stack socket, or a config entry.
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def _parse(address: str) -> IPAddress | None:
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    mapped = getattr(parsed, "ipv4_mapped", None)
    return mapped or parsed


def _as_ipv4(network: IPNetwork) -> IPNetwork:
    """A range inside ::ffff:0:0/96 as the IPv4 range it maps (D-062); any other range as it is."""
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
        mapped = network.network_address.ipv4_mapped
        return ipaddress.IPv4Network((mapped, network.prefixlen - _IPV4_MAPPED.prefixlen))
    return network


def _network(value: str) -> IPNetwork:
    return _as_ipv4(ipaddress.ip_network(value, strict=False))


def canonical_network(value: str) -> str:
    """`value`, an address or CIDR range, with an IPv4-mapped one written as IPv4 (D-062).

    ValueError when it is neither an address nor a range. '::ffff:203.0.113.7' becomes '203.0.113.7'
    and '::ffff:10.0.0.0/104' becomes '10.0.0.0/8'; any other value is returned as it is.
    """
    parsed = ipaddress.ip_network(value, strict=False)
    network = _as_ipv4(parsed)
    if network is parsed:
        return value
    return str(network) if "/" in value else str(network.network_address)


def _in_any(address: IPAddress, networks: Iterable[str]) -> bool:
    return any(address in _network(network) for network in networks)


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address: the connection's peer, or, from trusted proxies only, X-Forwarded-For.

    The header is read right to left, skipping trusted proxies; the first other hop is the client.
    A peer that is not a trusted proxy is the client whatever its header says.
    """
    if not forwarded_for or not trusted_proxies:
        return peer
    peer_address = _parse(peer)
    if peer_address is None or not _in_any(peer_address, trusted_proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None or not _in_any(parsed, trusted_proxies):
            return hop
    return hops[0]


def source_error(limit_to: str | None, ip_addresses: tuple[str, ...], address: str) -> str | None:
    """The error code for a webhook's source restriction, or None when the address may send."""
    if limit_to is None:
        return None
    parsed = _parse(address)
    if parsed is None:
        return "invalid-ip-address-format"
    if limit_to == "tradingview":
        return None if str(parsed) in TRADINGVIEW_ADDRESSES else "not-trading-view"
    if limit_to == "trendspider":
        return None if str(parsed) in TRENDSPIDER_ADDRESSES else "not-trend-spider"
    return None if _in_any(parsed, ip_addresses) else "invalid-ip-address"
