"""In-process cost of validate_body: on every main-document example, and on worst-case bodies."""

from __future__ import annotations

import json
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from reference_server.config import BODY_LIMIT_BYTES
from webhook_spec import Signal, validate_body
from webhook_spec.parsing import MAX_DEPTH
from webhook_spec.paths import data_dir

CALIBRATION_CALLS = 20


@dataclass(frozen=True)
class ValidationTiming:
    """One example: its size, whether it is valid, and µs per call of each function."""

    description: str
    size: int
    valid: bool
    validate_us: float
    loads_us: float

    @property
    def ratio(self) -> float:
        """How many json.loads calls one validate_body call costs."""
        return self.validate_us / self.loads_us


def document_examples() -> list[tuple[str, bytes]]:
    """(description, body bytes) of every main-document example that has a payload."""
    path = data_dir("schema") / "corpus" / "document-examples.json"
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [
        (case["description"], json.dumps(case["payload"]).encode()) for case in cases if "payload" in case
    ]


def per_call_us(function: Callable[[], object], seconds_per_repeat: float, repeat: int) -> float:
    """The best of `repeat` timeit runs of about `seconds_per_repeat` each, in µs per call."""
    timer = timeit.Timer(function)
    rough = timer.timeit(CALIBRATION_CALLS) / CALIBRATION_CALLS
    number = max(1, int(seconds_per_repeat / max(rough, 1e-9)))
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def time_example(description: str, body: bytes, seconds: float, repeat: int) -> ValidationTiming:
    """Time validate_body and json.loads on one body."""
    return ValidationTiming(
        description=description,
        size=len(body),
        valid=isinstance(validate_body(body), Signal),  # also warms the validator's caches
        validate_us=per_call_us(partial(validate_body, body), seconds, repeat),
        loads_us=per_call_us(partial(json.loads, body), seconds, repeat),
    )


def validation_costs(seconds: float = 0.02, repeat: int = 5) -> list[ValidationTiming]:
    """Time every main-document example."""
    return [time_example(description, body, seconds, repeat) for description, body in document_examples()]


# Worst-case bodies (issue 10): for each pattern, format and parsing path, the body up to the size
# limit that costs validate_body the most, and the outcome it must get (a catalogued code or "valid").

SIGNAL = b'{"ticker": "AMD", "action": "buy", '


@dataclass(frozen=True)
class WorstBody:
    """A body built to cost validate_body the most on one path, and the outcome it gets."""

    name: str
    outcome: str
    body: bytes


@dataclass(frozen=True)
class WorstBodyTiming:
    """The CPU time validate_body spent on a worst-case body, and the outcome it gave."""

    name: str
    size: int
    expected: str
    outcome: str
    cpu_ms: float


def fill(head: bytes, unit: bytes, tail: bytes) -> bytes:
    """head, as many `unit`s as fit in the body size limit, tail."""
    return head + unit * ((BODY_LIMIT_BYTES - len(head) - len(tail)) // len(unit)) + tail


def _member(head: bytes, unit: bytes, tail: bytes) -> bytes:
    """A buy signal for AMD with one more member: head, as many `unit`s as fit, tail."""
    return fill(SIGNAL + head, unit, tail + b"}")


def _nested(opening: bytes, closing: bytes, head: bytes = b"", tail: bytes = b"") -> bytes:
    """head, as many `opening`s as fit, as many `closing`s, tail."""
    count = (BODY_LIMIT_BYTES - len(head) - len(tail)) // (len(opening) + len(closing))
    return head + opening * count + closing * count + tail


def _chains(depth: int) -> bytes:
    """A signal whose extras hold arrays that reach `depth` levels of nesting, as many as fit."""
    chain = b"[" * (depth - 3) + b"]" * (depth - 3)  # inside the signal, extras and "a"
    return _member(b'"extras": {"a": [', chain + b",", chain + b"]}")


def _every_field_wrong(length: int = 1536) -> bytes:
    """A signal whose every other field is the same wrong text of `length` characters."""
    text = json.dumps("<a" * (length // 2))
    names = ["signalPrice", "price", "quantity", "time", "interval", "delay", "message", "expiresAt"]
    names += ["sentiment", "orderType", "quantityType", "timeInForce", "extendedHours", "extras"]
    names += ["optionType", "intrinsicValue", "expiration", "strikeCount", "strikesAway", "strikePrice"]
    fields = ", ".join(f'"{name}": {text}' for name in names)
    legs = ", ".join(f'"{name}": {text}' for name in ["percent", "amount", "limitPrice", "price"])
    return SIGNAL + f'{fields}, "takeProfit": {{{legs}}}, "stopLoss": {{"type": {text}, {legs}}}}}'.encode()


def _unknown_fields(head: bytes, tail: bytes) -> bytes:
    """head, then members "0": 0, "1": 0 and so on, as many as fit, then tail."""
    members, size, number = [], len(head) + len(tail), 0
    while size + len(member := b'"%d": 0, ' % number) <= BODY_LIMIT_BYTES:
        members.append(member)
        size, number = size + len(member), number + 1
    return head + b"".join(members) + tail


def _tags(count: int, tail: bytes) -> bytes:
    return SIGNAL + b'"message": "' + b"<a" * count + tail + b'"}'


_DEEP = f"{MAX_DEPTH} deep (the limit)"
_WORST_BODIES = (
    # each pattern and format of the schema, on the string that costs it the most
    (
        "message: tag pattern, past the length limit",
        "invalid-message-length",
        _member(b'"message": "', b"<a", b'"'),
    ),
    ("message: tag pattern, within the length limit", "valid", _tags(127, b"")),
    ("message: a tag closed after 250 characters", "invalid-message-tags", _tags(126, b">")),
    ("ticker: \\S on white space", "empty-ticker-name", fill(b'{"action": "buy", "ticker": "', b" ", b'"}')),
    ("ticker: a symbol as long as fits", "valid", fill(b'{"action": "buy", "ticker": "', b"A", b'"}')),
    (
        "quantity (positive number): '.', digits, x",
        "invalid-quantity",
        _member(b'"quantity": ".', b"1", b'x"'),
    ),
    ("quantity (positive number): zeros, x", "invalid-quantity", _member(b'"quantity": "', b"0", b'x"')),
    (
        "quantity (positive number): 1., digits, x",
        "invalid-quantity",
        _member(b'"quantity": "1.', b"1", b'x"'),
    ),
    ("delay (non-negative number): 1., digits, x", "invalid-payload", _member(b'"delay": "1.', b"1", b'x"')),
    (
        "strikeCount (positive integer): zeros, 1",
        "invalid-strike-count",
        _member(b'"strikeCount": "', b"0", b'1"'),
    ),
    (
        "strikesAway (non-negative integer): digits",
        "invalid-strikes-away",
        _member(b'"strikesAway": "', b"1", b'"'),
    ),
    (
        "time (date-time): fraction digits, x",
        "invalid-payload",
        _member(b'"time": "2025-06-18T14:30:00.', b"1", b'x"'),
    ),
    ("time (date-time): fraction digits, Z", "valid", _member(b'"time": "2025-06-18T14:30:00.', b"1", b'Z"')),
    ("expiresAt (relative): +, digits", "invalid-expires-at", _member(b'"expiresAt": "+', b"1", b'"')),
    (
        "expiresAt (date-time): fraction digits, x",
        "invalid-expires-at",
        _member(b'"expiresAt": "2025-06-18T14:30:00.', b"1", b'x"'),
    ),
    ("expiration (relative): +, digits", "invalid-expiration", _member(b'"expiration": "+', b"1", b'"')),
    (
        "expiration (date): a date, digits",
        "invalid-expiration",
        _member(b'"expiration": "2024-05-10', b"1", b'"'),
    ),
    ("interval: text as long as fits", "invalid-payload", _member(b'"interval": "', b"1", b'"')),
    (
        "takeProfit.percent: '.', digits, x",
        "invalid-take-profit-percent",
        _member(b'"takeProfit": {"percent": ".', b"1", b'x"}'),
    ),
    (
        "stopLoss.percent: '.', digits, x",
        "invalid-stop-loss-percent",
        _member(b'"stopLoss": {"percent": ".', b"1", b'x"}'),
    ),
    # values of the wrong kind, many errors, many members
    ("every field wrong (many errors)", "invalid-payload", _every_field_wrong()),
    (
        "ticker: an array of integers",
        "invalid-payload",
        fill(b'{"action": "buy", "ticker": [', b"1,", b"1]}"),
    ),
    ("quantity: an array of empty objects", "invalid-quantity", _member(b'"quantity": [', b"{},", b"{}]")),
    (
        "takeProfit.percent: an array of integers",
        "invalid-take-profit-percent",
        _member(b'"takeProfit": {"percent": [', b"1,", b"1]}"),
    ),
    (
        "takeProfit: unknown fields",
        "invalid-take-profit-value-required",
        _unknown_fields(SIGNAL + b'"takeProfit": {', b'"x": 0}}'),
    ),
    ("a top-level array of integers", "invalid-payload", fill(b"[", b"1,", b"1]")),
    ("a top-level array of empty objects", "invalid-payload", fill(b"[", b"{},", b"{}]")),
    ("unknown fields, as many as fit", "valid", _unknown_fields(SIGNAL, b'"x": 0}')),
    ("extras: integers", "valid", _member(b'"extras": {"a": [', b"1,", b"1]}")),
    ("extras: floats", "valid", _member(b'"extras": {"a": [', b"1.5,", b"1]}")),
    ("extras: empty objects", "valid", _member(b'"extras": {"a": [', b"{},", b"{}]}")),
    ("extras: empty arrays", "valid", _member(b'"extras": {"a": [', b"[],", b"[]]}")),
    ("extras: string escapes", "valid", _member(b'"extras": {"a": "', b"\\u00e9", b'"}')),
    # numbers
    (
        "an integer of 4300 digits (int()'s limit)",
        "malformed-json",
        SIGNAL + b'"extras": ' + b"9" * 4300 + b"}",
    ),
    ("an integer of as many digits as fit", "malformed-json", _member(b'"extras": ', b"9", b"")),
    ("integers of 308 digits", "valid", _member(b'"extras": {"a": [', b"9" * 308 + b",", b"1]}")),
    ("a fraction of as many digits as fit", "valid", _member(b'"extras": {"a": 0.', b"1", b"}")),
    ("1e400 after as many integers as fit", "malformed-json", _member(b'"extras": [', b"1,", b"1e400]")),
    # repeated keys: the string literals are looked at when a ':' or 309 digits are in one
    (
        "strings, one with ':' and 309 digits",
        "valid",
        _member(b'"extras": {"a:": "' + b"9" * 309 + b'", "b": [', b'"",', b'""]}'),
    ),
    (
        "a key repeated after many strings",
        "malformed-json",
        _member(b'"extras": {"a": ":", "b": [', b'"",', b'""], "a": 1}'),
    ),
    # nesting (D-051)
    (f"extras: arrays nested {_DEEP}", "valid", _chains(MAX_DEPTH)),
    (f"extras: arrays nested {MAX_DEPTH + 1} deep", "malformed-json", _chains(MAX_DEPTH + 1)),
    ("arrays nested as deep as fits", "malformed-json", _nested(b"[", b"]")),
    ("objects nested as deep as fits", "malformed-json", _nested(b'{"a": ', b"}")),
    (
        "extras: objects nested as deep as fits",
        "malformed-json",
        _nested(b'{"a": ', b"}", SIGNAL + b'"extras": ', b"}"),
    ),
    # parsing
    ("white space as long as fits", "empty-json", b" " * BODY_LIMIT_BYTES),
    ("a syntax error at the end", "malformed-json", _member(b'"extras": [', b"1,", b"1,]")),
    ("bytes that are not UTF-8 at the end", "malformed-json", _member(b'"extras": "', b"x", b'\xff"')),
)


def worst_bodies() -> list[WorstBody]:
    """Every worst-case body: each pattern and format of the schema, then structure, numbers, parsing."""
    return [WorstBody(*row) for row in _WORST_BODIES]


def outcome_of(body: bytes) -> str:
    """What validate_body gives `body`: "valid", the error code, or the exception it raised."""
    try:
        result = validate_body(body)
    except Exception as error:  # the bench reports a crash instead of stopping on it
        return f"raised {type(error).__name__}"
    return "valid" if isinstance(result, Signal) else result.code


def cpu_ms(body: bytes, repeat: int) -> float:
    """The least thread CPU time of `repeat` validate_body calls on `body`, in ms."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        outcome_of(body)
        best = min(best, time.thread_time() - start)
    return best * 1e3


def worst_body_costs(repeat: int = 7) -> list[WorstBodyTiming]:
    """Time validate_body on every worst-case body."""
    return [
        WorstBodyTiming(
            worst.name, len(worst.body), worst.outcome, outcome_of(worst.body), cpu_ms(worst.body, repeat)
        )
        for worst in worst_bodies()
    ]
