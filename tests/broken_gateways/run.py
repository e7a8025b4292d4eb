"""The catalogue run: serve every broken gateway, run the kit on each as a user would, collect the verdicts.

All gateways run in one server process (tests/broken_gateways/serve.py), one port each; the proxies
in one more. Kit runs go two at a time, each its own `python -m conformance run` with a profile.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from conformance.embedded_gateway import ROLE_WEBHOOKS, RunningGateway, serving
from tests.broken_gateways.catalogue import PROPERTY_CASES, REFERENCE, Entry
from tests.broken_gateways.serve import READ_TIMEOUT
from webhook_spec.docs import repo_root
from webhook_spec.requirements import requirements

LANES = 2  # kit runs at once: the machine's CPUs
KIT_TIMEOUT = 300.0  # seconds for one kit run (the slowest waits up to a minute for a clock minute)
UNTRUSTED_ADDRESS = "127.0.0.2"  # the kit's other loopback address, which no gateway here trusts


@dataclass(frozen=True)
class Verdict:
    """What one kit run said: its exit code and the requirements its JSON report names as failed."""

    name: str
    kit_args: tuple[str, ...]
    exit_code: int
    failed: tuple[str, ...]
    seconds: float = 0.0  # how long the kit ran (never on the page: it changes from run to run)
    output: str = ""  # the kit's console output's tail, for a failing test

    def named(self, entry: Entry) -> tuple[str, ...]:
        """The entry's requirements this run names as failed."""
        return tuple(requirement for requirement in entry.requirements if requirement in self.failed)

    def caught(self, entry: Entry) -> bool:
        """The kit caught the entry: its report names one of the entry's requirements as failed, and it
        exits 1 when one of those is a MUST (a SHOULD alone fails no run: D-066)."""
        named = self.named(entry)
        must = any(requirements()[requirement]["level"] == "MUST" for requirement in named)
        return bool(named) and (self.exit_code == 1 or not must)


@dataclass(frozen=True)
class CatalogueRun:
    """The verdicts of a catalogue run: one per entry, and the reference's on every entry's selection."""

    entries: tuple[Entry, ...]
    verdicts: dict[str, Verdict]
    reference: Verdict
    seconds: float


def reference_args(entries: Sequence[Entry]) -> list[str]:
    """The kit options that select every entry's scenarios at once, for the reference gateway."""
    selected = dict.fromkeys(requirement for entry in entries for requirement in entry.requirements)
    args = [arg for requirement in selected for arg in ("--requirement", requirement)]
    if any(entry.properties for entry in entries):
        args += ["--property-cases", str(PROPERTY_CASES)]
    else:
        args.append("--no-properties")
    return args + (["--slow"] if any(entry.slow for entry in entries) else [])


def profile_toml(url: str, token: str, description: str) -> str:
    """A kit profile for a gateway served here: the embedded target's webhooks, capabilities and limits."""
    roles: dict[str, list[str]] = {}
    for hook in ROLE_WEBHOOKS:
        roles.setdefault(hook.name, []).append(f"{hook.uuid}/{hook.password}")
    lines = [
        "[target]",
        f"url = {json.dumps(url)}",
        f"description = {json.dumps(description)}",
        f"untrusted_source_address = {json.dumps(UNTRUSTED_ADDRESS)}",
        f"control_url = {json.dumps(url + '/control')}",
        f"control_token = {json.dumps(token)}",
        f"read_timeout = {READ_TIMEOUT}",
        "[webhooks]",
        *(f"{json.dumps(role)} = {json.dumps(hooks)}" for role, hooks in roles.items()),
        "[capabilities]",
        "forwarded-for = true",
        "quota = true",
        "slow-clients = true",
    ]
    return "\n".join(lines) + "\n"


def _announced(server: RunningGateway, word: str) -> dict[str, str]:
    """NAME -> URL from the server's `WORD NAME URL` lines."""
    found = {}
    for line in server.output:
        parts = line.split()
        if len(parts) == 3 and parts[0] == word:
            found[parts[1]] = parts[2]
    return found


@contextmanager
def served(entries: Sequence[Entry], directory: Path, token: str) -> Iterator[dict[str, str]]:
    """Serve the reference and every entry (behind its proxy, if it has one); NAME -> URL."""
    token_file = directory / "control-token"
    token_file.write_text(token, encoding="utf-8")
    names = [REFERENCE, *(entry.name for entry in entries)]
    server_command = [sys.executable, "-u", "-m", "tests.broken_gateways.serve", "--dir", str(directory)]
    with ExitStack() as stack:
        gateways = stack.enter_context(
            serving([*server_command, "--token-file", str(token_file), *names], cwd=repo_root(), timeout=120)
        )
        urls = _announced(gateways, "gateway")
        proxied = [entry for entry in entries if entry.proxy]
        if proxied:
            specs = [f"{e.name}:{e.proxy}:{urls[e.name].rsplit(':', 1)[1]}" for e in proxied]
            proxies = stack.enter_context(
                serving([sys.executable, "-u", "-m", "tests.broken_gateways.proxy", *specs], cwd=repo_root())
            )
            urls |= _announced(proxies, "proxy")
        yield urls


def run_kit(name: str, url: str, token: str, kit_args: Sequence[str], directory: Path) -> Verdict:
    """Run `python -m conformance run` on the gateway at `url` with `kit_args`; its verdict."""
    work = directory / "kit" / name
    work.mkdir(parents=True, exist_ok=True)
    profile, report = work / "profile.toml", work / "report.json"
    profile.write_text(profile_toml(url, token, f"broken gateway {name}"), encoding="utf-8")
    command = [sys.executable, "-m", "conformance", "run", "--profile", str(profile), "--json", str(report)]
    started = time.monotonic()
    try:
        done = subprocess.run(
            [*command, *kit_args], capture_output=True, text=True, timeout=KIT_TIMEOUT, cwd=work
        )
    except subprocess.TimeoutExpired:
        return Verdict(name, tuple(kit_args), -1, (), KIT_TIMEOUT, f"the kit ran past {KIT_TIMEOUT:.0f} s")
    data = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {"requirements": []}
    failed = tuple(r["id"] for r in data["requirements"] if r["outcome"] == "failed")
    output = (done.stdout + done.stderr)[-4000:]
    return Verdict(name, tuple(kit_args), done.returncode, failed, time.monotonic() - started, output)


def run_catalogue(entries: Sequence[Entry], directory: Path, lanes: int = LANES) -> CatalogueRun:
    """Serve every entry and the reference, run the kit on each, two at a time; the verdicts."""
    token = secrets.token_hex(16)
    started = time.monotonic()
    with served(entries, directory, token) as urls:
        jobs = [(REFERENCE, reference_args(entries)), *((entry.name, entry.kit_args()) for entry in entries)]
        jobs.sort(key=lambda job: "--slow" not in job[1])  # the minute-long runs first, so the lanes even out
        with ThreadPoolExecutor(lanes) as pool:
            verdicts = list(
                pool.map(lambda job: run_kit(job[0], urls[job[0]], token, job[1], directory), jobs)
            )
    by_name = {verdict.name: verdict for verdict in verdicts}
    reference = by_name.pop(REFERENCE)
    return CatalogueRun(tuple(entries), by_name, reference, time.monotonic() - started)
