"""Command line of the conformance kit: `webhook-conformance run` (or `python -m conformance run`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.runner import RunOptions, run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webhook-conformance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser(
        "run", help="check a gateway against the spec (with no --target: the embedded reference gateway)"
    )
    target = runner.add_argument_group("target")
    target.add_argument("--target", dest="target_url", help="the gateway's base URL, e.g. https://gw.example")
    target.add_argument(
        "--webhook", help="a stocks webhook that accepts any ticker: UUID/PASSWORD or its full URL"
    )
    target.add_argument("--profile", type=Path, help="target profile (TOML): webhooks by role, capabilities")
    target.add_argument(
        "--control-url", help="the test-control API base URL, e.g. https://gw.example/control"
    )
    target.add_argument("--control-token", help="bearer token of the test-control API")
    selection = runner.add_argument_group("selection")
    selection.add_argument(
        "--requirement", action="append", default=[], help="run only this requirement's checks"
    )
    selection.add_argument(
        "--tag", action="append", default=[], help="run only scenarios with this Gherkin tag"
    )
    selection.add_argument("--expected-failures", type=Path, help="file of scenario names allowed to fail")
    selection.add_argument(
        "--property-cases", type=int, default=100, help="generated cases per property check"
    )
    selection.add_argument("--no-properties", action="store_true", help="skip the property-based checks")
    selection.add_argument(
        "--slow", action="store_true", help="also run scenarios that take minutes (the hourly limit: about 9)"
    )
    reports = runner.add_argument_group("reports")
    reports.add_argument("--junit", type=Path, help="write a JUnit XML report")
    reports.add_argument("--json", type=Path, help="write a JSON report")
    reports.add_argument("--html", type=Path, help="write a self-contained HTML report")
    reports.add_argument(
        "-v", "--verbose", action="store_true", help="pytest's own output: a line per scenario, tracebacks"
    )
    reports.add_argument(
        "--show-secrets", action="store_true", help="the console's curl commands show passwords"
    )
    reports.add_argument(
        "-x", "--exitfirst", dest="maxfail", action="store_const", const=1, help="stop at the first failure"
    )
    reports.add_argument("--maxfail", type=int, metavar="N", help="stop after N failed scenarios")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the kit."""
    args = _parser().parse_args(argv)
    if args.property_cases < 1:
        print("error: --property-cases must be at least 1", file=sys.stderr)
        return 2
    if args.maxfail is not None and args.maxfail < 1:
        print("error: --maxfail must be at least 1", file=sys.stderr)
        return 2
    options = RunOptions(
        target_url=args.target_url,
        webhook=args.webhook,
        profile=args.profile,
        control_url=args.control_url,
        control_token=args.control_token,
        expected_failures=args.expected_failures,
        requirements=frozenset(args.requirement),
        tags=frozenset(args.tag),
        junit=args.junit,
        json=args.json,
        html=args.html,
        property_cases=args.property_cases,
        properties=not args.no_properties,
        slow=args.slow,
        verbose=args.verbose,
        maxfail=args.maxfail,
        show_secrets=args.show_secrets,
    )
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
