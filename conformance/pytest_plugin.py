"""The pytest11 entry point: `pytest --webhook-target URL --webhook UUID/PW` runs the kit in pytest.

Without --webhook-target or --webhook-profile it only adds its options. It imports the kit lazily, so a
session that does not use it loads nothing more than this module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

KIT_DIR = Path(__file__).resolve().parent
SCENARIOS_FILE, PROPERTIES_FILE = KIT_DIR / "scenarios.py", KIT_DIR / "properties.py"
_PLUGIN_NAME = "webhook-conformance-kit"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The kit's options, all in one group and all prefixed, so they clash with no other plugin's."""
    group = parser.getgroup("webhook-conformance", "webhook conformance kit (only with --webhook-target)")
    group.addoption("--webhook-target", metavar="URL", help="check the gateway at URL with the kit")
    group.addoption("--webhook", metavar="UUID/PASSWORD", help="a stocks webhook that accepts any ticker")
    group.addoption("--webhook-profile", metavar="FILE", type=Path, help="target profile (TOML)")
    group.addoption("--webhook-control-url", metavar="URL", help="the test-control API base URL")
    group.addoption("--webhook-control-token", metavar="TOKEN", help="bearer token of the test-control API")
    group.addoption(
        "--webhook-requirement", action="append", default=[], metavar="ID", help="run only this requirement"
    )
    group.addoption("--webhook-slow", action="store_true", help="also run the scenarios that take minutes")
    group.addoption(
        "--webhook-property-cases", type=int, default=100, metavar="N", help="generated cases per property"
    )
    group.addoption("--webhook-no-properties", action="store_true", help="skip the property-based checks")


def _active(config: pytest.Config) -> bool:
    return bool(config.getoption("webhook_target") or config.getoption("webhook_profile"))


def pytest_configure(config: pytest.Config) -> None:
    """With --webhook-target: build the target, load the steps and the kit plugin, add the kit's tests."""
    if not _active(config) or config.pluginmanager.has_plugin(_PLUGIN_NAME):
        return
    from conformance.native import NativeKitPlugin  # the kit loads only when asked for

    plugin = NativeKitPlugin.from_options(config)
    config.pluginmanager.register(plugin, _PLUGIN_NAME)
    config.args.append(str(SCENARIOS_FILE))
    if not config.getoption("webhook_no_properties"):
        config.args.append(str(PROPERTIES_FILE))
