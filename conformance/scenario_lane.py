"""The scenarios that share no state with the others, in a process of their own alongside them.

A scenario that uses the test-control API resets the whole gateway (its signal log, every rate-limit
count, the paper account, the clock), and a quota scenario counts on those counts; both stay in the
kit's process, in order, with the slow-client scenarios (they time the gateway), the slow ones and the
stateful ones (a reset between a replay's two requests would make the retry a new signal). The others
run in a fork of the kit's process, on webhooks of their own (the second half of each role's), while
the kit runs the rest. The kit's session replays each lane scenario's reports in its place, so every
report, and its order, is that of a run without the lane.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

from conformance.lanes import Fork
from conformance.plugin import STATEFUL_TAG, KitPlugin, is_kit_item
from conformance.pool import WebhookPools
from conformance.pytest_plugin import SCENARIOS_FILE
from conformance.results import ScenarioResult
from conformance.steps.fixtures import POOLS_KEY
from conformance.target import Webhook

# What a scenario may need that ties it to the kit's process: see the module's docstring.
SHARED_STATE_NEEDS = frozenset({"control-api", "quota", "slow-clients", "slow"})


def independent(item: pytest.Item) -> bool:
    """Whether `item` is a scenario that can run alongside the others: it needs no SHARED_STATE_NEEDS and
    is not tagged stateful."""
    if not is_kit_item(item) or item.path != SCENARIOS_FILE:
        return False
    if any(mark.args[0] == STATEFUL_TAG for mark in item.iter_markers("tag")):
        return False
    return not {mark.args[0] for mark in item.iter_markers("needs")} & SHARED_STATE_NEEDS


@dataclass
class LaneRun:
    """One scenario as the lane ran it: its reports (serialized) and the kit's result of it."""

    reports: list[dict[str, Any]]
    results: list[ScenarioResult]


def _restart_capturing(config: pytest.Config) -> None:
    """Capture the lane's output in files of its own (the parent's are shared since the fork)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None and capture._global_capturing is not None:
        capture._global_capturing = None  # left open, not read: reading would take the parent's output
        capture.start_global_capturing()


def _run(items: Sequence[pytest.Item], kit: KitPlugin, pools: WebhookPools, sender: Connection) -> None:
    """The lane's process: run each scenario's setup, call and teardown, and send the outcome at once."""
    config = items[0].config
    _restart_capturing(config)
    config.stash[POOLS_KEY] = pools
    for index, item in enumerate(items):
        known = len(kit.results)
        nextitem = items[index + 1] if index + 1 < len(items) else None
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
        serialized = [config.hook.pytest_report_to_serializable(config=config, report=r) for r in reports]
        sender.send((item.nodeid, LaneRun(serialized, kit.results[known:])))
    sender.close()


class ScenarioLane:
    """Independent scenarios running in a forked process; `replay` logs each one's reports in the kit's."""

    def __init__(self, items: Sequence[pytest.Item], kit: KitPlugin, pools: WebhookPools) -> None:
        self.nodeids = frozenset(item.nodeid for item in items)
        self._fork = Fork(_run, items, kit, pools)

    def run_of(self, item: pytest.Item) -> tuple[list[pytest.TestReport], list[ScenarioResult]]:
        """`item`'s reports as the lane made them, and the kit's results of it (once the lane sent them)."""
        run = self._fork.inbox.take(item.nodeid)
        config = item.config
        reports = [config.hook.pytest_report_from_serializable(config=config, data=d) for d in run.reports]
        return reports, run.results

    def stop(self) -> None:
        """End the lane's process if it still runs (the session stopped early), and wait for it."""
        self._fork.stop()


def _log(item: pytest.Item, kit: KitPlugin, reports: list[pytest.TestReport], results: list[ScenarioResult]):
    """Log `item`'s reports, made elsewhere or earlier, and add the kit's results of it, in its place."""
    hook = item.ihook
    hook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    kit.name_junit_case(item)
    for report in reports:
        hook.pytest_runtest_logreport(report=report)
    kit.results.extend(results)
    hook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)


class LanePlugin:
    """Starts the lane once collection says which scenarios run; runs the kit's own scenarios first,
    unlogged, while the lane runs its own; then logs every scenario in its place."""

    def __init__(self, kit: KitPlugin, webhooks: Mapping[str, tuple[Webhook, ...]], paced: bool) -> None:
        self.kit, self.webhooks, self.paced = kit, webhooks, paced
        self.lane: ScenarioLane | None = None
        self.ran: dict[str, tuple[list[pytest.TestReport], list[ScenarioResult]]] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Fork the lane with the independent scenarios selected."""
        items = [item for item in session.items if independent(item)]
        if items and self.webhooks:
            self.lane = ScenarioLane(items, self.kit, WebhookPools(self.webhooks, self.paced))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session):
        """Before pytest's loop, run the kit's own scenarios unlogged: logged in order, each would wait
        for the lane's scenarios before it, and the two processes would take turns instead of running
        together."""
        if self.lane is not None and not session.config.option.collectonly:
            self._run_own(session)
        return (yield)

    def _run_own(self, session: pytest.Session) -> None:
        own = [item for item in session.items if item.nodeid not in self.lane.nodeids]
        scenarios = [item for item in own if is_kit_item(item) and item.path == SCENARIOS_FILE]
        maxfail, failed = session.config.getoption("maxfail", 0), 0
        after = {item.nodeid: position + 1 for position, item in enumerate(own)}
        for item in scenarios:
            nextitem = own[after[item.nodeid]] if after[item.nodeid] < len(own) else None
            known = len(self.kit.results)
            reports = runtestprotocol(item, nextitem=nextitem, log=False)
            self.ran[item.nodeid] = reports, self.kit.results[known:]
            del self.kit.results[known:]
            failed += any(report.failed for report in reports)
            if maxfail and failed >= maxfail:  # the rest would not be logged: do not run them
                break

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
        """A scenario that ran already, here or in the lane: log its reports instead of running it."""
        if item.nodeid in self.ran:
            _log(item, self.kit, *self.ran.pop(item.nodeid))
        elif self.lane is not None and item.nodeid in self.lane.nodeids:
            _log(item, self.kit, *self.lane.run_of(item))
        else:
            return None
        # What the kit's last own scenario left set up (its module, the session) is for the next item
        # here to keep or tear down, as pytest's own protocol does after each item.
        item.session._setupstate.teardown_exact(nextitem)
        return True

    def stop(self) -> None:
        """Stop the lane if it still runs."""
        if self.lane is not None:
            self.lane.stop()
