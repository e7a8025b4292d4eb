"""`webhook-conformance diff`: the reference agrees with itself, a broken gateway's one broken rule is one
grouped line with both answers and curl commands (passwords redacted), and unusable URLs exit 2.

Every diff runs as a user runs it, `python -m conformance diff`, against gateway processes over sockets:
the reference and a broken gateway of the kit-strength catalogue served by tests/broken_gateways/serve.py,
and (B left out) the embedded reference gateway the kit starts itself.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.client import Exchange
from conformance.diff.cases import GENERATED, Case, corpus_requests, generated_requests, unique
from conformance.diff.compare import difference, grouped
from conformance.diff.run import DiffOptions, _gateways, _pacing_note
from conformance.embedded_gateway import ROLE_WEBHOOKS
from conformance.redaction import Redactor
from tests.broken_gateways.catalogue import REFERENCE, entry_named
from tests.broken_gateways.run import served
from webhook_spec.docs import repo_root

BROKEN = "order-type-code-is-generic"  # answers invalid-payload where REQ-FIELD-12 says invalid-order-type
CASES = "20"  # generated signals per diff: the corpus carries the cases that matter here
STOCKS = next(hook for hook in ROLE_WEBHOOKS if hook.name == "stocks")  # lifted limits on every gateway
DIFF_TIMEOUT = 180.0


@pytest.fixture(scope="module")
def webhook_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The stocks webhook URL of the reference and of the broken gateway, each on its own port."""
    with served([entry_named(BROKEN)], tmp_path_factory.mktemp("gateways"), secrets.token_hex(16)) as urls:
        yield {name: url + STOCKS.path for name, url in urls.items()}


def diff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m conformance diff ARGS`, as a user runs it."""
    command = [sys.executable, "-m", "conformance", "diff", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=DIFF_TIMEOUT, cwd=cwd)


def _no_secrets(*texts: str) -> None:
    for text in texts:
        assert STOCKS.password not in text
        assert "Traceback" not in text


def test_the_reference_agrees_with_the_embedded_reference(webhook_urls, tmp_path):
    report = tmp_path / "diff.json"
    done = diff(
        webhook_urls[REFERENCE],
        "--cases",
        CASES,
        "--rate-limits",
        "lifted",
        "--json",
        str(report),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "B: the embedded reference gateway at http://127.0.0.1:" in done.stdout
    assert "A and B agree on all" in done.stdout and "DIFF" not in done.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["agree"] is True and data["groups"] == [] and data["requests"] > 200
    _no_secrets(done.stdout, done.stderr, report.read_text(encoding="utf-8"))


@pytest.mark.decision("D-076")
def test_a_broken_rule_is_one_grouped_line_with_both_answers_and_curl_commands(webhook_urls, tmp_path):
    report = tmp_path / "diff.json"
    args = ("--cases", CASES, "--rate-limits", "lifted", "--json", str(report))
    done = diff(webhook_urls[BROKEN], webhook_urls[REFERENCE], *args, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    groups = [line for line in lines if line.startswith("DIFF")]
    assert len(groups) == 1, done.stdout
    assert "REQ-FIELD-12" in groups[0]
    assert "A said 400 invalid-payload where B said 400 invalid-order-type" in groups[0]
    data = json.loads(report.read_text(encoding="utf-8"))
    [group] = data["groups"]
    assert group["requirement"] == "REQ-FIELD-12" and group["count"] == data["differences"] >= 1
    assert groups[0].endswith(f": {group['count']} case" + ("s" if group["count"] > 1 else ""))
    curls = {side: next(line for line in lines if line.strip().startswith(f"curl {side}:")) for side in "AB"}
    for side, url in (("A", webhook_urls[BROKEN]), ("B", webhook_urls[REFERENCE])):
        shown = url.replace(STOCKS.password, "$PASSWORD")
        assert f'"{shown}"' in curls[side] and "--data-binary" in curls[side]
        assert group["cases"][0][side.lower()]["curl"].startswith("curl ")
    assert "A:      400" in done.stdout and "B:      400" in done.stdout
    _no_secrets(done.stdout, done.stderr, report.read_text(encoding="utf-8"))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("a", "said"),
    [
        ("not-a-url", "A: 'not-a-url' is not an http(s) URL"),
        ("https://gw.example/somewhere/else", "A: the URL is neither UUID/PASSWORD nor a webhook URL"),
        (f"http://127.0.0.1:{{port}}{STOCKS.path}", "cannot reach A at http://127.0.0.1:"),
        (f"http://[::1{STOCKS.path}", "is not a URL: Invalid IPv6 URL"),
        ("http://127.0.0.1:99999/trading/webhook/x/y", "is not a URL: Port out of range 0-65535"),
        ("{reference}wrong", "A answered the first request 400 invalid-password: give the webhook URL"),
    ],
    ids=["not a URL", "not a webhook URL", "unreachable", "unclosed IPv6 host", "port", "wrong password"],
)
def test_an_unusable_gateway_is_a_usage_error_not_a_traceback(webhook_urls, tmp_path, a, said):
    url = a.format(port=_closed_port(), reference=webhook_urls[REFERENCE])
    done = diff(url, webhook_urls[REFERENCE], "--cases", "0", "--rate-limits", "lifted", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr and done.stderr.startswith("error: ")
    assert done.stderr.count("\n") == 1 and done.stderr.count("(") == done.stderr.count(")"), done.stderr
    _no_secrets(done.stdout, done.stderr)


def test_an_unwritable_json_path_is_a_usage_error_before_any_request(tmp_path):
    report = tmp_path / "missing" / "diff.json"
    a = f"http://127.0.0.1:{_closed_port()}{STOCKS.path}"  # a request would make this "cannot reach A"
    done = diff(a, a, "--cases", "0", "--json", str(report), cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"error: --json: cannot write {report}: No such file or directory\n"
    assert done.stdout == ""


# The parts, without gateways.


def test_generated_cases_are_the_same_for_a_seed_and_hold_valid_and_invalid_signals():
    first, again, other = (list(generated_requests(8, seed)) for seed in (5, 5, 6))
    assert first == again and first != other
    assert {case.origin for case in first} == {GENERATED}
    assert any("valid signal" in case.name and "invalid" not in case.name for case in first)
    assert any("invalid signal" in case.name for case in first)


@pytest.mark.decision("D-076")
def test_a_body_is_sent_once_so_no_case_is_a_replay_of_another():
    corpus = list(corpus_requests())
    again = Case("the first case again", GENERATED, corpus[0].body)
    kept, repeated = unique([*corpus, again])
    assert again not in kept and repeated >= 1
    assert len({case.body for case in kept}) == len(kept)


def _exchange(status: int, document: dict) -> Exchange:
    from requests.structures import CaseInsensitiveDict

    body = json.dumps(document).encode()
    return Exchange("POST", "http://gw/x", {}, b"", status, CaseInsensitiveDict(), body)


def test_a_hundred_cases_with_one_cause_are_one_group_and_other_causes_their_own():
    refused = {"success": False, "messageCode": "invalid-order-type", "message": "..."}
    generic = {"success": False, "messageCode": "invalid-payload", "message": "..."}
    found = [
        difference(
            Case(
                f"case {number}",
                GENERATED,
                json.dumps({"ticker": "AMD", "action": "buy", "orderType": f"x{number}"}).encode(),
            ),
            _exchange(400, generic),
            _exchange(400, refused),
        )
        for number in range(100)
    ]
    price = {"ticker": "AMD", "action": "buy", "price": 2}
    found.append(
        difference(
            Case("price", GENERATED, json.dumps(price).encode()),
            _exchange(200, {"success": True, "payload": {"ticker": "AMD", "action": "buy"}}),
            _exchange(
                200, {"success": True, "payload": {"ticker": "AMD", "action": "buy", "signalPrice": 2}}
            ),
        )
    )
    same = difference(Case("same", GENERATED, b"{}"), _exchange(400, generic), _exchange(400, generic))
    assert same is None
    groups = grouped(found)
    assert [(g.requirement, g.kind, len(g.differences)) for g in groups] == [
        ("REQ-FIELD-12", "A said 400 invalid-payload where B said 400 invalid-order-type", 100),
        ("REQ-RESPONSE-04", "A's payload differs from B's in signalPrice", 1),
    ]


def test_the_readme_shows_a_diff_session():
    readme = (repo_root() / "README.md").read_text(encoding="utf-8")
    assert "## Comparing two gateways: diff" in readme
    assert "webhook-conformance diff" in readme and "A said 400 invalid-payload where B said" in readme


def test_a_profile_spreads_a_over_its_stocks_webhooks_paced_within_the_spec_limits(webhook_urls, tmp_path):
    quota = [hook for hook in ROLE_WEBHOOKS if hook.name == "quota"][:2]  # the spec's limits on every gateway
    base = webhook_urls[REFERENCE].removesuffix(STOCKS.path)
    profile = tmp_path / "target.toml"
    hooks = ", ".join(f'"{hook.uuid}/{hook.password}"' for hook in quota[1:])
    profile.write_text(f'[target]\nrate_limits = "spec"\n[webhooks]\nstocks = [{hooks}]\n', encoding="utf-8")
    options = DiffOptions(base + quota[0].path, webhook_urls[REFERENCE], profile=profile)
    with _gateways(options, Redactor()) as (a, b):
        assert a.paced and b.paced and len(a.target.webhooks["stocks"]) == 2
        cases = list(corpus_requests())[:4]
        for case in cases:
            a.send(case)
        sent = [exchange.url.split("/")[-2] for exchange in a.client.exchanges]
        assert sent == [quota[0].uuid, quota[1].uuid] * 2
        assert "2 webhook(s) keep the spec's rate limits: 300 requests take about 2 minutes" in _pacing_note(
            a, 300
        )
    lifted = DiffOptions(base + quota[0].path, webhook_urls[REFERENCE], profile=profile, rate_limits="lifted")
    with _gateways(lifted, Redactor()) as (a, b):
        assert not a.paced and not b.paced and _pacing_note(a, 300) is None
