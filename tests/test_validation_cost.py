"""No body up to the size limit can make validate_body crash or hang (D-051, D-052).

Timings are not asserted here: `python -m bench --only validation` and `python -m bench.abuse`
print them. These tests hold the outcomes, and hold the shortcuts that keep the cost down to the
plain forms they replace.
"""

import gc
import json
import math
import re
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.validation_cost import SIGNAL, WorstBody, outcome_of, worst_bodies
from reference_server.config import BODY_LIMIT_BYTES
from webhook_spec.catalogue import error_code
from webhook_spec.corpus import corpus_cases
from webhook_spec.parsing import MAX_DEPTH, BodyError, parse_body
from webhook_spec.signal_schema import signal_schema, signal_validator
from webhook_spec.validation import checked_part, code_for_schema_path, validate_document

# The positiveNumber pattern before D-052: an ambiguous `[0-9]*[1-9][0-9]*` made it cubic.
OLD_POSITIVE_NUMBER = r"^0*([1-9][0-9]*(\.[0-9]+)?|\.[0-9]*[1-9][0-9]*)$"
# Keywords whose rules never look at unknown members or at array items (what checked_part drops).
PRUNABLE_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "title", "description", "examples", "type", "properties",
    "additionalProperties", "required", "dependentRequired", "allOf", "anyOf", "oneOf", "not", "if",
    "then", "enum", "const", "pattern", "format", "minLength", "maxLength", "minimum",
    "exclusiveMinimum",
}  # fmt: skip


@pytest.mark.decision("D-052")
@pytest.mark.parametrize("worst", worst_bodies(), ids=lambda worst: worst.name)
def test_worst_body_gets_its_outcome(worst: WorstBody):
    assert len(worst.body) <= BODY_LIMIT_BYTES
    assert outcome_of(worst.body) == worst.outcome


class Nesting(NamedTuple):
    """Bodies that nest `opening`s (and `closing`s) around `innermost`, between `head` and `tail`."""

    name: str
    head: bytes
    opening: bytes
    innermost: bytes
    closing: bytes
    tail: bytes
    around: int  # levels of nesting that head and tail add
    within: str  # the outcome while the depth is within MAX_DEPTH

    def wrong_outcomes(self, deepest: int) -> list[tuple[int, str, str]]:
        """(count, outcome, expected) of each nesting of 1 to `deepest` openings with the wrong outcome."""
        openings, closings = self.opening * deepest, self.closing * deepest
        wrong = []
        gc.disable()  # millions of short-lived lists: full collections would take most of the time
        try:
            for count in range(1, deepest + 1):
                inner = (
                    openings[: count * len(self.opening)]
                    + self.innermost
                    + closings[: count * len(self.closing)]
                )
                expected = self.within if self.around + count <= MAX_DEPTH else "malformed-json"
                if (outcome := outcome_of(self.head + inner + self.tail)) != expected:
                    wrong.append((count, outcome, expected))
        finally:
            gc.enable()
        return wrong


NESTINGS = [
    Nesting("arrays", b"", b"[", b"", b"]", b"", 0, "invalid-payload"),
    Nesting("objects", b"", b'{"a": ', b"1", b"}", b"", 0, "invalid-payload"),
    Nesting("objects in extras", SIGNAL + b'"extras": ', b'{"a": ', b"1", b"}", b"}", 1, "valid"),
    Nesting("arrays in extras", SIGNAL + b'"extras": {"a": ', b"[", b"", b"]", b"}}", 2, "valid"),
]
# Checked up to 3000 levels only: past the interpreter's recursion limit every depth takes one path.
SHALLOWER_NESTINGS = [
    Nesting("arrays in an unknown field", SIGNAL + b'"x": ', b"[", b"", b"]", b"}", 1, "valid"),
    Nesting("arrays in quantity", SIGNAL + b'"quantity": ', b"[", b"", b"]", b"}", 1, "invalid-quantity"),
    Nesting(
        "objects in takeProfit",
        SIGNAL + b'"takeProfit": {"percent": 1, "x": ',
        b'{"a": ',
        b"1",
        b"}",
        b"}}",
        2,
        "valid",
    ),
]


@pytest.mark.decision("D-051")
@pytest.mark.parametrize("nesting", NESTINGS, ids=lambda nesting: nesting.name)
def test_nesting_at_every_depth_that_fits_is_answered(nesting: Nesting):
    room = BODY_LIMIT_BYTES - len(nesting.head) - len(nesting.innermost) - len(nesting.tail)
    deepest = room // (len(nesting.opening) + len(nesting.closing))
    assert deepest > 9000  # far past the interpreter's recursion limit
    assert nesting.wrong_outcomes(deepest)[:5] == []


@pytest.mark.decision("D-051")
@pytest.mark.parametrize("nesting", SHALLOWER_NESTINGS, ids=lambda nesting: nesting.name)
def test_nesting_in_fields_is_answered(nesting: Nesting):
    assert nesting.wrong_outcomes(3000)[:5] == []


def _pattern_paths(node: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, pattern) of every `pattern` keyword in the schema."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            found.append((path, node["pattern"]))
        for key, child in node.items():
            found += _pattern_paths(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _pattern_paths(child, (*path, index))
    return found


def _at(path: tuple) -> Any:
    node: Any = signal_schema()
    for key in path:
        node = node[key]
    return node


@pytest.mark.decision("D-052")
def test_every_pattern_is_anchored_or_checked_within_a_length_limit():
    patterns = _pattern_paths(signal_schema())
    assert len(patterns) >= 10
    for path, pattern in patterns:
        anchored = pattern.startswith("^") and pattern.endswith("$")
        one_character = re.fullmatch(r"\\[A-Za-z]|\[[^\]]*\]", pattern) is not None
        gates = [
            _at(path[:index])["if"]
            for index, key in enumerate(path)
            if key == "then" and set(_at(path[:index])["if"]) == {"maxLength"}
        ]
        assert anchored or one_character or gates, (path, pattern)


@pytest.mark.decision("D-052")
@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="0123456789.x", max_size=24))
def test_the_linear_positive_number_pattern_accepts_what_the_old_one_did(text: str):
    new = signal_schema()["$defs"]["positiveNumber"]["anyOf"][1]["pattern"]
    assert bool(re.search(new, text)) == bool(re.search(OLD_POSITIVE_NUMBER, text))


def _keywords(node: Any) -> set[str]:
    """Every keyword used in `node` and its subschemas, extensions (x-) left out."""
    if not isinstance(node, dict):
        return set()
    found = {key for key in node if not key.startswith("x-")}
    children = [node[key] for key in ("not", "if", "then") if key in node]
    children += [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]
    children += [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
    return found.union(*map(_keywords, children))


def _named_members(node: Any) -> set[str]:
    """Member names that rules under `node` (the object's own rules) require or look at."""
    if isinstance(node, list):
        return set().union(*map(_named_members, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    names = set(node.get("required", [])) | set(node.get("properties", {}))
    for wanted, needed in node.get("dependentRequired", {}).items():
        names |= {wanted, *needed}
    for key in ("allOf", "anyOf", "oneOf", "not", "if", "then"):
        names |= _named_members(node.get(key, []))
    return names


@pytest.mark.decision("D-052")
def test_the_schema_only_has_rules_that_ignore_what_checked_part_drops():
    schema = signal_schema()
    assert _keywords(schema) <= PRUNABLE_KEYWORDS, _keywords(schema) - PRUNABLE_KEYWORDS
    assert "additionalProperties" not in json.dumps(schema).replace('"additionalProperties": true', "")
    for node in (schema, schema["$defs"]["takeProfit"], schema["$defs"]["stopLoss"]):
        assert _named_members(node) <= set(node["properties"]), _named_members(node) - set(node["properties"])
    for text in re.findall(r'"(?:enum|const)": (\[[^\]]*\]|"[^"]*")', json.dumps(schema)):
        values = json.loads(text) if text.startswith("[") else [json.loads(text)]
        assert all(isinstance(value, str) for value in values), text


def _errors(document: Any) -> set[tuple[str, str]]:
    """(code, pointer) of every error the full validator finds, as validation.py names them."""
    found = set()
    for error in signal_validator().iter_errors(document):
        tokens = list(error.absolute_path)
        if error.validator in ("required", "dependentRequired") and isinstance(error.instance, dict):
            wanted = error.validator_value
            if error.validator == "dependentRequired":
                wanted = [name for names in wanted.values() for name in names]
            tokens += [name for name in wanted if name not in error.instance][:1]
        found.add((code_for_schema_path(tuple(error.absolute_schema_path)), "/".join(map(str, tokens))))
    return found


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)
PAYLOADS = [case["payload"] for _, case in corpus_cases() if isinstance(case.get("payload"), dict)]
FIELDS = list(signal_schema()["properties"])
LEGS = ["percent", "amount", "limitPrice", "price", "stopPrice", "type", "trailAmount", "x"]


@st.composite
def documents(draw) -> dict:
    """A corpus payload with some members replaced or added: junk, arrays, objects, legs."""
    document = dict(draw(st.sampled_from(PAYLOADS)))
    for name in draw(st.lists(st.sampled_from([*FIELDS, "unknown"]), max_size=4)):
        document[name] = draw(
            JUNK | st.lists(JUNK, max_size=3) | st.dictionaries(st.sampled_from(LEGS), JUNK)
        )
    return document


@pytest.mark.decision("D-052")
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_the_checked_part_has_the_errors_of_the_whole_document(document: dict):
    assert _errors(checked_part(document, signal_schema())) == _errors(document)


def test_the_checked_part_of_a_corpus_payload_gets_its_outcome():
    for _, case in corpus_cases():
        if isinstance(case.get("payload"), dict):
            outcome = validate_document(case["payload"])
            assert getattr(outcome, "code", "valid") == (case.get("messageCode") or "valid")


# A plain strict parse to hold parse_body to: json.loads with a hook for every object and number,
# then a recursive depth count (D-003, D-051). Slow on big bodies, which is why parse_body is not it.
def _strict_pairs(pairs: list) -> dict:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("a repeated key")
    return document


def _strict_number(text: str) -> float | int:
    if any(mark in text for mark in ".eE"):
        value: float | int = float(text)
        beyond = math.isinf(value)
    else:
        value = int(text)
        beyond = abs(value) > 1.7976931348623157e308
    if beyond:
        raise ValueError("beyond the double range")
    return value


def _depth(value: Any) -> int:
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
    return 0 if children is None else 1 + max(map(_depth, children), default=0)


def _strictly_parsed(text: str) -> bool:
    def reject(name: str) -> None:
        raise ValueError(name)

    try:
        document = json.loads(
            text,
            object_pairs_hook=_strict_pairs,
            parse_int=_strict_number,
            parse_float=_strict_number,
            parse_constant=reject,
        )
    except ValueError:
        return False
    return _depth(document) <= MAX_DEPTH


LONG = "0" * 308
SCALARS = st.sampled_from(
    [
        *["1", "-0", "2.5", "1e2", "1e400", "-1e400", "1e308", "1e-999", "1E+0400", "NaN", "true", "null"],
        *[f"1{LONG}", f"2{LONG}", f"-2{LONG}", f"0.2{LONG}", f"1e-2{LONG}", f"2{LONG}.5", "9" * 4301],
        *['"a:b"', '":"', f'"2{LONG}"', '"\\":"', '""', '"\\\\"'],
    ]
)
KEYS = st.sampled_from(['"a"', '"b"', '"a:"', '"\\u0061"', '"\\u003a"', '":"'])
JSON_TEXTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
        | st.lists(st.tuples(KEYS, inner), max_size=4).map(
            lambda members: "{" + ", ".join(f"{key}: {value}" for key, value in members) + "}"
        )
    ),
    max_leaves=12,
)


@pytest.mark.decision("D-051")
@settings(max_examples=600, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(JSON_TEXTS, st.integers(min_value=0, max_value=70))
def test_parse_body_accepts_what_the_plain_strict_parse_accepts(text: str, wrapping: int):
    text = "[" * wrapping + text + "]" * wrapping
    try:
        parse_body(text.encode())
    except BodyError as error:
        assert error.code == "malformed-json"
        accepted = False
    else:
        accepted = True
    assert accepted == _strictly_parsed(text), text[:200]


@settings(max_examples=300, deadline=None, database=None)
@given(st.binary(max_size=64) | st.text(alphabet='[]{}":,0123456789.eE-+ \\nu', max_size=64).map(str.encode))
def test_parse_body_raises_only_body_errors(raw: bytes):
    try:
        parse_body(raw)
    except BodyError as error:
        assert error_code(error.code).status == 400
