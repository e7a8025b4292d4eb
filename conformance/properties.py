"""Property-based checks: signals generated from schema/openapi.yaml by schemathesis, sent to the target."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from conformance.client import Exchange
from conformance.contract import response_problems
from conformance.generation import serialized, signal_strategy, with_accepted_ticker
from conformance.pool import WebhookPools
from webhook_spec.catalogue import error_codes

if TYPE_CHECKING:
    from conformance.property_lane import PropertyLane

PROPERTY_CASES_KEY = pytest.StashKey[int]()
PROPERTY_SECONDS_KEY = pytest.StashKey[float]()
# Set when the checks run alongside the scenarios (conformance.property_lane).
PROPERTY_LANE_KEY: pytest.StashKey[PropertyLane] = pytest.StashKey()
DEFAULT_PROPERTY_SECONDS = 60.0


class PropertyCheck(Protocol):
    """A property check: `cases` generated bodies sent with `client` to `webhook`, within `seconds`."""

    __name__: str

    def __call__(self, client, webhook_pools: WebhookPools, webhook, cases: int, seconds: float) -> None: ...


def _settings(cases: int) -> settings:
    return settings(
        max_examples=cases,
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


def invalid_signals_are_rejected(client, webhook_pools: WebhookPools, webhook, cases: int, seconds: float):
    """Bodies that break the signal schema get 400 and a 400 code of the catalogue; never a 5xx."""
    codes = {code for code, entry in error_codes().items() if entry.status == 400}
    bound = TimeBound(seconds)

    @_settings(cases)
    @given(case=signal_strategy(GenerationMode.NEGATIVE, webhook.uuid))
    def check(case) -> None:
        with bound.case():
            exchange = _send(client, webhook_pools, case)
            code = exchange.json().get("messageCode")
            assert exchange.status == 400 and code in codes, (
                f"got {exchange.status} {code!r} for an invalid signal"
            )

    bound.run(check)


def valid_signals_are_accepted(client, webhook_pools: WebhookPools, webhook, cases: int, seconds: float):
    """Bodies that satisfy the signal schema, with a ticker the gateway knows, get a 200; never a 5xx."""
    bound = TimeBound(seconds)

    @_settings(cases)
    @given(case=signal_strategy(GenerationMode.POSITIVE, webhook.uuid))
    def check(case) -> None:
        with bound.case():
            with_accepted_ticker(case)
            exchange = _send(client, webhook_pools, case)
            assert exchange.status == 200, (
                f"got {exchange.status} {exchange.response_body[:200]!r} for a valid signal"
            )

    bound.run(check)


def _run(request: pytest.FixtureRequest, check: PropertyCheck, client, webhook_pools, webhook) -> None:
    """Run `check` here, or take its outcome from the property lane that ran it alongside the scenarios."""
    config = request.config
    lane = config.stash.get(PROPERTY_LANE_KEY, None)
    if lane is None:
        cases = config.stash[PROPERTY_CASES_KEY]
        check(
            client,
            webhook_pools,
            webhook,
            cases,
            config.stash.get(PROPERTY_SECONDS_KEY, DEFAULT_PROPERTY_SECONDS),
        )
        return
    lane.replay(check, request.node, client)


@pytest.mark.requirement("REQ-RESPONSE-02")
@pytest.mark.requirement("REQ-RESPONSE-08")
def test_generated_invalid_signals_are_rejected_with_a_catalogued_code(
    request, client, webhook_pools, webhook
):
    """Bodies that break the signal schema get 400 and a 400 code of the catalogue; never a 5xx."""
    _run(request, invalid_signals_are_rejected, client, webhook_pools, webhook)


@pytest.mark.requirement("REQ-RESPONSE-01")
@pytest.mark.requirement("REQ-RESPONSE-08")
def test_generated_valid_signals_for_an_existing_ticker_are_accepted(request, client, webhook_pools, webhook):
    """Bodies that satisfy the signal schema, with a ticker the gateway knows, get a 200; never a 5xx."""
    _run(request, valid_signals_are_accepted, client, webhook_pools, webhook)


# The checks by the name of the test that runs them (the property lane runs them by these names).
PROPERTY_CHECKS: dict[str, PropertyCheck] = {
    "test_generated_invalid_signals_are_rejected_with_a_catalogued_code": invalid_signals_are_rejected,
    "test_generated_valid_signals_for_an_existing_ticker_are_accepted": valid_signals_are_accepted,
}
