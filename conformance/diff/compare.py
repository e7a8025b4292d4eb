"""Comparing two gateways' answers to one request, and grouping the differences by requirement and by
what each side said, so that many cases with one cause read as one group (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.client import Exchange
from conformance.diff.cases import Case
from conformance.oracle import predict, requirement_for
from webhook_spec.catalogue import error_codes

ACCEPTED = 200


@dataclass(frozen=True)
class Answer:
    """What diff compares of a response: its status, its messageCode and, for a 200, its payload."""

    status: int
    code: str | None = None  # None when the body has no messageCode string
    payload: Any = None  # a 200's payload (None otherwise)
    readable: bool = True  # the body is a JSON object

    def label(self) -> str:
        """The answer in a few words: `200`, `400 invalid-action`, `502 (not JSON)`."""
        if not self.readable:
            return f"{self.status} (not a JSON object)"
        if self.status == ACCEPTED:
            return str(self.status)
        return f"{self.status} {self.code}" if self.code else f"{self.status} (no messageCode)"


def answer_of(exchange: Exchange) -> Answer:
    """The compared parts of an exchange's response."""
    try:
        document = exchange.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return Answer(exchange.status, readable=False)
    code = document.get("messageCode")
    payload = document.get("payload") if exchange.status == ACCEPTED else None
    return Answer(exchange.status, code if isinstance(code, str) else None, payload)


def payload_differences(a: Any, b: Any) -> tuple[str, ...]:
    """The top-level fields in which two payloads differ, sorted; ("payload",) when one is no object."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return () if a == b else ("payload",)
    return tuple(sorted(name for name in a.keys() | b.keys() if a.get(name, a) != b.get(name, b)))


@dataclass(frozen=True)
class Difference:
    """One request the two gateways answered differently."""

    case: Case
    a: Exchange
    b: Exchange
    answers: tuple[Answer, Answer]
    requirement: str  # the requirement of the rule the body tests
    kind: str  # what differs, the same words for every case with the same cause


def _requirement(case: Case, a: Answer, b: Answer, fields: tuple[str, ...]) -> str:
    """The rule the request tests: the one the validation function applies to the body; for a valid body,
    the field whose normalization differs, or the code a side refused it with (B's first)."""
    prediction = predict(case.body)
    if not prediction.accepted:
        return requirement_for(prediction.code, prediction.pointer)
    if fields:
        return requirement_for(None, "" if fields == ("payload",) else f"/{fields[0]}")
    catalogued = [answer.code for answer in (b, a) if answer.code in error_codes()]
    return requirement_for(catalogued[0] if catalogued else None)


def difference(case: Case, a: Exchange, b: Exchange) -> Difference | None:
    """How the answers to `case` differ (status, messageCode, a 200's payload), or None if they agree."""
    answer_a, answer_b = answer_of(a), answer_of(b)
    fields: tuple[str, ...] = ()
    if answer_a.label() != answer_b.label():
        kind = f"A said {answer_a.label()} where B said {answer_b.label()}"
    elif answer_a.code != answer_b.code:
        kind = f"A said messageCode {answer_a.code} where B said {answer_b.code}"
    elif answer_a.status == ACCEPTED and (fields := payload_differences(answer_a.payload, answer_b.payload)):
        kind = f"A's payload differs from B's in {', '.join(fields)}"
    else:
        return None
    requirement = _requirement(case, answer_a, answer_b, fields)
    return Difference(case, a, b, (answer_a, answer_b), requirement, kind)


@dataclass
class Group:
    """The differences with one requirement and one kind: one cause, one line."""

    requirement: str
    kind: str
    differences: list[Difference] = field(default_factory=list)


def grouped(differences: list[Difference]) -> list[Group]:
    """The differences by (requirement, kind), the largest group first, then by requirement id."""
    groups: dict[tuple[str, str], Group] = {}
    for found in differences:
        key = (found.requirement, found.kind)
        groups.setdefault(key, Group(*key)).differences.append(found)
    return sorted(groups.values(), key=lambda group: (-len(group.differences), group.requirement, group.kind))
