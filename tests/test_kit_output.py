"""What the kit prints and writes for a person: progress by area, failures by requirement with a curl
command each, short however much fails; scenario names in every report; -x, --maxfail, --show-secrets.

The failing target is a stub on loopback that answers 200 `{}` to every request and records each one,
so that the curl commands the kit prints can be run and compared with what the kit sent.
"""

import base64
import json
import os
import pty
import re
import secrets
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest

from conformance.redaction import PASSWORD_MARKER
from conformance.steps.when import UNKNOWN_WEBHOOK, WRONG_PASSWORD
from tests.front_ends import serving_handler

WEBHOOKS = {str(uuid.uuid4()): secrets.token_hex(16) for _ in range(3)}  # random: in no output by chance
FIRST_UUID, FIRST_PASSWORD = next(iter(WEBHOOKS.items()))
MAX_LINES = 300
_PYTEST_NOISE = re.compile(r"^[.sxXFE]+\s*(\[\s*\d+%\])?$|Warning|warnings summary|^=+ ")
_CURL = re.compile(r"^      (curl |printf |\{ printf |\{ head )")


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200 `{}` to everything and keeps each request (method, path, headers, body)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no delayed-ACK stalls
    received: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((self.command, self.path, dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

    def log_message(self, format: str, *args) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    """The base URL of the stub, served on loopback while the module's tests run."""
    with serving_handler(_Recorder) as url:
        yield url


def _profile(directory: Path, url: str) -> Path:
    hooks = ", ".join(f'"{uuid}/{password}"' for uuid, password in WEBHOOKS.items())
    path = directory / "profile.toml"
    path.write_text(f'[target]\nurl = "{url}"\nrate_limits = "lifted"\n[webhooks]\nstocks = [{hooks}]\n')
    return path


def kit(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m conformance run ARGS` to completion."""
    command = [sys.executable, "-m", "conformance", "run", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def everything_fails(stub, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The whole kit against the stub, without the preflight (which would stop it), with every report."""
    cwd = tmp_path_factory.mktemp("fails-everything")
    reports = ("--json", "report.json", "--junit", "junit.xml", "--html", "report.html")
    result = kit(
        "--profile",
        str(_profile(cwd, stub)),
        "--no-preflight",
        *("--property-cases", "10", "--property-seconds", "5"),  # failing checks shrink for 5 s, not 60
        *reports,
        cwd=cwd,
    )
    return result, cwd


def _entries(stdout: str) -> list[list[str]]:
    """The failure entries of the console: a FAIL line and the indented lines under it."""
    entries: list[list[str]] = []
    for line in stdout.splitlines():
        if line.startswith("FAIL "):
            entries.append([line])
        elif entries and line.startswith("      "):
            entries[-1].append(line)
        elif entries and entries[-1][0] != "":
            entries.append([""])  # the end of the last entry
    return [entry for entry in entries if entry[0]]


def test_a_target_that_fails_everything_gets_a_short_report_with_a_curl_per_failure(everything_fails):
    result, cwd = everything_fails
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert len(output.splitlines()) < MAX_LINES, output
    assert "Traceback" not in output and not [
        line for line in output.splitlines() if _PYTEST_NOISE.search(line)
    ]
    entries = _entries(result.stdout)
    data = json.loads((cwd / "report.json").read_text())
    failed = [r["id"] for r in data["requirements"] if r["outcome"] == "failed"]
    assert len(failed) > 80 and [entry[0].split()[1] for entry in entries] == failed
    for entry in entries:
        assert re.match(r"FAIL  REQ-[A-Z]+-\d+ ", entry[0]), entry
        assert any(_CURL.match(line) for line in entry[1:]), entry
    # The first failure of a kind is shown whole: the request, the response, what was expected.
    first = "\n".join(entries[0])
    assert "expected: the response breaks schema/openapi.yaml" in first
    assert "      sent:     POST " in first and "      received: 200 application/json {}" in first
    # Progress by area, in plain lines (not a terminal), then where the time went.
    assert re.search(
        r"^  Core signal fields +0 passed +\d+ failed +0 not applicable +[\d.]+ s$", output, re.M
    )
    assert "Not applicable (" in output and "the target lacks control-api" in output


def test_the_curl_commands_send_again_what_the_kit_sent(everything_fails, stub):
    _, cwd = everything_fails
    scenarios = json.loads((cwd / "report.json").read_text())["scenarios"]
    shapes: dict[str, dict] = {}  # one scenario per kind of command: plain, piped, -X, made-up password
    for scenario in scenarios:
        curl = scenario["curl"]
        if curl.startswith("curl ") or " | curl " in curl:  # not a raw request written to nc
            words = ("printf", "head", "-X", "--head", '/"', "'Content-Type:'", "$PASSWORD")
            shapes.setdefault(" ".join(word for word in words if word in curl), scenario)
    assert len(shapes) >= 6, sorted(shapes)
    made_up = {WRONG_PASSWORD, WRONG_PASSWORD[::-1], UNKNOWN_WEBHOOK.password}
    for scenario in shapes.values():
        sent = scenario["exchanges"][-1]["request"]
        password = next((p for u, p in WEBHOOKS.items() if u in sent["url"]), "")
        _Recorder.received.clear()
        run = subprocess.run(
            ["sh", "-c", scenario["curl"]],
            capture_output=True,
            timeout=30,
            env={**os.environ, "PASSWORD": password},
        )
        assert run.returncode == 0, (scenario["curl"], run.stderr)
        [(method, path, headers, body)] = _Recorder.received
        expected_body = (
            base64.b64decode(sent["body"]["base64"])
            if isinstance(sent["body"], dict)
            else sent["body"].encode()
        )
        assert method == sent["method"] and body == expected_body, scenario["curl"]
        # The webhook's own password comes from $PASSWORD; a wrong one the kit made up is sent as it was.
        used = password if "$PASSWORD" in scenario["curl"] else next(p for p in made_up if p in path)
        assert path == sent["url"].removeprefix(stub).replace(PASSWORD_MARKER, used), scenario["curl"]
        sent_type = {k.lower(): v for k, v in sent["headers"].items()}.get("content-type")
        assert {k.lower(): v for k, v in headers.items()}.get("content-type") == sent_type, scenario["curl"]


def test_every_report_names_scenarios_as_feature_scenario_and_example(everything_fails):
    _, cwd = everything_fails
    data = json.loads((cwd / "report.json").read_text())
    names = {scenario["name"] for scenario in data["scenarios"]}
    assert "Webhook requests: a <method> request is post-required [GET]" in names
    assert "Property checks: generated valid signals for an existing ticker are accepted" in names
    assert all(re.match(r"[^:]+: .+", name) for name in names)
    assert {name for r in data["requirements"] for name in r["scenarios"]} <= names
    assert all(s["curl"] for s in data["scenarios"] if s["outcome"] == "failed" and s["exchanges"])
    junit = ElementTree.parse(cwd / "junit.xml").getroot()
    cases = list(junit.iter("testcase"))
    assert {case.get("name") for case in cases} == names
    assert {case.get("classname") for case in cases} == {s["area"] for s in data["scenarios"]}
    curls = [p.get("value") for p in junit.iter("property") if p.get("name") == "curl"]
    assert len(curls) == sum(1 for s in data["scenarios"] if s["curl"])
    page = (cwd / "report.html").read_text()
    assert "Webhook requests: a &lt;method&gt; request is post-required [GET]" in page
    assert "scenarios.py::" not in page and "scenarios.py::" not in json.dumps(data["requirements"])
    secrets_written = [p for p in WEBHOOKS.values() if p in page or p in json.dumps(data)]
    assert not secrets_written


@pytest.mark.parametrize(("args", "failures"), [(("-x",), 1), (("--maxfail", "3"), 3)])
def test_x_and_maxfail_stop_the_run_early(stub, tmp_path, args, failures):
    selection = ("--requirement", "REQ-PAYLOAD-06", "--no-properties", "--no-preflight", "--json", "r.json")
    result = kit("--profile", str(_profile(tmp_path, stub)), *selection, *args, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    outcomes = [s["outcome"] for s in json.loads((tmp_path / "r.json").read_text())["scenarios"]]
    assert outcomes.count("failed") == failures and len(outcomes) == failures
    assert re.search(
        rf"Stopped early \(stopping after {failures} failures?\): \d+ scenarios did not run", result.stdout
    )


def test_curl_commands_show_the_password_only_with_show_secrets(stub, tmp_path):
    webhook = f"{FIRST_UUID}/{FIRST_PASSWORD}"
    selection = ("--requirement", "REQ-METHOD-01", "--no-properties", "--no-preflight", "--json", "r.json")
    hidden = kit("--target", stub, "--webhook", webhook, *selection, cwd=tmp_path)
    assert f'/trading/webhook/{FIRST_UUID}/$PASSWORD" ' in hidden.stdout
    assert FIRST_PASSWORD not in hidden.stdout + hidden.stderr + (tmp_path / "r.json").read_text()
    shown = kit("--target", stub, "--webhook", webhook, *selection, "--show-secrets", cwd=tmp_path)
    assert f'/trading/webhook/{FIRST_UUID}/{FIRST_PASSWORD}" ' in shown.stdout
    assert FIRST_PASSWORD not in (tmp_path / "r.json").read_text()  # the reports stay redacted


def test_the_main_job_prints_areas_and_no_pytest_noise(tmp_path):
    result = kit(
        "--requirement",
        "REQ-AUTH-01",
        "--requirement",
        "REQ-RESPONSE-02",
        "--property-cases",
        "5",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Checking the embedded reference gateway at http://127.0.0.1:")
    assert re.search(r"^  Authentication +\d+ passed +0 failed +0 not applicable", result.stdout, re.M)
    assert re.search(r"^  Property checks +1 passed", result.stdout, re.M)
    assert not [line for line in lines if _PYTEST_NOISE.search(line)], result.stdout
    assert result.stderr == ""
    verbose = kit("--requirement", "REQ-AUTH-01", "--no-properties", "-v", cwd=tmp_path)
    assert verbose.returncode == 0 and " PASSED" in verbose.stdout  # pytest's own lines with -v
    assert "PASS  REQ-AUTH-01" in verbose.stdout  # and the table of every requirement


def _on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """The kit's output when its stdout is a terminal (a pseudo-terminal here)."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "conformance", "run", *args]
    process = subprocess.Popen(command, stdout=follower, stderr=follower, cwd=cwd, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is gone once the kit has exited
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0, output.decode(errors="replace")
    return output.decode(errors="replace")


def test_a_terminal_gets_a_redrawn_status_line_and_ci_gets_plain_lines(tmp_path):
    args = ["--requirement", "REQ-AUTH-01", "--no-properties"]
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    live = _on_a_terminal(args, env, tmp_path)
    assert "\r\x1b[K  [" in live and re.search(r"Authentication: \d+ passed", live)
    plain = _on_a_terminal(args, {**env, "CI": "true"}, tmp_path)
    assert "\x1b[K" not in plain and re.search(r"\n  Authentication +\d+ passed", plain.replace("\r\n", "\n"))
