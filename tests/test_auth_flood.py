"""A flood of wrong passwords: limited before the log write, counted rather than logged, and never in the
way of the correct password."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from reference_server.config import GatewayConfig
from reference_server.webhook.failed_auth import FLUSH_SECONDS, source_of
from tests.gateways import HOOKS, gateway_process
from tests.redis_server import redis_for_test
from tests.test_gateway_http import assert_accepted, assert_error, post
from tests.test_redis_failures import logged

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
WRONG = "0" * 32
PER_ADDRESS = 10  # the default wrong passwords a minute logged per webhook and address (D-054)
PER_WEBHOOK = 60  # and per webhook from all addresses
COUNTS_WAIT = 10 * FLUSH_SECONDS  # how long a test waits, at most, for the counts to be written


def _flood(gateway, hook: str, addresses: list[str | None]) -> list[requests.Response]:
    """One wrong password from each of `addresses` (as X-Forwarded-For; None: the connection's own)."""

    def send(address: str | None) -> requests.Response:
        headers = {} if address is None else {"X-Forwarded-For": address}
        return post(gateway, hook, SIGNAL, password=WRONG, headers=headers)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(send, addresses))


def _split(responses: list[requests.Response]) -> tuple[list, list]:
    """The logged invalid-password answers and the unlogged 429s; nothing else is allowed."""
    logged_ones = [r for r in responses if r.status_code == 400]
    limited = [r for r in responses if r.status_code == 429]
    assert len(logged_ones) + len(limited) == len(responses)
    for response in logged_ones:
        assert_error(response, "invalid-password")
    for response in limited:
        assert_error(response, "too-many-requests", logged=False)
        assert int(response.headers["Retry-After"]) >= 1
    return logged_ones, limited


def _counts(directory: Path, webhook_uuid: str, expected: int) -> dict[str, int]:
    """The failed-authentication counts of the webhook by source, once they add up to `expected`."""
    database = directory / "data" / GatewayConfig().database.name
    deadline = time.monotonic() + COUNTS_WAIT
    while True:
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                "SELECT source, SUM(count) FROM failed_auth_counts WHERE webhook_uuid = ? GROUP BY source",
                (webhook_uuid,),
            ).fetchall()
        counts = dict(rows)
        if sum(counts.values()) >= expected or time.monotonic() > deadline:
            return counts
        time.sleep(0.1)


def _rows(directory: Path, webhook_uuid: str) -> list[dict]:
    return [record for record in logged(directory).values() if record["webhook_uuid"] == webhook_uuid]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """A gateway behind a trusted proxy on loopback, so that a test can send from many addresses."""
    directory = tmp_path_factory.mktemp("flood")
    with gateway_process(directory, trusted_proxies=["127.0.0.1"]) as running:
        yield directory, running


@pytest.mark.decision("D-054")
def test_a_flood_from_one_address_is_logged_up_to_the_limit_then_counted(proxied):
    directory, gateway = proxied
    webhook = HOOKS["limited-a"]
    logged_ones, limited = _split(_flood(gateway, "limited-a", ["198.51.100.7"] * 200))
    assert (len(logged_ones), len(limited)) == (PER_ADDRESS, 200 - PER_ADDRESS)
    rows = _rows(directory, webhook.uuid)
    assert len(rows) == PER_ADDRESS
    assert {(row["status"], row["message_code"], row["source_address"]) for row in rows} == {
        (400, "invalid-password", "198.51.100.7")
    }
    assert _counts(directory, webhook.uuid, 190) == {"198.51.100.7": 190}
    # The sender with the correct password gets through, from the flooding address as from another.
    for address in ("198.51.100.7", "203.0.113.9"):
        assert_accepted(post(gateway, "limited-a", SIGNAL, headers={"X-Forwarded-For": address}))


@pytest.mark.decision("D-054")
def test_a_flood_from_many_addresses_is_bounded_per_webhook_and_locks_nobody_out(proxied):
    directory, gateway = proxied
    webhook = HOOKS["limited-b"]
    addresses = [f"192.0.2.{host}" for host in range(1, 101)] * 3
    logged_ones, limited = _split(_flood(gateway, "limited-b", addresses))
    assert (len(logged_ones), len(limited)) == (PER_WEBHOOK, 300 - PER_WEBHOOK)
    assert len(_rows(directory, webhook.uuid)) == PER_WEBHOOK
    counts = _counts(directory, webhook.uuid, 300 - PER_WEBHOOK)
    assert sum(counts.values()) == 300 - PER_WEBHOOK and set(counts) <= set(addresses)
    # Another webhook's failures from the same addresses are logged as before.
    assert_error(
        post(gateway, "limited-c", SIGNAL, password=WRONG, headers={"X-Forwarded-For": "192.0.2.1"}),
        "invalid-password",
    )
    for address in ("192.0.2.1", "203.0.113.9"):
        assert_accepted(post(gateway, "limited-b", SIGNAL, headers={"X-Forwarded-For": address}))


@pytest.mark.decision("D-054")
def test_an_ipv6_source_counts_by_its_64(proxied):
    _, gateway = proxied
    addresses = [f"2001:db8:0:7::{host:x}" for host in range(1, PER_ADDRESS + 2)]
    responses = [_flood(gateway, "quota", [address])[0] for address in addresses]
    assert [response.status_code for response in responses] == [400] * PER_ADDRESS + [429]
    assert source_of("2001:db8:0:7::1") == "2001:db8:0:7::/64"
    assert source_of("198.51.100.7") == "198.51.100.7"


@pytest.mark.decision("D-054")
def test_the_limits_are_shared_through_redis_and_hold_in_memory_while_it_is_gone(tmp_path):
    with (
        redis_for_test(tmp_path / "redis") as redis,
        gateway_process(tmp_path / "gateway", ("--workers", "2", "--redis-url", redis.url())) as gateway,
    ):
        logged_ones, limited = _split(_flood(gateway, "limited-a", [None] * 50))
        assert (len(logged_ones), len(limited)) == (PER_ADDRESS, 50 - PER_ADDRESS)  # both workers together
        assert_accepted(post(gateway, "limited-a", SIGNAL))
        redis.stop()
        # Each worker counts wrong passwords in its own memory now: still limited, never a 503 or 500.
        logged_ones, limited = _split(_flood(gateway, "limited-b", [None] * 50))
        assert PER_ADDRESS <= len(logged_ones) <= 2 * PER_ADDRESS
