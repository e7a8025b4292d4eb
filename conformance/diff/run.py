"""One diff: find both gateways (B by default the embedded reference), send each the same requests
within its webhooks' rate limits, compare the answers, print and write the differences."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from conformance.client import Exchange, TargetClient
from conformance.diff.cases import Case, corpus_requests, generated_requests, unique
from conformance.diff.compare import Difference, answer_of, difference, grouped
from conformance.diff.report import Outcome, Side, console_text, report_data
from conformance.embedded_gateway import GatewayStartError
from conformance.pool import QUOTA_WINDOWS, WebhookPools
from conformance.redaction import Redactor, redact_webhook_paths, redacted_output
from conformance.reports.files import unwritable_option
from conformance.runner import USAGE_ERROR, UsageError, embedded_target
from conformance.target import (
    DEFAULT_WEBHOOK_PATH,
    RATE_LIMITS,
    Target,
    TargetError,
    base_url_of,
    build_target,
    load_profile,
    parse_webhook,
)
from webhook_spec.catalogue import error_codes

AGREE, DIFFER = 0, 1
ROLE = "stocks"  # the role of the webhooks diff sends to: a stocks webhook that takes any ticker
DEFAULT_CASES = 100
UNUSABLE_STAGES = ("lookup", "authentication", "source")  # a first answer of these: the URL cannot be used


@dataclass
class DiffOptions:
    """Everything the command line says about one diff."""

    a: str
    b: str | None = None  # None: the embedded reference gateway
    cases: int = DEFAULT_CASES  # generated signals, half valid, half invalid
    seed: int = 0
    json: Path | None = None
    profile: Path | None = None  # A's profile: more webhooks for A, its rate_limits
    rate_limits: str | None = (
        None  # "spec" or "lifted" for the URLs' webhooks; None: the profile's, else spec
    )


class _Gateway:
    """One side: its webhooks, paced within their quotas, and a client that counts what it sends."""

    def __init__(self, name: str, target: Target, paced: bool) -> None:
        self.name = name
        self.target = target
        self.pools = WebhookPools({ROLE: target.webhooks[ROLE]}, paced)
        self.client = TargetClient(target.base_url, observer=self.pools.observe)
        self.paced = paced

    @property
    def side(self) -> Side:
        """The side as the reports name it: its first webhook's URL."""
        first = self.target.webhooks[ROLE][0]
        return Side(redact_webhook_paths(self.target.url(first.path)), self.target.description)

    def send(self, case: Case) -> Exchange:
        """POST the case to the next webhook with room; an unreachable gateway is a usage error."""
        webhook = self.pools.take(ROLE, reserve=1)
        try:
            exchange = self.client.send("POST", webhook.path, case.body, case.headers())
        except requests.RequestException as error:
            raise UsageError(
                f"cannot reach {self.name} at {self.target.base_url}: {type(error).__name__}"
            ) from None
        if len(self.client.exchanges) == 1:
            self._check_usable(exchange)
        return exchange

    def _check_usable(self, exchange: Exchange) -> None:
        answer = answer_of(exchange)
        entry = error_codes().get(answer.code or "")
        unusable = entry is not None and entry.stage in UNUSABLE_STAGES
        if unusable or (exchange.status == 404 and not answer.readable):
            raise UsageError(
                # no /trading/webhook/ in the sentence: the redaction would take its closing words
                f"{self.name} answered the first request {answer.label()}: give the webhook URL, ending in "
                "UUID/PASSWORD, of a stocks webhook that accepts any ticker from here"
            )

    def notes(self) -> list[str]:
        """What the pacing and any 429s say about this side's webhooks."""
        return [f"{self.name}: {note}" for note in self.pools.notes()]


def _url_target(url: str, name: str, profile: dict) -> Target:
    """The gateway of webhook URL `url`, the profile's stocks webhooks besides; errors name `name`."""
    template = profile.get("target", {}).get("webhook_path", DEFAULT_WEBHOOK_PATH)
    try:
        base_url_of(url, template)  # an http(s) URL first, then one of a webhook
        parse_webhook(url, "the URL", template)
        return build_target(url, url, profile, None, None, [])
    except TargetError as error:
        raise TargetError(f"{name}: {error}") from None


def _paced(options: DiffOptions, profile: dict | None) -> bool:
    """Whether a side's webhooks keep the spec's limits: --rate-limits, else A's profile, else yes."""
    if options.rate_limits is not None:
        return options.rate_limits == "spec"
    if profile is not None:
        return profile.get("target", {}).get("rate_limits", "lifted") == "spec"
    return True


@contextmanager
def _gateways(options: DiffOptions, redactor: Redactor) -> Iterator[tuple[_Gateway, _Gateway]]:
    profile = load_profile(options.profile) if options.profile else None
    a = _Gateway("A", _url_target(options.a, "A", profile or {}), _paced(options, profile))
    redactor.add_target(a.target)
    with ExitStack() as stack:
        if options.b is None:
            embedded = stack.enter_context(embedded_target(redactor))
            b = _Gateway("B", embedded, paced=False)  # its webhooks' limits are lifted
        else:
            b = _Gateway("B", _url_target(options.b, "B", {}), _paced(options, None))
        redactor.add_target(b.target)
        try:
            yield a, b
        finally:
            a.client.close()
            b.client.close()


def _pacing_note(gateway: _Gateway, requests_sent: int) -> str | None:
    if not gateway.paced:
        return None
    per_minute = QUOTA_WINDOWS[0][0] * len(gateway.target.webhooks[ROLE])
    if requests_sent <= per_minute:
        return None
    return (
        f"{gateway.name}'s {len(gateway.target.webhooks[ROLE])} webhook(s) keep the spec's rate limits: "
        f"{requests_sent} requests take about {requests_sent / per_minute:.0f} minutes (list more in a "
        "profile's stocks webhooks, or pass --rate-limits lifted if their limits are lifted)"
    )


def compare(a: _Gateway, b: _Gateway, cases: list[Case]) -> list[Difference]:
    """Send every case to A, then to B; the differences."""
    found = []
    for case in cases:
        exchange_a = a.send(case)
        exchange_b = b.send(case)
        different = difference(case, exchange_a, exchange_b)
        if different is not None:
            found.append(different)
    return found


def run(options: DiffOptions) -> int:
    """Diff A and B: 0 when they agree, 1 when they differ, 2 when the diff cannot run. Every line it
    prints and the JSON it writes have the passwords redacted."""
    redactor = Redactor()
    with redacted_output(redactor):
        try:
            return _run(options, redactor)
        except (TargetError, UsageError, GatewayStartError) as error:
            print(f"error: {error}", file=sys.stderr)
            return USAGE_ERROR


def _run(options: DiffOptions, redactor: Redactor) -> int:
    if options.cases < 0:
        raise UsageError("--cases must be 0 or more")
    if options.rate_limits not in (None, *RATE_LIMITS):
        raise UsageError(f"--rate-limits must be one of {', '.join(RATE_LIMITS)}")
    unwritable = unwritable_option({"--json": options.json})
    if unwritable:  # said now, not after minutes of paced requests
        raise UsageError(unwritable)
    cases, repeated = unique([*corpus_requests(), *generated_requests(options.cases, options.seed)])
    with _gateways(options, redactor) as (a, b):
        for note in filter(None, (_pacing_note(gateway, len(cases)) for gateway in (a, b))):
            print(f"note: {note}", flush=True)
        differences = compare(a, b, cases)
        outcome = Outcome(a.side, b.side, cases, repeated, options.seed, grouped(differences))
        print(console_text(outcome, redactor))
        for note in [*a.notes(), *b.notes()]:
            print(f"note: {note}")
        if options.json:
            data = report_data(outcome, redactor)
            try:
                options.json.write_text(
                    json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
                )
            except OSError as error:
                raise UsageError(f"--json: cannot write {options.json}: {error.strerror or error}") from None
    return DIFFER if outcome.groups else AGREE
