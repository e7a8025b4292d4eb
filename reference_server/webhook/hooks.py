"""The two places where the webhook pipeline lets another subsystem in: its clock, and an accepted signal.

`paper.init_app` sets them when the test-control API is on (the control clock, and a trade on the
paper broker). Otherwise they are no-ops: the clock is the real time, and an accepted signal is logged
and answered, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app

from reference_server.webhook.signal_log import LogEntry
from reference_server.webhook.store import Webhook


def real_time() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


def nothing_more(webhook: Webhook, accepted: LogEntry) -> None:
    """Leave an accepted signal as it is: logged, and answered once this returns."""


@dataclass(frozen=True)
class Hooks:
    """The clock that stamps each request, and what runs after a new signal is committed to the log."""

    clock: Callable[[], datetime] = real_time
    on_accepted: Callable[[Webhook, LogEntry], None] = nothing_more


NO_HOOKS = Hooks()


def set_hooks(app: Flask, hooks: Hooks) -> None:
    """Give `app`'s pipeline these hooks in place of the no-ops."""
    app.extensions["webhook_hooks"] = hooks


def current_hooks() -> Hooks:
    """The serving app's hooks: NO_HOOKS unless a subsystem set others."""
    return current_app.extensions.get("webhook_hooks", NO_HOOKS)
