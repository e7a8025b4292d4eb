"""Command line of the spec package: `webhook-spec summary` and `webhook-spec docs`."""

from __future__ import annotations

import argparse
import sys

from webhook_spec.summary import spec_summary


def main(argv: list[str] | None = None) -> int:
    """Run one spec command."""
    parser = argparse.ArgumentParser(prog="webhook-spec", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("summary", help="print what schema/ defines")
    args = parser.parse_args(argv)
    if args.command == "summary":
        print(spec_summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
