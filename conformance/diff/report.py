"""What diff prints and writes: the differences grouped by requirement and answers, each group with a
count and one example (both answers, a curl command for each side); the JSON report with every one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.client import Exchange, body_text
from conformance.diff.cases import DOCUMENT, GENERATED, Case
from conformance.diff.compare import Difference, Group
from conformance.redaction import Redactor
from conformance.reports.console import cut
from conformance.reports.curl import reproduction
from webhook_spec.requirements import requirements

TEXT = 200  # characters of a body on the console
OTHER_NAMES = 3  # cases of a group named beside its example


@dataclass(frozen=True)
class Side:
    """One of the two gateways: its webhook URL (password redacted) and what it is."""

    url: str
    description: str = ""

    def shown(self) -> str:
        """The side as the console names it."""
        return f"{self.description} at {self.url}" if self.description else self.url


@dataclass(frozen=True)
class Outcome:
    """A whole diff: the two sides, the requests sent and how they compared."""

    a: Side
    b: Side
    cases: list[Case]
    repeated: int  # cases left out because their body was sent already
    seed: int
    groups: list[Group]

    @property
    def differences(self) -> int:
        """How many requests were answered differently."""
        return sum(len(group.differences) for group in self.groups)


def _origins(cases: list[Case]) -> str:
    document = sum(1 for case in cases if case.origin == DOCUMENT)
    generated = sum(1 for case in cases if case.origin == GENERATED)
    corpus = len(cases) - document - generated
    return (
        f"{corpus + document} corpus cases ({document} of them the main document's examples) and "
        f"{generated} generated signals"
    )


def _body_text(body: bytes) -> str:
    text = body_text(body)
    return text if isinstance(text, str) else f"(binary, {len(body)} bytes: base64 in the JSON report)"


def _response(exchange: Exchange) -> str:
    return cut(f"{exchange.status} {_body_text(exchange.response_body)}", TEXT)


def _group_lines(group: Group, redactor: Redactor) -> list[str]:
    requirement = requirements().get(group.requirement, {})
    level = requirement.get("level", "")
    count = len(group.differences)
    example = group.differences[0]
    lines = [
        f"DIFF  {group.requirement or '(no requirement)':<18} {level:6} {group.kind}: "
        f"{count} {'case' if count == 1 else 'cases'}",
        f"      {cut(requirement.get('statement', ''), TEXT)}",
        f"      e.g. {cut(example.case.name, TEXT)}",
        f"      sent:   {cut(_body_text(example.case.body), TEXT)}",
        f"      A:      {_response(example.a)}",
        f"      B:      {_response(example.b)}",
        f"      curl A: {reproduction(example.a, redactor)}",
        f"      curl B: {reproduction(example.b, redactor)}",
    ]
    others = [found.case.name for found in group.differences[1:]]
    if others:
        more = f" (and {len(others) - OTHER_NAMES} more)" if len(others) > OTHER_NAMES else ""
        names = "; ".join(cut(name, 60) for name in others[:OTHER_NAMES])
        lines.append(f"      also:   {names}{more}")
    return lines


def console_text(outcome: Outcome, redactor: Redactor) -> str:
    """The diff for the console: what was compared, each group of differences, the verdict."""
    repeated = f"; {outcome.repeated} cases left out, their body sent already" if outcome.repeated else ""
    lines = [
        f"A: {outcome.a.shown()}",
        f"B: {outcome.b.shown()}",
        f"Sent each {len(outcome.cases)} requests: {_origins(outcome.cases)} "
        f"(seed {outcome.seed}){repeated}.",
        "",
    ]
    if outcome.groups:
        lines.append("Differences, by requirement and answers ($PASSWORD is the webhook's password):")
        for group in outcome.groups:
            lines += _group_lines(group, redactor)
        lines += [
            "",
            f"A and B differ: {outcome.differences} of {len(outcome.cases)} requests, "
            f"in {len(outcome.groups)} {'group' if len(outcome.groups) == 1 else 'groups'}.",
        ]
    else:
        lines.append(f"A and B agree on all {len(outcome.cases)} requests.")
    return redactor.text("\n".join(lines))


def _difference_data(found: Difference, redactor: Redactor) -> dict[str, Any]:
    sides = {}
    for name, exchange, answer in (("a", found.a, found.answers[0]), ("b", found.b, found.answers[1])):
        sides[name] = {
            "status": answer.status,
            "messageCode": answer.code,
            "payload": answer.payload,
            "response": exchange.report()["response"],
            "curl": reproduction(exchange, redactor),
        }
    return {
        "case": found.case.name,
        "origin": found.case.origin,
        "contentType": found.case.content_type,
        "body": body_text(found.case.body),
        **sides,
    }


def report_data(outcome: Outcome, redactor: Redactor) -> dict[str, Any]:
    """The diff as JSON-ready data, every difference in full, passwords redacted."""
    groups = []
    for group in outcome.groups:
        requirement = requirements().get(group.requirement, {})
        groups.append(
            {
                "requirement": group.requirement,
                "level": requirement.get("level"),
                "statement": requirement.get("statement"),
                "difference": group.kind,
                "count": len(group.differences),
                "cases": [_difference_data(found, redactor) for found in group.differences],
            }
        )
    data = {
        "a": {"url": outcome.a.url, "description": outcome.a.description},
        "b": {"url": outcome.b.url, "description": outcome.b.description},
        "seed": outcome.seed,
        "requests": len(outcome.cases),
        "repeated": outcome.repeated,
        "agree": not outcome.groups,
        "differences": outcome.differences,
        "groups": groups,
    }
    return redactor.data(data)
