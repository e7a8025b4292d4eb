"""The example corpus is well-formed, complete, and the validator gives every case its outcome."""

import json
import re

import pytest
from jsonschema import Draft202012Validator

from tests.planner import planner_cases
from tests.sources import main_document
from webhook_spec import Signal, validate_body
from webhook_spec.catalogue import error_codes
from webhook_spec.corpus import case_body, corpus_cases, corpus_files
from webhook_spec.paths import data_dir, schema_file

CASES = list(corpus_cases())


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_corpus_file_matches_case_schema(path):
    shape = json.loads(schema_file("corpus.schema.json").read_text())
    errors = [
        error.message for error in Draft202012Validator(shape).iter_errors(json.loads(path.read_text()))
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("file", "case"), CASES, ids=[f"{file}: {case['description']}" for file, case in CASES]
)
def test_validator_gives_the_case_outcome(file, case):
    outcome = validate_body(case_body(case))
    if case["valid"]:
        assert isinstance(outcome, Signal), outcome
        if "normalized" in case:
            assert outcome.normalized == case["normalized"]
    else:
        assert not isinstance(outcome, Signal), outcome.normalized
        assert outcome.code == case["messageCode"]
        assert outcome.status == error_codes()[case["messageCode"]].status
        assert outcome.pointer == case.get("pointer")  # none where no field is at fault (D-070)


def test_descriptions_are_unique():
    descriptions = [case["description"] for _, case in CASES]
    assert len(descriptions) == len(set(descriptions))


def test_every_code_the_validator_can_give_has_an_invalid_case():
    # A body code with a check (the size limit, content codings) is the gateway's, not the validator's.
    validator_codes = {
        code for code, entry in error_codes().items() if entry.stage in ("schema", "body") and not entry.check
    }
    covered = {case["messageCode"] for _, case in CASES if not case["valid"]}
    assert validator_codes - covered == set()


def test_every_decision_is_cited_by_a_case_or_test():
    decisions = set(
        re.findall(r"^## (D-\d{3})", (data_dir("schema").parent / "DECISIONS.md").read_text(), re.M)
    )
    cases = [case for _, case in CASES] + [case for _, case in planner_cases()]
    cited = {decision for case in cases for decision in case.get("decisions", [])}
    tests_text = " ".join(
        path.read_text() for path in (data_dir("schema").parent / "tests").glob("test_*.py")
    )
    cited |= set(re.findall(r"mark\.decision\(\"(D-\d{3})\"\)", tests_text))
    assert decisions, "DECISIONS.md has no decisions"
    assert decisions - cited == set()


def _document_examples(markdown: str) -> list[object]:
    """Every example of the document: a parsed JSON value, or the raw text of one that does not parse."""
    markdown = re.sub(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", r"```json\n\1```", markdown, flags=re.S)
    examples: list[object] = []
    for block in re.findall(r"```\w*\n(.*?)```", markdown, flags=re.S):
        block = re.sub(r"</?strong>", "", block)
        for part in re.split(r"^//.*$", block, flags=re.M):
            if part.strip():
                try:
                    examples.append(json.loads(part))
                except ValueError:
                    examples.append(part.strip())
    return examples


def test_every_main_document_example_is_a_case():
    examples = _document_examples(main_document())
    payloads = [case["payload"] for _, case in CASES if "payload" in case]
    bodies = [case["body"].strip() for _, case in CASES if "body" in case]
    missing = [
        example for example in examples if example not in (bodies if isinstance(example, str) else payloads)
    ]
    assert len(examples) >= 45
    assert missing == []
