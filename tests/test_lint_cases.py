"""The alert-template lint cases (tests/lint_cases/*.json): each template's problems and verdicts."""

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from webhook_spec.lint import fix_template, lint_template, problem_kinds, report_to_json
from webhook_spec.paths import schema_file

CASES_DIR = Path(__file__).resolve().parent / "lint_cases"
CASE_SCHEMA = CASES_DIR / "cases.schema.json"
CASE_FILES = sorted(path for path in CASES_DIR.glob("*.json") if path != CASE_SCHEMA)
CASES = [
    (path.stem, case) for path in CASE_FILES for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]
IDS = [f"{file}: {case['description']}" for file, case in CASES]
REPORT_SCHEMA = Draft202012Validator(
    json.loads(schema_file("lint-report.schema.json").read_text(encoding="utf-8"))
)


def template_of(case: dict) -> str:
    """The case's template, from `template` or its `lines`."""
    return case["template"] if "template" in case else "\n".join(case["lines"])


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: path.name)
def test_case_file_matches_case_schema(path):
    schema = json.loads(CASE_SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [error.message for error in Draft202012Validator(schema).iter_errors(document)] == []


def test_there_are_at_least_30_templates_with_unique_descriptions():
    descriptions = [case["description"] for _, case in CASES]
    assert len(descriptions) >= 30
    assert len(descriptions) == len(set(descriptions))


def test_cases_use_only_documented_kinds_and_cover_every_kind():
    used = {problem["kind"] for _, case in CASES for problem in case["problems"]}
    assert used == set(problem_kinds())


@pytest.mark.parametrize(("file", "case"), CASES, ids=IDS)
def test_linter_finds_the_case_problems_and_verdicts(file, case):
    report = report_to_json(lint_template(template_of(case)))
    assert [error.message for error in REPORT_SCHEMA.iter_errors(report)] == []
    keys = ("kind", "line", "column", "code")
    found = [{key: problem[key] for key in keys} for problem in report["problems"]]
    assert found == [{key: problem[key] for key in keys} for problem in case["problems"]]
    for expected, problem in zip(case["problems"], report["problems"], strict=True):
        for key in ("pointer", "fix"):
            if key in expected:
                assert problem.get(key) == expected[key], (key, problem)
    assert [rendering["outcome"] for rendering in report["renderings"]] == case["verdicts"]


def placeholders_in(text: str) -> list[str]:
    """Every `{{...}}` of a text, spaces removed and case folded (a mechanical fix may change only those)."""
    return ["".join(name.split()).casefold() for name in re.findall(r"\{\{(.*?)\}\}", text)]


@pytest.mark.parametrize(("file", "case"), CASES, ids=IDS)
def test_fix_is_idempotent_and_keeps_placeholders(file, case):
    template = template_of(case)
    fixed = fix_template(template)
    if "fixed" in case:
        assert fixed == case["fixed"]
    assert fix_template(fixed) == fixed
    assert placeholders_in(fixed) == placeholders_in(template)
