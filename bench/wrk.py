"""Drive a server with wrk when it is installed: a generated Lua script POSTs the body and reports JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench.cases import COUNTER
from bench.stats import LoadResult

MARKER = "BENCH-JSON "
SCRIPT = """
wrk.method = "POST"
wrk.body = "%(body)s"
wrk.headers["Content-Type"] = "application/json"
local max_requests = %(max_requests)d
local counter = "%(counter)s"
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args)
  statuses = {}; count = 0; sent = 0
  math.randomseed(os.time() * 1000 + id)
  run = os.time() .. "-" .. math.random(1000000000) .. "-" .. id .. "-"
end
if string.find(wrk.body, counter, 1, true) then
  local head, tail = string.match(wrk.body, "^(.-)" .. counter:gsub("%%%%", "%%%%%%%%") .. "(.*)$")
  function request()
    sent = sent + 1
    return wrk.format(nil, nil, nil, head .. run .. sent .. tail)
  end
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  count = count + 1
  if count >= max_requests then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local merged, parts = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + n end
  end
  for status, n in pairs(merged) do table.insert(parts, string.format('"%%d":%%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests":%%d,"duration_us":%%d,"errors":%%d,"p50_us":%%f,"p90_us":%%f,'
      .. '"p99_us":%%f,"max_us":%%f,"statuses":{%%s}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ",")))
end
"""


def wrk_path() -> str | None:
    """The wrk executable, or None when it is not installed."""
    return shutil.which("wrk")


def lua_script(body: bytes, max_requests: int) -> str:
    """The Lua script: the body as decimal escapes (any bytes survive), a per-thread request cap, and a
    tag unique to each request where the body holds COUNTER."""
    escaped = "".join(f"\\{byte}" for byte in body)
    counter = COUNTER.decode()
    return SCRIPT % {"body": escaped, "max_requests": max_requests, "marker": MARKER, "counter": counter}


def _run_wrk(url: str, script: Path, connections: int, seconds: float) -> str:
    threads = min(connections, os.cpu_count() or 1)
    command = [wrk_path() or "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--timeout", "30s", "-s", str(script), url]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout


def _parse(output: str) -> LoadResult:
    line = next(line for line in output.splitlines() if line.startswith(MARKER))
    data = json.loads(line.removeprefix(MARKER))
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        statuses=data["statuses"],
        errors=data["errors"],
        generator="wrk",
    )


def wrk_load(
    url: str,
    body: bytes,
    connections: int,
    duration: float,
    warmup: float,
    max_requests: int,
    server_cpu: Callable[[], float] | None = None,
) -> LoadResult:
    """Warm up for `warmup` seconds (discarded), then measure `duration` seconds with wrk; with
    `server_cpu` (the server's CPU seconds so far), its CPU time per measured request too."""
    per_thread = max(1, max_requests // min(connections, os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory:
        script = Path(directory) / "post.lua"
        script.write_text(lua_script(body, per_thread))
        if warmup > 0:
            _run_wrk(url, script, connections, warmup)
        before = server_cpu() if server_cpu else 0.0
        result = _parse(_run_wrk(url, script, connections, duration))
        if server_cpu is None or not result.requests:
            return result
        return replace(result, server_cpu_us=(server_cpu() - before) / result.requests * 1e6)
