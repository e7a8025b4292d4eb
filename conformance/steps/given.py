"""Given steps: which webhook, from which address, with which content type."""

from __future__ import annotations

import itertools
import socket
from collections import defaultdict
from urllib.parse import urlsplit

from pytest_bdd import given, parsers

from conformance.steps.fixtures import not_applicable
from conformance.target import ROLES, Target, Webhook
from webhook_spec.openapi import WEBHOOK_PREFIX

# Per role, spreads scenarios over the webhooks the profile gives (each quota scenario needs a fresh quota).
_turns: dict[str, itertools.count] = defaultdict(itertools.count)


@given(parsers.parse('the "{role}" webhook'), target_fixture="webhook")
def the_role_webhook(target: Target, role: str) -> Webhook:
    """Use the target's webhook of this role."""
    if role not in ROLES:
        raise ValueError(f"unknown webhook role {role!r}; roles: {', '.join(ROLES)}")
    chosen = target.webhook(role, next(_turns[role]))
    if chosen is None:
        not_applicable(f"the profile names no {role!r} webhook ({ROLES[role]})")
    return chosen


@given(parsers.parse("the request comes from {address}"))
def the_request_comes_from(target: Target, request_headers: dict[str, str], address: str) -> None:
    """Send as if from `address`: the kit stands in for the target's trusted proxy."""
    if "forwarded-for" not in target.capabilities:
        not_applicable("the target does not believe X-Forwarded-For from the kit (capability forwarded-for)")
    request_headers["X-Forwarded-For"] = address


@given(parsers.parse("an untrusted peer forwards the request from {address}"))
def an_untrusted_peer_forwards(target: Target, client, request_headers: dict[str, str], address: str) -> None:
    """Claim `address` in X-Forwarded-For, from a local address the target does not trust as a proxy."""
    if "untrusted-peer" not in target.capabilities:
        not_applicable("the profile names no untrusted_source_address (capability untrusted-peer)")
    client.connect_from(target.untrusted_source_address)
    request_headers["X-Forwarded-For"] = address


@given(parsers.parse('the content type is "{content_type}"'))
def the_content_type_is(request_headers: dict[str, str], content_type: str) -> None:
    """Send this Content-Type header."""
    request_headers["Content-Type"] = content_type


@given("no content type")
def no_content_type(request_headers: dict[str, str]) -> None:
    """Send no Content-Type header at all."""
    request_headers.pop("Content-Type", None)


@given(parsers.parse("{count:d} connections stall in the middle of a request"))
def connections_stall(request, target: Target, count: int) -> None:
    """Hold `count` connections that sent an unfinished request line, until the scenario ends."""
    parts = urlsplit(target.base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    held = []
    request.addfinalizer(lambda: [sock.close() for sock in held])
    for _ in range(count):
        sock = socket.create_connection((parts.hostname, port), timeout=5)
        sock.sendall(f"POST {WEBHOOK_PREFIX}".encode())
        held.append(sock)
