"""The lanes beside the kit's process: how a run's webhooks are divided between them (every process sends
to webhooks of its own, so replay windows and failed-password counts never meet across them), and the
inbox their outcomes come back through."""

from __future__ import annotations

import gc
import multiprocessing
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from conformance.pool import UNPACED_ROLES
from conformance.target import Target, Webhook

PROPERTY_ROLE = "stocks"  # the role the property checks send to
Roles = dict[str, tuple[Webhook, ...]]


@dataclass(frozen=True)
class Lanes:
    """The webhooks of the lanes: the property checks' (conformance.property_lane) and the independent
    scenarios' by role (conformance.scenario_lane); empty for a lane that does not run."""

    properties: tuple[Webhook, ...] = ()
    scenarios: Roles = field(default_factory=dict)


def split_webhooks(webhooks: Mapping[str, tuple[Webhook, ...]]) -> tuple[Roles, tuple[Webhook, ...]]:
    """The webhooks by role without the property checks' own, and theirs: the last stocks webhook, when
    the role lists more than one (else none: the checks then run in the kit's process)."""
    hooks = webhooks.get(PROPERTY_ROLE, ())
    if len(hooks) < 2:
        return dict(webhooks), ()
    return {**webhooks, PROPERTY_ROLE: hooks[:-1]}, hooks[-1:]


def split_roles(webhooks: Mapping[str, tuple[Webhook, ...]]) -> tuple[Roles, Roles]:
    """The webhooks by role for the kit's process and for the scenario lane: each role's first half and
    second half, the quota webhooks all the kit's. No lane (an empty second mapping) unless every other
    role lists two webhooks at least."""
    shared = {role: hooks for role, hooks in webhooks.items() if role not in UNPACED_ROLES}
    if not shared or any(len(hooks) < 2 for hooks in shared.values()):
        return dict(webhooks), {}
    kept = {role: hooks[: (len(hooks) + 1) // 2] for role, hooks in shared.items()}
    return {**webhooks, **kept}, {role: hooks[(len(hooks) + 1) // 2 :] for role, hooks in shared.items()}


def divide(target: Target, properties: bool) -> tuple[Roles, Lanes]:
    """The kit's own webhooks by role, and the lanes'. Lanes only on an unpaced target: a paced target's
    webhooks, divided, would each leave a lane fewer to wait for."""
    if target.paced:
        return dict(target.webhooks), Lanes()
    webhooks, property_hooks = split_webhooks(target.webhooks) if properties else (dict(target.webhooks), ())
    webhooks, scenarios = split_roles(webhooks)
    return webhooks, Lanes(property_hooks, scenarios)


# Collections less often than Python's default (700, 10, 10): the property checks alone allocate millions
# of short-lived objects (Hypothesis, schemathesis), and the kit's process and lanes keep few cycles.
GC_THRESHOLDS = (20_000, 20, 20)
_PROCESS_THRESHOLDS = gc.get_threshold()


def _settle_heap() -> None:
    """Before a fork: what the kit built so far (its imports, the collected scenarios) lives as long as the
    run, so no collection walks it again, in the kit's process nor in the lanes (whose walks would also
    copy its pages), and the collections that remain come less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def release_heap() -> None:
    """After the lanes: the process's objects and collections as they were before the first fork, for a
    process that goes on after the run (one that calls the runner, a test say)."""
    gc.unfreeze()
    gc.set_threshold(*_PROCESS_THRESHOLDS)


class Fork:
    """A lane's process, a fork of the kit's (it starts at once, with the session as it is), and the
    inbox of what it sends: `body(*args, sender)` runs in it and sends (key, value) pairs."""

    def __init__(self, body: Callable[..., None], *args: Any) -> None:
        receiver, sender = multiprocessing.Pipe(duplex=False)
        self.process = multiprocessing.get_context("fork").Process(
            target=body, args=(*args, sender), daemon=True
        )
        _settle_heap()
        sys.stdout.flush()  # what the kit printed so far, or the lane would print it again when it ends
        sys.stderr.flush()
        with warnings.catch_warnings():  # Python 3.12+: the fork copies only this thread, as intended
            warnings.simplefilter("ignore", DeprecationWarning)
            self.process.start()
        sender.close()
        self.inbox = Inbox(receiver, lambda: f"the lane's process ended (exit code {self.process.exitcode})")

    def stop(self) -> None:
        """End the process if it still runs (the session stopped early), and wait for it."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.inbox.close()


class Inbox:
    """What a lane sends, read as it comes by a thread of the kit's process: a lane blocks once its pipe
    is full, so one whose outcomes were read only when the session reaches them would wait for it."""

    def __init__(self, receiver: Connection, ended: Callable[[], str]) -> None:
        self._receiver = receiver
        self._ended = ended  # why the lane sends no more (its exit code), for a wait that cannot end
        self._items: dict[str, Any] = {}
        self._closed = False
        self._condition = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                key, value = self._receiver.recv()
                with self._condition:
                    self._items[key] = value
                    self._condition.notify_all()
        except (EOFError, OSError):
            with self._condition:
                self._closed = True
                self._condition.notify_all()

    def take(self, key: str) -> Any:
        """The lane's outcome under `key`, once it came; an error if the lane ended without sending it."""
        with self._condition:
            self._condition.wait_for(lambda: key in self._items or self._closed)
            if key not in self._items:
                raise RuntimeError(f"{self._ended()}, before it sent {key}")
            return self._items.pop(key)

    def close(self) -> None:
        """Stop reading (the lane has ended)."""
        self._receiver.close()
