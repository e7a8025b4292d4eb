"""Fixtures every step shares: the target, an HTTP client, the chosen webhook, the request headers."""

from __future__ import annotations

import pytest

from conformance.client import TargetClient
from conformance.redaction import Redactor
from conformance.target import Target, Webhook

TARGET_KEY = pytest.StashKey[Target]()
REDACTOR_KEY = pytest.StashKey[Redactor]()
CLIENT_KEY = pytest.StashKey[TargetClient]()  # on the test item, so the reports can show its exchanges


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


@pytest.fixture
def client(request: pytest.FixtureRequest, target: Target):
    """A fresh HTTP client per scenario; its exchanges go into the reports."""
    http = TargetClient(target.base_url)
    request.node.stash[CLIENT_KEY] = http
    yield http
    http.close()


@pytest.fixture
def webhook(target: Target) -> Webhook:
    """The stocks webhook, unless a Given step names another role."""
    return target.webhook("stocks")


@pytest.fixture
def burst() -> list:
    """The exchanges of the scenario's latest `When <n> signals are sent`."""
    return []


@pytest.fixture
def request_headers() -> dict[str, str]:
    """Headers of the requests the scenario sends; JSON unless a Given step says otherwise."""
    return {"Content-Type": "application/json"}
