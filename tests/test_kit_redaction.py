"""No secret the kit knows in anything it prints or writes, even when the target echoes them back.

The target is a small non-conforming HTTP server on loopback: it answers webhooks with an HTML redirect
that repeats the URL and the password, drops the connection on other methods, and dumps every secret
it knows, the caller's bearer token included, from its test-control API. The kit runs as users run it.
"""

import json
import secrets
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conformance.redaction import PASSWORD_MARKER, TOKEN_MARKER, RedactingStream, Redactor
from conformance.target import TargetError, Webhook, parse_webhook
from tests.front_ends import serving_handler
from webhook_spec.openapi import webhook_path

UUID = "8c9d9620-c50d-416e-926e-0ec01ee83522"
PASSWORD = secrets.token_hex(16)  # random, so it cannot be in any output by chance
CREATED_UUID = "5f0e5a35-5d7b-4cf3-9c55-1b7d9c2f4a10"
CREATED_PASSWORD = secrets.token_hex(16)  # the webhook the target's control API creates during the run
TOKEN = secrets.token_hex(16)
SECRETS = {
    "the webhook password": PASSWORD,
    "a created webhook's password": CREATED_PASSWORD,
    "the token": TOKEN,
}
REPORTS = ("junit.xml", "report.json", "report.html")
# A property check (REQ-RESPONSE-02) and scenarios: a method scenario whose When step raises
# (REQ-RESPONSE-02) and a control-API scenario whose Given step fails on the dump (REQ-FUTURES-04).
SELECTION = ("--requirement", "REQ-RESPONSE-02", "--requirement", "REQ-FUTURES-04", "--property-cases", "5")


class _LeakyTarget(BaseHTTPRequestHandler):
    """Answers so that every secret it sees or knows comes back to the kit."""

    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, content_type: str, body: str, **headers: str) -> None:
        data = body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": content_type, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _control(self) -> None:
        if self.command == "POST" and self.path == "/control/reset":
            self._answer(200, "application/json", "{}")
        elif self.command == "POST" and self.path == "/control/webhooks":
            created = {
                "uuid": CREATED_UUID,
                "password": CREATED_PASSWORD,
                "path": webhook_path(CREATED_UUID, CREATED_PASSWORD),
                "subscriptions": [{"id": "subscription-1", "account_id": "account-1"}],
            }
            self._answer(201, "application/json", json.dumps(created))
        else:
            dump = (
                f"debug: {self.command} {self.path} with {self.headers.get('Authorization')}; "
                f"webhooks {UUID} {PASSWORD} and {CREATED_UUID} {CREATED_PASSWORD}"
            )
            self._answer(503, "text/plain", dump)

    def _handle(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/control/"):
            self._control()
        elif self.command == "POST":
            password = self.path.rsplit("/", 1)[-1]
            page = f"<p>Moved to <a href='http://moved.invalid{self.path}'>here</a>; password {password}</p>"
            self._answer(308, "text/html", page, Location=f"http://moved.invalid{self.path}")
        else:
            self.close_connection = True  # no answer at all: the kit's request raises

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

    def log_message(self, format: str, *args) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def leaky_target() -> Iterator[str]:
    """The base URL of the leaky target, served on loopback while the module's tests run."""
    with serving_handler(_LeakyTarget) as url:
        yield url


def _kit(base_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "conformance", "run", "--target", base_url]
    command += ["--webhook", f"{UUID}/{PASSWORD}", "--control-url", f"{base_url}/control"]
    command += ["--control-token", TOKEN, *SELECTION, "--junit", REPORTS[0], "--json", REPORTS[1]]
    command += ["--html", REPORTS[2], "--no-preflight", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=cwd)


def _outputs(result: subprocess.CompletedProcess, cwd: Path) -> dict[str, str]:
    return {"stdout": result.stdout, "stderr": result.stderr} | {
        name: (cwd / name).read_text(encoding="utf-8") for name in REPORTS
    }


def _junit_text(path: Path) -> str:
    """Every attribute value and text of the JUnit report, XML escapes undone."""
    elements = ElementTree.parse(path).getroot().iter()
    return "\n".join(part for e in elements for part in (*e.attrib.values(), e.text or "") if part)


def _leaks(outputs: dict[str, str]) -> list[str]:
    return [
        f"{what} in {where}" for where, text in outputs.items() for what, s in SECRETS.items() if s in text
    ]


@pytest.fixture(scope="module")
def failing_run(leaky_target, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One kit run against the leaky target, in an empty directory."""
    cwd = tmp_path_factory.mktemp("kit-run")
    return _kit(leaky_target, cwd), cwd


def test_a_failing_run_reports_its_failures_without_a_secret(failing_run):
    result, cwd = failing_run
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    outputs = _outputs(result, cwd)
    assert not _leaks(outputs), _leaks(outputs)
    # The failures are still there, with what the target sent, its secrets replaced by markers.
    assert "FAIL  REQ-RESPONSE-02" in result.stdout and "FAIL  REQ-FUTURES-04" in result.stdout
    scenarios = json.loads(outputs["report.json"])["scenarios"]
    failed = {s["name"].split(" [")[0]: s for s in scenarios if s["outcome"] == "failed"}
    prop = failed["Property checks: generated invalid signals are rejected with a catalogued code"]
    assert "status 308 is not documented" in prop["reason"]
    response = prop["exchanges"][-1]["response"]
    assert response["headers"]["Location"] == "http://moved.invalid" + webhook_path(UUID, PASSWORD_MARKER)
    assert f"password {PASSWORD_MARKER}" in response["body"]
    futures = failed["Semantics of futures: an explicit contract is traded as sent, whatever the front month"]
    dump = f"Bearer {TOKEN_MARKER}; webhooks {UUID} {PASSWORD_MARKER} and {CREATED_UUID} {PASSWORD_MARKER}"
    assert dump in futures["reason"] and dump in result.stdout and dump in _junit_text(cwd / "junit.xml")
    method = failed["Webhook requests: a <method> request is post-required"]
    assert "ConnectionError" in method["reason"]


def test_a_scenario_failure_traceback_is_redacted_in_junit_and_left_off_the_console(failing_run):
    result, cwd = failing_run
    # The failing step's frames name the webhook and the URL it was sent to: both without the password.
    text = _junit_text(cwd / "junit.xml")
    assert f"webhook = Webhook(uuid='{UUID}'" in text
    assert f"url = '{webhook_path(UUID, PASSWORD_MARKER)}'" in text
    assert "Traceback" not in result.stdout and "webhook = Webhook(" not in result.stdout  # only with -v


def test_the_kit_writes_only_the_reports_asked_for(failing_run):
    _, cwd = failing_run
    assert sorted(path.name for path in cwd.iterdir()) == sorted(REPORTS)


def test_expected_failures_and_verbose_output_are_redacted_too(leaky_target, failing_run, tmp_path):
    _, first_cwd = failing_run
    scenarios = json.loads((first_cwd / "report.json").read_text())["scenarios"]
    listed = [
        s["name"] for s in scenarios if s["outcome"] == "failed" and "REQ-FUTURES-04" in s["requirements"]
    ]
    listing = tmp_path / "expected.txt"
    listing.write_text("\n".join(listed) + "\n")
    cwd = tmp_path / "run"
    cwd.mkdir()
    result = _kit(leaky_target, cwd, "--expected-failures", str(listing), "--verbose")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "XFAIL REQ-FUTURES-04" in result.stdout and "FAIL  REQ-RESPONSE-02" in result.stdout
    # With -v the console has pytest's tracebacks, redacted as JUnit's are.
    assert f"webhook = Webhook(uuid='{UUID}'" in result.stdout
    assert f"url = '/trading/webhook/{UUID}/{PASSWORD_MARKER}'" in result.stdout
    outputs = _outputs(result, cwd)
    assert not _leaks(outputs), _leaks(outputs)
    outcomes = {s["outcome"] for s in json.loads(outputs["report.json"])["scenarios"]}
    assert {"expected-failure", "failed"} <= outcomes, outcomes


def test_the_redactor_replaces_every_spelling_of_a_secret_and_keeps_uuids():
    secret = "p&ss/wörd'1"
    redactor = Redactor()
    redactor.add(secret)
    redactor.add(TOKEN, TOKEN_MARKER)
    spellings = [secret, repr(secret), json.dumps(secret), "p%26ss%2Fw%C3%B6rd%271", "p&amp;ss/wörd&#x27;1"]
    redacted = redactor.text(f"{UUID} {' '.join(spellings)} Bearer {TOKEN}")
    assert (
        redacted
        == f'{UUID} <password> "<password>" "<password>" <password> <password> Bearer <control-token>'
    )
    assert redactor.text(redacted) == redacted  # markers are never redacted again


def test_a_webhook_path_loses_its_password_even_when_the_kit_does_not_know_it():
    redactor = Redactor()
    url = f"Location: https://gw.example/trading/webhook//{UUID}/unknown-secret?x=1"
    assert redactor.text(url) == f"Location: https://gw.example/trading/webhook//{UUID}/{PASSWORD_MARKER}?x=1"


def test_a_secret_split_over_two_writes_is_still_redacted(tmp_path):
    redactor = Redactor()
    redactor.add(PASSWORD)
    with (tmp_path / "out.txt").open("w") as file:
        stream = RedactingStream(file, redactor)
        stream.write(f"webhook {PASSWORD[:10]}")
        stream.write(f"{PASSWORD[10:]} failed\n")
        stream.write("no newline")
        stream.flush()
    assert (tmp_path / "out.txt").read_text() == f"webhook {PASSWORD_MARKER} failed\nno newline"


def test_a_webhook_repr_and_a_bad_webhook_value_do_not_show_the_password():
    assert PASSWORD not in repr(Webhook(UUID, PASSWORD))
    with pytest.raises(TargetError) as error:
        parse_webhook(f"{UUID}/{PASSWORD}/extra", "profile: webhooks.stocks entry 1")
    assert PASSWORD not in str(error.value) and "webhooks.stocks entry 1" in str(error.value)
