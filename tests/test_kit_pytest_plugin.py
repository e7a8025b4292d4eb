"""The kit as a pytest plugin (entry point pytest11): `pytest --webhook-target URL --webhook UUID/PW` in a
user's own session, against a served reference gateway; and nothing at all without those options."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conformance.embedded_gateway import ROLE_WEBHOOKS
from tests.gateways import gateway_process

USER_TESTS = """
import pytest

@pytest.mark.smoke
def test_the_users_own_test():
    assert True
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A reference gateway that trusts the kit as its proxy, with the kit's role webhooks."""
    directory = tmp_path_factory.mktemp("plugin-target")
    with gateway_process(directory, trusted_proxies=["127.0.0.1"], rate_limits="100000/minute") as running:
        yield running


def _project(directory: Path, served) -> Path:
    """A user's project: one test of their own, a pytest config with a marker, and a target profile."""
    (directory / "test_mine.py").write_text(USER_TESTS)
    (directory / "pytest.ini").write_text(
        "[pytest]\nmarkers = smoke: the user's marker\naddopts = --strict-markers\n"
    )
    webhooks: dict[str, list[str]] = {}
    for hook in ROLE_WEBHOOKS:
        webhooks.setdefault(hook.name, []).append(f"{hook.uuid}/{hook.password}")
    lines = ["[target]", 'rate_limits = "lifted"', "[webhooks]"]
    lines += [f'"{role}" = {json.dumps(hooks)}' for role, hooks in webhooks.items() if role != "stocks"]
    lines += ["[capabilities]", "forwarded-for = true"]
    (directory / "profile.toml").write_text("\n".join(lines) + "\n")
    return directory


def _pytest(directory: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=directory)


def test_the_kit_runs_in_a_users_pytest_session_and_passes(served, tmp_path):
    project = _project(tmp_path, served)
    stocks = next(hook for hook in ROLE_WEBHOOKS if hook.name == "stocks")
    result = _pytest(
        project,
        "--webhook-target",
        served.base_url,
        "--webhook",
        f"{stocks.uuid}/{stocks.password}",
        "--webhook-profile",
        "profile.toml",
        "--webhook-property-cases",
        "10",
        "--junitxml",
        "junit.xml",
        "-q",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "webhook conformance" in result.stdout and "MUST requirements: " in result.stdout
    assert "Warning" not in result.stdout and stocks.password not in result.stdout
    junit = ElementTree.parse(project / "junit.xml").getroot()
    cases = list(junit.iter("testcase"))
    assert any(case.get("name") == "test_the_users_own_test" for case in cases)
    kit_cases = [case for case in cases if case.get("classname") == "Authentication"]
    assert kit_cases and all(": " in case.get("name") for case in kit_cases)
    requirements = {p.get("value") for p in junit.iter("property") if p.get("name") == "requirement"}
    assert {"REQ-AUTH-01", "REQ-RESPONSE-08"} <= requirements and len(cases) > 500


def test_markers_select_the_kits_scenarios_by_requirement(served, tmp_path):
    project = _project(tmp_path, served)
    result = _pytest(
        project,
        "--webhook-target",
        served.base_url,
        "--webhook-profile",
        "profile.toml",
        "--webhook",
        f"{ROLE_WEBHOOKS[0].uuid}/{ROLE_WEBHOOKS[0].password}",
        "--webhook-requirement",
        "REQ-AUTH-01",
        "--webhook-no-properties",
        "-v",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "test_the_users_own_test PASSED" in result.stdout  # the user's tests run as before
    kit_lines = [line for line in result.stdout.splitlines() if "::test_a_wrong_password" in line]
    assert len(kit_lines) >= 10 and all(" PASSED" in line for line in kit_lines), kit_lines
    assert "PASS  REQ-AUTH-01" in result.stdout  # the kit's table of requirements, with -v


def test_without_its_options_the_plugin_adds_nothing(tmp_path):
    (tmp_path / "test_mine.py").write_text(USER_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers = smoke: the user's marker\n")
    result = _pytest(tmp_path, "-q")
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr
    assert "webhook conformance" not in result.stdout
    options = _pytest(tmp_path, "--help").stdout
    assert "--webhook-target=URL" in options
