"""In-process cost of validate_body against json.loads alone, on every main-document example."""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from webhook_spec import Signal, validate_body
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
