"""`st run schema/openapi.yaml --url ...` passes against the reference gateway with every check on, thanks to
the shipped schemathesis.toml; without it, it does not (issue 13, part 6). Bounded: 5 examples per phase."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gateways import HOOKS, gateway_process
from webhook_spec.openapi import OPENAPI_FILE

REPO = Path(__file__).resolve().parent.parent
ST = Path(sys.executable).with_name("st")
STOCKS = HOOKS["stocks"]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """A reference gateway whose stocks webhook has limits st never meets."""
    with gateway_process(tmp_path_factory.mktemp("st"), rate_limits="100000/minute;1000000/hour") as running:
        yield running


def _st(gateway, cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess:
    """`st run` on the spec from `cwd` (where st keeps its cache), with `config` or none found there."""
    global_options = ["--config-file", str(config)] if config else []
    run = ["run", str(OPENAPI_FILE), "--url", gateway.base_url, "--max-examples", "5", "-w", "1"]
    command = [str(ST), *global_options, *run]
    env = os.environ | {"WEBHOOK_UUID": STOCKS.uuid, "WEBHOOK_PASSWORD": STOCKS.password, "NO_COLOR": "1"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def test_st_run_passes_with_every_check_on_using_the_shipped_config(gateway, tmp_path):
    result = _st(gateway, tmp_path, REPO / "schemathesis.toml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Selected: 8/8" in result.stdout and "Tested: 8" in result.stdout
    assert " passed" in result.stdout and "failure" not in result.stdout


def test_without_the_config_st_run_fails_on_the_decisions_it_encodes(gateway, tmp_path):
    result = _st(gateway, tmp_path)  # no schemathesis.toml in tmp_path or above it
    assert result.returncode == 1, result.stdout[-3000:]
    assert "ST202" in result.stdout  # the non-POST operations' only answer is 400 (D-020)
