"""What the proxy writes: a JSON line and a console line per deviation, and at the end a summary by
requirement on the console and in a self-contained HTML page. Every password is redacted."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.client import Exchange
from conformance.proxy.checks import Deviation, Judgement, webhook_url_parts
from conformance.redaction import SHELL_PASSWORD, Redactor
from conformance.reports.console import cut
from conformance.reports.curl import reproduction
from conformance.reports.files import STYLE
from webhook_spec.requirements import requirements

PAGE_DEVIATIONS = 500  # the most recent deviations the HTML page lists in full (the report file has all)
_TEXT = 200  # characters of an expectation or a finding on the console


def exchange_redactor(exchange: Exchange) -> Redactor:
    """A redactor that knows the password of the exchange's webhook URL."""
    redactor = Redactor()
    parts = webhook_url_parts(exchange.sent_url)
    if parts is not None:
        redactor.add(parts[1])
        redactor.add(exchange.sent_url.rsplit("/", 1)[-1].split("?")[0])  # as sent, percent-encoded or not
    return redactor


def deviation_record(
    exchange: Exchange, deviation: Deviation, body_size: int, when: datetime, redactor: Redactor
) -> dict[str, Any]:
    """One report line: time, requirement, expected and found, request and response, a curl command."""
    record = {
        "time": when.isoformat(timespec="milliseconds"),
        "requirement": deviation.requirement,
        "level": requirements()[deviation.requirement]["level"],
        "statement": requirements()[deviation.requirement]["statement"],
        "expected": deviation.expected,
        "found": deviation.found,
        **exchange.report(),
        "curl": reproduction(_without_host(exchange), redactor),
    }
    if body_size > len(exchange.request_body):
        record["request"]["bodyBytes"] = body_size  # the body is cut to the bytes checking needed
    return redactor.data(record)


def _without_host(exchange: Exchange) -> Exchange:
    """The exchange without its Host header (the proxy's name; curl sends the upstream's)."""
    headers = {name: value for name, value in exchange.request_headers.items() if name.lower() != "host"}
    return replace(exchange, request_headers=headers)


def console_lines(record: dict[str, Any]) -> list[str]:
    """A deviation in the kit's console style: what failed and why, then the curl command."""
    request = record["request"]
    return [
        f"FAIL  {record['requirement']:<18} {record['level']:6} {request['method']} {request['url']}: "
        f"expected {cut(record['expected'], _TEXT)}; got {cut(record['found'], _TEXT)}",
        f"      {record['curl']}",
    ]


@dataclass
class Counts:
    """An exchange count and a deviation count."""

    checked: int = 0
    deviations: int = 0


@dataclass
class Tally:
    """What the proxy saw: whole exchanges, those checked, the upstream's failures, counts by requirement."""

    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    observed: int = 0  # exchanges relayed whole: a request the relay could frame, and its answer
    checked: int = 0  # exchanges on the webhook path
    deviating: int = 0  # exchanges with at least one deviation
    upstream_down: int = 0
    by_requirement: dict[str, Counts] = field(default_factory=dict)
    recent: list[dict[str, Any]] = field(default_factory=list)  # the latest deviation records, for the page

    def add(self, judgement: Judgement, records: list[dict[str, Any]]) -> None:
        """Count one checked exchange."""
        self.checked += 1
        self.deviating += bool(judgement.deviations)
        for requirement in judgement.checked:
            self.by_requirement.setdefault(requirement, Counts()).checked += 1
        for deviation in judgement.deviations:
            self.by_requirement[deviation.requirement].deviations += 1
        self.recent = [*self.recent, *records][-PAGE_DEVIATIONS:]

    def ordered(self) -> list[tuple[str, Counts]]:
        """The requirements checked, in the catalogue's order."""
        catalogue = list(requirements())
        return sorted(self.by_requirement.items(), key=lambda item: catalogue.index(item[0]))

    def closing_line(self) -> str:
        """The run in one line."""
        deviations = sum(counts.deviations for counts in self.by_requirement.values())
        return (
            f"Exchanges: {self.observed} observed, {self.checked} on the webhook path checked, "
            f"{self.deviating} with deviations ({_counted(deviations, 'deviation')}); "
            f"upstream unreachable: {self.upstream_down}."
        )


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def summary_lines(tally: Tally) -> list[str]:
    """The console summary: each requirement checked, with its counts, deviating ones first marked FAIL."""
    lines = ["", "Requirements checked (exchanges checked, and deviating from the requirement):"]
    for requirement, counts in tally.ordered():
        label = "FAIL" if counts.deviations else "PASS"
        level = requirements()[requirement]["level"]
        counted = f"{counts.checked:6} checked {counts.deviations:6} deviating"
        lines.append(f"  {label:5} {requirement:<18} {level:6} {counted}")
    return [*lines, tally.closing_line()]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _requirement_row(requirement: str, counts: Counts) -> str:
    entry = requirements()[requirement]
    outcome = "failed" if counts.deviations else "passed"
    return (
        f'<tr><td class="{outcome}">{outcome}</td><td>{_e(requirement)}</td><td>{_e(entry["level"])}</td>'
        f"<td>{_e(entry['statement'])}</td><td>{counts.checked}</td><td>{counts.deviations}</td></tr>"
    )


def _deviation_row(record: dict[str, Any]) -> str:
    exchanges = json.dumps({"request": record["request"], "response": record["response"]}, indent=2)
    return (
        f"<tr><td>{_e(record['time'])}</td><td>{_e(record['requirement'])}</td>"
        f"<td>expected {_e(record['expected'])}; got {_e(record['found'])}"
        f"<details><summary>request, response, curl</summary><pre>{_e(record['curl'])}</pre>"
        f"<pre>{_e(exchanges)}</pre></details></td></tr>"
    )


def write_html(path: Path, tally: Tally, upstream: str) -> None:
    """One page, no external resources: the counts by requirement (failing first), then the latest
    deviations, newest first."""
    failing_first = sorted(tally.ordered(), key=lambda item: not item[1].deviations)
    rows = "".join(_requirement_row(requirement, counts) for requirement, counts in failing_first)
    deviations = "".join(_deviation_row(record) for record in reversed(tally.recent))
    shown = f" (the latest {len(tally.recent)})" if tally.recent else ""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Validating proxy report</title>"
        f"<style>{STYLE}</style></head><body><h1>Validating proxy report</h1>"
        f"<p>Upstream: {_e(upstream)}; from {_e(tally.started.isoformat(timespec='seconds'))} to "
        f"{_e(datetime.now(UTC).isoformat(timespec='seconds'))}</p><p>{_e(tally.closing_line())}</p>"
        "<h2>Requirements checked</h2><table id='requirements'><thead><tr><th>Outcome</th>"
        "<th>Requirement</th><th>Level</th><th>Statement</th><th>Exchanges checked</th><th>Deviations</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<h2>Deviations{shown}</h2><p>In curl commands {_e(SHELL_PASSWORD)} is the webhook's password.</p>"
        "<table id='deviations'><thead><tr><th>Time</th><th>Requirement</th><th>What</th></tr></thead>"
        f"<tbody>{deviations}</tbody></table></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
