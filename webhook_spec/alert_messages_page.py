"""docs/alert-messages.md, "Writing alert messages": the lint cases with the linter's answers, checked."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from webhook_spec.lint import fix_template, lint_template, report_to_json
from webhook_spec.lint.placeholders import placeholder_catalogue_document
from webhook_spec.paths import data_dir

CASES_DIR = "tests/lint_cases"  # the linter's data-driven cases: the page's one source of examples
# The sections of the page, one case file each, in this order; a case file not listed stops generation.
SECTIONS = {
    "tradingview-mistakes": "The common mistakes",
    "strategy-templates": "Strategy alerts",
    "syntax": "JSON as people type it",
    "fields": "Field names",
    "placeholders": "Placeholders where they are written",
    "rules": "Values the rules refuse",
}
_EXPECTED_KEYS = ("kind", "line", "column", "code")
_CHECKED_IF_GIVEN = ("pointer", "fix")


class ExampleMismatch(ValueError):
    """The linter's answer to an example is not the one its case expects: the page is not written."""


@dataclass(frozen=True)
class Example:
    """One lint case: its file, what it shows, the template and the answer it expects."""

    file: str
    case: dict[str, Any]

    @property
    def template(self) -> str:
        """The template, from `template` or its `lines`."""
        return self.case["template"] if "template" in self.case else "\n".join(self.case["lines"])


def case_files() -> dict[str, dict[str, Any]]:
    """Every case file (its description and cases) by name, in SECTIONS order."""
    directory = data_dir(CASES_DIR)
    files = {path.stem: path for path in directory.glob("*.json") if path.name != "cases.schema.json"}
    unlisted = sorted(set(files) - set(SECTIONS))
    if unlisted:
        raise ExampleMismatch(f"{CASES_DIR}: {', '.join(unlisted)} has no section in {__name__}.SECTIONS")
    return {stem: json.loads(files[stem].read_text(encoding="utf-8")) for stem in SECTIONS}


def examples() -> list[Example]:
    """Every case of every case file, the files in SECTIONS order."""
    return [Example(stem, case) for stem, document in case_files().items() for case in document["cases"]]


def mismatches(example: Example, report: dict[str, Any], fixed: str) -> list[str]:
    """How the linter's answer (`report_to_json`, `fix_template`) differs from what the case expects."""
    case, found = example.case, report["problems"]
    wrong = []
    expected = [{key: problem[key] for key in _EXPECTED_KEYS} for problem in case["problems"]]
    answered = [{key: problem[key] for key in _EXPECTED_KEYS} for problem in found]
    if answered != expected:
        wrong.append(f"problems {answered}, expected {expected}")
    for want, got in zip(case["problems"], found, strict=False):
        wrong += [
            f"{key} {got.get(key)!r}, expected {want[key]!r}"
            for key in _CHECKED_IF_GIVEN
            if key in want and got.get(key) != want[key]
        ]
    verdicts = [rendering["outcome"] for rendering in report["renderings"]]
    if verdicts != case["verdicts"]:
        wrong.append(f"verdicts {verdicts}, expected {case['verdicts']}")
    if "fixed" in case and fixed != case["fixed"]:
        wrong.append(f"--fix gives {fixed!r}, expected {case['fixed']!r}")
    return wrong


def checked_answer(example: Example) -> tuple[dict[str, Any], str]:
    """The linter's report (as JSON) and fixed template for an example; ExampleMismatch if not as expected."""
    report, fixed = report_to_json(lint_template(example.template)), fix_template(example.template)
    wrong = mismatches(example, report, fixed)
    if wrong:
        where = f"{CASES_DIR}/{example.file}.json: {example.case['description']}"
        raise ExampleMismatch(f"{where}: the linter answers {'; '.join(wrong)}")
    return report, fixed


# Markdown


def _cell(text: str) -> str:
    """Text for a table cell: one line, its | escaped, no HTML read into it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """Inline code that holds any text (a fence longer than its longest run of backticks)."""
    fence = "`" * (max(map(len, re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _block(text: str) -> list[str]:
    fence = "`" * max(3, max(map(len, re.findall(r"`+", text)), default=0) + 1)
    return [f"{fence}text", *(text.split("\n") if text else [""]), fence]


def _heading(description: str) -> str:
    return description[0].upper() + description[1:]


def _problems_table(report: dict[str, Any]) -> list[str]:
    if not report["problems"]:
        return ["No problem."]
    rows = ["| where | kind | code | message | fix |", "| --- | --- | --- | --- | --- |"]
    for problem in report["problems"]:
        code = _code(problem["code"]) if problem["code"] else "none: accepted anyway"
        where = f"{problem['line']}:{problem['column']}"
        if "pointer" in problem:
            where += f", field {_code(problem['pointer'] or '/')}"
        fix = _cell(problem["fix"]) if problem["fix"] else ""
        rows.append(f"| {where} | {problem['kind']} | {code} | {_cell(problem['message'])} | {fix} |")
    return rows


def _renderings_table(report: dict[str, Any]) -> list[str]:
    rows = ["| # | placeholder values | verdict |", "| --- | --- | --- |"]
    for number, rendering in enumerate(report["renderings"], 1):
        values = ", ".join(_code(f"{name}={value}") for name, value in rendering["values"].items())
        verdict = "accepted" if rendering["outcome"] == "accepted" else _code(rendering["outcome"])
        if rendering.get("pointer"):
            verdict += f" at {_code(rendering['pointer'])}"
        rows.append(f"| {number} | {values or 'no placeholder'} | {verdict} |")
    capped = report["capped"]
    note = f"{len(report['renderings'])} renderings of {report['combinations']} combinations (D-071)."
    return [*rows, "", note] if capped else rows


def example_section(example: Example) -> str:
    """One example: the template, the problems, each rendering's verdict and the fixed template."""
    report, fixed = checked_answer(example)
    lines = [f"### {_heading(example.case['description'])}", "", *_block(example.template), ""]
    lines += [
        "What `webhook-spec lint` answers:",
        "",
        *_problems_table(report),
        "",
        *_renderings_table(report),
    ]
    if fixed != example.template:
        lines += ["", "`webhook-spec lint --fix` writes:", "", *_block(fixed)]
    return "\n".join(lines) + "\n"


def _placeholders_table() -> list[str]:
    rows = ["| placeholder | kind | the linter renders it as | what it is |", "| --- | --- | --- | --- |"]
    for entry in placeholder_catalogue_document()["placeholders"]:
        strategy = " (strategy alerts only)" if entry.get("strategy") else ""
        values = ", ".join(_code(value) for value in entry["values"])
        name = _code("{{" + entry["name"] + "}}")
        rows.append(f"| {name} | {entry['kind']} | {values} | {_cell(entry['description'])}{strategy} |")
    return rows


_INTRO = """\
TradingView sends an alert's message as the request body once it has filled in the message's
placeholders (`{{ticker}}`, `{{close}}`, `{{strategy.order.action}}`...), and adds nothing: as JSON
when the text parses as JSON, as plain text otherwise. A placeholder it does not know is sent as typed.
So the gateway sees exactly what the template makes, and a mistake in the template is a 400 at the
moment the alert fires: a missed trade.

Check a template before that:

```sh
webhook-spec lint alert.txt          # its problems, where they are, and each rendering's verdict
webhook-spec lint --fix alert.txt    # the template with every mechanical fix made
webhook-spec lint --serve            # the same on a page in the browser: paste, read, copy the fix
```

The linter renders the template with every combination of the values its enumerated placeholders can
take and representative values for the others, and sends each rendering through the spec's validation
function: a verdict is `accepted` or the code the gateway answers. Every example below is a case of
`tests/lint_cases/`, and every answer shown is the linter's own, computed when this page was generated;
generation fails when one is not the answer its case expects, so the page is itself a test of the
linter. Problem kinds are described in `schema/lint-report.schema.json` and the codes in
[error codes](error-codes.md).
"""


@cache  # the docs tests render every page many times; the cases and the linter do not change meanwhile
def alert_messages_markdown() -> str:
    """The page's Markdown: the placeholders, then every lint case with the linter's checked answer."""
    contents = ["- [The placeholders TradingView knows](#the-placeholders-tradingview-knows)"]
    contents += [f"- [{title}](#{_anchor(title)})" for title in SECTIONS.values()]
    lines = [
        "# Writing alert messages",
        "",
        *contents,
        "",
        _INTRO,
        "## The placeholders TradingView knows",
        "",
    ]
    lines += [placeholder_catalogue_document()["description"], "", *_placeholders_table(), ""]
    for file, document in case_files().items():
        lines += [f"## {SECTIONS[file]}", "", document["description"], ""]
        lines += [example_section(Example(file, case)) for case in document["cases"]]
    return "\n".join(lines).rstrip("\n") + "\n"


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
