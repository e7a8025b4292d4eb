"""Rate limits per webhook URL, served for real: the 61st request, sliding windows, shared Redis."""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reference_server.config import SPEC_RATE_LIMITS, ConfigError, parse_config
from reference_server.webhook import rate_limit
from reference_server.webhook.rate_limit import InProcessWindows, RedisWindows, windows_of
from tests.gateways import HOOKS, gateway_process
from tests.redis_server import redis_for_test
from tests.test_gateway_http import assert_accepted, assert_error, post

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'


def _send(gateway, hook: str, count: int, threads: int = 8) -> list[int]:
    with ThreadPoolExecutor(threads) as pool:
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
    wrong = [post(spec_limited_gateway, "quota", SIGNAL, password="0" * 32) for _ in range(70)]
    for response in wrong[:10]:
        assert_error(response, "invalid-password")
    for response in wrong[10:]:  # past the failed-authentication limit (D-054)
        assert_error(response, "too-many-requests", logged=False)
    # the quota is counted after the password check, so the webhook still has all of it
    assert _send(spec_limited_gateway, "quota", 60) == [200] * 60


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


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    """A real redis-server on a free loopback port (each test picks its own database number)."""
    with redis_for_test(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_two_gateways_sharing_redis_hold_the_limit_together(tmp_path, redis):
    with (
        gateway_process(tmp_path / "a", rate_limit_storage=redis.url(0)) as first,
        gateway_process(tmp_path / "b", rate_limit_storage=redis.url(0)) as second,
    ):
        assert _send(first, "limited-a", 30) == [200] * 30
        assert _send(second, "limited-a", 30) == [200] * 30
        assert_error(post(first, "limited-a", SIGNAL), "too-many-requests")
        assert_error(post(second, "limited-a", SIGNAL), "too-many-requests")
        assert_accepted(post(second, "limited-b", SIGNAL))


def test_several_workers_share_redis(tmp_path, redis):
    with gateway_process(tmp_path, ("--workers", "2", "--redis-url", redis.url(1))) as running:
        assert sorted(_send(running, "limited-b", 61)) == [200] * 60 + [429]


@pytest.mark.decision("D-053")
def test_a_burst_on_two_workers_sharing_redis_counts_only_what_it_accepts(tmp_path, redis):
    with gateway_process(tmp_path, ("--workers", "2", "--redis-url", redis.url(2))) as running:
        statuses = _send(running, "limited-a", 150, threads=16)
    assert sorted(statuses) == [200] * 60 + [429] * 90
    minute, hour = windows_of(f"{HOOKS['limited-a'].uuid}:quota", SPEC_RATE_LIMITS)
    client = redis.client(2)
    # Each window is a list of request times in Redis: the refused 90 are in neither.
    assert (hour.seconds, client.llen(hour.key)) == (3600, 60)
    assert (minute.seconds, client.llen(minute.key)) == (60, 60)


@pytest.mark.decision("D-053")
def test_the_script_is_loaded_again_when_redis_has_lost_it(tmp_path, redis):
    with gateway_process(tmp_path, rate_limit_storage=redis.url(3)) as running:
        assert _send(running, "limited-a", 2) == [200, 200]
        redis.client(3).script_flush()  # as a restarted Redis would have
        assert _send(running, "limited-a", 2) == [200, 200]


def test_several_workers_without_redis_are_refused(tmp_path):
    command = [sys.executable, "-m", "reference_server", "serve", "--workers", "2", "--port", "0"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--redis-url" in result.stderr


def test_the_default_limits_are_the_specs():
    from reference_server.config import GatewayConfig

    assert GatewayConfig().rate_limits == "60/minute;500/hour"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("rate_limit_storage_timeout", 0),
        ("rate_limit_storage_timeout", "0.25"),
        ("rate_limit_fail_open", "yes"),
        ("failed_auth_limits", "ten a minute"),
        ("failed_auth_webhook_limits", 60),
    ],
)
def test_a_bad_limit_setting_is_refused_by_name(setting, value):
    with pytest.raises(ConfigError, match=rf"gateway\.{setting}:"):
        parse_config({"gateway": {setting: value}}, Path("."))


def test_a_limit_storage_neither_memory_nor_redis_is_refused():
    with pytest.raises(ConfigError, match=r"gateway\.rate_limit_storage:"):
        RedisWindows("memcached://127.0.0.1:11211", timeout=0.25)


@pytest.fixture(scope="module", params=["memory", "redis"])
def two_windows_gateway(request, tmp_path_factory):
    """A short window inside a long one, to see which quotas a refused request uses: in process
    memory, and in Redis."""
    gateway = {"rate_limits": "2 per 1 second;3 per 30 seconds"}
    if request.param == "redis":
        gateway["rate_limit_storage"] = request.getfixturevalue("redis").url(4)
    with gateway_process(tmp_path_factory.mktemp("two"), **gateway) as running:
        yield running


@pytest.mark.decision("D-026")
@pytest.mark.decision("D-053")
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
    return InProcessWindows(), clock


def test_an_in_process_window_lets_limit_requests_through_and_refuses_the_next(windows):
    storage, _ = windows
    limit = windows_of("a:quota", "3/minute")
    assert [storage.acquire(limit) for _ in range(4)] == [None, None, None, pytest.approx(60)]
    assert storage.acquire(windows_of("b:quota", "3/minute")) is None  # another key has its own window


def test_an_in_process_window_slides(windows):
    storage, clock = windows
    limit = windows_of("a:quota", "2/minute")
    assert storage.acquire(limit) is None
    clock.now += 30
    assert storage.acquire(limit) is None
    clock.now += 29.5
    assert storage.acquire(limit) == pytest.approx(0.5)
    clock.now += 0.5  # the first request is now exactly 60 s old: it still counts
    assert storage.acquire(limit) == pytest.approx(0)
    clock.now += 0.001
    assert storage.acquire(limit) is None


@pytest.mark.decision("D-026")
def test_a_request_refused_by_one_window_uses_none_and_waits_for_the_longest(windows):
    storage, clock = windows
    limits = windows_of("a:quota", "2/second;3/minute")
    assert [storage.acquire(limits) for _ in range(3)] == [None, None, pytest.approx(1)]
    clock.now += 1.5
    assert storage.acquire(limits) is None  # the third of the minute: the refused one used none
    clock.now += 1.5
    assert storage.acquire(limits) == pytest.approx(57)  # only the minute is full
    assert [len(storage.windows[window.key]) for window in limits] == [0, 3]  # the refused one in neither


def test_resetting_in_process_windows_forgets_every_count(windows):
    storage, _ = windows
    limit = windows_of("a:quota", "1/hour")
    assert storage.acquire(limit) is None
    storage.reset()
    assert storage.acquire(limit) is None
    assert storage.acquire(limit) is not None


def test_in_process_windows_whose_times_have_expired_are_dropped(windows, monkeypatch):
    storage, clock = windows
    storage.acquire(windows_of("a:failed-auth:192.0.2.1", "1/minute"))
    clock.now += 61
    monkeypatch.setattr(storage, "next_sweep", 0.0)  # sweep at the next count
    storage.acquire(windows_of("b:quota", "1/hour"))
    assert list(storage.windows) == [windows_of("b:quota", "1/hour")[0].key]
