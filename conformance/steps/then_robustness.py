"""Then steps of the robustness scenarios: no 5xx, the documented JSON, for one answer or a probe's many."""

from __future__ import annotations

from collections.abc import Callable

from pytest_bdd import parsers, then

from conformance.client import Exchange
from conformance.contract import response_problems
from conformance.steps.fixtures import not_applicable
from conformance.steps.then import the_signal_is_accepted
from conformance.steps.when_robustness import Probe
from webhook_spec.catalogue import error_codes

MAX_LISTED = 10  # probes named in one failure message
RATE_LIMITED = "rate-limited: lift the limits of the webhooks the kit shares, or give it more"


def _code(exchange: Exchange) -> str | None:
    try:
        document = exchange.json()
    except ValueError:
        return None
    return document.get("messageCode") if isinstance(document, dict) else None


def _failed(probes: list[Probe], problem: Callable[[Probe], str | None]) -> None:
    """Fail with the probes for which `problem(probe)` names a problem, the first MAX_LISTED listed (saying
    first when a probe was rate-limited)."""
    found = [f"{probe.label}: {text}" for probe in probes if (text := problem(probe))]
    limited = any(probe.exchange.status == 429 for probe in probes)
    summary = f"{RATE_LIMITED}; " * limited + f"{len(found)} of {len(probes)} answers are wrong"
    assert not found, f"{summary}; " + "; ".join(found[:MAX_LISTED])


@then(parsers.parse("the signal is accepted, unless the target refuses {coding}"))
def the_signal_is_accepted_unless_its_coding_is_refused(client, coding: str) -> None:
    """The last response is a 200, or 415 unsupported-content-encoding (a gateway need not decode
    `coding`, D-084): then the scenario does not apply. Anything else fails, such as the compressed
    bytes read as JSON."""
    assert client.exchanges, "no request was sent"
    exchange = client.exchanges[-1]
    if (exchange.status, _code(exchange)) == (415, "unsupported-content-encoding"):
        problems = response_problems(exchange)
        assert not problems, f"the response breaks schema/openapi.yaml: {'; '.join(problems)}"
        not_applicable(
            f"the target does not decode {coding} (415 unsupported-content-encoding, as D-084 allows)"
        )
    the_signal_is_accepted(client)


@then("the response is documented JSON, not a server error")
def the_response_is_documented_json(client) -> None:
    """The last response has a status below 500 and conforms to schema/openapi.yaml."""
    assert client.exchanges, "no request was sent"
    problems = response_problems(client.exchanges[-1])
    assert not problems, f"the response breaks schema/openapi.yaml: {'; '.join(problems)}"


@then("every answer is documented JSON, not a server error")
def every_answer_is_documented_json(probes: list[Probe]) -> None:
    """Every response of the latest probing step has a status below 500 and conforms to the OpenAPI."""
    assert probes, "no probe was sent"
    _failed(probes, lambda probe: "; ".join(response_problems(probe.exchange)) or None)


@then(parsers.parse('every answer is {status:d} "{code}"'))
def every_answer_is(probes: list[Probe], status: int, code: str) -> None:
    """Every response of the latest probing step has this status and messageCode."""
    entry = error_codes().get(code)
    assert entry is not None and entry.status == status, f"{status} {code!r} is not in the catalogue"
    assert probes, "no probe was sent"

    def problem(probe: Probe) -> str | None:
        got = (probe.exchange.status, _code(probe.exchange))
        return None if got == (status, code) else f"got {got[0]} {got[1]!r}"

    _failed(probes, problem)


@then("every string JSON forbids is malformed-json")
def every_forbidden_string_is_malformed(probes: list[Probe]) -> None:
    """Every probe whose string JSON forbids (a raw control character, quote, backslash or non-UTF-8
    byte) was answered 400 malformed-json."""

    def problem(probe: Probe) -> str | None:
        if probe.string is None or probe.string.read_as is not None:
            return None
        got = (probe.exchange.status, _code(probe.exchange))
        return (
            None if got == (400, "malformed-json") else f"got {got[0]} {got[1]!r}, not 400 'malformed-json'"
        )

    _failed(probes, problem)


@then(parsers.parse("every string JSON allows is accepted, with {field} echoed as JSON reads it"))
def every_allowed_string_is_echoed(probes: list[Probe], field: str) -> None:
    """Every probe whose string JSON allows was accepted, the payload's `field` (`parent.child`) holding
    the string JSON reads; a lone surrogate's escape may instead be malformed-json (DECISIONS D-069)."""
    parent, _, child = field.partition(".")

    def problem(probe: Probe) -> str | None:
        string, exchange = probe.string, probe.exchange
        if string is None or string.read_as is None:
            return None
        code = _code(exchange)
        if string.lone_surrogate and (exchange.status, code) == (400, "malformed-json"):
            return None
        if exchange.status != 200:
            return f"got {exchange.status} {code!r}, not 200"
        payload = exchange.json().get("payload", {})
        echoed = payload.get(parent, {}).get(child) if child else payload.get(parent)
        return None if echoed == string.read_as else f"echoed as {echoed!r}, not {string.read_as!r}"

    _failed(probes, problem)
