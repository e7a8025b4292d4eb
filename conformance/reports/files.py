"""The JSON report and the self-contained HTML page."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.passed{color:#176f2c}.failed,.unexpected-pass{color:#b00020;font-weight:600}
.not-applicable{color:#777}.expected-failure{color:#8a5a00}
pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap;word-break:break-all}details{margin:.2rem 0}
"""


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Every scenario with its requirement ids, outcome and, on failure, the requests and responses."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _scenario_html(scenario: dict[str, Any]) -> str:
    name, outcome = html.escape(scenario["name"]), scenario["outcome"]
    detail = ""
    if scenario["reason"] or scenario["exchanges"]:
        exchanges = html.escape(json.dumps(scenario["exchanges"], indent=2, ensure_ascii=False))
        summary = html.escape(scenario["reason"]) or "exchanges"
        detail = f"<details><summary>{summary}</summary><pre>{exchanges}</pre></details>"
    return f'<li><span class="{outcome}">{outcome}</span> {name}{detail}</li>'


def _requirement_html(requirement: dict[str, Any], scenarios: dict[str, dict[str, Any]]) -> str:
    items = "".join(_scenario_html(scenarios[nodeid]) for nodeid in requirement["scenarios"])
    return (
        f'<tr><td class="{requirement["outcome"]}">{requirement["outcome"]}</td><td>{requirement["id"]}</td>'
        f"<td>{requirement['level']}</td><td>{html.escape(requirement['statement'])}"
        f"<details><summary>{len(requirement['scenarios'])} scenario(s)</summary>"
        f"<ul>{items}</ul></details></td></tr>"
    )


def write_html(path: Path, data: dict[str, Any], summary_line: str) -> None:
    """One page, no external resources: the summary and every requirement with its scenarios."""
    scenarios = {scenario["nodeid"]: scenario for scenario in data["scenarios"]}
    rows = "".join(_requirement_html(requirement, scenarios) for requirement in data["requirements"])
    target = html.escape(data["target"].get("url", ""))
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Conformance report</title>"
        f"<style>{_STYLE}</style></head><body><h1>Conformance report</h1><p>Target: {target}</p>"
        f"<p>{html.escape(summary_line)}</p><table><thead><tr><th>Outcome</th><th>Requirement</th><th>Level</th>"
        f"<th>Statement</th></tr></thead><tbody>{rows}</tbody></table></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
