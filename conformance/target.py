"""The gateway under test: its URL, the webhooks the kit may use, and the capabilities it offers."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from conformance.redaction import redact_webhook_paths
from webhook_spec.openapi import WEBHOOK_PATH

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
# What a profile's [target] and [front_end] tables may hold.
TARGET_SETTINGS = (
    "url",
    "webhook_path",
    "control_url",
    "control_token",
    "untrusted_source_address",
    "read_timeout",
    "rate_limits",
    "description",
)
FRONT_END_SETTINGS = ("name", "header_limit", "forwards_peer")
DEFAULT_READ_TIMEOUT = 10.0  # seconds: how long a gateway may take to give up on a stalled request
DEFAULT_WEBHOOK_PATH = WEBHOOK_PATH  # the spec's webhook URL path
CONTROL_PATH = "/control"  # where the test-control API is, after the base URL, unless control_url says
RATE_LIMITS = {  # what the profile's [target] rate_limits may say of the webhooks the kit shares
    "spec": "the spec's 60 a minute and 500 an hour per webhook: the kit paces itself to stay within them",
    "lifted": "lifted (the default): the kit sends as fast as the target answers",
}
PLACEHOLDER = "UUID/PASSWORD"  # what `profile init` writes where a webhook is to be filled in
_PLAIN_WEBHOOK = re.compile(r"^(?P<uuid>[^/\s]+)/(?P<password>[^/\s]+)/?$")


class TargetError(ValueError):
    """The target description is unusable; the message says why."""


@dataclass(frozen=True)
class Webhook:
    """One webhook URL's parts; its repr leaves the password out."""

    uuid: str
    password: str = field(repr=False)
    template: str = DEFAULT_WEBHOOK_PATH  # the URL path, with {uuid} and {password} in it

    @property
    def path(self) -> str:
        """The path the kit POSTs to, after the target's base URL."""
        return self.template.format(uuid=self.uuid, password=self.password)


@dataclass(frozen=True)
class FrontEnd:
    """A reverse proxy or load balancer before the gateway, as the profile's [front_end] declares it."""

    name: str = "the front end"
    header_limit: int | None = None  # bytes of one request header it lets through
    forwards_peer: bool = True  # it adds the address that connects to it to X-Forwarded-For

    def refuses_header(self, size: int) -> str | None:
        """Why a header of `size` bytes cannot reach the gateway through this front end, or None."""
        if self.header_limit is None or size <= self.header_limit:
            return None
        return (
            f"{self.name} lets headers of up to {self.header_limit} bytes through (profile: [front_end] "
            f"header_limit), so a {size}-byte header never reaches the gateway"
        )

    def hides_peer(self) -> str | None:
        """Why the gateway cannot see an untrusted peer's address behind this front end, or None."""
        if self.forwards_peer:
            return None
        return (
            f"{self.name} does not add the address that connects to it to X-Forwarded-For (profile: "
            "[front_end] forwards_peer = false), so the gateway cannot tell an untrusted peer from the kit"
        )


@dataclass(frozen=True)
class Target:
    """Everything the kit knows about the gateway under test."""

    base_url: str  # scheme, host, port and any path prefix (https://host/api), no trailing slash
    webhooks: dict[str, tuple[Webhook, ...]] = field(default_factory=dict)
    capabilities: frozenset[str] = frozenset()
    control_url: str | None = None
    control_token: str | None = None
    untrusted_source_address: str | None = None  # a local address the target does not trust as a proxy
    read_timeout: float = DEFAULT_READ_TIMEOUT  # the target's own limit for receiving a request
    description: str = ""
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    front_end: FrontEnd | None = None
    paced: bool = False  # the webhooks keep the spec's rate limits (rate_limits = "spec"): the kit paces
    unusable: Mapping[str, str] = field(default_factory=dict)  # capability -> why the preflight found it so

    def webhook(self, role: str, turn: int = 0) -> Webhook | None:
        """A webhook of `role` (round robin over several, so shared quotas last), or None."""
        choices = self.webhooks.get(role, ())
        return choices[turn % len(choices)] if choices else None

    def url(self, path: str) -> str:
        """The full URL of `path`, the base URL's path prefix kept."""
        return self.base_url + path

    @property
    def webhook_path_start(self) -> str:
        """The path up to the first webhook URL parameter, prefix included (an unfinished request's)."""
        return urlsplit(self.base_url).path + self.webhook_path.partition("{")[0]


def check_webhook_path(template: str) -> str:
    """`template` when it can be a webhook path: it starts with / and holds {uuid} and {password} once."""
    names = sorted(re.findall(r"\{([^{}]*)\}", template))
    if not template.startswith("/") or names != ["password", "uuid"] or template.count("{") != 2:
        raise TargetError(
            f"profile: [target] webhook_path {template!r} must start with / and hold {{uuid}} and "
            "{password} once each, e.g. /hooks/{uuid}/{password}"
        )
    return template


def _template_pattern(template: str) -> re.Pattern[str]:
    """Matches a URL path that ends in a webhook path of `template`: its prefix, uuid and password."""
    pattern = re.escape(template)
    pattern = pattern.replace(r"\{uuid\}", r"(?P<uuid>[^/\s]+)").replace(
        r"\{password\}", r"(?P<password>[^/\s]+)"
    )
    return re.compile(rf"^(?P<prefix>.*?){pattern}/?$")


def split_url(text: str, shown: str) -> SplitResult:
    """`text`'s parts; TargetError naming it as `shown` for a URL whose host or port cannot be read."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- read to check it: a port out of range or not a number is a ValueError
    except ValueError as error:
        raise TargetError(f"{shown} is not a URL: {error}") from None
    return parts


def parse_webhook(
    text: str, origin: str = "the --webhook value", template: str = DEFAULT_WEBHOOK_PATH
) -> Webhook:
    """A webhook from `UUID/PASSWORD` or a full webhook URL; an error names `origin`, never the text."""
    if text.strip() == PLACEHOLDER:
        raise TargetError(f"{origin} is still {PLACEHOLDER}: fill in a webhook the target has")
    pattern = _template_pattern(template) if "://" in text else _PLAIN_WEBHOOK
    match = pattern.match(split_url(text, origin).path if "://" in text else text)
    if not match:
        raise TargetError(f"{origin} is neither UUID/PASSWORD nor a webhook URL ending in {template}")
    return Webhook(match.group("uuid"), match.group("password"), template)


def base_url_of(text: str, template: str = DEFAULT_WEBHOOK_PATH) -> str:
    """The base URL in `text`: scheme, host, port and path prefix; a full webhook URL is cut before the
    webhook path."""
    parts = split_url(text, repr(redact_webhook_paths(text)))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TargetError(f"{redact_webhook_paths(text)!r} is not an http(s) URL")
    if parts.query or parts.fragment:
        raise TargetError(f"{redact_webhook_paths(text)!r}: a base URL has no query or fragment")
    match = _template_pattern(template).match(parts.path)
    prefix = match.group("prefix") if match else parts.path
    return f"{parts.scheme}://{parts.netloc}{prefix.rstrip('/')}"


def _webhook_list(value: object, role: str, template: str) -> tuple[Webhook, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(item, str) for item in values):
        raise TargetError(f"profile: webhooks.{role} must be a webhook URL, UUID/PASSWORD, or a list of them")
    return tuple(
        parse_webhook(item, f"profile: webhooks.{role} entry {index}", template)
        for index, item in enumerate(values, 1)
    )


def load_profile(path: Path) -> dict:
    """Read a target profile (TOML): [target], [webhooks] by role, [capabilities], [front_end]."""
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
    for table, known in (("target", TARGET_SETTINGS), ("front_end", FRONT_END_SETTINGS)):
        unknown = sorted(set(document.get(table, {})) - set(known))
        if unknown:
            raise TargetError(
                f"profile {path}: unknown [{table}] settings {unknown}; known: {', '.join(known)}"
            )
    return document


def _front_end(section: dict | None) -> FrontEnd | None:
    if section is None:
        return None
    limit = section.get("header_limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise TargetError("profile: [front_end] header_limit must be a number of bytes")
    if not isinstance(section.get("forwards_peer", True), bool):
        raise TargetError("profile: [front_end] forwards_peer must be true or false")
    return FrontEnd(
        name=str(section.get("name", FrontEnd.name)),
        header_limit=limit,
        forwards_peer=section.get("forwards_peer", True),
    )


def _overridden(option: str, given: str | None, setting: str, profiled: str | None, notes: list[str]) -> None:
    if given and profiled and given != profiled:
        notes.append(f"{option} is used, not the profile's {setting}")


def build_target(
    url: str | None,
    webhook: str | None,
    profile: dict,
    control_url: str | None,
    control_token: str | None,
    notes: list[str] | None = None,
) -> Target:
    """Combine the command line and the profile: an option wins over the profile's setting (said in
    `notes`), and --webhook joins the profile's stocks webhooks."""
    notes = [] if notes is None else notes
    section = profile.get("target", {})
    template = check_webhook_path(section.get("webhook_path", DEFAULT_WEBHOOK_PATH))
    if not (url or section.get("url")):
        raise TargetError(
            "no target: pass --target URL (or leave it out to test the embedded reference gateway)"
        )
    base_url = base_url_of(url or section["url"], template)
    if url and section.get("url") and base_url != base_url_of(section["url"], template):
        notes.append(f"--target {base_url} is used, not the profile's url")
    webhooks = {
        role: _webhook_list(value, role, template) for role, value in profile.get("webhooks", {}).items()
    }
    if webhook:
        given, listed = parse_webhook(webhook, template=template), webhooks.get("stocks", ())
        webhooks["stocks"] = (given, *(hook for hook in listed if hook != given))
        if listed:
            notes.append(
                f"the stocks webhooks are --webhook's and the profile's ({len(webhooks['stocks'])} in all): "
                "the kit spreads its requests over them"
            )
    if "stocks" not in webhooks:
        raise TargetError(
            "no webhook: pass --webhook UUID/PASSWORD (a stocks webhook that accepts any ticker)"
        )
    declared = profile.get("capabilities", {})
    capabilities = {name for name, on in declared.items() if on}
    _overridden("--control-url", control_url, "control_url", section.get("control_url"), notes)
    _overridden("--control-token", control_token, "control_token", section.get("control_token"), notes)
    control_token = control_token or section.get("control_token")
    control_url = control_url or section.get("control_url") or (control_token and base_url + CONTROL_PATH)
    if control_url and control_token and declared.get("control-api", True):
        capabilities.add("control-api")
    rate_limits = section.get("rate_limits", "lifted")
    if rate_limits not in RATE_LIMITS:
        raise TargetError(f"profile: [target] rate_limits must be one of {', '.join(map(repr, RATE_LIMITS))}")
    untrusted = section.get("untrusted_source_address")
    if untrusted and declared.get("untrusted-peer", True):
        capabilities.add("untrusted-peer")
    return Target(
        base_url=base_url,
        webhooks=webhooks,
        capabilities=frozenset(capabilities),
        control_url=control_url or None,
        control_token=control_token,
        untrusted_source_address=untrusted,
        read_timeout=float(section.get("read_timeout", DEFAULT_READ_TIMEOUT)),
        description=section.get("description", ""),
        webhook_path=template,
        front_end=_front_end(profile.get("front_end")),
        paced=rate_limits == "spec",
    )
