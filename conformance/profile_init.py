"""`webhook-conformance profile init`: a commented target profile that says how many webhooks each role needs.

The needs are counted from features/: the requests each scenario sends to its role's webhook (the
property checks' cases go to the stocks role), so that no webhook gets more than PER_WEBHOOK requests in
a run, nor more wrong passwords than PER_WEBHOOK_WRONG; a quota webhook per @quota scenario. A When step
sends one request unless it says otherwise: `N signals are sent ...`, or an entry of the REQUESTS dict of
its step module (conformance/steps/), which maps a regex of the step's text to the number of requests
it sends, or to a function of the match giving it.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from pytest_bdd.feature import get_features

import conformance.steps
from conformance.pool import FAILED_AUTH_WINDOWS, QUOTA_WINDOWS
from conformance.target import CAPABILITIES, DEFAULT_WEBHOOK_PATH, PLACEHOLDER, ROLES
from webhook_spec.paths import data_dir

PER_WEBHOOK = QUOTA_WINDOWS[0][0] - 10  # requests a run sends a webhook: room for the preflight's and a retry
PER_WEBHOOK_WRONG = FAILED_AUTH_WINDOWS[0][0] - 2  # wrong passwords a run sends a webhook
DEFAULT_ROLE = "stocks"  # the role of a scenario that names none
PROPERTY_CHECKS = 2  # property checks in conformance/properties.py, each sending its cases to stocks
# The capabilities a profile declares itself; the others follow from [target] or from --slow.
DECLARED_CAPABILITIES = ("forwarded-for", "quota", "public-url", "slow-clients")

_ROLE_STEP = re.compile(r'^the "(?P<role>[^"]+)" webhook$')
_CREATED_STEP = re.compile(r'^a "[^"]+" webhook\b')  # a webhook the control API creates: no role's
_BURST = re.compile(r"^(?P<count>\d+) signals are sent(?: at \d+ per minute)?$")
_WRONG = re.compile(r"^(?:(?P<count>\d+) signals are|a signal is) sent with the wrong password$")
# When steps that send nothing to the scenario's webhook.
_ELSEWHERE = frozenset(
    {
        "a signal is sent to an unknown webhook",
        "the next clock minute begins",
        "a request's headers stall past the gateway's read timeout",
    }
)


@dataclass
class RoleNeed:
    """What a run asks of one role: scenarios, requests with the password, and with a wrong one."""

    role: str
    scenarios: int = 0
    requests: int = 0
    wrong_passwords: int = 0

    @property
    def webhooks(self) -> int:
        """How many webhooks of the role a run needs: one per quota scenario; else enough for the load."""
        if self.role == "quota":
            return self.scenarios
        return max(
            1, math.ceil(self.requests / PER_WEBHOOK), math.ceil(self.wrong_passwords / PER_WEBHOOK_WRONG)
        )


@cache
def declared_requests() -> tuple[tuple[re.Pattern[str], int | Callable[[re.Match[str]], int]], ...]:
    """The REQUESTS entries of every step module: (a regex of a When step's text, its request count)."""
    declared = []
    for module in pkgutil.iter_modules(conformance.steps.__path__):
        steps = importlib.import_module(f"{conformance.steps.__name__}.{module.name}")
        declared += [(re.compile(text), count) for text, count in getattr(steps, "REQUESTS", {}).items()]
    return tuple(declared)


def _sends(step_name: str) -> tuple[int, int]:
    """(requests with the password, with a wrong one) that a When step sends to the scenario's webhook."""
    if step_name in _ELSEWHERE:
        return 0, 0
    for pattern, count in declared_requests():
        if match := pattern.fullmatch(step_name):
            return (count(match) if callable(count) else count), 0
    if match := _WRONG.match(step_name):
        return 0, int(match.group("count") or 1)
    if match := _BURST.match(step_name):
        return int(match.group("count")), 0
    return 1, 0


def scenarios_of_features(slow: bool) -> Iterator[tuple[set[str], list]]:
    """Each scenario of features/ as run (one per Examples row): its tags and its steps."""
    for feature in get_features([str(data_dir("features"))]):
        for template in feature.scenarios.values():
            tags = template.tags | feature.tags
            if "slow" in tags and not slow:
                continue
            contexts = [context for examples in template.examples for context in examples.as_contexts()]
            for context in contexts or [{}]:
                yield tags, template.render(context).steps


def role_needs(slow: bool = False, property_cases: int = 100) -> dict[str, RoleNeed]:
    """What a run asks of each role, with --slow or not and `property_cases` per property check (0: none)."""
    needs = {role: RoleNeed(role) for role in ROLES}
    needs[DEFAULT_ROLE].requests += PROPERTY_CHECKS * property_cases
    for tags, steps in scenarios_of_features(slow):
        role: str | None = DEFAULT_ROLE
        used: set[str] = set()
        for step in steps:
            if step.type == "given" and (match := _ROLE_STEP.match(step.name)):
                role = match.group("role")
            elif step.type == "given" and _CREATED_STEP.match(step.name):
                role = None
            elif step.type == "when" and role is not None:
                requests, wrong = _sends(step.name)
                needs[role].requests += requests
                needs[role].wrong_passwords += wrong
                used.add(role) if requests or wrong else None
        for name in used:
            needs[name].scenarios += 1
        if "quota" in tags and "quota" not in used:
            needs["quota"].scenarios += 1
    return needs


def _webhook_lines(need: RoleNeed) -> list[str]:
    if need.webhooks == 1:
        return [f'{need.role} = "{PLACEHOLDER}"']
    return [f"{need.role} = [", *([f'    "{PLACEHOLDER}",'] * need.webhooks), "]"]


def profile_text(url: str = "https://gateway.example", slow: bool = False, property_cases: int = 100) -> str:
    """The commented profile: [target], the webhooks each role needs, [capabilities], [front_end]."""
    needs = role_needs(slow, property_cases)
    counted = f"{property_cases} cases per property check, {'with' if slow else 'without'} --slow"
    lines = [
        "# Target profile for `webhook-conformance run --profile FILE`, written by",
        "# `webhook-conformance profile init` (counted for a run with " + counted + ").",
        f"# Replace every {PLACEHOLDER} with a webhook of your gateway, set up as the comment above its",
        f"# role says. Each role lists enough webhooks that none gets more than {PER_WEBHOOK} requests",
        "# in a run, under the spec's 60 a minute and 500 an hour. With fewer, the kit waits for quota",
        "# to free up; with none, the role's scenarios are not applicable.",
        "",
        "[target]",
        'url = "' + url + "\"  # the gateway's base URL; a path prefix is kept: https://host/api",
        f'# webhook_path = "{DEFAULT_WEBHOOK_PATH}"  # the webhook path after the base URL',
        "# control_url = " + '"' + url + '/control"  # the test-control API (the default with a token)',
        '# control_token = "TOKEN"  # its bearer token (or --control-token)',
        '# untrusted_source_address = "192.0.2.10"  # a local address the gateway does NOT trust as a proxy',
        "# read_timeout = 10  # seconds the gateway waits for a stalled request (slow-clients scenarios)",
        'rate_limits = "spec"  # the webhooks keep the spec\'s limits, so the kit paces itself ("lifted")',
        "",
        "[webhooks]",
    ]
    for role, need in needs.items():
        if role == "quota":
            lines.append(f"# {role}: {ROLES[role]}; one per @quota scenario ({need.scenarios})")
        else:
            lines.append(f"# {role}: {ROLES[role]}")
            lines.append(
                f"#   {need.scenarios} scenarios: {need.requests} requests, "
                f"{need.wrong_passwords} with a wrong password"
            )
        lines += _webhook_lines(need)
    lines += [
        "",
        "[capabilities]  # what the gateway offers; scenarios that need what it lacks are not applicable",
    ]
    lines += [
        f"{name} = {'true' if name == 'quota' else 'false'}  # {CAPABILITIES[name]}"
        for name in DECLARED_CAPABILITIES
    ]
    lines += [
        "# control-api and untrusted-peer follow from [target]; slow from --slow.",
        "",
        "# [front_end]  # a reverse proxy or load balancer before the gateway, if any",
        '# name = "nginx"',
        "# header_limit = 8192  # bytes of one header it lets through (REQ-METHOD-03 sends 64 KiB)",
        "# forwards_peer = true  # it adds the peer's address to X-Forwarded-For (REQ-SOURCE-10 needs it)",
    ]
    return "\n".join(lines) + "\n"


def shortfall_notes(
    webhooks: Mapping[str, tuple], slow: bool = False, property_cases: int = 100
) -> list[str]:
    """A note for each role a whole run would need more webhooks of (with the spec's rate limits)."""
    notes = []
    for role, need in role_needs(slow, property_cases).items():
        have = len(webhooks.get(role, ()))
        if not have or have >= need.webhooks:
            continue
        if role == "quota":
            notes.append(
                f"{have} quota webhooks for {need.webhooks} @quota scenarios: those that share one may find "
                "its quota used up (list one per scenario)"
            )
            continue
        minutes = need.requests / (have * PER_WEBHOOK)
        notes.append(
            f"{have} {role} webhooks for about {need.requests} requests: at the spec's 60 a minute each the "
            f"kit paces itself (some {minutes:.0f} minutes); with {need.webhooks} it need not wait. If their "
            'limits are lifted, say so: [target] rate_limits = "lifted"'
        )
    return notes
