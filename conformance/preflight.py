"""Before any scenario runs: a few probes show whether the target can be checked as given.

Four probes go to the stocks webhook's URL: a valid signal, a wrong password, an unknown uuid and a GET.
When their answers show that nothing the scenarios send can reach a gateway (no connection, TLS failing,
redirects, every probe 404, no answer in JSON), `diagnose` says what was tried, what came back and the
likely fix, and the run stops. When they are only partly as the spec says, it notes what was seen.
A few more probes look at what a front end may take away (a 64 KiB header, the untrusted source
address) and at the control API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from conformance.client import Exchange, TargetClient
from conformance.control_client import ControlClient, ControlError
from conformance.redaction import redact_webhook_paths
from conformance.steps.when import ACCEPTABLE_SIGNAL, UNKNOWN_WEBHOOK, WRONG_PASSWORD
from conformance.target import Target, Webhook

PROBE_TIMEOUT = (3.0, 5.0)  # seconds to connect, and to wait for an answer
LARGE_HEADER = 65536  # bytes, as the REQ-METHOD-03 scenario of request.feature sends
SHOWN_BODY = 70  # characters of a response body a probe line shows
NO_PREFLIGHT = "To run the scenarios anyway: --no-preflight."


@dataclass
class Probe:
    """One probe request and what came back: a response, or the error that stopped it."""

    label: str
    method: str
    url: str  # webhook passwords redacted
    expected: tuple[int, str]  # the status and messageCode the spec asks for
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    location: str = ""
    error: str = ""  # a connection, TLS or timeout error, in words
    error_kind: str = ""  # connect, tls, timeout or other

    @property
    def message_code(self) -> str | None:
        """The messageCode of an answer in the documented JSON shape, else None."""
        try:
            document = json.loads(self.body)
        except ValueError:
            return None
        if not isinstance(document, dict) or not isinstance(document.get("success"), bool):
            return None
        return str(document.get("messageCode", "")) if not document["success"] else ""

    @property
    def in_json(self) -> bool:
        """Whether the answer is in the documented JSON shape (`{"success": ...}`)."""
        return self.message_code is not None

    def line(self) -> str:
        """`METHOD label  status content-type: start of the body` (or the error)."""
        seen = self.error or f"{self.status} {self.content_type or '(no Content-Type)'}"
        text = self.body.decode("utf-8", "replace").replace("\n", " ").strip()
        if not self.error and text:
            seen += f": {text[:SHOWN_BODY]}{'...' if len(text) > SHOWN_BODY else ''}"
        if self.location:
            seen += f" (Location: {redact_webhook_paths(self.location)})"
        return f"  {f'{self.method} {self.label}':<30} {seen}"


@dataclass
class Verdict:
    """The preflight's outcome: why the target cannot be checked (None when it can), notes, findings."""

    fatal: str | None = None
    notes: list[str] = field(default_factory=list)
    unusable: dict[str, str] = field(default_factory=dict)  # capability -> why it cannot be used


def _error(error: requests.RequestException) -> tuple[str, str]:
    """An error's kind and words (no URL: the caller names it)."""
    if isinstance(error, requests.exceptions.SSLError):
        reason = re.search(r"\[SSL: \w+\] [^(')]+|certificate verify failed[^(')]*", str(error))
        return "tls", f"TLS failed ({reason.group().strip() if reason else 'handshake'})"
    if isinstance(error, requests.Timeout):
        return "timeout", f"no answer within {PROBE_TIMEOUT[1]:g} s"
    if isinstance(error, requests.ConnectionError):
        refused = "refused" in str(error).lower()
        return "connect", "connection refused" if refused else f"cannot connect ({type(error).__name__})"
    return "other", type(error).__name__


def _unknown(target: Target) -> Webhook:
    """A webhook no gateway has, at the target's webhook path."""
    return Webhook(UNKNOWN_WEBHOOK.uuid, UNKNOWN_WEBHOOK.password, target.webhook_path)


def _probe(client: TargetClient, probe: Probe, path: str, body: bytes, headers: dict[str, str]) -> Probe:
    try:
        exchange: Exchange = client.send(probe.method, path, body, headers)
    except requests.RequestException as error:
        probe.error_kind, probe.error = _error(error)
        return probe
    probe.status, probe.body = exchange.status, exchange.response_body
    probe.content_type = exchange.response_headers.get("Content-Type", "")
    probe.location = exchange.response_headers.get("Location", "")
    return probe


def webhook_probes(target: Target, observer: Callable[[str, Exchange], None] | None = None) -> list[Probe]:
    """The four probes of the stocks webhook's URL, sent in turn; they stop at a connection error."""
    webhook = target.webhook("stocks")
    password = WRONG_PASSWORD if webhook.password != WRONG_PASSWORD else WRONG_PASSWORD[::-1]
    wrong = Webhook(webhook.uuid, password, target.webhook_path)
    unknown = _unknown(target)
    json_type = {"Content-Type": "application/json"}
    plan = [
        ("POST", "a valid signal", webhook, ACCEPTABLE_SIGNAL, (200, "")),
        ("POST", "with a wrong password", wrong, ACCEPTABLE_SIGNAL, (400, "invalid-password")),
        ("POST", "to an unknown uuid", unknown, ACCEPTABLE_SIGNAL, (404, "not-found")),
        ("GET", "", webhook, b"", (400, "post-required")),
    ]
    client = TargetClient(target.base_url, timeout=PROBE_TIMEOUT, observer=observer)
    probes = []
    try:
        for method, label, hook, body, expected in plan:
            probe = Probe(label, method, redact_webhook_paths(target.url(hook.path)), expected)
            probes.append(_probe(client, probe, hook.path, body, json_type if body else {}))
            if probe.error:
                break
    finally:
        client.close()
    return probes


def _fix_for_error(probe: Probe) -> str:
    if probe.error_kind == "tls":
        return (
            "if the gateway serves plain HTTP, use http:// in --target; if its certificate is from a "
            "private CA, point REQUESTS_CA_BUNDLE at that CA's certificate"
        )
    if probe.error_kind == "timeout":
        return "check that the gateway runs and answers at that address (a firewall may drop the packets)"
    return "start the gateway, or correct the host and port in --target"


def _fatal(probes: list[Probe]) -> tuple[str, str] | None:
    """(what was seen, the likely fix) when the probes show the target cannot be checked as given."""
    failed = next((probe for probe in probes if probe.error), None)
    if failed is not None:
        return f"{failed.error} at {failed.url}", _fix_for_error(failed)
    moved = next((probe for probe in probes if 300 <= (probe.status or 0) < 400), None)
    if moved is not None:
        where = f" to {redact_webhook_paths(moved.location)}" if moved.location else ""
        return (
            f"the target redirects{where} ({moved.status}); the kit, like a signal sender, does not follow",
            "use the URL it redirects to as --target (https:// rather than http://, the right host or "
            "path prefix)",
        )
    if all(probe.status == 404 for probe in probes):
        if all(probe.in_json for probe in probes):
            return (
                "every probe was answered 404 in JSON, even the GET",
                "the gateway knows no webhook there: check the stocks webhook's uuid (--webhook, the "
                "profile) and the base URL",
            )
        return (
            "every probe was answered 404, not in JSON: nothing is served at that path",
            "if the gateway is served under a path prefix, put it in --target (https://host/prefix); if its "
            "webhook path is not the spec's (/trading/webhook/, then the uuid and the password), give it as "
            "[target] webhook_path in the profile",
        )
    if not any(probe.in_json for probe in probes):
        return (
            'no probe was answered in the spec\'s JSON shape ({"success": ...})',
            "check that --target is the gateway's base URL, not a web page or a front end's error page",
        )
    if all((probe.status or 0) >= 500 for probe in probes):
        return "every probe was answered with a server error", "the gateway's log says why it fails"
    return None


def _partly(probes: list[Probe]) -> list[str]:
    """A line for each probe answered otherwise than the spec says."""
    notes = []
    for probe in probes:
        status, code = probe.expected
        if probe.status == status and probe.message_code == code:
            continue
        seen = f"{probe.status} {probe.message_code or '(not in JSON)'}"
        wanted = f"{status} {code}".strip()
        asked = f"{probe.method} {probe.label}".strip()
        notes.append(f"  {asked} was answered {seen}, where the spec says {wanted}")
    valid = probes[0]
    if valid.status == 400 and valid.message_code == "invalid-password":
        notes.append("  the stocks webhook's password seems wrong: every scenario that needs a 200 will fail")
    elif valid.status == 404:
        notes.append("  the gateway does not know the stocks webhook's uuid: check --webhook or the profile")
    elif valid.status == 429:
        notes.append("  the stocks webhook is rate-limited now: wait, or list more stocks webhooks")
    return notes


def _header_note(target: Target, observer) -> list[str]:
    """A note when a 64 KiB header is answered otherwise than in JSON, as a front end's limit would."""
    if target.front_end is not None and target.front_end.header_limit is not None:
        return []
    client = TargetClient(target.base_url, timeout=PROBE_TIMEOUT, observer=observer)
    path = _unknown(target).path
    url = redact_webhook_paths(target.url(path))
    probe = Probe("with a 64 KiB header", "POST", url, (400, "malformed-request"))
    try:
        _probe(client, probe, path, ACCEPTABLE_SIGNAL, {"X-Padding": "a" * LARGE_HEADER})
    finally:
        client.close()
    if probe.in_json:
        return []
    seen = probe.error or f"{probe.status} {probe.content_type or '(no Content-Type)'}"
    return [
        f"a request with a {LARGE_HEADER}-byte header was answered {seen}, not in JSON (REQ-METHOD-03). "
        "If a front end before the gateway answers it, declare its limit ([front_end] header_limit = BYTES "
        "in the profile): that scenario is then not applicable"
    ]


def _untrusted_peer(target: Target) -> str | None:
    """Why the kit cannot send from the untrusted source address, or None when it can."""
    client = TargetClient(target.base_url, timeout=PROBE_TIMEOUT)
    client.connect_from(target.untrusted_source_address)
    try:
        client.send("GET", _unknown(target).path)
    except requests.RequestException as error:
        address = target.untrusted_source_address
        return (
            f"the kit cannot reach the target from untrusted_source_address {address} "
            f"({_error(error)[1]}): it must be an address of this machine"
        )
    finally:
        client.close()
    return None


def _control_note(target: Target) -> list[str]:
    client = ControlClient(target.control_url, target.control_token, timeout=PROBE_TIMEOUT[1])
    try:
        client.log(limit=1)
    except ControlError as error:
        return [f"{error}: the semantics scenarios need the control API (--control-url, --control-token)"]
    except requests.RequestException as error:
        return [f"the control API at {target.control_url} cannot be reached ({_error(error)[1]})"]
    finally:
        client.close()
    return []


def diagnose(target: Target, observer: Callable[[str, Exchange], None] | None = None) -> Verdict:
    """Probe the target and judge whether its scenarios can run (observer: told each webhook request)."""
    probes = webhook_probes(target, observer)
    fatal = _fatal(probes)
    if fatal is not None:
        seen, fix = fatal
        lines = [f"the target cannot be checked as given: {seen}.", f"  URL tried: {probes[0].url}"]
        lines += [probe.line() for probe in probes]
        lines += [f"  Likely fix: {fix}.", f"  {NO_PREFLIGHT}"]
        return Verdict(fatal="\n".join(lines))
    verdict = Verdict(notes=_partly(probes))
    if verdict.notes:
        verdict.notes.insert(0, f"the target answers partly as the spec says ({probes[0].url}):")
    verdict.notes += _header_note(target, observer)
    if "untrusted-peer" in target.capabilities and (reason := _untrusted_peer(target)):
        verdict.unusable["untrusted-peer"] = reason
        verdict.notes.append(reason + "; its scenarios are not applicable")
    if "control-api" in target.capabilities:
        verdict.notes += _control_note(target)
    return verdict
