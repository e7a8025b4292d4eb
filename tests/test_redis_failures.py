"""A stalled or absent Redis: the gateway answers 503 rate-limit-unavailable at once, logs it, recovers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from reference_server.webhook.rate_limit import (
    BREAKER_SECONDS,
    RateLimitUnavailable,
    RedisWindows,
    windows_of,
)
from tests.gateways import gateway_process
from tests.redis_server import redis_for_test
from tests.test_gateway_http import assert_accepted, assert_error, post

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
ANSWER_WITHIN = 1.0  # seconds: the promise of D-053
RECOVERY_WAIT = 10.0  # seconds a test waits, at most, for the gateway to use Redis again


@pytest.fixture
def redis(tmp_path):
    """A redis-server of the test's own, which it may pause or kill."""
    with redis_for_test(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def shared(tmp_path, redis):
    """Two gateway workers sharing their limits through `redis`."""
    with gateway_process(tmp_path / "gateway", ("--workers", "2", "--redis-url", redis.url())) as running:
        yield running


def logged(directory: Path) -> dict[str, dict]:
    """The test gateway's signal log, by logId, as `python -m reference_server log` prints it."""
    command = [sys.executable, "-m", "reference_server", "log", "--limit", "10000"]
    command += ["--config", str(directory / "gateway.toml")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return {record["log_id"]: record for record in map(json.loads, result.stdout.splitlines())}


def answered_unavailable(gateway) -> requests.Response:
    """Send a signal; it is answered 503 rate-limit-unavailable within a second, with a Retry-After."""
    start = time.monotonic()
    response = post(gateway, "limited-a", SIGNAL)
    assert time.monotonic() - start < ANSWER_WITHIN
    body = assert_error(response, "rate-limit-unavailable")
    assert response.headers["Retry-After"] == "1"
    return body


def assert_recovers(gateway) -> None:
    """Within RECOVERY_WAIT, a signal is accepted again."""
    deadline = time.monotonic() + RECOVERY_WAIT
    while (response := post(gateway, "limited-a", SIGNAL)).status_code != 200:
        assert_error(response, "rate-limit-unavailable")
        assert time.monotonic() < deadline, "the gateway did not use Redis again"
        time.sleep(0.1)
    assert_accepted(response)


@pytest.mark.decision("D-053")
def test_a_paused_redis_is_a_logged_503_within_a_second_and_the_gateway_recovers(tmp_path, redis, shared):
    assert_accepted(post(shared, "limited-a", SIGNAL))  # the workers hold open connections to Redis now
    redis.pause()
    try:
        answers = [answered_unavailable(shared) for _ in range(6)]  # both workers, breaker open or not
    finally:
        redis.resume()
    log = logged(tmp_path / "gateway")
    for answer in answers:
        assert (log[answer["logId"]]["status"], log[answer["logId"]]["message_code"]) == (
            503,
            "rate-limit-unavailable",
        )
    assert_recovers(shared)


@pytest.mark.decision("D-053")
def test_a_redis_that_is_gone_is_a_logged_503_within_a_second_and_the_gateway_recovers(
    tmp_path, redis, shared
):
    assert_accepted(post(shared, "limited-a", SIGNAL))
    redis.stop()  # connections are refused now
    answers = [answered_unavailable(shared) for _ in range(6)]
    log = logged(tmp_path / "gateway")
    assert all(log[answer["logId"]]["message_code"] == "rate-limit-unavailable" for answer in answers)
    redis.start()  # on the same port, empty
    assert_recovers(shared)


@pytest.mark.decision("D-053")
def test_a_gateway_that_fails_open_counts_in_its_own_memory_while_redis_is_gone(tmp_path, redis):
    with gateway_process(
        tmp_path, rate_limit_storage=redis.url(), rate_limit_fail_open=True, rate_limits="3 per 30 seconds"
    ) as running:
        redis.stop()
        statuses = [post(running, "limited-a", SIGNAL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.decision("D-053")
def test_after_a_failed_call_redis_is_left_alone_for_a_moment(redis):
    storage = RedisWindows(redis.url(5), timeout=0.25)
    windows = windows_of("breaker:quota", "5/minute")
    assert storage.acquire(windows) is None
    redis.pause()
    try:
        with pytest.raises(RateLimitUnavailable):
            storage.acquire(windows)  # the reply timed out
        time.sleep(storage.patience)  # the call waits in Redis past the time anyone waits for it
    finally:
        redis.resume()
    with pytest.raises(RateLimitUnavailable):
        storage.acquire(windows)  # Redis answers again, but the breaker does not ask it yet
    time.sleep(BREAKER_SECONDS)
    assert storage.acquire(windows) is None
    assert redis.client(5).llen(windows[0].key) == 2  # the call run late, on resuming, counted nowhere
