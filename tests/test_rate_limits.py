"""Rate limits per webhook URL, served for real: the 61st request, sliding windows, shared Redis."""

import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import parse_many
from limits.strategies import MovingWindowRateLimiter

from reference_server import rate_limit
from tests.gateways import gateway_process
from tests.test_gateway_http import assert_accepted, assert_error, post

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'


def _send(gateway, hook: str, count: int) -> list[int]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: post(gateway, hook, SIGNAL).status_code, range(count)))


@pytest.fixture(scope="module")
def spec_limited_gateway(tmp_path_factory):
    """A gateway with the spec's default limits: 60 per minute and 500 per hour."""
    with gateway_process(tmp_path_factory.mktemp("limited")) as running:
        yield running


def test_the_61st_request_in_a_minute_is_too_many_requests(spec_limited_gateway):
    statuses = _send(spec_limited_gateway, "limited-a", 60)
    assert statuses == [200] * 60
    body = assert_error(post(spec_limited_gateway, "limited-a", SIGNAL), "too-many-requests")
    assert body["logId"]


def test_a_429_says_when_to_retry(spec_limited_gateway):
    _send(spec_limited_gateway, "limited-b", 60)
    response = post(spec_limited_gateway, "limited-b", SIGNAL)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_limits_are_per_webhook_url(spec_limited_gateway):
    _send(spec_limited_gateway, "limited-a", 61)
    assert_accepted(post(spec_limited_gateway, "limited-c", SIGNAL))


@pytest.mark.decision("D-026")
def test_a_rejected_password_does_not_count(spec_limited_gateway):
    for _ in range(70):
        assert_error(post(spec_limited_gateway, "quota", SIGNAL, password="0" * 32), "invalid-password")
    # the limit is counted after the password check, so the webhook still has its quota
    assert_accepted(post(spec_limited_gateway, "quota", SIGNAL))


@pytest.fixture(scope="module")
def small_limits_gateway(tmp_path_factory):
    """Limits small enough to observe both windows within seconds."""
    with gateway_process(
        tmp_path_factory.mktemp("small"), rate_limits="3 per 2 seconds;8 per 30 seconds"
    ) as running:
        yield running


@pytest.mark.decision("D-026")
def test_windows_slide(small_limits_gateway):
    # Two at t=0 and one at t=1.5 fill the 2-second window; at t=2.2 the one from t=1.5 still
    # counts in a sliding window (a fixed window would have started afresh at t=2).
    start = time.monotonic()
    assert _send(small_limits_gateway, "limited-a", 2) == [200, 200]
    time.sleep(max(0, 1.5 - (time.monotonic() - start)))
    assert _send(small_limits_gateway, "limited-a", 1) == [200]
    time.sleep(max(0, 2.2 - (time.monotonic() - start)))
    assert sorted(_send(small_limits_gateway, "limited-a", 3)) == [200, 200, 429]


def test_the_longer_window_holds_too(small_limits_gateway):
    assert _send(small_limits_gateway, "limited-b", 3) == [200] * 3
    time.sleep(2.1)
    assert _send(small_limits_gateway, "limited-b", 3) == [200] * 3
    time.sleep(2.1)
    assert sorted(_send(small_limits_gateway, "limited-b", 3)) == [200, 200, 429]  # 8 per 30 seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real redis-server on a free loopback port (each test picks its own database number)."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed: .ci/run installs it")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def test_two_gateways_sharing_redis_hold_the_limit_together(tmp_path, redis_url):
    with (
        gateway_process(tmp_path / "a", rate_limit_storage=f"{redis_url}/0") as first,
        gateway_process(tmp_path / "b", rate_limit_storage=f"{redis_url}/0") as second,
    ):
        assert _send(first, "limited-a", 30) == [200] * 30
        assert _send(second, "limited-a", 30) == [200] * 30
        assert_error(post(first, "limited-a", SIGNAL), "too-many-requests")
        assert_error(post(second, "limited-a", SIGNAL), "too-many-requests")
        assert_accepted(post(second, "limited-b", SIGNAL))


def test_several_workers_share_redis(tmp_path, redis_url):
    with gateway_process(tmp_path, ("--workers", "2", "--redis-url", f"{redis_url}/1")) as running:
        assert sorted(_send(running, "limited-b", 61)) == [200] * 60 + [429]


def test_several_workers_without_redis_are_refused(tmp_path):
    command = [sys.executable, "-m", "reference_server", "serve", "--workers", "2", "--port", "0"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--redis-url" in result.stderr


def test_the_default_limits_are_the_specs():
    from reference_server.config import GatewayConfig

    assert GatewayConfig().rate_limits == "60/minute;500/hour"


@pytest.fixture(scope="module")
def two_windows_gateway(tmp_path_factory):
    """A short window inside a long one, to see which quotas a refused request uses."""
    with gateway_process(
        tmp_path_factory.mktemp("two"), rate_limits="2 per 1 second;3 per 30 seconds"
    ) as running:
        yield running


@pytest.mark.decision("D-026")
def test_a_request_refused_by_the_long_window_says_so_and_uses_no_quota(two_windows_gateway):
    assert sorted(_send(two_windows_gateway, "limited-a", 3)) == [200, 200, 429]  # the second's window
    time.sleep(1.1)
    assert _send(two_windows_gateway, "limited-a", 1) == [200]  # third of 30 seconds
    response = post(two_windows_gateway, "limited-a", SIGNAL)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 20


class _Clock:
    """A stand-in for time.time that the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def windows(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(rate_limit.time, "time", clock)
    return MovingWindowRateLimiter(rate_limit.InProcessWindows()), clock


def test_an_in_process_window_lets_limit_requests_through_and_refuses_the_next(windows):
    limiter, _ = windows
    limit = parse_many("3/minute")[0]
    assert [limiter.hit(limit, "webhook", "a") for _ in range(4)] == [True, True, True, False]
    assert not limiter.test(limit, "webhook", "a")
    assert limiter.hit(limit, "webhook", "b")  # another key has its own window


def test_an_in_process_window_slides(windows):
    limiter, clock = windows
    limit = parse_many("2/minute")[0]
    assert limiter.hit(limit, "webhook", "a")
    clock.now += 30
    assert limiter.hit(limit, "webhook", "a")
    clock.now += 29.5
    assert not limiter.hit(limit, "webhook", "a")
    assert limiter.get_window_stats(limit, "webhook", "a").reset_time == pytest.approx(clock.now + 0.5)
    clock.now += 0.5  # the first request is now exactly 60 s old: it still counts
    assert not limiter.hit(limit, "webhook", "a")
    clock.now += 0.001
    assert limiter.hit(limit, "webhook", "a")


def test_resetting_in_process_windows_forgets_every_count(windows):
    limiter, _ = windows
    limit = parse_many("1/hour")[0]
    assert limiter.hit(limit, "webhook", "a")
    limiter.storage.reset()
    assert limiter.hit(limit, "webhook", "a")
    limiter.clear(limit, "webhook", "a")
    assert limiter.test(limit, "webhook", "a")
