"""Two workers sharing their rate limits through Redis: a burst, then Redis paused and gone.

A 150-request burst on one webhook with the spec's limits must leave exactly 60 requests in its hour
window (refused requests use no quota, D-053); with Redis paused (SIGSTOP) or killed, every signal
must be answered 503 rate-limit-unavailable within a second, and the gateway must use Redis again once
it is back.
"""

from __future__ import annotations

import http.client
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.stats import percentile
from conformance.embedded_gateway import config_toml, numbered_webhook, running_gateway
from reference_server.config import SPEC_RATE_LIMITS
from reference_server.webhook.rate_limit import windows_of
from tests.redis_server import RedisServer, redis_server

QUOTA_WEBHOOK = numbered_webhook(100, "quota")  # the gateway's limits: the spec's
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
RECOVERY_LIMIT = 10.0  # seconds to wait, at most, for the gateway to use Redis again


def _post(url: str) -> tuple[int, float]:
    """POST the signal on a fresh connection: the status and the seconds to the answer."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    start = time.perf_counter()
    try:
        connection.request("POST", parts.path, SIGNAL, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        connection.close()


def _timed(url: str, count: int) -> dict[str, Any]:
    """`count` signals one after another: their statuses and answer times."""
    answers = [_post(url) for _ in range(count)]
    times = sorted(seconds * 1000 for _, seconds in answers)
    return {
        "statuses": sorted({status for status, _ in answers}),
        "p50_ms": round(percentile(times, 50), 1),
        "max_ms": round(max(times), 1),
    }


def _recovery_ms(url: str) -> float | None:
    """Milliseconds until a signal is accepted again, or None past RECOVERY_LIMIT."""
    start = time.perf_counter()
    while time.perf_counter() - start < RECOVERY_LIMIT:
        if _post(url)[0] == 200:
            return round((time.perf_counter() - start) * 1000, 1)
        time.sleep(0.05)
    return None


def _burst(url: str, redis: RedisServer, count: int) -> dict[str, Any]:
    with ThreadPoolExecutor(16) as pool:
        statuses = [status for status, _ in pool.map(lambda _: _post(url), range(count))]
    minute, hour = windows_of(f"{QUOTA_WEBHOOK.uuid}:quota", SPEC_RATE_LIMITS)
    client = redis.client()
    return {
        "burst": count,
        "accepted": statuses.count(200),
        "refused": statuses.count(429),
        "other": len(statuses) - statuses.count(200) - statuses.count(429),
        "minute_window": client.llen(minute.key),
        "hour_window": client.llen(hour.key),
    }


def measure(burst: int = 150, probes: int = 10) -> dict[str, Any]:
    """Start redis-server and a 2-worker gateway; burst, then probe with Redis paused and gone."""
    with tempfile.TemporaryDirectory(prefix="bench-shared-quota-") as directory:
        work = Path(directory)
        config = work / "gateway.toml"
        config.write_text(config_toml([QUOTA_WEBHOOK], work / "data", {}))
        with redis_server(work / "redis") as redis:
            args = ["--config", str(config), "--workers", "2", "--redis-url", redis.url()]
            with running_gateway(args) as gateway:
                url = gateway.base_url + QUOTA_WEBHOOK.path
                figures = _burst(url, redis, burst)
                redis.client().flushdb()  # a fresh quota for the probes
                redis.pause()
                try:
                    figures["paused"] = _timed(url, probes)
                finally:
                    redis.resume()
                figures["paused"]["recovery_ms"] = _recovery_ms(url)
                redis.stop()
                figures["gone"] = _timed(url, probes)
                redis.start()
                figures["gone"]["recovery_ms"] = _recovery_ms(url)
    return figures


def render(figures: dict[str, Any]) -> str:
    """A table: the burst's counts, then the answers with Redis paused and gone."""
    lines = [
        f"Shared quota: a {figures['burst']}-request burst on 2 workers sharing Redis (60/minute;500/hour)",
        "",
        f"accepted {figures['accepted']}, refused 429 {figures['refused']}, other {figures['other']}",
        f"hour window holds {figures['hour_window']} (target exactly 60), "
        f"minute window {figures['minute_window']}",
        "",
        "Redis   statuses  p50 ms  max ms  back to 200 after (ms)  (target: 503 within 1000 ms)",
        "------  --------  ------  ------  ----------------------",
    ]
    for state in ("paused", "gone"):
        probe = figures[state]
        statuses = ",".join(map(str, probe["statuses"]))
        recovery = "never" if probe["recovery_ms"] is None else f"{probe['recovery_ms']:.0f}"
        lines.append(
            f"{state:6}  {statuses:8}  {probe['p50_ms']:6.1f}  {probe['max_ms']:6.1f}  {recovery:>22}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(measure()))
