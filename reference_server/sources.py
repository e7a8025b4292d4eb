"""Where a request came from, and whether a webhook's source restriction lets it in."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

# Published webhook source addresses (FACTS.md, "Clients").
TRADINGVIEW_ADDRESSES = frozenset({"52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7"})
TRENDSPIDER_ADDRESSES = frozenset({"3.12.143.24"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(address: str) -> IPAddress | None:
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    mapped = getattr(parsed, "ipv4_mapped", None)
    return mapped or parsed


def _in_any(address: IPAddress, networks: Iterable[str]) -> bool:
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address: the connection's peer, or, from trusted proxies only, X-Forwarded-For.

    The header is read right to left, skipping trusted proxies; the first other hop is the client.
    A peer that is not a trusted proxy is the client whatever its header says.
    """
    peer_address = _parse(peer)
    if not forwarded_for or peer_address is None or not _in_any(peer_address, trusted_proxies):
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
