"""Command line of the spec package: `webhook-spec summary`, `webhook-spec docs` and `webhook-spec lint`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from webhook_spec.broken_pipe import quiet_on_broken_pipe
from webhook_spec.lint import cli as lint_cli


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webhook-spec", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("summary", help="print what schema/ defines")
    docs = commands.add_parser("docs", help="generate the Markdown docs from schema/ and DECISIONS.md")
    docs.add_argument("--out", type=Path, help="output directory (default: docs/ next to schema/)")
    docs.add_argument("--check", action="store_true", help="write nothing; exit 1 if the docs are stale")
    lint = commands.add_parser("lint", help="check TradingView alert templates against the signal spec")
    lint_cli.add_arguments(lint)
    return parser


def _docs(out: Path | None, check: bool) -> int:
    from webhook_spec.alert_messages_page import ExampleMismatch
    from webhook_spec.docs import default_docs_dir, stale_docs, write_docs  # only this command needs them

    out = out or default_docs_dir()
    try:
        if not check:
            for path in write_docs(out):
                print(f"wrote {path}")
            return 0
        stale = stale_docs(out)
    except ExampleMismatch as error:  # the alert-messages page is a test of the linter: it failed
        print(f"webhook-spec docs: {error}", file=sys.stderr)
        return 1
    for path in stale:
        print(f"stale: {path} (run `webhook-spec docs`)", file=sys.stderr)
    return 1 if stale else 0


def main(argv: list[str] | None = None) -> int:
    """Run one spec command; a reader of its output gone early ends it quietly (exit 141)."""
    return quiet_on_broken_pipe(lambda: _command(argv))


def _command(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "docs":
        return _docs(args.out, args.check)
    if args.command == "lint":
        return lint_cli.run(args)
    from webhook_spec.summary import spec_summary

    print(spec_summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
