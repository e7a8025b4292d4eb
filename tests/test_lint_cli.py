"""`webhook-spec lint` as a user runs it: files, standard input, exit codes, --fix, --write, JSON output."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from bench import lint_cost
from webhook_spec.lint import linter, rendering, report_to_json
from webhook_spec.lint.rendering import combinations
from webhook_spec.paths import schema_file

CLEAN = '{"ticker": "{{ticker}}", "action": "{{strategy.order.action}}"}\n'
BROKEN = '{\n  "ticker": {{ticker}},\n  "action": "{{strategy.market_position}}",\n}\n'
BROKEN_FIXED = '{\n  "ticker": "{{ticker}}",\n  "action": "{{strategy.market_position}}"\n}\n'
MECHANICAL = "{'ticker': '{{ticker}}', 'action': 'buy',}\n"


def lint(*args: str, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    """Run the command line in a process of its own."""
    command = [sys.executable, "-m", "webhook_spec", "lint", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.fixture
def files(tmp_path):
    """A clean and a broken template on disk."""
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "broken.txt").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def report_schema() -> Draft202012Validator:
    return Draft202012Validator(
        json.loads(schema_file("lint-report.schema.json").read_text(encoding="utf-8"))
    )


def test_a_clean_file_exits_0_and_lists_its_renderings(files):
    result = lint(str(files / "clean.txt"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "{{strategy.order.action}}=buy" in result.stdout and "{{strategy.order.action}}=sell" in result.stdout
    )
    assert result.stdout.rstrip().endswith("clean, 3 of 3 renderings accepted")


def test_a_broken_file_exits_1_with_each_problem_at_its_place(files):
    result = lint(str(files / "broken.txt"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    path = files / "broken.txt"
    assert any(line.startswith(f"{path}:2:13: unquoted-placeholder malformed-json: ") for line in lines)
    assert any(line.startswith(f"{path}:3:43: trailing-comma malformed-json: ") for line in lines)
    assert any(line.startswith(f"{path}:3:14: rule-violation invalid-action: ") for line in lines)
    assert any("(fix: write {{strategy.order.action}})" in line for line in lines)


def test_standard_input_is_read_with_a_dash_or_no_argument():
    for args in ((), ("-",)):
        result = lint(*args, stdin=BROKEN)
        assert result.returncode == 1
        assert "<stdin>:2:13: unquoted-placeholder" in result.stdout
    assert lint(stdin=CLEAN).returncode == 0


def test_several_files_exit_1_when_one_has_a_problem(files):
    both = lint(str(files / "clean.txt"), str(files / "broken.txt"))
    assert both.returncode == 1
    assert f"{files / 'clean.txt'}: clean" in both.stdout and f"{files / 'broken.txt'}:2:13:" in both.stdout
    assert lint(str(files / "clean.txt"), str(files / "clean.txt")).returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("missing.txt",),
        ("--write", "clean.txt"),
        ("--fix", "--write", "-"),
        ("--fix", "--format", "json", "clean.txt"),
        ("--bogus", "clean.txt"),
        ("-", "-"),
        ("--format", "yaml", "clean.txt"),
    ],
    ids=[
        "missing file",
        "write without fix",
        "write standard input",
        "fix with json",
        "unknown flag",
        "standard input twice",
        "unknown format",
    ],
)
@pytest.mark.decision("D-072")
def test_usage_errors_exit_2_without_a_traceback(files, args):
    result = lint(*args, cwd=files)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_a_file_or_standard_input_that_is_not_utf8_is_a_usage_error(tmp_path):
    latin1 = '{"ticker": "ÄAPL", "action": "buy"}'.encode("latin-1")
    (tmp_path / "latin1.txt").write_bytes(latin1)
    result = lint(str(tmp_path / "latin1.txt"))
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    command = [sys.executable, "-m", "webhook_spec", "lint"]
    piped = subprocess.run(command, input=latin1, capture_output=True, timeout=60)
    assert (
        piped.returncode == 2
        and b"standard input: not UTF-8" in piped.stderr
        and b"Traceback" not in piped.stderr
    )


def test_a_reader_gone_early_ends_the_command_quietly_with_141(files):
    # 100 reports are about 200 KB, more than a pipe holds: the writer meets the closed pipe
    command = [sys.executable, "-m", "webhook_spec", "lint", "--format", "json"]
    command += [str(files / "broken.txt")] * 100
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as linter:
        first = subprocess.run(["head", "-1"], stdin=linter.stdout, capture_output=True, timeout=60)
        linter.stdout.close()  # head holds the only read end, and has exited
        errors = linter.stderr.read()
        linter.wait(timeout=60)
    assert first.stdout == b"{\n"
    assert (linter.returncode, errors) == (141, b"")


def test_a_lone_surrogate_is_a_syntax_problem_at_its_place():
    template = '{"ticker": "AM\ud800D", "action": "buy"}'
    (problem,) = report_to_json(linter.lint_template(template))["problems"]
    assert (problem["kind"], problem["line"], problem["column"], problem["code"]) == (
        "syntax",
        1,
        15,
        "malformed-json",
    )


def test_fix_prints_the_fixed_template_and_exits_by_what_is_left(files):
    (files / "mechanical.txt").write_text(MECHANICAL, encoding="utf-8")
    fixed = lint("--fix", str(files / "mechanical.txt"))
    assert fixed.stdout == '{"ticker": "{{ticker}}", "action": "buy"}\n'
    assert fixed.returncode == 0  # nothing is left once the fixes are made
    left = lint("--fix", str(files / "broken.txt"))
    assert left.stdout == BROKEN_FIXED
    assert left.returncode == 1  # the action is still wrong: no mechanical fix for it
    assert (files / "broken.txt").read_text(encoding="utf-8") == BROKEN  # --fix alone writes nothing
    assert lint("--fix", stdin=MECHANICAL).stdout == '{"ticker": "{{ticker}}", "action": "buy"}\n'


def test_fix_write_rewrites_each_file_once(files):
    (files / "mechanical.txt").write_text(MECHANICAL, encoding="utf-8")
    paths = [str(files / name) for name in ("mechanical.txt", "broken.txt", "clean.txt")]
    result = lint("--fix", "--write", *paths)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"{paths[0]}: fixed",
        f"{paths[1]}: fixed",
        f"{paths[2]}: nothing to fix",
    ]
    assert (files / "mechanical.txt").read_text(
        encoding="utf-8"
    ) == '{"ticker": "{{ticker}}", "action": "buy"}\n'
    assert (files / "broken.txt").read_text(encoding="utf-8") == BROKEN_FIXED
    assert (files / "clean.txt").read_text(encoding="utf-8") == CLEAN
    again = lint("--fix", "--write", *paths)
    assert again.stdout.splitlines() == [f"{path}: nothing to fix" for path in paths]


def test_json_output_of_one_file_matches_the_report_schema(files):
    result = lint("--format", "json", str(files / "broken.txt"))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [error.message for error in report_schema().iter_errors(report)] == []
    assert report["path"] == str(files / "broken.txt")
    assert {(p["line"], p["column"], p["kind"], p["code"]) for p in report["problems"]} == {
        (2, 13, "unquoted-placeholder", "malformed-json"),
        (3, 14, "rule-violation", "invalid-action"),
        (3, 43, "trailing-comma", "malformed-json"),
    }
    assert [r["outcome"] for r in report["renderings"]] == ["malformed-json"] * 3
    assert report["renderings"][0]["values"] == {"{{ticker}}": "AAPL", "{{strategy.market_position}}": "long"}


@pytest.mark.decision("D-072")
def test_json_output_of_several_files_is_one_report_per_file_in_order(files):
    paths = [str(files / "clean.txt"), str(files / "broken.txt")]
    result = lint("--format", "json", *paths)
    document = json.loads(result.stdout)
    assert [error.message for error in report_schema().iter_errors(document)] == []
    assert [entry["path"] for entry in document["files"]] == paths
    assert document["files"][0]["problems"] == [] and document["files"][1]["problems"]


def test_the_report_schema_refuses_a_kind_outside_the_list(files):
    report = json.loads(lint("--format", "json", str(files / "broken.txt")).stdout)
    report["problems"][0]["kind"] = "typo"
    assert list(report_schema().iter_errors(report))


@pytest.mark.decision("D-071")
def test_past_the_cap_each_enumerated_value_is_rendered_at_least_once(monkeypatch):
    names = ["strategy.order.action", "strategy.market_position", "strategy.prev_market_position", "ticker"]
    full = combinations(names)
    assert (full.total, full.capped, len(full.choices)) == (18, False, 18)
    monkeypatch.setattr(rendering, "MAX_COMBINATIONS", 4)
    capped = combinations(names)
    assert (capped.total, capped.capped, len(capped.choices)) == (18, True, 3)
    for name in names:
        assert {choice[name] for choice in capped.choices} == set(
            range(len(rendering.placeholder(name).values))
        )
    extras = ", ".join(f'"{number}": "{{{{{name}}}}}"' for number, name in enumerate(names[:3]))
    report = linter.lint_template('{"ticker": "{{ticker}}", "action": "buy", "extras": {' + extras + "}}")
    assert report.capped and len(report.renderings) == 3 and report.clean


def test_the_readme_session_is_what_the_command_prints(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Checking an alert template", 1)[1]
    session = re.search(r"```console\n(.*?)```", section, re.DOTALL)[1]
    commands = re.split(r"^\$ ", session, flags=re.M)[1:]
    template = commands[0].split("\n", 1)[1]
    (tmp_path / "alert.txt").write_text(template, encoding="utf-8")
    for block in commands[1:]:
        command, shown = block.split("\n", 1)
        args = shlex.split(command)
        assert args[:2] == ["webhook-spec", "lint"]
        printed = lint(*args[2:], cwd=tmp_path).stdout.splitlines()
        expected = shown.splitlines()
        assert len(printed) == len(expected)
        for line, wanted in zip(printed, expected, strict=True):
            head, _, tail = wanted.partition(" [...] ")
            assert line.startswith(head) and line.endswith(tail), (line, wanted)


def test_the_bench_row_times_what_it_says():
    clean, broken = lint_cost.template(broken=False), lint_cost.template(broken=True)
    assert clean.count("\n") == broken.count("\n") == lint_cost.TEMPLATE_LINES
    assert linter.lint_template(clean).clean
    kinds = sorted(problem.kind for problem in linter.lint_template(broken).problems)
    assert kinds == ["comment", "smart-quote", "trailing-comma", "unquoted-placeholder"]
    timing = lint_cost.time_template("broken", broken, runs=1)
    assert (timing.exit_code, timing.renderings, len(timing.command_ms), len(timing.function_ms)) == (
        1,
        18,
        1,
        1,
    )


def test_fix_keeps_crlf_line_ends():
    # Not a lint case: tests/lint_cases/ is also published as Markdown (docs/alert-messages.md).
    template = '{\r\n  "ticker": "AAPL",\r\n  // side\r\n  "action": "buy", // entry\r\n}\r\n'
    problems = [(p.kind, p.start) for p in linter.lint_template(template).problems]
    assert problems == [
        ("comment", template.index("// side")),
        ("trailing-comma", template.index(", //")),
        ("comment", template.index("// entry")),
    ]
    assert linter.fix_template(template) == '{\r\n  "ticker": "AAPL",\r\n  "action": "buy"\r\n}\r\n'
