"""`webhook-conformance proxy`: listen, relay to the upstream gateway, judge each webhook exchange, report
deviations as they happen, and on SIGTERM or Ctrl-C write the summary and exit 0."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from conformance.client import Exchange
from conformance.embedded_gateway import READY_LINE
from conformance.proxy.checks import judge, on_webhook_path
from conformance.proxy.relay import LINE_LIMIT, Relay, Upstream
from conformance.proxy.report import (
    Tally,
    console_lines,
    deviation_record,
    exchange_redactor,
    summary_lines,
    write_html,
)
from conformance.reports.files import unwritable_option
from conformance.robustness import BODY_LIMIT
from conformance.runner import USAGE_ERROR
from webhook_spec.openapi import WEBHOOK_PREFIX


@dataclass(frozen=True)
class ProxyOptions:
    """The command line's options."""

    upstream: str
    listen: str
    report: Path | None = None
    html: Path | None = None


def parse_listen(listen: str) -> tuple[str, int]:
    """HOST and PORT of `HOST:PORT` (`[::1]:8080` for IPv6); ValueError saying what is wrong."""
    host, colon, port = listen.rpartition(":")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--listen {listen!r}: give HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free one)")
    return host.strip("[]"), int(port)


class Watch:
    """Judges each exchange the relay observes, writes its deviations at once, and keeps the tally."""

    def __init__(self, report: TextIO | None, console: TextIO) -> None:
        self.report = report
        self.console = console
        self.tally = Tally()

    def observe(self, exchange: Exchange, body_size: int) -> None:
        """Judge one exchange; write each deviation as a report line and console lines."""
        self.tally.observed += 1
        if not on_webhook_path(exchange.sent_url):
            return
        try:
            judgement = judge(exchange)
        except Exception as error:  # a bug in a check must not stop the forwarding
            said = exchange_redactor(exchange).text(repr(error))
            self.console.write(f"error: {exchange.method} {exchange.url} could not be judged: {said}\n")
            self.console.flush()
            return
        records = []
        if judgement.deviations:
            redactor = exchange_redactor(exchange)
            now = datetime.now(UTC)
            records = [deviation_record(exchange, d, body_size, now, redactor) for d in judgement.deviations]
        self.tally.add(judgement, records)
        for record in records:
            self._write(record)

    def upstream_down(self, request_line: str, reason: str) -> None:
        """Count a request the upstream did not answer, and say so."""
        self.tally.upstream_down += 1
        self.console.write(f"502   {request_line}: {reason}\n")
        self.console.flush()

    def _write(self, record: dict) -> None:
        if self.report is not None:
            self.report.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.report.flush()
        self.console.write("\n".join(console_lines(record)) + "\n")
        self.console.flush()


async def _serve(options: ProxyOptions, upstream: Upstream, watch: Watch) -> None:
    """Listen and relay until SIGTERM or SIGINT."""
    host, port = parse_listen(options.listen)
    relay = Relay(upstream, watch.observe, watch.upstream_down, request_keep=BODY_LIMIT + 1)
    server = await asyncio.start_server(relay.serve, host, port, limit=LINE_LIMIT)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # before the ready line: a stop right after it is heard
        loop.add_signal_handler(signum, stop.set)
    address = server.sockets[0].getsockname()
    shown = f"[{address[0]}]" if ":" in address[0] else address[0]
    print(f"Listening at http://{shown}:{address[1]}", flush=True)
    print(f"Forwarding to {upstream.base_url}; checking each exchange under {WEBHOOK_PREFIX}", flush=True)
    print(READY_LINE, flush=True)
    await stop.wait()
    server.close()  # open connections are cancelled as asyncio.run ends, not waited for


def run_proxy(options: ProxyOptions, console: TextIO = sys.stdout) -> int:
    """Serve until SIGTERM or Ctrl-C, then write the summary (console, HTML page); 0, or USAGE_ERROR
    (also when the page cannot be written at the end: said in a line, after the summary)."""
    try:
        upstream = Upstream.parse(options.upstream)
        parse_listen(options.listen)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    unwritable = unwritable_option({"--report": options.report, "--html": options.html})
    if unwritable:  # said now, not after the session
        print(f"error: {unwritable}", file=sys.stderr)
        return USAGE_ERROR
    report = options.report.open("a", encoding="utf-8") if options.report else None
    watch = Watch(report, console)
    try:
        asyncio.run(_serve(options, upstream, watch))
    except OSError as error:
        print(f"error: cannot listen on {options.listen}: {error.strerror or error}", file=sys.stderr)
        return USAGE_ERROR
    finally:
        if report is not None:
            report.close()
    console.write("\n".join(summary_lines(watch.tally)) + "\n")
    console.flush()
    if options.html is not None:
        try:
            write_html(options.html, watch.tally, upstream.base_url)
        except OSError as error:  # writable at start-up, no longer: the summary above stands
            print(f"error: --html: cannot write {options.html}: {error.strerror or error}", file=sys.stderr)
            return USAGE_ERROR
        console.write(f"HTML report: {options.html}\n")
        console.flush()
    return 0
