"""The CI recipe (docs/ci/github-actions.yml) parses, uses only the README's commands and options, and its
shell steps work: they start a gateway and check it, leaving a JUnit report (issue 13, part 8)."""

import os
import re
import shlex
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from contextlib import suppress
from pathlib import Path

import yaml

from tests.redis_server import free_port

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / "docs" / "ci" / "github-actions.yml"
PROGRAMS = ("webhook-conformance", "python -m reference_server")


def _steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert "push" in workflow[True]  # YAML 1.1 reads the key `on` as true
    (job,) = workflow["jobs"].values()
    return job["steps"]


def _step(name: str) -> dict:
    return next(step for step in _steps() if step.get("name") == name)


def _commands(text: str) -> list[list[str]]:
    """The kit's and the gateway's command lines in shell text (continuation lines joined)."""
    found = []
    for line in text.replace("\\\n", " ").replace(">", " > ").splitlines():
        for program in PROGRAMS:
            if program in line:
                words = shlex.split(line[line.index(program) :].split(" > ")[0], comments=True)
                found.append(words)
    return found


def _program(words: list[str]) -> tuple[str, str]:
    """(program, subcommand) of a command line, the kit's `run` or the gateway's serving."""
    if words[0].endswith("webhook-conformance"):
        return "webhook-conformance", words[1]
    return "reference_server", words[3] if len(words) > 3 and not words[3].startswith("-") else "serve"


def _options(words: list[str]) -> set[str]:
    return {word for word in words if word.startswith("--")}


def _readme_commands() -> dict[tuple[str, str], set[str]]:
    """The options the README shows, by program and subcommand (from its sh code blocks)."""
    readme = (REPO / "README.md").read_text()
    shown: dict[tuple[str, str], set[str]] = {}
    for block in re.findall(r"```sh\n(.*?)```", readme, re.DOTALL):
        for words in _commands(block.replace(".venv/bin/", "")):
            words = [word.strip("[]") for word in words]  # [--option VALUE]: optional
            shown.setdefault(_program(words), set()).update(_options(words))
    return shown


def test_the_workflow_installs_the_kit_runs_it_and_publishes_the_junit_report():
    names = [step.get("name") for step in _steps()]
    assert (
        names.index("Install the kit") < names.index("Start the gateway") < names.index("Check the gateway")
    )
    assert "pip install" in _step("Install the kit")["run"]
    (check,) = _commands(_step("Check the gateway")["run"])
    assert check[:2] == ["webhook-conformance", "run"] and "--junit" in check
    report = check[check.index("--junit") + 1]
    publish = _step("Publish the JUnit report")
    assert (
        publish["uses"].startswith("mikepenz/action-junit-report@")
        and publish["with"]["report_paths"] == report
    )
    assert "cancelled()" in publish["if"]  # published when the kit finds failures too
    assert report in _step("Keep the reports")["with"]["path"]


def test_the_workflow_uses_the_readmes_commands_and_options():
    shown = _readme_commands()
    used = [words for step in _steps() for words in _commands(step.get("run", ""))]
    assert {_program(words) for words in used} == {
        ("webhook-conformance", "run"),
        ("reference_server", "serve"),
    }
    for words in used:
        program = _program(words)
        assert program in shown, program
        assert _options(words) <= shown[program], (program, _options(words) - shown[program])


def _bash(script: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, int]:
    """Run a step's script as GitHub Actions does (bash -e), leading a process group of its own, which
    what it leaves running in the background stays in: (exit code, output, the group's id)."""
    process = subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output, _ = process.communicate(timeout=300)
    return process.returncode, output, process.pid


def test_the_workflows_steps_start_a_gateway_and_check_it(tmp_path):
    port = str(free_port())
    github_env = tmp_path / "github-env"
    env = os.environ | {
        "GITHUB_ENV": str(github_env),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    code, output, gateway_group = _bash(
        _step("Start the gateway")["run"].replace("8000", port), tmp_path, env
    )
    try:
        assert code == 0, output
        env |= dict(line.split("=", 1) for line in github_env.read_text().splitlines())
        # The step's command as written, with a selection appended so that the test stays short.
        check = _step("Check the gateway")["run"].replace("8000", port).strip()
        code, output, _ = _bash(f"{check} --requirement REQ-AUTH-01 --no-properties", tmp_path, env)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(gateway_group, signal.SIGTERM)  # the gateway the first step left running
    assert code == 0, output[-4000:]
    cases = list(ElementTree.parse(tmp_path / "report.xml").getroot().iter("testcase"))
    assert cases and (tmp_path / "report.json").is_file() and (tmp_path / "report.html").is_file()
    password = env["WEBHOOK"].split("/")[1]
    assert password not in output + (tmp_path / "report.xml").read_text()
