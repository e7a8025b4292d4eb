"""Against a gateway at the spec's own limits (60 a minute, 500 an hour per webhook), with the webhooks that
`webhook-conformance profile init` asks for, the whole kit passes (--slow aside): issue 13, part 7.

One separately served reference gateway, configured with exactly as many webhooks per role as the written
profile lists; the profile is filled in and used as written. The kit runs in its normal mode (100 cases per
property check): about a minute.
"""

import json
import re
import secrets
import subprocess
import sys
import tomllib

from conformance.embedded_gateway import ROLE_WEBHOOKS, config_toml, numbered_webhook, running_gateway
from conformance.target import PLACEHOLDER
from tests.test_kit import kit

SPEC_LIMITS = "60/minute;500/hour"
# Each role's settings as the embedded gateway has them, at the gateway's (the spec's) rate limits.
ROLE_SETTINGS = {
    hook.name: {key: value for key, value in hook.settings.items() if key != "rate_limits"}
    for hook in ROLE_WEBHOOKS
}


def _fill(text: str, webhooks: dict[str, list[str]], settings: dict[str, str]) -> str:
    """The profile `profile init` wrote, with each placeholder replaced by the next webhook of its role
    and each `key = ...` line of `settings` set (uncommented if need be)."""
    lines, role = [], None
    for line in text.splitlines():
        if match := re.match(r'^"?([a-z-]+)"? = ', line):
            role = match.group(1)
        while PLACEHOLDER in line and not line.startswith("#"):
            line = line.replace(PLACEHOLDER, webhooks[role].pop(0), 1)
        key = re.match(r"^#? ?([a-z_-]+) = ", line)
        if key and key.group(1) in settings and not line.startswith("# ["):
            line = f"{key.group(1)} = {settings.pop(key.group(1))}"
        lines.append(line)
    assert not settings and not any(webhooks.values()), (settings, webhooks)
    return "\n".join(lines) + "\n"


def test_a_gateway_at_the_spec_limits_passes_with_the_webhooks_profile_init_asks_for(tmp_path):
    written = tmp_path / "target.toml"
    init = subprocess.run(
        [sys.executable, "-m", "conformance", "profile", "init", str(written)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    asked = tomllib.loads(written.read_text())["webhooks"]
    counts = {role: len(value) if isinstance(value, list) else 1 for role, value in asked.items()}
    hooks = [
        numbered_webhook(1000 + 100 * index + turn, role, **ROLE_SETTINGS[role])
        for index, (role, count) in enumerate(counts.items())
        for turn in range(count)
    ]
    token = secrets.token_hex(16)
    config = tmp_path / "gateway.toml"
    gateway = {"trusted_proxies": ["127.0.0.1"], "control_token": token, "rate_limits": SPEC_LIMITS}
    config.write_text(config_toml(hooks, tmp_path / "data", gateway))
    report = tmp_path / "report.json"
    with running_gateway(["--config", str(config)], cwd=tmp_path) as running:
        by_role: dict[str, list[str]] = {}
        for hook in hooks:
            by_role.setdefault(hook.name, []).append(f"{hook.uuid}/{hook.password}")
        settings = {
            "url": json.dumps(running.base_url),
            "control_token": json.dumps(token),
            "untrusted_source_address": '"127.0.0.2"',
            "forwarded-for": "true",
        }
        profile = tmp_path / "filled.toml"
        profile.write_text(_fill(written.read_text(), by_role, settings))
        result = kit("--profile", str(profile), "--json", str(report))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    scenarios = json.loads(report.read_text())["scenarios"]
    assert {s["outcome"] for s in scenarios} == {"passed", "not-applicable"}
    reasons = {s["reason"] for s in scenarios if s["outcome"] == "not-applicable"}
    assert all(re.fullmatch(r"the target lacks (slow|public-url|slow-clients) .*", r) for r in reasons), (
        reasons
    )
    # Paced to the spec's limits, it never met a 429; and with these webhooks it never had to wait (else a
    # step sends more requests than profile init counts: its module's REQUESTS must say how many).
    assert "answered 429" not in result.stdout, result.stdout[-3000:]
    assert "waited" not in result.stdout, "profile init counts too few requests:\n" + result.stdout[-1500:]
    quota = [s for s in scenarios if "REQ-RATE-01" in s["requirements"]]
    assert quota and all(s["outcome"] == "passed" for s in quota)
