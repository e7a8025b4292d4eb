"""The scenarios that share no state with the others, in a process of their own alongside them.

A scenario that uses the test-control API resets the whole gateway (its signal log, every rate-limit
count, the paper account, the clock), and a quota scenario counts on those counts; both stay in the
kit's process, in order, with the slow-client scenarios (they time the gateway) and the slow ones. The
others run in a fork of the kit's process, on webhooks of their own (the second half of each role's),
while the kit runs the rest. The kit's session replays each lane scenario's reports in its place, so
every report, and its order, is that of a run without the lane.
"""

from __future__ import annotations

import multiprocessing
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

from conformance.plugin import KitPlugin, is_kit_item
from conformance.pool import UNPACED_ROLES, WebhookPools
from conformance.pytest_plugin import SCENARIOS_FILE
from conformance.results import ScenarioResult
from conformance.steps.fixtures import POOLS_KEY
from conformance.target import Webhook

# What a scenario may need that ties it to the kit's process: see the module's docstring.
SHARED_STATE_NEEDS = frozenset({"control-api", "quota", "slow-clients", "slow"})


def independent(item: pytest.Item) -> bool:
    """Whether `item` is a scenario that can run alongside the others: it needs no SHARED_STATE_NEEDS."""
    if not is_kit_item(item) or item.path != SCENARIOS_FILE:
        return False
    return not {mark.args[0] for mark in item.iter_markers("needs")} & SHARED_STATE_NEEDS


def split_roles(
    webhooks: Mapping[str, tuple[Webhook, ...]],
) -> tuple[dict[str, tuple[Webhook, ...]], dict[str, tuple[Webhook, ...]]]:
    """The webhooks by role for the kit's process and for the lane: each role's first half and second
    half. No lane (an empty second mapping) unless every role the lane uses lists two webhooks at least."""
    shared = {role: hooks for role, hooks in webhooks.items() if role not in UNPACED_ROLES}
    if not shared or any(len(hooks) < 2 for hooks in shared.values()):
        return dict(webhooks), {}
    main = {role: hooks[: (len(hooks) + 1) // 2] for role, hooks in shared.items()}
    return {**webhooks, **main}, {role: hooks[(len(hooks) + 1) // 2 :] for role, hooks in shared.items()}


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
        self._kit = kit
        self._runs: dict[str, LaneRun] = {}
        self._receiver, sender = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.get_context("fork").Process(
            target=_run, args=(items, kit, pools, sender), daemon=True
        )
        sys.stdout.flush()  # what the kit printed so far, or the lane would print it again when it ends
        sys.stderr.flush()
        with warnings.catch_warnings():  # Python 3.12+: the fork copies only this thread, as intended
            warnings.simplefilter("ignore", DeprecationWarning)
            self._process.start()
        sender.close()

    def _run_of(self, nodeid: str) -> LaneRun:
        while nodeid not in self._runs:
            try:
                received, run = self._receiver.recv()
            except EOFError:
                code = self._process.exitcode
                raise RuntimeError(f"the scenario lane's process ended (exit code {code})") from None
            self._runs[received] = run
        return self._runs.pop(nodeid)

    def replay(self, item: pytest.Item) -> None:
        """Log `item`'s reports as the lane made them, and add the kit's result of it, in its place."""
        run = self._run_of(item.nodeid)
        hook, config = item.ihook, item.config
        hook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        self._kit.name_junit_case(item)
        for data in run.reports:
            report = config.hook.pytest_report_from_serializable(config=config, data=data)
            hook.pytest_runtest_logreport(report=report)
        self._kit.results.extend(run.results)
        hook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)

    def stop(self) -> None:
        """End the lane's process if it still runs (the session stopped early), and wait for it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()


class LanePlugin:
    """Starts the lane once collection says which scenarios run, and replays them in the kit's session."""

    def __init__(self, kit: KitPlugin, webhooks: Mapping[str, tuple[Webhook, ...]], paced: bool) -> None:
        self.kit, self.webhooks, self.paced = kit, webhooks, paced
        self.lane: ScenarioLane | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Fork the lane with the independent scenarios selected."""
        items = [item for item in session.items if independent(item)]
        if items and self.webhooks:
            self.lane = ScenarioLane(items, self.kit, WebhookPools(self.webhooks, self.paced))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
        """A lane scenario: its reports from the lane instead of a run here."""
        if self.lane is None or item.nodeid not in self.lane.nodeids:
            return None
        self.lane.replay(item)
        # What the kit's last own scenario left set up (its module, the session) is for the next item
        # here to keep or tear down, as pytest's own protocol does after each item.
        item.session._setupstate.teardown_exact(nextitem)
        return True

    def stop(self) -> None:
        """Stop the lane if it still runs."""
        if self.lane is not None:
            self.lane.stop()
