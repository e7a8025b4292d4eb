"""The JSON report and the self-contained HTML page (inline style and script, nothing fetched)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from conformance.results import EXPECTED_FAILURE, FAILED, NOT_APPLICABLE, PASSED, UNEXPECTED_PASS

# Outcomes in the order the page lists them (failing first), with the filter each one belongs to.
_ORDER = (FAILED, UNEXPECTED_PASS, EXPECTED_FAILURE, PASSED, NOT_APPLICABLE)
_GROUP = {UNEXPECTED_PASS: FAILED}
_FILTERS = {
    FAILED: "failed",
    EXPECTED_FAILURE: "expected failure",
    PASSED: "passed",
    NOT_APPLICABLE: "not applicable",
}

# The report pages' style sheet (the proxy's page uses it too).
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
.passed{color:#176f2c}.failed,.unexpected-pass{color:#b00020;font-weight:600}
.not-applicable{color:#777}.expected-failure{color:#8a5a00}
pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
details{margin:.2rem 0}[hidden]{display:none!important}
#filters{position:sticky;top:0;background:#fff;padding:.6rem 0;border-bottom:2px solid #ddd;
 display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
#filters fieldset{border:0;padding:0;margin:0}#search{min-width:18rem}
.areas{display:grid;grid-template-columns:max-content 1fr max-content;gap:.25rem .75rem;align-items:center}
.area{cursor:pointer;background:none;border:0;padding:0;font:inherit;color:#0645ad;text-align:left}
.bar{display:flex;height:.9rem;background:#eee;border-radius:2px;overflow:hidden}
.bar span{display:block;height:100%}
.bar .passed{background:#3b9b52}.bar .failed{background:#c62828}
.bar .expected-failure{background:#d49a1f}.bar .not-applicable{background:#bbb}
.req{cursor:pointer;background:none;border:0;padding:0;font:inherit;color:#0645ad;white-space:nowrap}
"""

_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  function rows(id) {
    return Array.prototype.slice.call(document.querySelectorAll(id + " tbody tr"));
  }
  function apply() {
    var outcomes = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=outcome]"), function (box) {
      outcomes[box.value] = box.checked;
    });
    var level = form.elements.level.value, area = form.elements.area.value;
    var text = form.elements.search.value.trim().toLowerCase();
    function keep(row, areas) {
      return outcomes[row.dataset.group] && (!level || row.dataset.level === level) &&
        (!area || areas.indexOf(area) >= 0) && (!text || row.dataset.text.indexOf(text) >= 0);
    }
    var shown = 0, all = rows("#scenarios");
    all.forEach(function (row) {
      row.hidden = !keep(row, [row.dataset.area]);
      if (!row.hidden) shown++;
    });
    rows("#requirements").forEach(function (row) {
      row.hidden = !keep(row, row.dataset.areas.split("\\n"));
    });
    document.getElementById("shown").textContent = shown + " of " + all.length + " scenarios shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.area"), function (button) {
    button.addEventListener("click", function () {
      form.elements.area.value = button.dataset.area;
      apply();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.req"), function (button) {
    button.addEventListener("click", function () {
      form.elements.search.value = button.textContent;
      apply();
    });
  });
  apply();
})();
"""


def writing_error(path: Path) -> str | None:
    """Why `path` cannot be written, in a line; None when it can. A file opened to find out is removed."""
    try:
        existed = path.exists()
        with path.open("a", encoding="utf-8"):
            pass
        if not existed:
            path.unlink()
    except OSError as error:
        return f"cannot write {path}: {error.strerror or error}"
    return None


def unwritable_option(paths: dict[str, Path | None]) -> str | None:
    """`OPTION: cannot write PATH: why` for the first option whose path cannot be written; None if none."""
    for option, path in paths.items():
        why = writing_error(path) if path is not None else None
        if why:
            return f"{option}: {why}"
    return None


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Every scenario with its requirement ids, outcome and, on failure, the requests, responses and curl."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _failing_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: _ORDER.index(item["outcome"]) if item["outcome"] in _ORDER else 9)


def _area_chart(areas: dict[str, dict[str, int]]) -> str:
    """One bar per feature area, its segments as wide as its outcome counts (CSS only)."""
    rows = []
    for area, counts in areas.items():
        grouped: dict[str, int] = {}
        for outcome, count in counts.items():
            grouped[_GROUP.get(outcome, outcome)] = grouped.get(_GROUP.get(outcome, outcome), 0) + count
        segments = "".join(
            f'<span class="{outcome}" style="flex-grow:{grouped[outcome]}" '
            f'title="{grouped[outcome]} {_FILTERS[outcome]}"></span>'
            for outcome in _FILTERS
            if grouped.get(outcome)
        )
        label = ", ".join(f"{grouped[o]} {_FILTERS[o]}" for o in _FILTERS if grouped.get(o))
        rows.append(
            f'<button type="button" class="area" data-area="{_e(area)}">{_e(area)}</button>'
            f'<div class="bar" role="img" aria-label="{_e(label)}">{segments}</div><span>{_e(label)}</span>'
        )
    return f'<div class="areas">{"".join(rows)}</div>'


def _filters(areas: list[str]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="outcome" value="{value}" checked> {label}</label> '
        for value, label in _FILTERS.items()
    )
    options = "".join(f'<option value="{_e(area)}">{_e(area)}</option>' for area in areas)
    return (
        f'<form id="filters"><fieldset><legend>Outcome</legend>{boxes}</fieldset>'
        '<label>Level <select name="level"><option value="">any</option><option>MUST</option>'
        "<option>SHOULD</option></select></label>"
        f'<label>Area <select name="area"><option value="">any</option>{options}</select></label>'
        '<label>Search <input type="search" name="search" id="search" '
        'placeholder="scenario, requirement, reason"></label><span id="shown"></span></form>'
    )


def _scenario_row(scenario: dict[str, Any]) -> str:
    outcome = scenario["outcome"]
    text = " ".join([scenario["name"], scenario["reason"], *scenario["requirements"]]).lower()
    detail = ""
    if scenario["reason"] or scenario["curl"] or scenario["exchanges"]:
        parts = [f"<pre>{_e(scenario['curl'])}</pre>" if scenario["curl"] else ""]
        if scenario["exchanges"]:
            parts.append(f"<pre>{_e(json.dumps(scenario['exchanges'], indent=2, ensure_ascii=False))}</pre>")
        summary = _e(scenario["reason"]) or "exchanges"
        detail = f"<details><summary>{summary}</summary>{''.join(parts)}</details>"
    requirements = " ".join(
        f'<button type="button" class="req">{_e(r)}</button>' for r in scenario["requirements"]
    )
    return (
        f'<tr data-group="{_GROUP.get(outcome, outcome)}" data-level="{_e(scenario["level"])}" '
        f'data-area="{_e(scenario["area"])}" data-text="{_e(text)}"><td class="{outcome}">{outcome}</td>'
        f"<td>{_e(scenario['name'])}{detail}</td><td>{requirements}</td></tr>"
    )


def _requirement_row(requirement: dict[str, Any], scenarios: dict[str, dict[str, Any]]) -> str:
    mine = [scenarios[name] for name in requirement["scenarios"]]
    outcome = requirement["outcome"]
    areas = "\n".join(dict.fromkeys(scenario["area"] for scenario in mine))
    tally: dict[str, int] = {}
    for scenario in mine:
        tally[scenario["outcome"]] = tally.get(scenario["outcome"], 0) + 1
    counted = ", ".join(f"{count} {outcome}" for outcome, count in tally.items())
    text = f"{requirement['id']} {requirement['statement']}".lower()
    return (
        f'<tr data-group="{_GROUP.get(outcome, outcome)}" data-level="{requirement["level"]}" '
        f'data-areas="{_e(areas)}" data-text="{_e(text)}"><td class="{outcome}">{outcome}</td>'
        f'<td><button type="button" class="req">{_e(requirement["id"])}</button></td>'
        f"<td>{requirement['level']}</td><td>{_e(requirement['statement'])}</td><td>{_e(counted)}</td></tr>"
    )


def write_html(path: Path, data: dict[str, Any], summary_line: str) -> None:
    """One page, no external resources: a bar per area, filters, then requirements and scenarios."""
    scenarios = {scenario["name"]: scenario for scenario in data["scenarios"]}
    areas = data["counts"].get("areas", {})
    requirement_rows = "".join(
        _requirement_row(requirement, scenarios) for requirement in _failing_first(data["requirements"])
    )
    scenario_rows = "".join(_scenario_row(scenario) for scenario in _failing_first(data["scenarios"]))
    target = data["target"]
    described = f" ({_e(target['description'])})" if target.get("description") else ""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Conformance report</title>"
        f"<style>{STYLE}</style></head><body><h1>Conformance report</h1>"
        f"<p>Target: {_e(target.get('url', ''))}{described}</p><p>{_e(summary_line)}</p>"
        f"<h2>By feature area</h2>{_area_chart(areas)}"
        f"<h2>Requirements and scenarios</h2>{_filters(list(areas))}"
        "<table id='requirements'><thead><tr><th>Outcome</th><th>Requirement</th><th>Level</th>"
        f"<th>Statement</th><th>Scenarios</th></tr></thead><tbody>{requirement_rows}</tbody></table>"
        "<h2>Scenarios</h2><table id='scenarios'><thead><tr><th>Outcome</th><th>Scenario</th>"
        f"<th>Requirements</th></tr></thead><tbody>{scenario_rows}</tbody></table>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
