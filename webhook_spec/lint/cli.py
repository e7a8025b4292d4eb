"""`webhook-spec lint`: read templates from files or standard input, print reports or fixed templates."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from webhook_spec.lint.linter import ACCEPTED, LintReport, fix_template, lint_template, report_to_json
from webhook_spec.lint.problems import line_column

STDIN = "-"
USAGE_ERROR = 2


class UsageError(Exception):
    """A file that cannot be read or an impossible combination of options: exit code 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The lint command's arguments."""
    parser.add_argument("files", nargs="*", metavar="FILE", help="alert templates; - or none: standard input")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    parser.add_argument("--fix", action="store_true", help="print each template with its mechanical fixes")
    parser.add_argument("--write", action="store_true", help="with --fix: rewrite the files instead")
    parser.add_argument("--serve", action="store_true", help="serve the linter's page on loopback instead")
    parser.add_argument("--port", type=int, default=0, help="with --serve: the port (default: a free one)")


def _read(path: str, stdin: TextIO) -> str:
    if path == STDIN:
        raw = (
            stdin.buffer.read()
            if hasattr(stdin, "buffer")
            else stdin.read().encode("utf-8", "surrogateescape")
        )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("standard input: not UTF-8 text") from None
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def _display(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def text_report(path: str, report: LintReport) -> str:
    """`file:line:col: kind code: message (fix: ...)` per problem, then each rendering with its verdict."""
    lines = []
    for problem in report.problems:
        line, column = line_column(report.template, problem.start)
        code = f" {problem.code}" if problem.code else ""
        fix = f" (fix: {problem.fix})" if problem.fix else ""
        lines.append(f"{_display(path)}:{line}:{column}: {problem.kind}{code}: {problem.message}{fix}")
    capped = f", capped at {len(report.renderings)} renderings" if report.capped else ""
    combinations = f"{report.combinations} combination{'s' if report.combinations > 1 else ''}"
    lines.append(f"renderings ({combinations} of enumerated values{capped}):")
    for number, rendering in enumerate(report.renderings):
        values = " ".join(f"{name}={value}" for name, value in rendering.values.items()) or "(no placeholder)"
        where = f" at {rendering.pointer}" if rendering.pointer else ""
        lines.append(f"  {number}. {values}: {rendering.outcome}{where}")
    accepted = sum(rendering.outcome == ACCEPTED for rendering in report.renderings)
    verdict = "clean" if report.clean else f"{len(report.problems)} problem(s)"
    lines.append(f"{_display(path)}: {verdict}, {accepted} of {len(report.renderings)} renderings accepted")
    return "\n".join(lines)


def json_report(reports: list[tuple[str, LintReport]]) -> dict[str, Any]:
    """One report object for one template; several under `files`, each with its path (D-072)."""
    entries = [{"path": path, **report_to_json(report)} for path, report in reports]
    return entries[0] if len(entries) == 1 else {"files": entries}


def _fix(paths: list[str], texts: list[str], write: bool, out: TextIO) -> int:
    status = 0
    for path, text in zip(paths, texts, strict=True):
        fixed = fix_template(text)
        status = max(status, 0 if lint_template(fixed).clean else 1)
        if write:
            if fixed != text:
                Path(path).write_text(fixed, encoding="utf-8")
            print(f"{path}: {'fixed' if fixed != text else 'nothing to fix'}", file=out)
        else:
            if len(paths) > 1:
                print(f"==> {_display(path)} <==", file=out)
            out.write(fixed if fixed.endswith("\n") or not fixed else fixed + "\n")
    return status


def run(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """Lint (or fix) the templates `args` names; 0 all clean, 1 a problem, 2 a usage error."""
    stdin, out = stdin or sys.stdin, out or sys.stdout
    if args.serve or args.port:
        if not args.serve or args.files or args.fix or args.write or args.format != "text":
            print("webhook-spec lint: --serve takes --port only; --port needs --serve", file=sys.stderr)
            return USAGE_ERROR
        from webhook_spec.lint.serve import serve  # the page's server, only when asked for

        return serve(args.port, out)
    paths = args.files or [STDIN]
    try:
        if args.write and not args.fix:
            raise UsageError("--write needs --fix")
        if args.fix and args.format == "json":
            raise UsageError("--fix prints templates: --format json does not apply")
        if args.write and STDIN in paths:
            raise UsageError("--write cannot rewrite standard input")
        if paths.count(STDIN) > 1:
            raise UsageError("standard input can be read once")
        texts = [_read(path, stdin) for path in paths]
    except UsageError as error:
        print(f"webhook-spec lint: {error}", file=sys.stderr)
        return USAGE_ERROR
    if args.fix:
        return _fix(paths, texts, args.write, out)
    reports = [(path, lint_template(text)) for path, text in zip(paths, texts, strict=True)]
    if args.format == "json":
        print(json.dumps(json_report(reports), indent=2, ensure_ascii=False), file=out)
    else:
        print("\n\n".join(text_report(path, report) for path, report in reports), file=out)
    return 0 if all(report.clean for _, report in reports) else 1
