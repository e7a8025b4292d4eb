"""Durability under SIGKILL: every signal answered 200 must survive the gateway being killed mid-load,
and a retry of one that got no answer must not become a second signal.

`python -m bench.durability [--synchronous NORMAL] [--kills 3]`: serve the gateway, send accepted
signals (each body distinct) from several threads at full speed, SIGKILL its whole process group
(gunicorn master and workers) mid-run, and check the signal log. Then restart on the same data dir
and retry, as a sender would, every request that was sent but got no answer: a signal that was
logged before the kill must come back as a replay of itself (D-055), not as a duplicate. Repeat.
Exit 1 when an acknowledged signal is missing, a retry made a duplicate, the database fails
`PRAGMA integrity_check`, or nothing was accepted.
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


def signal_body(sender: int, number: int) -> bytes:
    """The accepted case's signal, made distinct by its sender and number."""
    signal = json.loads(ACCEPTED.body) | {"extras": {"sender": sender, "n": number}}
    return json.dumps(signal).encode()


@dataclass
class Senders:
    """Threads POSTing accepted signals until told to stop: the logIds of the 200 answers, and the
    bodies that were sent but got no answer."""

    url: str
    stop: threading.Event = field(default_factory=threading.Event)
    acknowledged: list[str] = field(default_factory=list)
    unanswered: list[bytes] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, count: int, first_sender: int = 0) -> None:
        """Start `count` sending threads, numbered from `first_sender` (distinct across runs)."""
        self.threads = [
            threading.Thread(target=self._send_signals, args=(first_sender + n,)) for n in range(count)
        ]
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        """Stop the threads (each within one request timeout)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def _send_signals(self, sender: int) -> None:
        parts = urlsplit(self.url)
        with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)) as conn:
            for number in range(MAX_REQUESTS_PER_THREAD):
                if self.stop.is_set():
                    return
                body = signal_body(sender, number)
                try:
                    answer = _post_signal(conn, parts.path, body)
                except ConnectionRefusedError:  # never sent: the gateway is gone
                    conn.close()
                    continue
                except (OSError, http.client.HTTPException):  # sent, perhaps received, not answered
                    self.unanswered.append(body)  # list.append is atomic
                    conn.close()
                    continue
                if answer is not None:
                    self.acknowledged.append(answer["logId"])


def _post_signal(connection: http.client.HTTPConnection, path: str, body: bytes) -> dict | None:
    """POST one signal; the answer when it is a complete 200."""
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    return json.loads(answer) if response.status == 200 else None


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


@dataclass(frozen=True)
class Retries:
    """What retrying the unanswered requests after a restart made of them."""

    sent: int  # requests that got no answer, each retried once
    replays: int  # retries answered as replays: their first try was logged before the kill
    failed: int  # retries that got no 200 either
    duplicates: int  # bodies accepted as a new signal more than once: a trade made twice
    seconds: float  # from the kill to the last retry's answer

    def line(self) -> str:
        """The report line."""
        return (
            f"  retried {self.sent} unanswered within {self.seconds:.1f} s: {self.replays} logged before"
            f" the kill (answered as replays), {self.failed} failed, duplicates: {self.duplicates}"
        )

    @property
    def ok(self) -> bool:
        """No duplicate and every retry answered."""
        return self.duplicates == 0 and self.failed == 0


def originals(database: Path, bodies: Iterable[bytes]) -> dict[bytes, int]:
    """How many accepted records of each body are originals (not replays of another)."""
    wanted = set(bodies)
    counts = dict.fromkeys(wanted, 0)
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT body FROM signal_log WHERE outcome = 'accepted' AND replay_of IS NULL")
        for (body,) in rows:
            if body in wanted:
                counts[body] += 1
    return counts


def retry_unanswered(config: Path, bodies: list[bytes], killed_at: float) -> Retries:
    """Restart the gateway and send each body once more, as a sender that got no answer would."""
    replays = failed = 0
    with serving(gateway_command(["--config", str(config)]), cwd=config.parent) as gateway:
        parts = urlsplit(_url(gateway))
        with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)) as conn:
            for body in bodies:
                answer = _post_signal(conn, parts.path, body)
                if answer is None:
                    failed += 1
                elif _replay_of(database_path(config), answer["logId"]) is not None:
                    replays += 1
        seconds = time.monotonic() - killed_at
    duplicates = sum(count > 1 for count in originals(database_path(config), bodies).values())
    return Retries(len(bodies), replays, failed, duplicates, seconds)


def _replay_of(database: Path, log_id: str) -> str | None:
    """The original that this record replays, if it is a replay."""
    with closing(sqlite3.connect(database)) as db:
        row = db.execute("SELECT replay_of FROM signal_log WHERE log_id = ?", (log_id,)).fetchone()
    return None if row is None else row[0]


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


def kill_mid_run(config: Path, threads: int, seconds: float, first_sender: int) -> tuple[Senders, float]:
    """Serve, load for `seconds`, SIGKILL the process group while the load runs; the senders (what
    was acknowledged, what got no answer) and the monotonic time of the kill."""
    gateway = start_server(gateway_command(["--config", str(config)]), cwd=config.parent)
    senders = Senders(_url(gateway))
    try:
        senders.start(threads, first_sender)
        time.sleep(seconds)
    finally:
        killed_at = time.monotonic()
        gateway.kill_group()
        senders.finish()
    return senders, killed_at


def restart_serves(config: Path) -> bool:
    """After the last kill: the gateway starts on the recovered data dir and accepts a signal."""
    with serving(gateway_command(["--config", str(config)]), cwd=config.parent) as gateway:
        parts = urlsplit(_url(gateway))
        with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)) as conn:
            return _post_signal(conn, parts.path, signal_body(-1, 0)) is not None


def set_replay_window(config: Path, seconds: float) -> None:
    """Write `replay_window` into the config's [gateway] table."""
    text = config.read_text()
    config.write_text(text.replace("[gateway]\n", f"[gateway]\nreplay_window = {seconds}\n", 1))


def run(args: argparse.Namespace) -> int:
    """Kill the gateway `args.kills` times; print one line per kill and a total; 0 when nothing is lost."""
    chance = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-durability-", dir=args.work_dir) as directory:
        config = write_gateway_config(Path(directory), args.synchronous)
        window = "" if args.replay_window is None else f", replay_window = {args.replay_window:g}"
        if args.replay_window is not None:
            set_replay_window(config, args.replay_window)
        print(f"sqlite_synchronous = {args.synchronous}{window}, {args.threads} sending threads")
        everything: list[str] = []
        checks, retries = [], []
        for kill in range(1, args.kills + 1):
            seconds = chance.uniform(0.5, 1.5) * args.run_seconds
            senders, killed_at = kill_mid_run(config, args.threads, seconds, kill * args.threads)
            everything += senders.acknowledged
            checks.append(check_log(database_path(config), senders.acknowledged))
            print(checks[-1].line(f"kill {kill} (after {seconds:.1f} s)"), flush=True)
            retries.append(retry_unanswered(config, senders.unanswered, killed_at))
            print(retries[-1].line(), flush=True)
        total = check_log(database_path(config), everything)
        print(total.line("total"))
        duplicates = sum(retry.duplicates for retry in retries)
        print(f"retries: {sum(retry.sent for retry in retries)}, duplicates: {duplicates}")
        restarted = restart_serves(config)
        print(f"restart after the last kill: {'ok' if restarted else 'FAILED'}")
    fine = total.ok and restarted and all(check.ok for check in checks) and all(r.ok for r in retries)
    return 0 if fine else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.durability", description=__doc__)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL", "EXTRA"), default="FULL")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs (at least 3)")
    parser.add_argument("--threads", type=int, default=8, help="sending threads")
    parser.add_argument("--run-seconds", type=float, default=2.0, help="mean load time before each kill")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill times")
    parser.add_argument(
        "--replay-window", type=float, help="the gateway's replay_window in seconds (default: its default)"
    )
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
