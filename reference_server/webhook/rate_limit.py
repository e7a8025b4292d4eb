"""Rate limits in moving windows: a request's windows are tested and counted together, in one step.

The windows slide: at any instant, at most 60 requests in the past 60 seconds and 500 in the past
3600 seconds are let through (the spec's per-webhook limits, D-026). A request refused by any window
is counted in none, and its wait is the longest of the full windows'. The windows live in this
process's memory, or in Redis (a `redis://` URI) when several workers or hosts share them: there
one Lua script tests and counts all of a request's windows, so concurrent workers cannot interleave.

Redis calls time out quickly; when Redis cannot be reached, calls fail fast for a second (a circuit
breaker) and the pipeline answers 503 rate-limit-unavailable, or, when the config says to fail
open, counts in this process's memory instead (D-053). `limits` parses the limit strings.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol

import redis
from flask import Flask, current_app
from limits import parse_many
from redis.backoff import NoBackoff
from redis.retry import Retry

from reference_server.config import ConfigError

KEY_PREFIX = "webhook-gateway"
BREAKER_SECONDS = 1.0  # after a failed Redis call, calls fail at once for this long (D-053)
UNAVAILABLE_RETRY_AFTER = math.ceil(BREAKER_SECONDS)  # the Retry-After of a 503 rate-limit-unavailable
_SWEEP_SECONDS = 60.0  # how often in-process windows that have emptied are dropped

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    """One moving window: its storage key, how many requests it lets through, and over how long."""

    key: str
    limit: int
    seconds: int


class RateLimitUnavailable(RuntimeError):
    """The shared storage of the rate limits cannot be reached."""


class Windows(Protocol):
    """Where the windows are kept."""

    def acquire(self, windows: Sequence[Window]) -> float | None:
        """Count one request in every window, unless one is full; None, else seconds until none is."""

    def reset(self) -> None:
        """Forget every count."""


class InProcessWindows:
    """Windows in this process's memory: a deque of request times per key, oldest first."""

    def __init__(self) -> None:
        self.windows: dict[str, deque[float]] = {}
        self.spans: dict[str, int] = {}  # each key's seconds, for the sweep
        self.lock = threading.Lock()
        self.next_sweep = time.monotonic() + _SWEEP_SECONDS

    def acquire(self, windows: Sequence[Window]) -> float | None:
        """Count one request in every window, unless one is full; None, else seconds until none is."""
        with self.lock:
            now = time.time()
            wait = None
            held_times = []
            for window in windows:
                held = self.windows.get(window.key)
                if held is None:
                    held = self.windows[window.key] = deque()
                    self.spans[window.key] = window.seconds
                cutoff = now - window.seconds  # a time exactly `seconds` old still counts
                while held and held[0] < cutoff:
                    held.popleft()
                if len(held) >= window.limit:
                    wait = max(wait or 0.0, held[-window.limit] + window.seconds - now)
                held_times.append(held)
            if wait is not None:
                return wait
            for held in held_times:
                held.append(now)
            if time.monotonic() >= self.next_sweep:
                self._sweep(now)
            return None

    def _sweep(self, now: float) -> None:
        """Drop the windows whose times have all expired (keys per source address come and go)."""
        idle = [key for key, held in self.windows.items() if not held or held[-1] < now - self.spans[key]]
        for key in idle:
            del self.windows[key], self.spans[key]
        self.next_sweep = time.monotonic() + _SWEEP_SECONDS

    def reset(self) -> None:
        """Forget every count."""
        with self.lock:
            self.windows.clear()
            self.spans.clear()


# KEYS: the request's windows; ARGV: the time (Redis's) past which the caller has given up, or 0,
# then each window's limit and seconds in turn. Counts the request at Redis's time in every window
# unless one is full (a list of times, newest first, trimmed to the limit), or unless the call comes
# too late: a Redis that stalled runs the calls queued meanwhile when it resumes, and those were
# already answered 503. Returns {outcome, Redis's time}; the outcome is 'ok', 'late', or the
# seconds until no window is full. Times travel as text: a Lua number would lose its fraction.
_ACQUIRE_SCRIPT = """
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local stamp = string.format('%.6f', now)
local given_up_at = tonumber(ARGV[1])
if given_up_at > 0 and now > given_up_at then return {'late', stamp} end
local wait = nil
for i, key in ipairs(KEYS) do
    local limit = tonumber(ARGV[2 * i])
    local seconds = tonumber(ARGV[2 * i + 1])
    local oldest = redis.call('LINDEX', key, limit - 1)
    if oldest and tonumber(oldest) >= now - seconds then
        local free_in = tonumber(oldest) + seconds - now
        if wait == nil or free_in > wait then wait = free_in end
    end
end
if wait ~= nil then return {string.format('%.6f', wait), stamp} end
for i, key in ipairs(KEYS) do
    redis.call('LPUSH', key, stamp)
    redis.call('LTRIM', key, 0, tonumber(ARGV[2 * i]) - 1)
    redis.call('EXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return {'ok', stamp}
"""
_LATE_MARGIN = 0.1  # seconds, for the error in the estimate of Redis's clock


class RedisWindows:
    """Windows in Redis, shared by every worker: one script call per request, with short timeouts."""

    def __init__(self, uri: str, timeout: float) -> None:
        try:
            self.client = redis.Redis.from_url(
                uri,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                retry=Retry(NoBackoff(), 0),  # redis-py's default retries with backoff for seconds
            )
        except ValueError as error:
            raise ConfigError(f"gateway.rate_limit_storage: {error}") from None
        self.script = self.client.register_script(_ACQUIRE_SCRIPT)  # EVALSHA, loaded once if missing
        self.patience = 2 * timeout + _LATE_MARGIN  # a connect and a reply, at the longest
        self.clock_offset: float | None = None  # Redis's clock minus ours, from the last reply
        self.down_until = 0.0

    def _call(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self.down_until:
            raise RateLimitUnavailable("Redis was unreachable a moment ago")
        try:
            return call(*args, **kwargs)
        except redis.RedisError as error:
            self.down_until = time.monotonic() + BREAKER_SECONDS
            _logger.warning("rate-limit storage unreachable (%s: %s)", type(error).__name__, error)
            raise RateLimitUnavailable(str(error)) from error

    def acquire(self, windows: Sequence[Window]) -> float | None:
        """Count one request in every window, unless one is full; None, else seconds until none is."""
        offset = self.clock_offset
        given_up_at = 0.0 if offset is None else time.time() + offset + self.patience
        args = [given_up_at, *(value for window in windows for value in (window.limit, window.seconds))]
        outcome, redis_now = self._call(self.script, keys=[window.key for window in windows], args=args)
        self.clock_offset = float(redis_now) - time.time()
        if outcome == b"late":  # a reply no one waits for any more
            raise RateLimitUnavailable("Redis ran the call after the caller had given up")
        return None if outcome == b"ok" else float(outcome)

    def reset(self) -> None:
        """Forget every count kept under the gateway's key prefix."""

        def delete_all() -> None:
            for key in self.client.scan_iter(match=f"{KEY_PREFIX}:*", count=1000):
                self.client.delete(key)

        self._call(delete_all)


def init_app(app: Flask) -> None:
    """Keep the app's windows in the configured storage, with this process's memory to fall back on."""
    config = app.config["GATEWAY"]
    uri = config.rate_limit_storage
    memory = InProcessWindows()
    shared = memory if uri.startswith("memory://") else RedisWindows(uri, config.rate_limit_storage_timeout)
    app.extensions["rate_limit_windows"] = shared
    app.extensions["rate_limit_fallback"] = memory


def reset_limits() -> None:
    """Forget every count (the test-control API's reset)."""
    current_app.extensions["rate_limit_windows"].reset()
    current_app.extensions["rate_limit_fallback"].reset()


@cache
def _parsed(limits: str) -> tuple[tuple[int, int], ...]:
    """Each limit of a limit string as (requests, seconds); the strings come from the config."""
    return tuple((item.amount, item.get_expiry()) for item in parse_many(limits))


@lru_cache(maxsize=4096)
def windows_of(scope: str, limits: str) -> tuple[Window, ...]:
    """The windows of `limits` (such as '60/minute;500/hour') for one thing counted, `scope`.

    `scope` starts with the webhook's uuid and a ':'; the keys tag it as their hash tag, so that a
    Redis cluster would keep all of a request's windows on one node.
    """
    tag, _, rest = scope.partition(":")
    key = f"{KEY_PREFIX}:{{{tag}}}{':' + rest if rest else ''}"
    return tuple(Window(f"{key}:{amount}/{seconds}", amount, seconds) for amount, seconds in _parsed(limits))


def acquire(windows: Sequence[Window], fall_back: bool) -> int | None:
    """Count one request in `windows`; None when let through, else whole seconds to wait (at least 1).

    Raises RateLimitUnavailable when the storage cannot be reached, unless `fall_back` is set: then
    this process's memory counts instead.
    """
    storage: Windows = current_app.extensions["rate_limit_windows"]
    try:
        wait = storage.acquire(windows)
    except RateLimitUnavailable:
        if not fall_back:
            raise
        wait = current_app.extensions["rate_limit_fallback"].acquire(windows)
    return None if wait is None else max(1, math.ceil(wait))


def hit_webhook_limits(webhook_uuid: str, limits: str | None) -> int | None:
    """Count one request to the webhook URL; None when allowed, else seconds until one would be.

    `limits` is the webhook's own setting, or None for the gateway's. Raises RateLimitUnavailable
    when the shared storage cannot be reached and the gateway fails closed (D-053).
    """
    config = current_app.config["GATEWAY"]
    windows = windows_of(f"{webhook_uuid}:quota", limits or config.rate_limits)
    return acquire(windows, fall_back=config.rate_limit_fail_open)
