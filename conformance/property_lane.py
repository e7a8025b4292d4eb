"""The property checks in a process of their own, alongside the scenarios: the checks spend their time
generating bodies (schemathesis, Hypothesis), CPU that one process would spend after the scenarios.

The lane is a fork of the kit's process, so it starts at once, and it sends only to a stocks webhook
no scenario is handed. Each check's outcome comes back whole (its exchanges, what it printed, its
error) and the check's test item in the kit's session replays it, so every report and its order are
those of a run without the lane.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import pytest

from conformance.client import Exchange, TargetClient
from conformance.lanes import PROPERTY_ROLE, Fork
from conformance.pool import WebhookPools
from conformance.properties import PropertyCheck
from conformance.steps.fixtures import RAN_SECONDS_KEY
from conformance.target import Target, Webhook


@dataclass
class CheckOutcome:
    """What one property check did in the lane: its exchanges, what it printed, its error if it failed."""

    exchanges: list[Exchange] = field(default_factory=list)
    output: str = ""
    error: BaseException | None = None
    seconds: float = 0.0


def _portable(error: BaseException) -> BaseException:
    """`error`, or an AssertionError with its traceback when it cannot go through a pipe."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return AssertionError("".join(traceback.format_exception(error)))
    return error


def _run_checks(
    checks: Sequence[PropertyCheck],
    target: Target,
    hooks: tuple[Webhook, ...],
    cases: int,
    seconds: float,
    sender: Connection,
) -> None:
    """The lane's process: run each check in turn and send its outcome as soon as it is known."""
    pools = WebhookPools({PROPERTY_ROLE: hooks}, target.paced)
    for check in checks:
        client = TargetClient(target.base_url, observer=pools.observe)
        outcome = CheckOutcome()
        started = time.perf_counter()
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                check(client, pools, pools.for_scenario(PROPERTY_ROLE), cases, seconds)
        except Exception as error:
            outcome.error = _portable(error)
        finally:
            client.close()
        outcome.seconds = time.perf_counter() - started
        outcome.exchanges, outcome.output = client.exchanges, printed.getvalue()
        sender.send((check.__name__, outcome))
    sender.close()


class PropertyLane:
    """The property checks running in a forked process; `replay` hands each one's outcome to its test."""

    def __init__(
        self,
        checks: Sequence[PropertyCheck],
        target: Target,
        hooks: tuple[Webhook, ...],
        cases: int,
        seconds: float,
    ) -> None:
        """Fork a process that runs `checks` against `target`, sending only to `hooks`."""
        self._fork = Fork(_run_checks, checks, target, hooks, cases, seconds)

    def replay(self, check: PropertyCheck, item: pytest.Item, client: TargetClient) -> None:
        """Make `item`'s run the lane's run of `check`: its exchanges, its output, its error."""
        outcome: CheckOutcome = self._fork.inbox.take(check.__name__)
        client.exchanges.extend(outcome.exchanges)
        item.stash[RAN_SECONDS_KEY] = outcome.seconds
        print(outcome.output, end="")
        if outcome.error is not None:
            raise outcome.error

    def stop(self) -> None:
        """End the lane's process if it still runs (the session stopped early), and wait for it."""
        self._fork.stop()
