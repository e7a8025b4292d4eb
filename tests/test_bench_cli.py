"""The bench's entry points import and run: a section's module renamed or moved fails here, not in a
maintainer's benchmark run."""

import os
import signal
import subprocess
import sys
import time

import pytest

from bench.burst import run_burst
from bench.cpu import tree_cpu_seconds


@pytest.mark.parametrize("module", ["bench", "bench.burst", "bench.server_choice", "bench.durability"])
def test_each_bench_command_starts(module):
    process = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60
    )
    assert process.returncode == 0, process.stderr


def test_a_small_burst_is_answered_and_logged_whole():
    result = run_burst(signals=40, webhook_count=8, connections=8, split_cpus=False)
    assert (result.answered, result.accepted, result.accepted_in_log) == (40, 40, 40)
    assert result.statuses == {"200": 40}
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


def test_the_cpu_of_a_process_tree_counts_its_descendants():
    """A parent that only waits, and its child that computes: the tree's CPU time is the child's."""
    busy_child = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'sum(range(10**10))'])"
    parent = subprocess.Popen([sys.executable, "-c", busy_child], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while tree_cpu_seconds(parent.pid) < 0.5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert tree_cpu_seconds(parent.pid) >= 0.5
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
