"""The main document's examples and the corpus, run through the alert-template linter (issue 15, item 3).

Valid cases are clean; each invalid case gets a problem with the corpus's code, at the corpus's
pointer when the problem is about a field. Exceptions: a case whose body is not UTF-8 (the linter
reads text: such a file is a usage error), and a case that holds a known placeholder, which the
linter renders as TradingView would before judging (the corpus sends it unrendered).
"""

import json
import re

import pytest

from tests.sources import main_document
from tests.test_corpus import _document_examples
from webhook_spec import Signal, validate_body
from webhook_spec.corpus import case_body, corpus_cases
from webhook_spec.lint import lint_template, report_to_json
from webhook_spec.lint.placeholders import placeholder

CASES = list(corpus_cases())


def known_placeholders(text: str) -> list[str]:
    """The placeholders of `text` TradingView knows."""
    return [name for name in re.findall(r"\{\{(.*?)\}\}", text) if placeholder(name) is not None]


@pytest.mark.parametrize(
    ("file", "case"), CASES, ids=[f"{file}: {case['description']}" for file, case in CASES]
)
def test_corpus_case_through_the_linter(file, case):
    body = case_body(case)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: the linter reads text, and such a file is a usage error (D-072)")
    report = lint_template(text)
    if known_placeholders(text):  # the linter renders it; the corpus sends it as typed
        assert all("{{" not in rendering.body for rendering in report.renderings)
        return
    problems = [(p.kind, p.code, p.message) for p in report.problems]
    if case["valid"]:
        assert report.clean, problems
        return
    assert [rendering.outcome for rendering in report.renderings] == [case["messageCode"]]
    matching = [problem for problem in report.problems if problem.code == case["messageCode"]]
    assert matching, problems
    pointers = [problem.pointer for problem in matching if problem.pointer is not None]
    if "pointer" in case and pointers:
        assert case["pointer"] in pointers


def test_every_main_document_example_as_written_is_clean_when_valid_and_pinpointed_when_not():
    examples = _document_examples(main_document())
    assert len(examples) >= 45
    for example in examples:
        text = example if isinstance(example, str) else json.dumps(example, indent=2)
        report = report_to_json(lint_template(text))
        outcome = validate_body(text.encode("utf-8"))
        if isinstance(outcome, Signal):
            assert report["problems"] == [], text
        else:
            assert outcome.code in {problem["code"] for problem in report["problems"]}, text
