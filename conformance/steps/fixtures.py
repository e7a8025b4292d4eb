"""Fixtures every step shares: the target, an HTTP client, the chosen webhook, the request headers."""

from __future__ import annotations

import pytest

from conformance.client import TargetClient
from conformance.pool import ScenarioWebhook, WebhookPools
from conformance.redaction import Redactor
from conformance.target import Target, Webhook

TARGET_KEY = pytest.StashKey[Target]()
REDACTOR_KEY = pytest.StashKey[Redactor]()
POOLS_KEY = pytest.StashKey[WebhookPools]()  # set by the runner, which reports the waits afterwards
CLIENT_KEY = pytest.StashKey[TargetClient]()  # on the test item, so the reports can show its exchanges
# On a property check's item when the check ran elsewhere (conformance.property_lane): the seconds it took.
RAN_SECONDS_KEY = pytest.StashKey[float]()


def not_applicable(reason: str) -> None:
    """Stop the scenario as not applicable to this target (reported apart from failures)."""
    pytest.skip(f"not applicable: {reason}")


@pytest.fixture(scope="session")
def target(pytestconfig) -> Target:
    """The gateway under test."""
    return pytestconfig.stash[TARGET_KEY]


@pytest.fixture(scope="session")
def redactor(pytestconfig) -> Redactor:
    """The run's redactor: a secret the kit learns while running (a created webhook) is added to it."""
    return pytestconfig.stash.get(REDACTOR_KEY, None) or Redactor()


@pytest.fixture(scope="session")
def webhook_pools(pytestconfig, target: Target) -> WebhookPools:
    """The target's webhooks by role, handed out in turn within their quotas (conformance.pool)."""
    if POOLS_KEY not in pytestconfig.stash:
        pytestconfig.stash[POOLS_KEY] = WebhookPools(target.webhooks, target.paced)
    return pytestconfig.stash[POOLS_KEY]


@pytest.fixture
def client(request: pytest.FixtureRequest, target: Target, webhook_pools: WebhookPools):
    """A fresh HTTP client per scenario; its exchanges go into the reports, its requests into the pools."""
    http = TargetClient(target.base_url, observer=webhook_pools.observe)
    request.node.stash[CLIENT_KEY] = http
    yield http
    http.close()


@pytest.fixture
def webhook(webhook_pools: WebhookPools) -> Webhook | ScenarioWebhook:
    """The next stocks webhook with quota to spare, unless a Given step names another role."""
    return webhook_pools.for_scenario("stocks")


@pytest.fixture
def burst() -> list:
    """The exchanges of the scenario's latest `When <n> signals are sent`."""
    return []


@pytest.fixture
def request_headers() -> dict[str, str]:
    """Headers of the requests the scenario sends; JSON unless a Given step says otherwise."""
    return {"Content-Type": "application/json"}
