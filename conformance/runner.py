"""One kit run: find or start the target, run the pytest session, write the reports, decide the exit code."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import pytest
import requests
from hypothesis.configuration import set_hypothesis_home_dir

from conformance.embedded_gateway import ROLE_WEBHOOKS, GatewayStartError, config_toml, running_gateway
from conformance.generation import warm_up
from conformance.lanes import Lanes, divide, release_heap
from conformance.plugin import KitPlugin
from conformance.pool import WebhookPools
from conformance.preflight import diagnose
from conformance.profile_init import shortfall_notes
from conformance.properties import (
    DEFAULT_PROPERTY_SECONDS,
    PROPERTY_CASES_KEY,
    PROPERTY_CHECKS,
    PROPERTY_LANE_KEY,
    PROPERTY_SECONDS_KEY,
)
from conformance.property_lane import PropertyLane
from conformance.pytest_plugin import KIT_DIR, PROPERTIES_FILE, SCENARIOS_FILE
from conformance.redaction import TOKEN_MARKER, Redactor, redacted_output
from conformance.reports.console import CONSOLE_LINES, ConsoleProgress, console_summary
from conformance.reports.curl import reveal_passwords
from conformance.reports.files import unwritable_option, write_html, write_json
from conformance.reports.summary import report_data
from conformance.results import USAGE_ERROR, by_requirement, exit_code
from conformance.scenario_lane import LanePlugin
from conformance.step_lookup import StepLookup
from conformance.steps.fixtures import POOLS_KEY
from conformance.target import Target, TargetError, Webhook, build_target, load_profile
from webhook_spec.requirements import requirements

STEP_PLUGINS = (
    "conformance.steps.fixtures",
    "conformance.steps.given",
    "conformance.steps.given_control",
    "conformance.steps.when",
    "conformance.steps.then",
    "conformance.steps.then_trades",
    "conformance.steps.when_robustness",
    "conformance.steps.then_robustness",
)
SESSION_PLUGINS = ("-p", "pytest_bdd.plugin", "-p", "_hypothesis_pytestplugin")
UNTRUSTED_LOOPBACK = "127.0.0.2"  # the embedded gateway trusts 127.0.0.1 only


@dataclass
class RunOptions:
    """Everything the command line says about one run."""

    target_url: str | None = None
    webhook: str | None = None
    profile: Path | None = None
    control_url: str | None = None
    control_token: str | None = None
    expected_failures: Path | None = None
    requirements: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    junit: Path | None = None
    json: Path | None = None
    html: Path | None = None
    property_cases: int = 100
    property_seconds: float = DEFAULT_PROPERTY_SECONDS
    properties: bool = True
    preflight: bool = True
    slow: bool = False
    verbose: bool = False
    maxfail: int | None = None  # stop after this many failures (-x: 1)
    show_secrets: bool = False  # the console's curl commands carry the passwords, not $PASSWORD
    pytest_args: list[str] = field(default_factory=list)


class UsageError(Exception):
    """The run cannot start; the message is one line for the user."""


def _by_role(configured) -> dict[str, tuple[Webhook, ...]]:
    roles: dict[str, tuple[Webhook, ...]] = {}
    for hook in configured:
        roles[hook.name] = (*roles.get(hook.name, ()), Webhook(hook.uuid, hook.password))
    return roles


EMBEDDED_READ_TIMEOUT = 1.0  # the embedded gateway's header and body timeouts: short, so stalls end soon


@contextmanager
def embedded_target(
    redactor: Redactor | None = None, while_starting: Callable[[], object] | None = None
) -> Iterator[Target]:
    """The reference gateway on a free loopback port, with the kit as its trusted proxy; `while_starting`
    runs while it starts.

    Its secrets go to `redactor` before it starts, since a failed start prints what the gateway said.
    """
    with tempfile.TemporaryDirectory(prefix="conformance-") as directory:
        config = Path(directory) / "gateway.toml"
        token = secrets.token_hex(16)
        if redactor is not None:
            redactor.add(token, TOKEN_MARKER)
            for hook in ROLE_WEBHOOKS:
                redactor.add(hook.password)
        gateway = {"trusted_proxies": ["127.0.0.1"], "control_token": token}
        config.write_text(config_toml(ROLE_WEBHOOKS, Path(directory) / "data", gateway))
        timeout = str(EMBEDDED_READ_TIMEOUT)
        args = ["--config", str(config), "--header-timeout", timeout, "--body-timeout", timeout]
        with running_gateway(args, cwd=Path(directory), while_starting=while_starting) as running:
            yield Target(
                base_url=running.base_url,
                webhooks=_by_role(ROLE_WEBHOOKS),
                capabilities=frozenset(
                    {"forwarded-for", "quota", "untrusted-peer", "control-api", "slow-clients"}
                ),
                control_url=f"{running.base_url}/control",
                control_token=token,
                untrusted_source_address=UNTRUSTED_LOOPBACK,
                read_timeout=EMBEDDED_READ_TIMEOUT,
                description="the embedded reference gateway",
            )


@contextmanager
def _target(options: RunOptions, redactor: Redactor) -> Iterator[Target]:
    if options.target_url is None and options.profile is None:
        with embedded_target(redactor, _warm_up_generation if options.properties else None) as target:
            yield target
        return
    profile = load_profile(options.profile) if options.profile else {}
    notes: list[str] = []
    target = build_target(
        options.target_url, options.webhook, profile, options.control_url, options.control_token, notes
    )
    for note in notes:
        print(f"note: {note}")
    yield target


def _warm_up_generation() -> None:
    """The property checks' generation, warmed up while the embedded gateway starts: the property lane,
    a fork of this process, inherits it (0.3-0.5 s less CPU there)."""
    with _hypothesis_home():
        warm_up()


def _check_reachable(target: Target) -> None:
    try:
        requests.post(
            target.base_url + target.webhook("stocks").path, data=b"", timeout=10, allow_redirects=False
        )
    except requests.RequestException as error:
        raise UsageError(f"cannot reach the target at {target.base_url}: {type(error).__name__}") from None


def _expected_failures(path: Path | None) -> frozenset[str]:
    if path is None:
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UsageError(f"expected-failures file: {error}") from None
    return frozenset(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def _pytest_args(options: RunOptions) -> list[str]:
    args = ["-c", str(KIT_DIR / "kit.ini"), "--rootdir", str(KIT_DIR), str(SCENARIOS_FILE)]
    if options.properties:
        args.append(str(PROPERTIES_FILE))
    for plugin in STEP_PLUGINS:
        args += ["-p", plugin]
    # The kit's modules are imported before pytest starts: its assert-rewrite warnings are noise.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    # Only the plugins the kit needs, whatever else is installed: one that reorders tests or reports
    # changes the kit's run, and the others' imports cost start-up time (schemathesis's: 0.5 s).
    args += ["--disable-plugin-autoload", *SESSION_PLUGINS]
    # pytest's own output (tracebacks, warnings, one line per scenario) with -v; else ConsoleProgress's.
    args += ["-v"] if options.verbose else ["-p", "no:terminal"]
    if options.maxfail:
        args += ["--maxfail", str(options.maxfail)]
    if options.junit:
        args += ["--junitxml", str(options.junit), "-o", "junit_family=xunit2"]
    return args + options.pytest_args


def _preflight(target: Target, options: RunOptions, pools: WebhookPools) -> Target:
    """Probe the target first (conformance.preflight): stop with its diagnosis, or note what it saw."""
    if not options.preflight:
        _check_reachable(target)
        return target
    verdict = diagnose(target, pools.observe)
    if verdict.fatal:
        raise UsageError(verdict.fatal)
    for note in verdict.notes:
        print(note if note.startswith("  ") else f"preflight: {note}")
    return replace(target, unusable={**target.unusable, **verdict.unusable})


class _PropertySettings:
    """Hands the property checks their settings and the pools; starts the property lane, if it has a
    webhook, once collection says which checks run."""

    def __init__(self, target: Target, options: RunOptions, pools: WebhookPools, lane: tuple[Webhook, ...]):
        self.target, self.options, self.pools, self.lane_hooks = target, options, pools, lane
        self.lane: PropertyLane | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        """The number of cases and the time of each check, and the pools."""
        config.stash[PROPERTY_CASES_KEY] = self.options.property_cases
        config.stash[PROPERTY_SECONDS_KEY] = self.options.property_seconds
        config.stash[POOLS_KEY] = self.pools

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Start the selected property checks in the lane, alongside the scenarios."""
        names = [getattr(item, "originalname", item.name) for item in session.items]
        checks = [PROPERTY_CHECKS[name] for name in names if name in PROPERTY_CHECKS]
        if checks and self.lane_hooks:
            cases, seconds = self.options.property_cases, self.options.property_seconds
            self.lane = PropertyLane(checks, self.target, self.lane_hooks, cases, seconds)
            session.config.stash[PROPERTY_LANE_KEY] = self.lane

    def stop(self) -> None:
        """Stop the lane if it still runs."""
        if self.lane is not None:
            self.lane.stop()


def _session(
    target: Target,
    options: RunOptions,
    redactor: Redactor,
    pools: WebhookPools,
    progress: ConsoleProgress,
    lanes: Lanes,
) -> tuple[KitPlugin, int]:
    plugin = KitPlugin(
        target, options.requirements, options.tags, _expected_failures(options.expected_failures), redactor
    )
    properties = _PropertySettings(target, options, pools, lanes.properties)
    scenario_lane = LanePlugin(plugin, lanes.scenarios, target.paced)
    plugins = [plugin, properties, scenario_lane, StepLookup()] + ([] if options.verbose else [progress])
    with _hypothesis_home():
        try:
            status = pytest.main(_pytest_args(options), plugins=plugins)
        finally:
            scenario_lane.stop()
            properties.stop()
            release_heap()
    return plugin, int(status)


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "webhook-conformance"


@contextmanager
def _hypothesis_home() -> Iterator[None]:
    """Hypothesis's home while the kit runs: a per-user cache, or a temporary directory if it cannot
    be made; never ./.hypothesis, so the kit writes only its reports where it runs.

    The property checks keep no examples there (database=None): it holds Hypothesis's Unicode tables,
    2.6 s of CPU to compute again in every run.
    """
    with tempfile.TemporaryDirectory(prefix="conformance-hypothesis-") as temporary:
        home = _user_cache() / "hypothesis"
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError:
            home = Path(temporary)
        set_hypothesis_home_dir(str(home))
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


def _with_options(target: Target, options: RunOptions) -> Target:
    return replace(target, capabilities=target.capabilities | {"slow"}) if options.slow else target


def run(options: RunOptions) -> int:
    """Run the kit once: 0 when every applicable MUST requirement passed, 1 when one failed, 2 for usage.

    Every line it prints and every report it writes has the secrets it knows redacted.
    """
    redactor = Redactor()
    console = sys.stdout  # --show-secrets prints its curl commands here, past the redaction
    with redacted_output(redactor):
        return _run(options, redactor, console)


def _run(options: RunOptions, redactor: Redactor, console: TextIO) -> int:
    try:
        unwritable = unwritable_option(
            {"--junit": options.junit, "--json": options.json, "--html": options.html}
        )
        if unwritable:  # said before the run, not after it
            raise UsageError(unwritable)
        with _target(options, redactor) as found:
            target = _with_options(found, options)
            redactor.add_target(target)
            webhooks, lanes = divide(target, options.properties)
            pools = WebhookPools(webhooks, target.paced)
            target = _preflight(target, options, pools)
            if target.paced and not (options.requirements or options.tags):
                cases = options.property_cases if options.properties else 0
                for note in shortfall_notes(target.webhooks, options.slow, cases):
                    print(f"note: {note}")
            described = f"{target.description} at " if target.description else ""
            progress = ConsoleProgress(f"Checking {described}{target.base_url}")
            plugin, status = _session(target, options, redactor, pools, progress, lanes)
    except (TargetError, UsageError, GatewayStartError) as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    if status in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        return USAGE_ERROR
    requirement_results = by_requirement(plugin.results, requirements())
    code = exit_code(requirement_results, plugin.results)
    target_data = {"url": target.base_url, "description": target.description}
    data = redactor.data(report_data(target_data, requirement_results, plugin.results, code))
    summary = console_summary(data, options.verbose, CONSOLE_LINES - progress.lines)
    if options.show_secrets:
        sys.stdout.flush()
        console.write(
            reveal_passwords(summary, [w for hooks in target.webhooks.values() for w in hooks]) + "\n"
        )
    else:
        print(summary)
    for note in pools.notes():
        print(f"note: {note}")
    if options.json:
        write_json(options.json, data)
    if options.html:
        write_html(options.html, data, summary.splitlines()[-1])
    return code
