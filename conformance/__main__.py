"""Command line of the conformance kit: `webhook-conformance run` (or `python -m conformance run`),
`webhook-conformance profile init` to start a target profile, `webhook-conformance diff` to compare
two gateways, and `webhook-conformance proxy` to check a gateway's live traffic."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.results import USAGE_ERROR
from webhook_spec.broken_pipe import quiet_on_broken_pipe

# The kit (pytest, schemathesis, Hypothesis: 0.5 s of imports) loads only when a command needs it.


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webhook-conformance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser(
        "run", help="check a gateway against the spec (with no --target: the embedded reference gateway)"
    )
    target = runner.add_argument_group("target")
    target.add_argument(
        "--target",
        dest="target_url",
        help="the gateway's base URL, e.g. https://gw.example (a path prefix is kept)",
    )
    target.add_argument(
        "--webhook", help="a stocks webhook that accepts any ticker: UUID/PASSWORD or its full URL"
    )
    target.add_argument("--profile", type=Path, help="target profile (TOML): webhooks by role, capabilities")
    target.add_argument(
        "--control-url", help="the test-control API base URL, e.g. https://gw.example/control"
    )
    target.add_argument("--control-token", help="bearer token of the test-control API")
    target.add_argument(
        "--no-preflight",
        action="store_true",
        help="run the scenarios even if the first probes show they cannot pass",
    )
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
    selection.add_argument(
        "--property-seconds",
        type=float,
        help="time per property check, shrinking included; cases past it are not sent (default: 60)",
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
    proxy = commands.add_parser(
        "proxy", help="forward live traffic to a gateway and report each answer that breaks the spec"
    )
    proxy.add_argument("--upstream", required=True, help="the gateway's base URL, e.g. http://127.0.0.1:8000")
    proxy.add_argument("--listen", required=True, help="HOST:PORT to listen on (port 0: any free one)")
    proxy.add_argument("--report", type=Path, help="append each deviation to this file, a JSON object a line")
    proxy.add_argument("--html", type=Path, help="on SIGTERM or Ctrl-C, write the summary page here")
    profile = commands.add_parser("profile", help="target profiles").add_subparsers(
        dest="action", required=True
    )
    init = profile.add_parser(
        "init", help="write a commented profile saying how many webhooks each role needs"
    )
    init.add_argument("file", nargs="?", type=Path, help="where to write it (default: print it)")
    init.add_argument("--target", dest="target_url", default="https://gateway.example", help="the base URL")
    init.add_argument("--slow", action="store_true", help="count for runs with --slow too")
    init.add_argument("--property-cases", type=int, default=100, help="as the runs will pass")
    init.add_argument("--no-properties", action="store_true", help="count for runs with --no-properties")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    diff = commands.add_parser(
        "diff", help="send two gateways the same requests and compare their answers (exit 1 if they differ)"
    )
    diff.add_argument(
        "a", metavar="A", help="webhook URL of gateway A: https://host/trading/webhook/UUID/PASSWORD"
    )
    diff.add_argument(
        "b", metavar="B", nargs="?", help="webhook URL of gateway B (default: the embedded reference gateway)"
    )
    diff.add_argument(
        "--cases", type=int, help="generated signals, half valid and half invalid (default: 100)"
    )
    diff.add_argument("--seed", type=int, default=0, help="seed of the generated signals")
    diff.add_argument("--json", type=Path, help="write every difference to this JSON file")
    diff.add_argument(
        "--profile", type=Path, help="A's target profile: its stocks webhooks share A's requests"
    )
    diff.add_argument(
        "--rate-limits",
        choices=("spec", "lifted"),
        help="the webhooks keep the spec's 60 a minute and 500 an hour, so diff paces itself (the default "
        "for URLs), or their limits are lifted (a profile's rate_limits says it for A)",
    )
    return parser


def _profile_init(args: argparse.Namespace) -> int:
    cases = 0 if args.no_properties else args.property_cases
    from conformance.profile_init import profile_text

    text = profile_text(args.target_url, args.slow, cases)
    if args.file is None:
        print(text, end="")
        return 0
    if args.file.exists() and not args.force:
        print(f"error: {args.file} exists (--force overwrites it)", file=sys.stderr)
        return USAGE_ERROR
    args.file.write_text(text, encoding="utf-8")
    print(f"wrote {args.file}: fill in each UUID/PASSWORD, then run with --profile {args.file}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the kit; a reader of its output gone early ends it quietly (141)."""
    return quiet_on_broken_pipe(lambda: _command(argv))


def _command(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "proxy":
        from conformance.proxy.service import ProxyOptions, run_proxy

        return run_proxy(ProxyOptions(args.upstream, args.listen, args.report, args.html))
    if args.command == "diff":
        from conformance.diff.run import DEFAULT_CASES, DiffOptions
        from conformance.diff.run import run as run_diff

        cases = DEFAULT_CASES if args.cases is None else args.cases
        return run_diff(
            DiffOptions(args.a, args.b, cases, args.seed, args.json, args.profile, args.rate_limits)
        )
    if args.property_cases < 1:
        print("error: --property-cases must be at least 1", file=sys.stderr)
        return USAGE_ERROR
    if args.command == "profile":
        return _profile_init(args)
    if args.maxfail is not None and args.maxfail < 1:
        print("error: --maxfail must be at least 1", file=sys.stderr)
        return USAGE_ERROR
    from conformance.properties import DEFAULT_PROPERTY_SECONDS
    from conformance.runner import RunOptions, run

    if args.property_seconds is None:
        args.property_seconds = DEFAULT_PROPERTY_SECONDS
    if args.property_seconds <= 0:
        print("error: --property-seconds must be more than 0", file=sys.stderr)
        return USAGE_ERROR
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
        property_seconds=args.property_seconds,
        properties=not args.no_properties,
        preflight=not args.no_preflight,
        slow=args.slow,
        verbose=args.verbose,
        maxfail=args.maxfail,
        show_secrets=args.show_secrets,
    )
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
