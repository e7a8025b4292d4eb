"""The kit inside a user's own pytest session: loaded by conformance.pytest_plugin on --webhook-target.

The same scenarios, steps and markers as `webhook-conformance run`; pytest's own output, JUnit and exit
status, and at the end the kit's summary of failures by requirement, each with its curl command.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from conformance.plugin import KitPlugin
from conformance.properties import PROPERTY_CASES_KEY
from conformance.redaction import Redactor
from conformance.reports.console import console_summary
from conformance.reports.summary import report_data
from conformance.results import by_requirement, exit_code
from conformance.runner import STEP_PLUGINS
from conformance.target import TargetError, build_target, load_profile
from webhook_spec.requirements import requirements

# The kit imported some step modules before pytest could rewrite their asserts: say nothing about it.
_ALREADY_IMPORTED = (
    "ignore:Module already imported so cannot be rewritten; conformance:pytest.PytestAssertRewriteWarning"
)


class NativeKitPlugin(KitPlugin):
    """KitPlugin configured from the --webhook-* options, with the kit's summary at the end."""

    property_cases = 100

    @classmethod
    def from_options(cls, config: pytest.Config) -> NativeKitPlugin:
        """Load the step modules and build the target from the options; a bad option is a usage error."""
        config.addinivalue_line("filterwarnings", _ALREADY_IMPORTED)
        for name in STEP_PLUGINS:
            config.pluginmanager.import_plugin(name)
        option = config.getoption
        try:
            profile = load_profile(option("webhook_profile")) if option("webhook_profile") else {}
            target = build_target(
                option("webhook_target"),
                option("webhook"),
                profile,
                option("webhook_control_url"),
                option("webhook_control_token"),
            )
        except TargetError as error:
            raise pytest.UsageError(f"webhook conformance: {error}") from None
        if option("webhook_slow"):
            target = replace(target, capabilities=target.capabilities | {"slow"})
        if option("webhook_property_cases") < 1:
            raise pytest.UsageError("webhook conformance: --webhook-property-cases must be at least 1")
        redactor = Redactor()
        redactor.add_target(target)
        plugin = cls(target, frozenset(option("webhook_requirement")), redactor=redactor)
        plugin.property_cases = option("webhook_property_cases")
        return plugin

    def pytest_configure(self, config: pytest.Config) -> None:
        """What KitPlugin hands the fixtures, and the number of generated cases per property check."""
        super().pytest_configure(config)
        config.stash[PROPERTY_CASES_KEY] = self.property_cases

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """The kit's summary: failures by requirement with curl commands, not applicable, the counts."""
        if not self.results:
            return
        requirement_results = by_requirement(self.results, requirements())
        code = exit_code(requirement_results, self.results)
        target = {"url": self.target.base_url, "description": self.target.description}
        data = self.redactor.data(report_data(target, requirement_results, self.results, code))
        terminalreporter.write_sep("=", "webhook conformance")
        for line in console_summary(data, terminalreporter.verbosity > 0).splitlines():
            terminalreporter.write_line(line)
