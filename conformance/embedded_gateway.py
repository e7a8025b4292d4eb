"""Start the reference gateway as a separate process (gunicorn, real HTTP) and stop it again.

The kit never imports the gateway: it writes a config file and runs `python -m reference_server`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from conformance.target import Webhook
from webhook_spec.openapi import scenario_rate_limits

_LISTENING = re.compile(r"^Listening at (\S+)")
_WEBHOOK = re.compile(r"^\s+webhook (\S+)")
READY_LINE = "Press Ctrl+C to stop."  # the last start-up line of the gateway, and of the proxy


QUOTA_WEBHOOKS = 9  # at least as many as features/ has @quota scenarios
# Webhooks shared by many scenarios get limits no run reaches; the quota webhook keeps the spec's.
LIFTED_RATE_LIMITS = scenario_rate_limits()


@dataclass(frozen=True, kw_only=True)
class ConfiguredWebhook(Webhook):
    """A webhook the kit declares in the reference gateway's config: its URL parts, a name, TOML settings."""

    name: str
    settings: dict


def numbered_webhook(number: int, name: str, **settings) -> ConfiguredWebhook:
    """A webhook whose uuid shows `number` (readable in logs, unique per config) and whose password is
    derived from it: the same in every run, yet as strong as a random one (D-059)."""
    password = hashlib.sha256(f"webhook-conformance test webhook {number}".encode()).hexdigest()[:32]
    return ConfiguredWebhook(f"00000000-0000-4000-8000-{number:012d}", password, name=name, settings=settings)


# The embedded target's shared roles (conformance.target.ROLES but quota): number, role, settings.
_SHARED_ROLES = (
    (1, "stocks", {"asset_class": "stocks"}),
    (2, "options", {"asset_class": "options"}),
    (3, "futures", {"asset_class": "futures"}),
    (4, "crypto", {"asset_class": "crypto"}),
    (5, "tradingview", {"limit_to": "tradingview"}),
    (6, "trendspider", {"limit_to": "trendspider"}),
    (7, "ip-list", {"limit_to": "ip", "ip_addresses": ["203.0.113.7", "10.0.0.0/8"]}),
    (9, "ticker-list", {"allowed_tickers": ["AAPL", "amd"]}),
    (10, "futures-list", {"asset_class": "futures", "allowed_tickers": ["MNQ"]}),
)
SCENARIO_LANE_OFFSET = 200  # the scenario lane's webhook of a role is numbered this much more

# The embedded target: two webhooks per shared role, as described in conformance.target, the second for
# the scenarios that run alongside the others (conformance.scenario_lane); a stocks webhook of the
# property checks' own (conformance.property_lane); the quota webhooks.
ROLE_WEBHOOKS = (
    *(
        numbered_webhook(number + offset, name, rate_limits=LIFTED_RATE_LIMITS, **settings)
        for offset in (0, SCENARIO_LANE_OFFSET)
        for number, name, settings in _SHARED_ROLES
    ),
    numbered_webhook(250, "stocks", asset_class="stocks", rate_limits=LIFTED_RATE_LIMITS),
    # One quota webhook per quota scenario, with the gateway's limits (the spec's unless a test sets others).
    *(numbered_webhook(number, "quota") for number in range(100, 100 + QUOTA_WEBHOOKS)),
)


def config_toml(webhooks: Sequence[ConfiguredWebhook], data_dir: Path, gateway: dict) -> str:
    """A gateway config file: the [gateway] settings given, and the webhooks."""
    lines = ["[gateway]", f"data_dir = {json.dumps(str(data_dir))}"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in gateway.items()]
    for webhook in webhooks:
        lines += [
            "",
            "[[webhooks]]",
            f"uuid = {json.dumps(webhook.uuid)}",
            f"password = {json.dumps(webhook.password)}",
        ]
        lines += [f"{key} = {json.dumps(value)}" for key, value in webhook.settings.items()]
    return "\n".join(lines) + "\n"


class GatewayStartError(RuntimeError):
    """The gateway exited or stayed silent instead of announcing its URL."""


STOP_TIMEOUT = 10.0


@dataclass
class RunningGateway:
    """A server process leading its own process group (a gunicorn master and its workers): its base
    URL, the webhook URLs it announced (passwords masked unless it runs with --show-urls), and
    everything it printed."""

    process: subprocess.Popen
    base_url: str = ""
    webhook_urls: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def _read_output(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            if match := _LISTENING.match(line):
                self.base_url = match.group(1)
            elif (match := _WEBHOOK.match(line)) and not self.ready.is_set():
                self.webhook_urls.append(match.group(1))
            elif line.strip() == READY_LINE:
                self.ready.set()
        self.ready.set()

    def signal_group(self, signum: int) -> None:
        """Send `signum` to every process of the group (the leader's pid is the group id)."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill_group(self) -> None:
        """SIGKILL the master and all its workers at once, then wait until the group is gone."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
        _wait_group_gone(self.process.pid, STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM the group (gunicorn's graceful stop); SIGKILL it if it lingers."""
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill_group()
        _wait_group_gone(self.process.pid, STOP_TIMEOUT)


def _wait_group_gone(pgid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def start_server(
    command: Sequence[str],
    cwd: Path | None = None,
    timeout: float = 30.0,
    while_starting: Callable[[], object] | None = None,
) -> RunningGateway:
    """Start `command`, a server that announces itself as the gateway does, in its own session (so
    that the gateway and its workers can be signalled together); return once it is ready. The caller's
    `while_starting` runs meanwhile, on the CPU the server's start leaves idle."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    server = RunningGateway(process)
    threading.Thread(target=server._read_output, daemon=True).start()
    if while_starting is not None:
        try:
            while_starting()
        except BaseException:
            server.kill_group()
            raise
    server.ready.wait(timeout)
    if not server.base_url or process.poll() is not None:
        server.kill_group()
        raise GatewayStartError(f"{shlex.join(command)} did not start:\n" + "".join(server.output[-20:]))
    return server


@contextmanager
def serving(
    command: Sequence[str],
    cwd: Path | None = None,
    timeout: float = 30.0,
    while_starting: Callable[[], object] | None = None,
) -> Iterator[RunningGateway]:
    """Serve `command` (see start_server) while the block runs; stop its whole process group afterwards."""
    server = start_server(command, cwd, timeout, while_starting)
    try:
        yield server
    finally:
        server.stop()


def gateway_command(args: Sequence[str] = ()) -> list[str]:
    """`python -m reference_server serve ARGS` on a free loopback port."""
    serve = ["-m", "reference_server", "serve", "--host", "127.0.0.1", "--port", "0"]
    return [sys.executable, "-u", *serve, *args]


@contextmanager
def running_gateway(
    args: Sequence[str] = (),
    cwd: Path | None = None,
    timeout: float = 30.0,
    while_starting: Callable[[], object] | None = None,
) -> Iterator[RunningGateway]:
    """Serve `python -m reference_server serve --port 0 ARGS` on loopback while the block runs (see
    start_server for `while_starting`)."""
    with serving(gateway_command(args), cwd, timeout, while_starting) as gateway:
        yield gateway
