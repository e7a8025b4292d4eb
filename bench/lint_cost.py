"""Time of `webhook-spec lint` on a 100-line alert template: the command as users run it, the function."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from webhook_spec.lint import lint_template

TEMPLATE_LINES = 100
GOAL_MS = 200  # issue 15: a 100-line template answered in under 200 ms, process start included

_HEAD = [
    "{",
    '  "ticker": "{{ticker}}",',
    '  "action": "{{strategy.order.action}}",',
    '  "sentiment": "{{strategy.market_position}}",',
    '  "quantity": "{{strategy.order.contracts}}",',
    '  "price": {{close}},',
    '  "time": "{{timenow}}",',
    '  "interval": "{{interval}}",',
    '  "extras": {',
    '    "previous": "{{strategy.prev_market_position}}",',
]
_TAIL = ["  }", "}"]


def template(broken: bool) -> str:
    """A 100-line strategy template: every enumerated placeholder (18 combinations), then extras
    fields with a placeholder each; the broken one has a smart quote, an unquoted ticker, a comment
    and a trailing comma, so the linter also lints its fixed form."""
    head = list(_HEAD)
    if broken:
        head[1] = '  "ticker": {{ticker}},'
        head[2] = '  “action”: "{{strategy.order.action}}",'
        head.insert(3, "  // the side TradingView gives the order")
    count = TEMPLATE_LINES - len(head) - len(_TAIL)
    fields = [
        f'    "bar{n}": "{{{{plot_{n % 20}}}}}"' + ("," if n < count - 1 or broken else "")
        for n in range(count)
    ]
    text = "\n".join([*head, *fields, *_TAIL]) + "\n"
    assert text.count("\n") == TEMPLATE_LINES
    return text


@dataclass(frozen=True)
class LintTiming:
    """One template's timings in ms: the command's wall and CPU time (process start included), and the
    function's wall time in a warm process. The CPU time is what a busy machine does not inflate."""

    name: str
    lines: int
    renderings: int
    problems: int
    exit_code: int
    command_ms: list[float]
    command_cpu_ms: list[float]
    function_ms: list[float]

    @property
    def command_median_ms(self) -> float:
        """The command's median wall time."""
        return statistics.median(self.command_ms)

    @property
    def command_cpu_median_ms(self) -> float:
        """The command's median CPU time (user and system)."""
        return statistics.median(self.command_cpu_ms)

    @property
    def function_median_ms(self) -> float:
        """lint_template's median wall time in a warm process."""
        return statistics.median(self.function_ms)


def _command() -> list[str]:
    """`webhook-spec` as installed beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("webhook-spec")
    return [str(script)] if script.exists() else [sys.executable, "-m", "webhook_spec"]


def time_template(name: str, text: str, runs: int) -> LintTiming:
    """Run `webhook-spec lint FILE` `runs` times, and lint_template `runs` times after one warm-up call."""
    report = lint_template(text)
    function_ms = []
    for _ in range(runs):
        start = time.perf_counter()
        lint_template(text)
        function_ms.append((time.perf_counter() - start) * 1e3)
    command_ms, command_cpu_ms, exit_code = [], [], -1
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            exit_code = subprocess.run([*_command(), "lint", str(path)], capture_output=True).returncode
            command_ms.append((time.perf_counter() - start) * 1e3)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            command_cpu_ms.append(cpu * 1e3)
    counts = (text.count("\n"), len(report.renderings), len(report.problems), exit_code)
    return LintTiming(name, *counts, command_ms, command_cpu_ms, function_ms)


def lint_costs(runs: int = 10) -> list[LintTiming]:
    """Time the clean and the broken 100-line template."""
    return [time_template("clean", template(False), runs), time_template("broken", template(True), runs)]


if __name__ == "__main__":
    from bench.report import lint_table

    print(lint_table(lint_costs()))
