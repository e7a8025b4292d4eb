"""Durability under SIGKILL: every signal answered 200 must survive the gateway being killed mid-load.

`python -m bench.durability [--synchronous NORMAL] [--kills 3]`: serve the gateway, send accepted
signals from several threads at full speed, SIGKILL its whole process group (gunicorn master and
workers) mid-run, check the signal log, restart on the same data dir, and repeat. Exit 1 when an
acknowledged signal is missing, the database fails `PRAGMA integrity_check`, or nothing was accepted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.cases import BENCH_WEBHOOK, CASES, database_path, write_gateway_config
from conformance.embedded_gateway import RunningGateway, gateway_command, serving, start_server

ACCEPTED = CASES[0]
REQUEST_TIMEOUT = 10.0
MAX_REQUESTS_PER_THREAD = 200_000


@dataclass
class Senders:
    """Threads POSTing accepted signals until told to stop; the logIds of the 200 answers."""

    url: str
    stop: threading.Event = field(default_factory=threading.Event)
    acknowledged: list[str] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, count: int) -> None:
        """Start `count` sending threads."""
        self.threads = [threading.Thread(target=self._send_signals) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        """Stop the threads (each within one request timeout)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def _send_signals(self) -> None:
        parts = urlsplit(self.url)
        with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)) as conn:
            for _ in range(MAX_REQUESTS_PER_THREAD):
                if self.stop.is_set():
                    return
                try:
                    log_id = _post_signal(conn, parts.path)
                except (OSError, http.client.HTTPException):
                    conn.close()  # the gateway is gone: reconnect until told to stop
                    continue
                if log_id is not None:
                    self.acknowledged.append(log_id)  # list.append is atomic


def _post_signal(connection: http.client.HTTPConnection, path: str) -> str | None:
    """POST one accepted signal; its logId when the answer is a complete 200."""
    connection.request("POST", path, ACCEPTED.body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    body = response.read()
    return json.loads(body)["logId"] if response.status == 200 else None


@dataclass(frozen=True)
class Check:
    """What the signal log holds of the acknowledged signals after a kill."""

    accepted: int
    lost: int
    integrity: str

    def line(self, label: str) -> str:
        """The report line."""
        return f"{label}: accepted: {self.accepted}, lost: {self.lost}, integrity: {self.integrity}"

    @property
    def ok(self) -> bool:
        """Nothing lost, the database intact, and something was accepted."""
        return self.lost == 0 and self.integrity == "ok" and self.accepted > 0


def check_log(database: Path, acknowledged: Iterable[str]) -> Check:
    """Look every acknowledged logId up among the accepted entries; run PRAGMA integrity_check."""
    acknowledged = set(acknowledged)
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT log_id FROM signal_log WHERE outcome = 'accepted'")
        logged = {log_id for (log_id,) in rows}
        integrity = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
    return Check(len(acknowledged), len(acknowledged - logged), integrity)


def _url(gateway: RunningGateway) -> str:
    return gateway.base_url + BENCH_WEBHOOK.path


def kill_mid_run(config: Path, threads: int, seconds: float) -> list[str]:
    """Serve, load for `seconds`, SIGKILL the process group while the load runs; the acknowledged logIds."""
    gateway = start_server(gateway_command(["--config", str(config)]), cwd=config.parent)
    senders = Senders(_url(gateway))
    try:
        senders.start(threads)
        time.sleep(seconds)
    finally:
        gateway.kill_group()
        senders.finish()
    return senders.acknowledged


def restart_serves(config: Path) -> bool:
    """After the last kill: the gateway starts on the recovered data dir and accepts a signal."""
    with serving(gateway_command(["--config", str(config)]), cwd=config.parent) as gateway:
        parts = urlsplit(_url(gateway))
        with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)) as conn:
            return _post_signal(conn, parts.path) is not None


def run(args: argparse.Namespace) -> int:
    """Kill the gateway `args.kills` times; print one line per kill and a total; 0 when nothing is lost."""
    chance = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-durability-", dir=args.work_dir) as directory:
        config = write_gateway_config(Path(directory), args.synchronous)
        print(f"sqlite_synchronous = {args.synchronous}, {args.threads} sending threads")
        everything: list[str] = []
        checks = []
        for kill in range(1, args.kills + 1):
            seconds = chance.uniform(0.5, 1.5) * args.run_seconds
            acknowledged = kill_mid_run(config, args.threads, seconds)
            everything += acknowledged
            checks.append(check_log(database_path(config), acknowledged))
            print(checks[-1].line(f"kill {kill} (after {seconds:.1f} s)"), flush=True)
        total = check_log(database_path(config), everything)
        print(total.line("total"))
        restarted = restart_serves(config)
        print(f"restart after the last kill: {'ok' if restarted else 'FAILED'}")
    return 0 if total.ok and restarted and all(check.ok for check in checks) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.durability", description=__doc__)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL", "EXTRA"), default="FULL")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs (at least 3)")
    parser.add_argument("--threads", type=int, default=8, help="sending threads")
    parser.add_argument("--run-seconds", type=float, default=2.0, help="mean load time before each kill")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill times")
    parser.add_argument("--work-dir", type=Path, help="where the data dir goes (default: $TMPDIR)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the durability check."""
    args = _parser().parse_args(argv)
    if args.kills < 3:
        print("error: --kills must be at least 3", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
