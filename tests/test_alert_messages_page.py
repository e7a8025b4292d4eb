"""docs/alert-messages.md: every lint case with the linter's answer, and no page when an answer is wrong."""

import copy
import json
import re
import shutil
from pathlib import Path

import pytest

import webhook_spec.alert_messages_page as page_module
from webhook_spec.__main__ import main
from webhook_spec.alert_messages_page import (
    SECTIONS,
    Example,
    ExampleMismatch,
    alert_messages_markdown,
    checked_answer,
    examples,
)
from webhook_spec.docs import render_docs
from webhook_spec.lint import fix_template, lint_template, report_to_json
from webhook_spec.paths import data_dir


@pytest.fixture
def fresh_page():
    """The page rendered anew in the test (its cache emptied before and after)."""
    alert_messages_markdown.cache_clear()
    yield
    alert_messages_markdown.cache_clear()


def _example(description: str) -> Example:
    return next(example for example in examples() if example.case["description"] == description)


SMART_QUOTES = (
    "smart quotes around every key and value are one smart-quote problem per string, fixed to straight quotes"
)
MARKET_POSITION = (
    "{{strategy.market_position}} in action renders long, flat or short, which are invalid-action"
)


def test_every_case_is_on_the_page_with_the_linters_answer():
    page = render_docs()["alert-messages.md"]
    assert page.count("\n### ") == len(examples()) >= 30
    for example in examples():
        start = page.index(
            f"\n### {example.case['description'][0].upper()}{example.case['description'][1:]}\n"
        )
        section = page[start : page.find("\n### ", start + 1)]
        report = report_to_json(lint_template(example.template))
        assert all(problem["message"].replace("|", "\\|") in section for problem in report["problems"])
        verdicts = re.findall(r"^\| \d+ \| .* \| `?([a-z-]+)`?(?: at `[^`]*`)? \|$", section, re.MULTILINE)
        assert verdicts == [rendering["outcome"] for rendering in report["renderings"]]
        fixed = fix_template(example.template)
        assert ("`webhook-spec lint --fix` writes:" in section) == (fixed != example.template)


def test_the_common_mistakes_come_first_and_every_section_is_linked():
    page = render_docs()["alert-messages.md"]
    first = page.index("\n## The common mistakes\n")
    assert all(page.index(f"\n## {title}\n") >= first for title in SECTIONS.values())
    assert page.index("\n### " + SMART_QUOTES[0].upper() + SMART_QUOTES[1:]) > first
    assert all(f"](#{title.lower().replace(' ', '-')})" in page for title in SECTIONS.values())
    assert "](alert-messages.md)" in render_docs()["index.md"]


@pytest.mark.parametrize(
    ("description", "change", "said"),
    [
        (SMART_QUOTES, lambda case: case["problems"][1].update(column=14), "problems"),
        (SMART_QUOTES, lambda case: case["problems"].pop(), "problems"),
        (SMART_QUOTES, lambda case: case["verdicts"].append("accepted"), "verdicts"),
        (SMART_QUOTES, lambda case: case.update(fixed=case["fixed"] + " "), "--fix gives"),
        (MARKET_POSITION, lambda case: case["problems"][0].update(pointer="/ticker"), "pointer"),
        (MARKET_POSITION, lambda case: case["problems"][0].update(code="invalid-payload"), "problems"),
        (MARKET_POSITION, lambda case: case["problems"][0].update(fix="write buy"), "fix"),
    ],
)
def test_an_answer_that_is_not_the_expected_one_stops_the_page(description, change, said):
    example = _example(description)
    assert checked_answer(example)  # as committed, the answer is the expected one
    wrong = copy.deepcopy(example.case)
    change(wrong)
    with pytest.raises(ExampleMismatch, match=said) as raised:
        checked_answer(Example(example.file, wrong))
    assert f"tests/lint_cases/{example.file}.json: {description}" in str(raised.value)


def _cases_copy(tmp_path: Path, monkeypatch) -> Path:
    cases = tmp_path / "lint_cases"
    shutil.copytree(data_dir(page_module.CASES_DIR), cases)
    monkeypatch.setattr(page_module, "data_dir", lambda name: cases)
    return cases


def test_webhook_spec_docs_writes_nothing_and_exits_1_when_an_answer_is_wrong(
    tmp_path, monkeypatch, capsys, fresh_page
):
    cases = _cases_copy(tmp_path, monkeypatch)
    mistakes = cases / "tradingview-mistakes.json"
    document = json.loads(mistakes.read_text(encoding="utf-8"))
    document["cases"][0]["verdicts"] = ["accepted"] * 3
    mistakes.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "docs"
    assert main(["docs", "--out", str(out)]) == 1
    assert SMART_QUOTES in capsys.readouterr().err
    assert not out.exists() or not list(out.iterdir())


def test_a_case_file_without_a_section_stops_the_page(tmp_path, monkeypatch, fresh_page):
    cases = _cases_copy(tmp_path, monkeypatch)
    shutil.copy(cases / "syntax.json", cases / "more.json")
    with pytest.raises(ExampleMismatch, match="more has no section"):
        alert_messages_markdown()
