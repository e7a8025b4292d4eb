"""What a person reads on the console: live progress by feature area, then a short summary of the run.

The summary groups the failures by requirement, each with its scenario, the request, the response, the
expectation that failed and a curl command; it stays short however much fails (the reports hold all).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from typing import Any, TextIO

import pytest

from conformance.plugin import area_of, is_kit_item, outcome_of
from conformance.results import EXPECTED_FAILURE, FAILED, NOT_APPLICABLE, PASSED, UNEXPECTED_PASS

_LABELS = {"passed": "PASS", "failed": "FAIL", "not-applicable": "N/A ", "expected-failure": "XFAIL"}
CONSOLE_LINES = 280  # a run's whole output without -v stays within this (notes aside); see console_summary
DETAILED_FAILURES = 15  # failures shown with request, response and expectation; later ones in two lines
NOT_APPLICABLE_REASONS = 6  # the commonest reasons for not applicable, each with its count
HEARTBEAT_SECONDS = 30.0  # plain output says how far a long area got at most this often
_WIDTH = 100  # of the lines that list requirement ids
_NAME = 150  # characters of a scenario name (a long Examples row is cut)
_TEXT = 200  # characters of an expectation, a request or a response body


def plain_output(stream: TextIO) -> bool:
    """Plain lines (no redrawn status line) when the stream is no terminal, or under CI."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or not stream.isatty()


def _first_line(text: str, limit: int) -> str:
    """The first line of a failure's reason (pytest's assert explanation follows it), cut to `limit`."""
    return cut(text.strip().splitlines()[0] if text.strip() else "", limit)


def cut(text: str, limit: int) -> str:
    """`text` on one line (white space runs as one space), cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AreaCounts:
    """Outcome counts of one feature area while it runs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0  # the time its scenarios took (setup, call and teardown), wherever they ran

    @property
    def done(self) -> int:
        """How many of its scenarios have an outcome."""
        return sum(self.counts.values())

    def line(self, area: str, width: int) -> str:
        """`area  12 passed  1 failed  3 not applicable  2.1 s` (and expected failures when there are)."""
        failed = self.counts[FAILED] + self.counts[UNEXPECTED_PASS]
        text = (
            f"  {area:<{width}} {self.counts[PASSED]:4} passed {failed:4} failed "
            f"{self.counts[NOT_APPLICABLE]:4} not applicable {self.seconds:7.1f} s"
        )
        if self.counts[EXPECTED_FAILURE]:
            text += f"  ({self.counts[EXPECTED_FAILURE]} expected failures)"
        return text


class ConsoleProgress:
    """A pytest plugin in place of pytest's terminal output: one line per feature area as it finishes.

    On a terminal (and not under CI) a status line shows the running area and is redrawn as scenarios
    finish; otherwise only whole lines are written, with a heartbeat line in long areas.
    """

    def __init__(self, title: str, stream: TextIO | None = None) -> None:
        self.title = title
        self.stream = stream or sys.stdout
        self.plain = plain_output(self.stream)
        self.areas: dict[str, AreaCounts] = {}
        self.area_of: dict[str, str] = {}
        self.started = time.monotonic()
        self.last_line = self.started
        self.width = 20
        self.status_shown = False
        self.collection_errors: list[str] = []
        self.current: str | None = None  # the area of the running scenario
        self.lines = 0  # written so far

    def _write(self, text: str) -> None:
        if self.status_shown:
            self.stream.write("\r\x1b[K")
            self.status_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()
        self.last_line = time.monotonic()
        self.lines += 1

    def _status(self, area: str) -> None:
        counts = self.areas[area]
        done = sum(a.done for a in self.areas.values())
        total = sum(a.total for a in self.areas.values())
        elapsed = time.monotonic() - self.started
        if self.plain:
            if time.monotonic() - self.last_line >= HEARTBEAT_SECONDS:
                self._write(f"  ... {area}: {counts.done} of {counts.total} done ({elapsed:.0f} s so far)")
            return
        failed = counts.counts[FAILED] + counts.counts[UNEXPECTED_PASS]
        self.stream.write(
            f"\r\x1b[K  [{done}/{total}] {cut(area, 40)}: {counts.counts[PASSED]} passed, {failed} failed, "
            f"{counts.counts[NOT_APPLICABLE]} not applicable  {elapsed:.0f} s"
        )
        self.stream.flush()
        self.status_shown = True

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A file that cannot be collected is named in one line (the traceback is for -v)."""
        if report.failed:
            lines = str(report.longrepr).strip().splitlines() or ["(no message)"]
            self.collection_errors.append(f"error: cannot load {report.nodeid or 'the kit'}: {lines[-1]}")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Count the scenarios of each area and say what is about to run."""
        for error in self.collection_errors:
            self._write(error)
        for item in session.items:
            if is_kit_item(item):
                area = self.area_of[item.nodeid] = area_of(item)
                self.areas.setdefault(area, AreaCounts(0)).total += 1
        self.width = max([20, *(len(area) for area in self.areas)])
        count = sum(a.total for a in self.areas.values())
        self._write(f"{self.title}: {count} scenarios in {len(self.areas)} areas")

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        """Note which area runs (a report's node id may be redacted)."""
        self.current = self.area_of.get(nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count an outcome and the time taken; print the area's line when its last scenario is done."""
        area = self.current
        if area is None:
            return
        counts = self.areas[area]
        counts.seconds += report.duration  # the scenarios' own time: they run in more than one process
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        counts.counts[outcome_of(report)[0]] += 1
        if counts.done == counts.total:
            self._write(counts.line(area, self.width))
        else:
            self._status(area)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Areas cut short (by --maxfail or -x) get their line too, with what did not run."""
        unfinished = {area: counts for area, counts in self.areas.items() if counts.done < counts.total}
        for area, counts in unfinished.items():
            if counts.done:
                self._write(counts.line(area, self.width) + f"  ({counts.total - counts.done} not run)")
        not_run = sum(counts.total - counts.done for counts in unfinished.values())
        if not_run:
            reason = session.shouldstop or session.shouldfail or "the run was stopped"
            self._write(f"Stopped early ({reason}): {not_run} scenarios did not run.")
        self._write(f"Ran in {time.monotonic() - self.started:.1f} s.")


def console_summary(data: dict[str, Any], verbose: bool = False, room: int = CONSOLE_LINES) -> str:
    """What the console shows after the run: failures by requirement, not applicable, the counts.

    With `verbose`, every requirement's line and every failure in full; else at most `room` lines, the
    failures taking what the other parts leave (those there is no room for are named in a short list).
    """
    rest = [*_expected_failure_lines(data), *_not_applicable_lines(data), _closing_line(data["counts"])]
    lines = [""]
    if verbose:
        lines += ["Requirements:", *(_requirement_line(r) for r in data["requirements"]), ""]
    lines += _failure_lines(data, verbose, room - len(rest) - 1)
    return "\n".join([*lines, *rest])


def _requirement_line(requirement: dict[str, Any]) -> str:
    label = _LABELS.get(requirement["outcome"], requirement["outcome"])
    return f"  {label:5} {requirement['id']:<18} {requirement['level']:6} {requirement['statement']}"


def _failed(scenario: dict[str, Any]) -> bool:
    return scenario["outcome"] in (FAILED, UNEXPECTED_PASS)


def _sent(exchange: dict[str, Any], requests: int) -> str:
    request = exchange["request"]
    body = request["body"] if isinstance(request["body"], str) else "(binary, base64 in the JSON report)"
    last = f" (the last of {requests} requests)" if requests > 1 else ""
    return cut(f"{request['method']} {request['url']} {body}", _TEXT) + last


def _received(exchange: dict[str, Any]) -> str:
    response = exchange["response"]
    if response["status"] == 0:
        return f"no response within {response['seconds']} s"
    headers = {name.lower(): value for name, value in response["headers"].items()}
    body = response["body"] if isinstance(response["body"], str) else "(binary, base64 in the JSON report)"
    return cut(f"{response['status']} {headers.get('content-type', '(no Content-Type)')} {body}", _TEXT)


def _cause(scenario: dict[str, Any]) -> tuple:
    """What makes two failures the same: the expectation and the response."""
    last = scenario["exchanges"][-1]["response"] if scenario["exchanges"] else {}
    return scenario["reason"], last.get("status"), str(last.get("body"))[:_TEXT]


def _failure_entry(
    requirement: dict[str, Any], failed: list[dict[str, Any]], seen: dict[tuple, str], detailed: bool
) -> list[str]:
    first = failed[0]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    head = f"FAIL  {requirement['id']:<18} {requirement['level']:6} {cut(first['name'], _NAME)}{more}"
    cause = _cause(first)
    if cause in seen and not detailed:
        lines = [f"{head}: same failure as {seen[cause]}"]
    elif detailed:
        seen.setdefault(cause, requirement["id"])
        lines = [head, f"      expected: {_first_line(first['reason'], _TEXT * 2)}"]
        if first["exchanges"]:
            lines.append(f"      sent:     {_sent(first['exchanges'][-1], first['requests'])}")
            lines.append(f"      received: {_received(first['exchanges'][-1])}")
    else:
        seen.setdefault(cause, requirement["id"])
        lines = [f"{head}: {_first_line(first['reason'], _TEXT)}"]
    lines.append(
        f"      {first['curl']}" if first["curl"] else "      (no request to the webhook to reproduce)"
    )
    return lines


def _failure_lines(data: dict[str, Any], verbose: bool, room: int) -> list[str]:
    scenarios = {scenario["name"]: scenario for scenario in data["scenarios"]}
    failing = [r for r in data["requirements"] if r["outcome"] == FAILED]
    if not failing:
        return []
    count = sum(1 for scenario in data["scenarios"] if _failed(scenario))
    lines = [f"Failures, by requirement ({count} scenarios failed; $PASSWORD is the webhook's password):"]
    seen: dict[tuple, str] = {}
    for index, requirement in enumerate(failing):
        failed = [scenarios[name] for name in requirement["scenarios"] if _failed(scenarios[name])]
        new_cause = _cause(failed[0]) not in seen
        detailed = verbose or (new_cause and len(seen) < DETAILED_FAILURES)
        entry = _failure_entry(requirement, failed, seen, detailed)
        rest = _rest(failing[index + 1 :]) if index + 1 < len(failing) else []
        if not verbose and len(lines) + len(entry) + len(rest) + 1 > room:
            lines += _rest(failing[index:])
            break
        lines += entry
    return [*lines, ""]


def _rest(requirements: list[dict[str, Any]]) -> list[str]:
    """The failing requirements there is no room for, named in a few lines."""
    lines, line = [], f"... and {len(requirements)} more failing requirements:"
    for requirement in requirements:
        if len(line) + len(requirement["id"]) + 1 > _WIDTH:
            lines.append(line)
            line = "   "
        line += f" {requirement['id']}"
    return [
        *lines,
        line,
        "    (each with its failures and curl commands in the JSON and HTML reports, or with -v)",
    ]


def _expected_failure_lines(data: dict[str, Any]) -> list[str]:
    expected = [r for r in data["requirements"] if r["outcome"] == EXPECTED_FAILURE]
    if not expected:
        return []
    return [
        "Expected failures (listed in the expected-failures file):",
        *(f"XFAIL {r['id']:<18} {r['level']:6} {cut(r['statement'], _TEXT)}" for r in expected),
        "",
    ]


def _not_applicable_lines(data: dict[str, Any]) -> list[str]:
    reasons = Counter(s["reason"] for s in data["scenarios"] if s["outcome"] == NOT_APPLICABLE)
    if not reasons:
        return []
    lines = [f"Not applicable ({sum(reasons.values())} scenarios), by reason:"]
    lines += [f"  {count:4}  {cut(reason, _TEXT)}" for count, reason in _commonest(reasons)]
    if len(reasons) > NOT_APPLICABLE_REASONS:
        others = reasons.most_common()[NOT_APPLICABLE_REASONS:]
        lines.append(f"  {sum(c for _, c in others):4}  for {len(others)} other reasons (see the reports)")
    return [*lines, ""]


def _commonest(reasons: Counter[str]) -> list[tuple[int, str]]:
    return [(count, reason) for reason, count in reasons.most_common(NOT_APPLICABLE_REASONS)]


def _closing_line(counts: dict[str, dict[str, int]]) -> str:
    must, scenarios = counts["MUST"], counts["scenarios"]
    should_failed = counts["SHOULD"].get("failed", 0)
    return (
        f"MUST requirements: {must.get('passed', 0)} passed, {must.get('failed', 0)} failed, "
        f"{must.get('not-applicable', 0)} not applicable; SHOULD failed: {should_failed}. "
        f"Scenarios: {scenarios.get('passed', 0)} passed, {scenarios.get('failed', 0)} failed, "
        f"{scenarios.get('not-applicable', 0)} not applicable, "
        f"{scenarios.get('expected-failure', 0)} expected failures."
    )
