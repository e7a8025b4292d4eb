"""The HTML report in a real browser: headless Chromium, started by the test, clicks its filters.

The report comes from a kit run against a served reference gateway with a profile that gets every
outcome: its stocks webhook has a wrong password (failures, MUST and SHOULD), wrong passwords are still
refused (passes), and it lists no TradingView webhook (not applicable).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.embedded_gateway import ROLE_WEBHOOKS
from tests.chromium import CHROMIUM, chromium_page
from tests.gateways import gateway_process

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run installs it)"
)
SELECTION = ("REQ-AUTH-01", "REQ-PAYLOAD-10", "REQ-SOURCE-01", "REQ-BODY-10")
VISIBLE_ROWS = (
    "Array.prototype.filter.call(document.querySelectorAll('#scenarios tbody tr'),"
    " function (row) { return row.offsetParent !== null; })"
)


def _profile(directory: Path, url: str) -> Path:
    webhooks: dict[str, list[str]] = {}
    for hook in ROLE_WEBHOOKS:
        webhooks.setdefault(hook.name, []).append(f"{hook.uuid}/{hook.password}")
    webhooks["stocks"] = [f"{webhooks['stocks'][0].split('/')[0]}/{'e' * 32}"]  # a wrong password
    del webhooks["tradingview"]
    lines = ["[target]", f'url = "{url}"', 'rate_limits = "lifted"', "[webhooks]"]
    lines += [f'"{role}" = {json.dumps(hooks)}' for role, hooks in webhooks.items()]
    path = directory / "profile.toml"
    path.write_text("\n".join([*lines, "[capabilities]", "forwarded-for = true"]) + "\n")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    """The HTML and JSON reports of one kit run with failed, passed and not-applicable scenarios."""
    directory = tmp_path_factory.mktemp("html-report")
    with gateway_process(
        directory / "gateway", trusted_proxies=["127.0.0.1"], rate_limits="100000/minute"
    ) as gw:
        command = [
            sys.executable,
            "-m",
            "conformance",
            "run",
            "--profile",
            str(_profile(directory, gw.base_url)),
        ]
        command += [arg for requirement in SELECTION for arg in ("--requirement", requirement)]
        command += ["--no-properties", "--no-preflight", "--html", "report.html", "--json", "report.json"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=directory)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    return directory / "report.html", json.loads((directory / "report.json").read_text())


def test_the_page_fetches_nothing(report):
    page, _ = report
    text = page.read_text()
    assert not [marker for marker in ("<link", "src=", "url(", "@import") if marker in text]


def test_the_filters_change_what_is_shown_and_the_page_logs_no_error(report, tmp_path):
    page_file, data = report
    scenarios = data["scenarios"]
    outcomes = {s["outcome"] for s in scenarios}
    assert {"passed", "failed", "not-applicable"} <= outcomes, outcomes
    passed = sum(1 for s in scenarios if s["outcome"] == "passed")
    with chromium_page(tmp_path / "chromium-profile") as page:
        page.open(page_file.as_uri())
        shown = f"{len(scenarios)} of {len(scenarios)} scenarios shown"
        assert page.evaluate("document.getElementById('shown').textContent") == shown
        # Failing first: the groups of the rows, top to bottom, in the order failed, passed, not applicable.
        groups = page.evaluate(f"{VISIBLE_ROWS}.map(function (row) {{ return row.dataset.group; }})")
        assert groups == sorted(groups, key=["failed", "expected-failure", "passed", "not-applicable"].index)
        # The picture: one bar per area, its failed part drawn wider than nothing.
        areas = page.evaluate("document.querySelectorAll('.areas .bar').length")
        assert areas == len(data["counts"]["areas"])
        assert page.evaluate("document.querySelector('.bar .failed').getBoundingClientRect().width") > 0

        page.click("input[name=outcome][value=passed]")  # untick "passed"
        visible = page.evaluate(f"{VISIBLE_ROWS}.map(function (row) {{ return row.dataset.group; }})")
        assert len(visible) == len(scenarios) - passed and "passed" not in visible
        hidden_requirements = page.evaluate(
            "Array.prototype.filter.call(document.querySelectorAll('#requirements tbody tr'),"
            " function (row) { return row.hidden; }).map(function (row) { return row.dataset.group; })"
        )
        assert hidden_requirements and set(hidden_requirements) == {"passed"}

        page.click("button.area[data-area='Payload']")  # an area's name in the picture filters by it
        assert page.evaluate("document.querySelector('select[name=area]').value") == "Payload"
        visible_areas = page.evaluate(f"{VISIBLE_ROWS}.map(function (row) {{ return row.dataset.area; }})")
        assert visible_areas and set(visible_areas) == {"Payload"}

        page.click("input[name=outcome][value=passed]")  # tick it again
        page.evaluate(
            "(function () { var s = document.querySelector('select[name=area]'); s.value = '';"
            " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
        page.evaluate(
            "(function () { var s = document.querySelector('select[name=level]'); s.value = 'SHOULD';"
            " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
        levels = page.evaluate(f"{VISIBLE_ROWS}.map(function (row) {{ return row.dataset.level; }})")
        should = sum(1 for s in scenarios if s["level"] == "SHOULD")
        assert should and levels == ["SHOULD"] * should

        page.evaluate(
            "(function () { var s = document.querySelector('select[name=level]'); s.value = '';"
            " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
        page.type_into("#search", "req-source-01")
        names = page.evaluate(
            f"{VISIBLE_ROWS}.map(function (row) {{ return row.cells[1].firstChild.textContent; }})"
        )
        expected = [s["name"] for s in scenarios if "REQ-SOURCE-01" in s["requirements"]]
        assert names and sorted(names) == sorted(expected)
        assert page.errors() == []
