"""Command line of the conformance kit: `webhook-conformance run`."""

from __future__ import annotations

import argparse
import sys

from webhook_spec.summary import spec_summary


def main(argv: list[str] | None = None) -> int:
    """Run the kit. Until the scenario runner lands, `run` prints the spec it will check."""
    parser = argparse.ArgumentParser(prog="webhook-conformance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="check a gateway against the spec")
    parser.parse_args(argv)
    print(spec_summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
