"""Property-based checks: signals generated from schema/openapi.yaml by schemathesis, sent to the target."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from conformance.client import Exchange
from conformance.contract import response_problems
from conformance.generation import serialized, signal_strategy, with_accepted_ticker
from conformance.pool import WebhookPools
from webhook_spec.catalogue import error_codes

PROPERTY_CASES_KEY = pytest.StashKey[int]()
PROPERTY_SECONDS_KEY = pytest.StashKey[float]()
DEFAULT_PROPERTY_SECONDS = 60.0


def _settings(pytestconfig) -> settings:
    return settings(
        max_examples=pytestconfig.stash[PROPERTY_CASES_KEY],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


class TimeUp(BaseException):
    """A property check's time is up. Not an Exception: Hypothesis lets it through instead of shrinking it."""


class TimeBound:
    """A property check's time, shrinking included: past it (and after one case at least) the check ends,
    passing if no case failed, else failing with the latest (the most shrunk) failing case's message."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ends = clock() + seconds
        self.seconds = seconds
        self.cases = 0
        self.clock = clock
        self.failure: Exception | None = None

    @contextmanager
    def case(self) -> Iterator[None]:
        """Around one case: stop the check if time is up; keep the case's failure."""
        if self.cases and self.clock() >= self.ends:
            raise TimeUp
        self.cases += 1
        try:
            yield
        except Exception as failure:
            self.failure = failure
            raise

    def run(self, check: Callable[[], None]) -> None:
        """Run a Hypothesis test whose cases are in `case()`, ending it when time is up."""
        try:
            check()
        except TimeUp:
            if self.failure is not None:
                shown = self.failure if isinstance(self.failure, AssertionError) else repr(self.failure)
                raise AssertionError(
                    f"{shown} (shrinking stopped after {self.seconds:g} s: --property-seconds)"
                ) from None


def _time_bound(pytestconfig) -> TimeBound:
    return TimeBound(pytestconfig.stash.get(PROPERTY_SECONDS_KEY, DEFAULT_PROPERTY_SECONDS))


def _send(client, webhook_pools: WebhookPools, case) -> Exchange:
    """Send `case` to the next stocks webhook with quota to spare, and check the response's shape."""
    body, headers = serialized(case)
    exchange = client.send("POST", webhook_pools.take("stocks", reserve=1).path, body, headers)
    problems = response_problems(exchange)
    assert not problems, f"the response breaks schema/openapi.yaml: {'; '.join(problems)}"
    assert exchange.status != 429, (
        "rate-limited: lift the limits of the webhooks the kit shares, or give it more"
    )
    return exchange


@pytest.mark.requirement("REQ-RESPONSE-02")
@pytest.mark.requirement("REQ-RESPONSE-08")
def test_generated_invalid_signals_are_rejected_with_a_catalogued_code(
    pytestconfig, client, webhook_pools, webhook
):
    """Bodies that break the signal schema get 400 and a 400 code of the catalogue; never a 5xx."""
    codes = {code for code, entry in error_codes().items() if entry.status == 400}
    bound = _time_bound(pytestconfig)

    @_settings(pytestconfig)
    @given(case=signal_strategy(GenerationMode.NEGATIVE, webhook.uuid))
    def check(case) -> None:
        with bound.case():
            exchange = _send(client, webhook_pools, case)
            code = exchange.json().get("messageCode")
            assert exchange.status == 400 and code in codes, (
                f"got {exchange.status} {code!r} for an invalid signal"
            )

    bound.run(check)


@pytest.mark.requirement("REQ-RESPONSE-01")
@pytest.mark.requirement("REQ-RESPONSE-08")
def test_generated_valid_signals_for_an_existing_ticker_are_accepted(
    pytestconfig, client, webhook_pools, webhook
):
    """Bodies that satisfy the signal schema, with a ticker the gateway knows, get a 200; never a 5xx."""
    bound = _time_bound(pytestconfig)

    @_settings(pytestconfig)
    @given(case=signal_strategy(GenerationMode.POSITIVE, webhook.uuid))
    def check(case) -> None:
        with bound.case():
            with_accepted_ticker(case)
            exchange = _send(client, webhook_pools, case)
            assert exchange.status == 200, (
                f"got {exchange.status} {exchange.response_body[:200]!r} for a valid signal"
            )

    bound.run(check)
