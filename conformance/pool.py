"""Spreads the kit's requests over the webhooks a target lists for each role, within the spec's quotas.

Every role's webhooks are handed out in turn. Those of a paced role are handed out only with room left
in the spec's windows (60 requests a minute, 500 an hour, per webhook; REQ-RATE-01, REQ-RATE-02), as
counted from the requests the kit sent, or after a 429's Retry-After has passed; when none has room,
the pool waits for the first that will. The quota role is not paced: its scenarios use quotas up.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from conformance.client import Exchange
from conformance.target import Webhook

# (requests, seconds): what a webhook lets through (the spec's limits), and the wrong passwords it may
# take from one address before it answers them 429 (D-054 leaves the number to the gateway; 10 a minute
# is the reference gateway's).
QUOTA_WINDOWS = ((60, 60.0), (500, 3600.0))
FAILED_AUTH_WINDOWS = ((10, 60.0),)
SCENARIO_RESERVE = 5  # requests a scenario may send to the webhook it is given
MAX_WAIT = 90.0  # seconds the pool waits for room at most; then it hands out the best it has
UNPACED_ROLES = frozenset({"quota"})


@dataclass
class _Usage:
    """What the kit sent one webhook: times of requests with its password, and with a wrong one."""

    sent: deque[float] = field(default_factory=deque)
    refused: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0

    def room_at(self, now: float, reserve: int) -> float:
        """The earliest time from `now` at which `reserve` more requests fit in every window."""
        at = max(now, self.blocked_until)
        for times, windows in ((self.sent, QUOTA_WINDOWS), (self.refused, FAILED_AUTH_WINDOWS)):
            for limit, seconds in windows:
                recent = [sent for sent in times if sent > now - seconds]
                over = len(recent) + reserve - limit
                if over > 0 and recent:  # the `over` oldest requests must leave the window first
                    at = max(at, recent[min(over, len(recent)) - 1] + seconds)
        return at


class WebhookPool:
    """The webhooks of one role, handed out in turn (paced ones only with quota to spare)."""

    def __init__(
        self,
        webhooks: Iterable[Webhook],
        paced: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.webhooks = tuple(webhooks)
        self.paced = paced
        self.usage = {webhook: _Usage() for webhook in self.webhooks}
        self.waited = 0.0  # seconds spent waiting for room, in all
        self.rate_limited = 0  # requests with the password answered 429
        self._clock, self._sleep = clock, sleep
        self._turn = 0

    def take(self, reserve: int = SCENARIO_RESERVE) -> Webhook | None:
        """The next webhook with room for `reserve` requests (waiting for one, up to MAX_WAIT), or None."""
        if not self.webhooks:
            return None
        start, self._turn = self._turn % len(self.webhooks), self._turn + 1
        order = self.webhooks[start:] + self.webhooks[:start]
        if not self.paced:
            return order[0]
        now = self._clock()
        chosen = min(order, key=lambda webhook: max(self.usage[webhook].room_at(now, reserve), now))
        wait = min(self.usage[chosen].room_at(now, reserve) - now, MAX_WAIT)
        if wait > 0:
            self._sleep(wait)
            self.waited += wait
        return chosen

    def has_room(self, webhook: Webhook, requests: int = 1) -> bool:
        """Whether `webhook` can take `requests` more now (always, unpaced)."""
        now = self._clock()
        return not self.paced or self.usage[webhook].room_at(now, requests) <= now

    def for_scenario(self, reserve: int = SCENARIO_RESERVE) -> Webhook | ScenarioWebhook | None:
        """A scenario's webhook: paced, one that moves on when its quota runs out (see ScenarioWebhook)."""
        first = self.take(reserve)
        return ScenarioWebhook(self, first) if self.paced and first is not None else first

    def record(self, webhook: Webhook, authenticated: bool, status: int, retry_after: str | None) -> None:
        """Count a request sent to `webhook` (with its password or a wrong one) and what came back."""
        usage, now = self.usage[webhook], self._clock()
        (usage.sent if authenticated else usage.refused).append(now)
        for times, windows in ((usage.sent, QUOTA_WINDOWS), (usage.refused, FAILED_AUTH_WINDOWS)):
            longest = max(seconds for _, seconds in windows)
            while times and times[0] <= now - longest:
                times.popleft()
        if status == 429 and authenticated:
            self.rate_limited += 1
        if status == 429 and retry_after and retry_after.strip().isdigit():
            usage.blocked_until = max(usage.blocked_until, now + int(retry_after))


class ScenarioWebhook:
    """A scenario's webhook of a paced role: the same one for the whole scenario while it has quota
    left, so that requests that belong together meet one webhook; the next of its role with room once
    it has none (a probing step may send hundreds of requests)."""

    def __init__(self, pool: WebhookPool, first: Webhook) -> None:
        self._pool = pool
        self.current = first

    @property
    def uuid(self) -> str:
        """The current webhook's uuid."""
        return self.current.uuid

    @property
    def password(self) -> str:
        """The current webhook's password."""
        return self.current.password

    @property
    def template(self) -> str:
        """The webhook URL path template."""
        return self.current.template

    @property
    def path(self) -> str:
        """The path of the next request: the current webhook's, or another's once it has no room."""
        if not self._pool.has_room(self.current):
            self.current = self._pool.take(reserve=1)
        return self.current.path

    def __repr__(self) -> str:
        return f"ScenarioWebhook({self.current!r})"


class WebhookPools:
    """A pool per role of the target's webhooks (paced unless their limits are lifted); it counts each
    request the kit sends to one of them."""

    def __init__(
        self,
        webhooks: Mapping[str, tuple[Webhook, ...]],
        paced: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.roles = {
            role: WebhookPool(hooks, paced and role not in UNPACED_ROLES, clock, sleep)
            for role, hooks in webhooks.items()
        }
        self._by_uuid = {hook.uuid: pool for pool in self.roles.values() for hook in pool.webhooks}
        self._hooks = {hook.uuid: hook for pool in self.roles.values() for hook in pool.webhooks}

    def take(self, role: str, reserve: int = SCENARIO_RESERVE) -> Webhook | None:
        """A webhook of `role` with room for `reserve` requests (see WebhookPool.take), or None."""
        pool = self.roles.get(role)
        return pool.take(reserve) if pool is not None else None

    def for_scenario(self, role: str) -> Webhook | ScenarioWebhook | None:
        """A scenario's webhook of `role` (see WebhookPool.for_scenario), or None."""
        pool = self.roles.get(role)
        return pool.for_scenario() if pool is not None else None

    def record(self, path: str, status: int, retry_after: str | None = None) -> None:
        """Count a request to `path` if it names one of the webhooks: with its password when it is the
        webhook's path, else as a wrong password (a changed path too: counting more only waits more)."""
        for segment in path.split("/"):
            webhook = self._hooks.get(segment)
            if webhook is not None:
                self._by_uuid[segment].record(webhook, path == webhook.path, status, retry_after)
                return

    def observe(self, path: str, exchange: Exchange) -> None:
        """Count one exchange of the kit with the target (a TargetClient observer)."""
        self.record(path, exchange.status, exchange.response_headers.get("Retry-After"))

    @property
    def waited(self) -> float:
        """Seconds spent waiting for a webhook with room, over all roles."""
        return sum(pool.waited for pool in self.roles.values())

    def notes(self) -> list[str]:
        """What the run's pacing and 429s say about the webhooks listed (for after the run)."""
        notes = []
        if self.waited >= 1:
            notes.append(
                f"the kit waited {self.waited:.0f} s for webhooks with quota to spare: list more webhooks "
                "per role to go faster (webhook-conformance profile init)"
            )
        limited = {role: pool.rate_limited for role, pool in self.roles.items() if role not in UNPACED_ROLES}
        for role, count in limited.items():
            if count and self.roles[role].paced:
                notes.append(f"{count} requests to {role} webhooks were answered 429 despite the pacing")
            elif count:
                notes.append(
                    f"{count} requests to {role} webhooks were answered 429: if they keep the spec's limits, "
                    'say so ([target] rate_limits = "spec": the kit paces itself) and list more of them '
                    "(webhook-conformance profile init), or lift their limits"
                )
        return notes
