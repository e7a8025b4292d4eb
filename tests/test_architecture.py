"""ARCHITECTURE.md held true: the forbidden imports, the pipeline's hooks, a gateway without test tools."""

from __future__ import annotations

import ast
import sys
import tomllib
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pytest
import requests
from packaging.requirements import Requirement

from conformance.embedded_gateway import serving
from reference_server import create_app
from reference_server.config import DEMO_WEBHOOK, GatewayConfig
from reference_server.webhook.hooks import Hooks, set_hooks
from reference_server.webhook.signal_log import read_entries
from webhook_spec.openapi import webhook_path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("reference_server", "webhook_spec", "conformance")
TEST_TOOLS = ("pytest", "_pytest", "pytest_bdd", "schemathesis", "hypothesis", "requests")
# (who, what it must not import, what it may import nonetheless): module name prefixes.
RULES = {
    "webhook does not import paper": ("reference_server.webhook", ("reference_server.paper",), ()),
    "the gateway does not import the test tools or the kit": (
        "reference_server",
        (*TEST_TOOLS, "conformance"),
        (),
    ),
    "the spec imports neither the gateway, the kit nor the test tools": (
        "webhook_spec",
        (*TEST_TOOLS, "conformance", "reference_server"),
        (),
    ),
    "the kit does not import the gateway": ("conformance", ("reference_server",), ()),
    "the planner imports nothing else of reference_server": (
        "reference_server.paper.planner",
        ("reference_server",),
        ("reference_server.paper.planner",),
    ),
}
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
DEMO_PATH = webhook_path(DEMO_WEBHOOK["uuid"], DEMO_WEBHOOK["password"])


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module an import statement of the file names, wherever it stands (functions included);
    `from a import b` names both a and a.b, since b may be a module."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, node.module] if node.module else base)
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def project_imports() -> dict[str, set[str]]:
    """The imports of every module of the three packages, by module name."""
    return {
        _module_name(path, ROOT): imports_of(path)
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    }


def violations(rule: tuple[str, tuple[str, ...], tuple[str, ...]], modules: dict[str, set[str]]) -> list[str]:
    """`module imports name` for each import that breaks the rule."""
    who, forbidden, allowed = rule
    return sorted(
        f"{module} imports {name}"
        for module, names in modules.items()
        if _within(module, who)
        for name in names
        if any(_within(name, prefix) for prefix in forbidden) and not any(_within(name, a) for a in allowed)
    )


@pytest.fixture(scope="module")
def modules() -> dict[str, set[str]]:
    return project_imports()


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_no_module_breaks_the_import_rule(rule, modules):
    assert any(_within(module, rule[0]) for module in modules), f"no module of {rule[0]} was read"
    assert violations(rule, modules) == []


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_the_import_rule_catches_a_breach(rule):
    who, forbidden, _ = rule
    breach = {f"{who}.module": {f"{forbidden[0]}.anything"}}
    assert violations(rule, breach) == [f"{who}.module imports {forbidden[0]}.anything"]


def test_relative_and_function_level_imports_are_read(tmp_path):
    package = tmp_path / "reference_server" / "webhook"
    package.mkdir(parents=True)
    (package / "x.py").write_text("from ..paper import trading\n\ndef f():\n    import pytest\n")
    assert imports_of(package / "x.py", tmp_path) >= {"reference_server.paper.trading", "pytest"}


# The hooks: the only way from the webhook pipeline to paper trading.


def test_without_the_control_api_the_pipeline_has_no_hooks_and_paper_is_not_served(tmp_path):
    app = create_app(GatewayConfig(data_dir=tmp_path))
    assert "webhook_hooks" not in app.extensions
    assert "control" not in app.blueprints
    assert app.test_client().post(DEMO_PATH, data=SIGNAL).status_code == 200


def test_the_clock_hook_stamps_each_request(tmp_path):
    app = create_app(GatewayConfig(data_dir=tmp_path))
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    set_hooks(app, Hooks(clock=lambda: moment))
    assert app.test_client().post(DEMO_PATH, data=SIGNAL).status_code == 200
    with app.app_context():
        from reference_server.db import get_db

        (entry,) = read_entries(get_db())
    assert datetime.fromisoformat(entry.received_at) == moment


def test_a_failing_on_accepted_hook_leaves_the_signal_accepted_and_a_replay_is_not_handed_on(tmp_path):
    app = create_app(GatewayConfig(data_dir=tmp_path))
    handed_on = []

    def failing(webhook, accepted):
        handed_on.append(accepted.signal_id)
        raise RuntimeError("a bug after the commit")

    set_hooks(app, Hooks(on_accepted=failing))
    client = app.test_client()
    first, replay = (client.post(DEMO_PATH, data=SIGNAL) for _ in range(2))
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json["id"] == first.json["id"] == handed_on[0]
    assert len(handed_on) == 1  # the replay (D-055) was answered as its original, not handed on again


# The gateway without the test tools: the [gateway] extra, and a process that cannot import them.


def _closure(requirements: list[str], extras: set[str]) -> set[str]:
    """The distributions `requirements` install, transitively, by the installed packages' metadata."""
    names: set[str] = set()
    pending = [(Requirement(text), extras) for text in requirements]
    while pending:
        requirement, active = pending.pop()
        if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in active or {""}):
            continue
        name = requirement.name.lower().replace("_", "-")
        if name in names:
            continue
        names.add(name)
        pending += [(Requirement(text), set(requirement.extras)) for text in metadata.requires(name) or ()]
    return names


def test_the_gateway_extra_installs_no_test_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    gateway = [*project["dependencies"], *project["optional-dependencies"]["gateway"]]
    installed = _closure(gateway, set())
    assert {"flask", "gunicorn", "uvicorn", "limits", "redis", "jsonschema"} <= installed
    assert installed.isdisjoint({"pytest", "pytest-bdd", "schemathesis", "hypothesis", "requests"})


BLOCKED_RUN = (
    "import sys\n"
    "for name in {blocked!r}:\n"
    "    sys.modules[name] = None  # importing it raises ImportError\n"
    "from reference_server.__main__ import main\n"
    "sys.exit(main({args!r}))\n"
)


def _serve_blocked(directory: Path, blocked: list[str], *args: str):
    """Serve the embedded default from `directory` in a process where importing `blocked` fails."""
    serve = ["serve", "--host", "127.0.0.1", "--port", "0", *args]
    return serving(
        [sys.executable, "-u", "-c", BLOCKED_RUN.format(blocked=blocked, args=serve)], cwd=directory
    )


def test_a_gateway_that_cannot_import_the_test_tools_nor_paper_trading_serves_signals(tmp_path):
    with _serve_blocked(tmp_path, [*TEST_TOOLS, "conformance", "reference_server.paper"]) as gateway:
        response = requests.post(gateway.base_url + DEMO_PATH, data=SIGNAL, timeout=10)
        assert response.status_code == 200, response.text


def test_a_gateway_that_cannot_import_the_test_tools_trades_on_the_paper_broker(tmp_path):
    token = {"Authorization": "Bearer architecture-token"}
    with _serve_blocked(
        tmp_path, [*TEST_TOOLS, "conformance"], "--control-token", "architecture-token"
    ) as gw:
        created = requests.post(f"{gw.base_url}/control/webhooks", json={}, headers=token, timeout=10).json()
        signal = b'{"ticker": "AMD", "action": "buy", "signalPrice": 100}'
        accepted = requests.post(gw.base_url + created["path"], data=signal, timeout=10)
        assert accepted.status_code == 200, accepted.text
        trades = requests.get(
            f"{gw.base_url}/control/trades",
            params={"signal_id": accepted.json()["id"]},
            headers=token,
            timeout=10,
        ).json()["trades"]
    assert [trade["fills"][0]["side"] for trade in trades] == ["buy"]
