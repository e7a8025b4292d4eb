"""The alert-template linter: TradingView message templates checked against the signal spec (D-071, D-072)."""

from webhook_spec.lint.linter import LintReport, Rendering, fix_template, lint_template, report_to_json
from webhook_spec.lint.problems import Problem, problem_kinds

__all__ = [
    "LintReport",
    "Problem",
    "Rendering",
    "fix_template",
    "lint_template",
    "problem_kinds",
    "report_to_json",
]
