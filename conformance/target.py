"""The gateway under test: its URL, the webhooks the kit may use, and the capabilities it offers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from conformance.redaction import redact_webhook_paths
from webhook_spec.openapi import WEBHOOK_PREFIX, webhook_path

# The webhooks scenarios ask for, by role, with what each must be configured as on the target.
ROLES = {
    "stocks": "a stocks webhook, any ticker, no source restriction (the default role)",
    "options": "an options webhook, any ticker",
    "futures": "a futures webhook, any ticker",
    "crypto": "a crypto webhook, any ticker",
    "tradingview": "a stocks webhook limited to TradingView",
    "trendspider": "a stocks webhook limited to TrendSpider",
    "ip-list": "a stocks webhook limited to 203.0.113.7 and 10.0.0.0/8",
    "ticker-list": "a stocks webhook whose allowed tickers are AAPL and AMD",
    "futures-list": "a futures webhook whose allowed tickers are MNQ",
    "quota": "a stocks webhook with the spec's rate limits that the kit may use up",
}
# What a target may offer beyond plain webhook requests; scenarios tagged with one need it.
CAPABILITIES = {
    "forwarded-for": "the target believes X-Forwarded-For from the kit (the kit is its trusted proxy)",
    "quota": "scenarios may use up a webhook's rate-limit quota",
    "control-api": "the test-control API is reachable (--control-url and --control-token)",
    "slow": "scenarios may take minutes (the hourly limit needs 501 requests paced over 9 minutes)",
    "untrusted-peer": "the kit can also reach the target from an address it does not trust as a proxy",
    "public-url": "the target URL is the gateway's public URL (TradingView's port and IPv4 rules apply)",
    "slow-clients": "the kit may hold connections that stall, waiting up to the target's read_timeout",
}
DEFAULT_READ_TIMEOUT = 10.0  # seconds: how long a gateway may take to give up on a stalled request
_WEBHOOK_PATH = re.compile(rf"^(?:.*{re.escape(WEBHOOK_PREFIX)})?([^/\s]+)/([^/\s]+)/?$")


class TargetError(ValueError):
    """The target description is unusable; the message says why."""


@dataclass(frozen=True)
class Webhook:
    """One webhook URL's parts; its repr leaves the password out."""

    uuid: str
    password: str = field(repr=False)

    @property
    def path(self) -> str:
        """The path the kit POSTs to."""
        return webhook_path(self.uuid, self.password)


@dataclass(frozen=True)
class Target:
    """Everything the kit knows about the gateway under test."""

    base_url: str
    webhooks: dict[str, tuple[Webhook, ...]] = field(default_factory=dict)
    capabilities: frozenset[str] = frozenset()
    control_url: str | None = None
    control_token: str | None = None
    untrusted_source_address: str | None = None  # a local address the target does not trust as a proxy
    read_timeout: float = DEFAULT_READ_TIMEOUT  # the target's own limit for receiving a request
    description: str = ""

    def webhook(self, role: str, turn: int = 0) -> Webhook | None:
        """A webhook of `role` (round robin over several, so shared quotas last), or None."""
        choices = self.webhooks.get(role, ())
        return choices[turn % len(choices)] if choices else None


def parse_webhook(text: str, origin: str = "the --webhook value") -> Webhook:
    """A webhook from `UUID/PASSWORD` or a full webhook URL; an error names `origin`, never the text."""
    match = _WEBHOOK_PATH.match(urlsplit(text).path if "://" in text else text)
    if not match:
        raise TargetError(f"{origin} is neither UUID/PASSWORD nor a webhook URL")
    return Webhook(match.group(1), match.group(2))


def base_url_of(text: str) -> str:
    """A base URL without its path (a full webhook URL is accepted)."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TargetError(f"{redact_webhook_paths(text)!r} is not an http(s) URL")
    return f"{parts.scheme}://{parts.netloc}"


def _webhook_list(value: object, role: str) -> tuple[Webhook, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(item, str) for item in values):
        raise TargetError(f"profile: webhooks.{role} must be a webhook URL, UUID/PASSWORD, or a list of them")
    return tuple(
        parse_webhook(item, f"profile: webhooks.{role} entry {index}") for index, item in enumerate(values, 1)
    )


def load_profile(path: Path) -> dict:
    """Read a target profile (TOML): [target], [webhooks] by role, [capabilities]."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TargetError(f"profile {path}: {error}") from None
    unknown_roles = set(document.get("webhooks", {})) - set(ROLES)
    unknown_capabilities = set(document.get("capabilities", {})) - set(CAPABILITIES)
    if unknown_roles or unknown_capabilities:
        raise TargetError(
            f"profile {path}: unknown roles or capabilities {sorted(unknown_roles | unknown_capabilities)}"
        )
    return document


def build_target(
    url: str | None, webhook: str | None, profile: dict, control_url: str | None, control_token: str | None
) -> Target:
    """Combine the command line and the profile (the command line wins)."""
    section = profile.get("target", {})
    base = url or section.get("url")
    if not base:
        raise TargetError(
            "no target: pass --target URL (or leave it out to test the embedded reference gateway)"
        )
    base_url = base_url_of(base)
    webhooks = {role: _webhook_list(value, role) for role, value in profile.get("webhooks", {}).items()}
    if webhook:
        webhooks["stocks"] = (parse_webhook(webhook),)
    if "stocks" not in webhooks:
        raise TargetError(
            "no webhook: pass --webhook UUID/PASSWORD (a stocks webhook that accepts any ticker)"
        )
    capabilities = {name for name, on in profile.get("capabilities", {}).items() if on}
    control_url = control_url or section.get("control_url")
    control_token = control_token or section.get("control_token")
    if control_url and control_token:
        capabilities.add("control-api")
    untrusted = section.get("untrusted_source_address")
    if untrusted:
        capabilities.add("untrusted-peer")
    return Target(
        base_url=base_url,
        webhooks=webhooks,
        capabilities=frozenset(capabilities),
        control_url=control_url,
        control_token=control_token,
        untrusted_source_address=untrusted,
        read_timeout=float(section.get("read_timeout", DEFAULT_READ_TIMEOUT)),
        description=section.get("description", ""),
    )
