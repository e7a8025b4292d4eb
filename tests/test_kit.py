"""The conformance kit's command line, run as users run it, against real gateway processes."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conformance.embedded_gateway import ROLE_WEBHOOKS
from tests.gateways import HOOKS, gateway_process

STOCKS = HOOKS["stocks"]


def kit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m conformance run ARGS` to completion."""
    command = [sys.executable, "-m", "conformance", "run", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A reference gateway that trusts the kit as its proxy, with the test webhooks."""
    directory = tmp_path_factory.mktemp("kit-target")
    lifted = "100000/minute"  # the tests here send many wrong passwords to one webhook, from one address
    with gateway_process(
        directory,
        trusted_proxies=["127.0.0.1"],
        rate_limits=lifted,
        failed_auth_limits=lifted,
        failed_auth_webhook_limits=lifted,
    ) as running:
        yield running


def _profile(tmp_path: Path, served, **overrides) -> Path:
    webhooks = {hook.name: f"{hook.uuid}/{hook.password}" for hook in ROLE_WEBHOOKS} | overrides
    lines = ["[target]", f'url = "{served.base_url}"', "[webhooks]"]
    lines += [f'"{role}" = "{value}"' for role, value in webhooks.items() if value]
    lines += ["[capabilities]", "forwarded-for = true", "quota = false"]
    path = tmp_path / "profile.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_main_job_passes_against_the_embedded_gateway(tmp_path):
    report = tmp_path / "report.json"
    result = kit("--json", str(report), "--junit", str(tmp_path / "junit.xml"), "--property-cases", "25")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    # A line per feature area: no pytest dots, warnings or tracebacks.
    noise = re.compile(r"^[.sxXFE]+\s*(\[\s*\d+%\])?$|Warning|Traceback")
    assert not [line for line in result.stdout.splitlines() if noise.search(line)], result.stdout
    data = json.loads(report.read_text())
    assert data["counts"]["MUST"].get("failed", 0) == 0 and data["counts"]["MUST"]["passed"] > 50
    outcomes = {scenario["outcome"] for scenario in data["scenarios"]}
    assert outcomes == {"passed", "not-applicable"}, outcomes
    # Only what an embedded gateway cannot offer without asking: minutes of waiting, a public URL.
    reasons = {s["reason"] for s in data["scenarios"] if s["outcome"] == "not-applicable"}
    assert all(re.fullmatch(r"the target lacks (slow|public-url) .*", reason) for reason in reasons), reasons
    junit = ElementTree.parse(tmp_path / "junit.xml").getroot()
    properties = {prop.get("value") for prop in junit.iter("property") if prop.get("name") == "requirement"}
    assert {"REQ-AUTH-01", "REQ-RESPONSE-08"} <= properties


def test_a_non_conforming_target_fails_with_the_exchange_in_the_report(tmp_path, served):
    # The stocks role names a wrong password: every request that should be accepted is invalid-password.
    profile = _profile(tmp_path, served, stocks=f"{STOCKS.uuid}/{'e' * 32}")
    report = tmp_path / "report.json"
    result = kit(
        "--profile", str(profile), "--requirement", "REQ-PAYLOAD-10", "--no-properties", "--json", str(report)
    )
    assert result.returncode == 1, result.stdout[-2000:]
    data = json.loads(report.read_text())
    failed = [scenario for scenario in data["scenarios"] if scenario["outcome"] == "failed"]
    assert failed and all(scenario["exchanges"] for scenario in failed)
    exchange = failed[0]["exchanges"][-1]
    assert exchange["response"]["status"] == 400 and "invalid-password" in exchange["response"]["body"]
    assert "e" * 32 not in json.dumps(data), "the password leaked into the report"
    assert "FAIL  REQ-PAYLOAD-10" in result.stdout


def test_a_target_that_is_down_is_a_usage_error_with_a_diagnosis(tmp_path):
    result = kit("--target", "http://127.0.0.1:9", "--webhook", f"{STOCKS.uuid}/{STOCKS.password}")
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"error: the target cannot be checked as given: connection refused at "
        f"http://127.0.0.1:9/trading/webhook/{STOCKS.uuid}/<password>.\n"
    )
    assert "Likely fix: start the gateway" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--target", "ftp://x"), "is not an http(s) URL"),
        (("--target", "http://127.0.0.1:9"), "no webhook: pass --webhook"),
        (
            ("--target", "http://127.0.0.1:9", "--webhook", "nonsense"),
            "neither UUID/PASSWORD nor a webhook URL",
        ),
        (("--target", f"http://[::1{STOCKS.path}"), "is not a URL: Invalid IPv6 URL"),
        (
            ("--target", "http://[::1]:9", "--webhook", "http://[zz]/x/y"),
            "--webhook value is not a URL: 'zz'",
        ),
        (("--property-cases", "0"), "--property-cases must be at least 1"),
        # before the target is probed (nothing listens on port 9): not after a whole run
        *(
            (
                ("--target", "http://127.0.0.1:9", "--webhook", "a/b", option, "/missing/report"),
                f"{option}: cannot write /missing/report: No such file or directory",
            )
            for option in ("--junit", "--json", "--html")
        ),
    ],
)
def test_usage_errors_say_what_is_wrong(args, message):
    result = kit(*args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and STOCKS.password not in result.stderr


def test_an_unknown_role_in_the_profile_is_a_usage_error(tmp_path, served):
    profile = _profile(tmp_path, served, brokers="x/y")
    result = kit("--profile", str(profile))
    assert result.returncode == 2 and "unknown roles or capabilities ['brokers']" in result.stderr


def test_scenarios_needing_what_the_target_lacks_are_not_applicable(tmp_path, served):
    profile = _profile(tmp_path, served, tradingview="")
    report = tmp_path / "report.json"
    result = kit(
        "--profile", str(profile), "--requirement", "REQ-SOURCE-01", "--no-properties", "--json", str(report)
    )
    assert result.returncode == 0, result.stdout[-2000:]
    scenarios = json.loads(report.read_text())["scenarios"]
    assert scenarios and {scenario["outcome"] for scenario in scenarios} == {"not-applicable"}
    assert "the profile names no 'tradingview' webhook" in scenarios[0]["reason"]


def test_quota_scenarios_are_not_applicable_without_the_capability(tmp_path, served):
    report = tmp_path / "report.json"
    result = kit(
        "--profile",
        str(_profile(tmp_path, served)),
        "--tag",
        "quota",
        "--no-properties",
        "--json",
        str(report),
    )
    assert result.returncode == 0
    scenarios = json.loads(report.read_text())["scenarios"]
    assert scenarios and all(s["reason"].startswith("the target lacks") for s in scenarios)
    assert all("quota (" in s["reason"] for s in scenarios)


def test_expected_failures_do_not_fail_the_run_but_cannot_go_stale(tmp_path, served):
    wrong = _profile(tmp_path, served, stocks=f"{STOCKS.uuid}/{'e' * 32}")
    report, listing = tmp_path / "report.json", tmp_path / "expected.txt"
    selection = ("--requirement", "REQ-PAYLOAD-10", "--no-properties", "--json", str(report))
    assert kit("--profile", str(wrong), *selection).returncode == 1
    failed = [s["name"] for s in json.loads(report.read_text())["scenarios"] if s["outcome"] == "failed"]
    listing.write_text("# known failures\n" + "\n".join(failed) + "\n")
    listed = kit("--profile", str(wrong), *selection, "--expected-failures", str(listing))
    assert listed.returncode == 0, listed.stdout[-2000:]
    outcomes = {s["outcome"] for s in json.loads(report.read_text())["scenarios"]}
    assert "expected-failure" in outcomes and "failed" not in outcomes
    stale = kit("--profile", str(_profile(tmp_path, served)), *selection, "--expected-failures", str(listing))
    assert stale.returncode == 1, stale.stdout[-2000:]
    assert {s["outcome"] for s in json.loads(report.read_text())["scenarios"]} >= {"unexpected-pass"}


def test_the_html_report_is_one_self_contained_page(tmp_path, served):
    page = tmp_path / "report.html"
    result = kit(
        "--profile",
        str(_profile(tmp_path, served)),
        "--requirement",
        "REQ-AUTH-01",
        "--no-properties",
        "--html",
        str(page),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    text = page.read_text()
    assert text.startswith("<!doctype html>") and "REQ-AUTH-01" in text
    assert "<link" not in text and "src=" not in text and "url(" not in text  # inline style and script only
