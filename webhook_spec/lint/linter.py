"""Lint an alert template: render it every way TradingView can, validate each rendering, pinpoint causes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from webhook_spec.catalogue import error_code
from webhook_spec.lint.fields import field_name_problems
from webhook_spec.lint.placeholders import NAN, placeholder
from webhook_spec.lint.problems import Problem, line_column
from webhook_spec.lint.rendering import Filled, combinations, fill
from webhook_spec.lint.scanner import PlaceholderUse, placeholder_uses, tokens
from webhook_spec.lint.structure import Node, member_at, parse_structure
from webhook_spec.lint.syntax import MALFORMED, syntax_problems
from webhook_spec.validation import SignalError, validate_body

ACCEPTED = "accepted"
_BODY_CODES = ("empty-json", MALFORMED)
_MAX_FIX_PASSES = 8
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNREADABLE = (
    "The message is JSON the gateway does not read: nested too deep, a key repeated, a number past a double."
)
# Fixes known for a rule broken by a placeholder that holds the wrong kind of value.
_PLACEHOLDER_FIXES = {
    ("/action", "strategy.market_position"): "write {{strategy.order.action}}",
    ("/action", "strategy.prev_market_position"): "write {{strategy.order.action}}",
    ("/sentiment", "strategy.order.action"): "write {{strategy.market_position}}",
}
_RULE_FIXES = {"invalid-sentiment-action": "send sentiment only with action buy or sell, or leave it out"}


@dataclass(frozen=True)
class Rendering:
    """The template filled in one way: the values used, the body sent, and what the gateway answers."""

    values: dict[str, str]
    body: str
    outcome: str
    pointer: str = ""


@dataclass(frozen=True)
class LintReport:
    """Everything the linter found in one template."""

    template: str
    problems: tuple[Problem, ...]
    renderings: tuple[Rendering, ...]
    combinations: int
    capped: bool

    @property
    def clean(self) -> bool:
        """No problem, and every rendering accepted: the exit code 0 case."""
        return not self.problems and all(r.outcome == ACCEPTED for r in self.renderings)


def _outcome(filled: Filled) -> tuple[str, str]:
    # A lone surrogate (from a pasted half of an emoji) goes as the bytes it would be: not UTF-8.
    result = validate_body(filled.text.encode("utf-8", "surrogatepass"))
    if isinstance(result, SignalError):
        return result.code, result.pointer or ""
    return ACCEPTED, ""


def _span_of(root: Node | None, pointer: str, uses: list[PlaceholderUse], length: int) -> tuple[int, int]:
    """Where the field at `pointer` is written: its value, the placeholder in it, or the object lacking it."""
    node, member = member_at(root, pointer)
    if member is not None:
        target = member.value if member.value is not None else member.key
        inside = [use for use in uses if target.start <= use.start < target.end]
        if inside:
            return inside[0].start, inside[0].end
        return target.start, target.end
    if node is not None:
        return node.start, node.start + 1
    return 0, length


def _when(failing: list[int], renderings: list[Rendering], inside: list[str], known: list[str]) -> str:
    """Which values make the renderings fail, as words: those of the field's own placeholders first."""
    parts = []
    for name in inside or known:
        written = "{{" + name + "}}"
        bad = list(dict.fromkeys(renderings[i].values[written] for i in failing))
        every = {r.values[written] for r in renderings}
        if name in inside or len(bad) < len(every):
            parts.append(f"{written} renders {', '.join(bad[:-1])}{' or ' if len(bad) > 1 else ''}{bad[-1]}")
    if parts:
        return "when " + " and ".join(parts)
    if len(failing) == len(renderings):
        return "in every rendering"
    return "in renderings " + ", ".join(str(i) for i in failing)


def _first_number(name: str) -> int:
    """The index of the first value of a number placeholder that is not NaN."""
    values = placeholder(name).values
    return next(index for index, value in enumerate(values) if value != NAN)


def _nan_problems(
    template: str,
    uses: list[PlaceholderUse],
    choices: tuple[dict[str, int], ...],
    renderings: list[Rendering],
) -> tuple[list[Problem], dict[int, tuple[str, str]]]:
    """A problem for each number placeholder whose NaN makes a rendering refused that its number passes;
    and, for each such rendering, the outcome it has with the number instead."""
    found: dict[str, list[int]] = {}
    codes: dict[str, str] = {}
    instead: dict[int, tuple[str, str]] = {}
    for index, rendering in enumerate(renderings):
        nan_names = [name[2:-2] for name, value in rendering.values.items() if value == NAN]
        if rendering.outcome == ACCEPTED or not nan_names:
            continue
        numbers = choices[index] | {name: _first_number(name) for name in nan_names}
        alternative = _outcome(fill(template, uses, numbers))
        if alternative[0] != rendering.outcome:
            instead[index] = alternative
            for name in nan_names:
                found.setdefault(name, []).append(index)
                codes.setdefault(name, rendering.outcome)
    problems = []
    for name, failing in found.items():
        use = next(use for use in uses if use.name == name)
        refused = "which this field refuses" if use.quoted else "which is not JSON"
        problems.append(
            Problem(
                use.start,
                use.end,
                "may-render-nan",
                codes[name],
                f"{{{{{name}}}}} renders NaN when its series has no value, {refused}.",
                "give the series a value on every bar the alert fires; na renders NaN",
                renderings=tuple(failing),
            )
        )
    return problems, instead


def _attributed(
    problems: list[Problem], code: str, pointer: str, span: tuple[int, int], failing: list[int]
) -> Problem | None:
    """The field or placeholder problem that explains a broken rule, given the rule's code, or None: a
    misnamed field the rule's pointer names or whose object it names, an unknown placeholder in its value."""
    for number, problem in enumerate(problems):
        meant = problem.pointer or ""
        by_field = problem.kind.startswith("field-") and pointer in (meant, meant.rsplit("/", 1)[0])
        by_placeholder = problem.kind == "unknown-placeholder" and span[0] <= problem.start < span[1]
        if by_field or by_placeholder:
            problems[number] = replace(
                problem, code=problem.code or code, renderings=tuple(sorted({*problem.renderings, *failing}))
            )
            return problem
    return None


def _rule_problems(
    root: Node | None,
    template: str,
    uses: list[PlaceholderUse],
    renderings: list[Rendering],
    instead: dict[int, tuple[str, str]],
    attributable: list[Problem],
) -> list[Problem]:
    """A problem for each rule broken (code and pointer), with the renderings that break it; a rendering
    refused for its NaN counts with the outcome its number gets."""
    broken: dict[tuple[str, str], list[int]] = {}
    for index, rendering in enumerate(renderings):
        outcome = instead.get(index, (rendering.outcome, rendering.pointer))
        if outcome[0] not in (ACCEPTED, *_BODY_CODES):
            broken.setdefault(outcome, []).append(index)
    problems = []
    for (code, pointer), failing in broken.items():
        span = _span_of(root, pointer, uses, len(template))
        if _attributed(attributable, code, pointer, span, failing) is not None:
            continue
        known = [name for name in dict.fromkeys(use.name for use in uses) if placeholder(name) is not None]
        inside = [name for name in known if any(span[0] <= u.start < span[1] for u in uses if u.name == name)]
        fix = next(
            (_PLACEHOLDER_FIXES[pointer, n] for n in inside if (pointer, n) in _PLACEHOLDER_FIXES), None
        )
        fix = fix or _RULE_FIXES.get(code)
        where = pointer or "the message"
        problems.append(
            Problem(
                *span,
                "rule-violation",
                code,
                f"{where} is refused {_when(failing, renderings, inside, known)}: {error_code(code).message}",
                fix,
                pointer=pointer,
                renderings=tuple(failing),
            )
        )
    return problems


def _syntax_fallback(filled: list[Filled], renderings: list[Rendering], explained: set[int]) -> list[Problem]:
    """Where the first unexplained rendering that is not JSON stops being JSON, in the template."""
    failing = [i for i, r in enumerate(renderings) if r.outcome in _BODY_CODES and i not in explained]
    if not failing:
        return []
    first = filled[failing[0]]
    if renderings[failing[0]].outcome == "empty-json":
        return [
            Problem(0, 0, "syntax", "empty-json", "The message is empty.", None, renderings=tuple(failing))
        ]
    surrogate = _SURROGATE.search(first.text)
    if surrogate is not None:
        start = first.template_offset(surrogate.start())
        message = "This character is half of a UTF-16 pair, which cannot be sent as UTF-8."
        return [Problem(start, start + 1, "syntax", MALFORMED, message, None, renderings=tuple(failing))]
    try:
        json.loads(first.text)
    except json.JSONDecodeError as error:
        start = first.template_offset(error.pos)
        message = f"The message stops being JSON here: {error.msg[0].lower()}{error.msg[1:]}."
    except (ValueError, RecursionError):  # an integer past int()'s digits, nesting past the stack
        start, message = 0, _UNREADABLE
    else:
        start, message = 0, _UNREADABLE
    return [Problem(start, start + 1, "syntax", MALFORMED, message, None, renderings=tuple(failing))]


def _lint_once(text: str) -> LintReport:
    """The template's problems as written: what hides behind a syntax error stays hidden."""
    found = tokens(text)
    uses = placeholder_uses(found)
    root = parse_structure(found)
    plan = combinations([use.name for use in uses])
    filled = [fill(text, uses, choice) for choice in plan.choices]
    renderings = [Rendering(f.values, f.text, *_outcome(f)) for f in filled]
    malformed = tuple(i for i, r in enumerate(renderings) if r.outcome in _BODY_CODES)
    problems = [
        replace(p, renderings=malformed) if p.code == MALFORMED else p
        for p in syntax_problems(text, found, root)
    ]
    # Problems a broken rule may be the consequence of: misnamed fields, placeholders sent as typed.
    attributable = field_name_problems(root) + [p for p in problems if p.kind == "unknown-placeholder"]
    problems = [p for p in problems if p.kind != "unknown-placeholder"]
    nan_problems, instead = _nan_problems(text, uses, plan.choices, renderings)
    problems += nan_problems
    problems += _rule_problems(root, text, uses, renderings, instead, attributable)
    problems += attributable
    if not any(problem.code in _BODY_CODES for problem in problems):
        problems += _syntax_fallback(filled, renderings, set(instead))
    problems.sort(key=lambda p: (p.start, p.end, p.kind))
    return LintReport(text, tuple(problems), tuple(renderings), plan.total, plan.capped)


def _behind_fixes(report: LintReport, fixed: LintReport) -> list[Problem]:
    """The rule and NaN problems the fixed template shows, placed in the original template."""
    found = tokens(report.template)
    uses = placeholder_uses(found)
    root = parse_structure(found)
    same_renderings = [r.values for r in report.renderings] == [r.values for r in fixed.renderings]
    moved = []
    existing = {(p.kind, p.start, p.code) for p in report.problems}
    codes = {(p.kind, p.pointer): p.code for p in fixed.problems if p.kind.startswith("field-") and p.code}
    for problem in report.problems:
        if problem.code is None and (problem.kind, problem.pointer) in codes:
            moved.append(replace(problem, code=codes[problem.kind, problem.pointer]))
    for problem in fixed.problems:
        if problem.kind == "rule-violation":
            span = _span_of(root, problem.pointer or "", uses, len(report.template))
        elif problem.kind == "may-render-nan":
            name = fixed.template[problem.start + 2 : problem.end - 2]
            use = next((use for use in uses if use.name == name), None)
            if use is None:
                continue
            span = (use.start, use.end)
        else:
            continue
        if (problem.kind, span[0], problem.code) in existing:
            continue
        renderings = problem.renderings if same_renderings else ()
        message = f"Once the fixes above are made, {problem.message[0].lower()}{problem.message[1:]}"
        moved.append(replace(problem, start=span[0], end=span[1], message=message, renderings=renderings))
    return moved


def lint_template(text: str) -> LintReport:
    """Lint one alert template: its problems, pinpointed in the template, and every rendering's outcome.

    When mechanical fixes (quotes, commas, comments) are due, the rule problems the fixed template
    would still have are reported too, placed in this template.
    """
    report = _lint_once(text)
    if not any(problem.edits for problem in report.problems):
        return report
    fixed = fix_template(text, report)
    if fixed == text:
        return report
    behind = _behind_fixes(report, _lint_once(fixed))
    updated = {(p.kind, p.start) for p in behind if p.kind.startswith("field-")}
    kept = [p for p in report.problems if (p.kind, p.start) not in updated]
    problems = sorted((*kept, *behind), key=lambda p: (p.start, p.end, p.kind))
    return replace(report, problems=tuple(problems))


def _apply_edits(text: str, problems: tuple[Problem, ...]) -> str:
    edits = sorted({edit for problem in problems for edit in problem.edits}, key=lambda e: (e.start, e.end))
    parts, position = [], 0
    for edit in edits:
        if edit.start < position:
            continue  # overlaps an edit already made; the next pass sees it again
        parts += [text[position : edit.start], edit.replacement]
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def fix_template(text: str, report: LintReport | None = None) -> str:
    """`text` with every mechanical fix applied (quotes, commas, comments, quoting placeholders, case),
    repeated until none is left; placeholders stay as typed. Fixing a fixed template changes nothing.
    `report`, the first pass's lint of `text`, saves linting it again."""
    for _ in range(_MAX_FIX_PASSES):
        report = report if report is not None and report.template == text else _lint_once(text)
        fixed = _apply_edits(text, report.problems)
        if fixed == text:
            break
        text = fixed
    return text


def _problem_json(text: str, problem: Problem) -> dict[str, Any]:
    line, column = line_column(text, problem.start)
    end_line, end_column = line_column(text, max(problem.end, problem.start + 1))
    entry: dict[str, Any] = {
        "line": line,
        "column": column,
        "endLine": end_line,
        "endColumn": end_column,
        "kind": problem.kind,
        "code": problem.code,
        "message": problem.message,
        "fix": problem.fix,
    }
    if problem.pointer is not None:
        entry["pointer"] = problem.pointer
    if problem.renderings:
        entry["renderings"] = list(problem.renderings)
    return entry


def _rendering_json(rendering: Rendering) -> dict[str, Any]:
    entry: dict[str, Any] = {"values": rendering.values, "body": rendering.body, "outcome": rendering.outcome}
    if rendering.pointer:
        entry["pointer"] = rendering.pointer
    return entry


def report_to_json(report: LintReport) -> dict[str, Any]:
    """The report as schema/lint-report.schema.json describes it (one template, no path)."""
    return {
        "problems": [_problem_json(report.template, problem) for problem in report.problems],
        "renderings": [_rendering_json(rendering) for rendering in report.renderings],
        "combinations": report.combinations,
        "capped": report.capped,
    }
