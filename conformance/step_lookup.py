"""pytest-bdd's lookup of a step's definitions, done once per step text in the kit's session.

For every step of every scenario, pytest-bdd asks pytest which of all the session's fixtures (about 120
in the kit's) are visible to the scenario, and tries each step definition's parser on the step's text:
0.3 ms a step, about 3,500 steps a run. The kit's step definitions are all plugins (conformance.steps),
the same for every scenario of a file: they are listed once per file, as pytest-bdd lists them, and
each (step type, step text, file) is matched against them once and kept for the session.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import pytest_bdd.scenario  # noqa: F401 - the module, found in sys.modules: the package's `scenario` is a function
from _pytest.fixtures import FixtureDef, FixtureManager
from _pytest.nodes import Node
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.steps import step_function_context_registry

_BDD_SCENARIO = sys.modules["pytest_bdd.scenario"]
_Find = Callable[[Any, FixtureManager, Node], Iterable[FixtureDef[object]]]


class StepLookup:
    """A pytest plugin: while its session runs, pytest-bdd's `find_fixturedefs_for_step` answers each
    (step type, step text, scenario file) from what it found the first time, among the step definitions
    it listed the first time for the file."""

    def __init__(self) -> None:
        self._found: dict[tuple[Any, str, Path], list[FixtureDef[object]]] = {}
        self._visible: dict[Path, list[tuple[FixtureDef[object], Any]]] = {}
        self._original: _Find | None = None

    def find(self, step, fixturemanager: FixtureManager, node: Node) -> list[FixtureDef[object]]:
        """The step definitions that parse `step` and are visible to `node` (see the module docstring)."""
        key = (step.type, step.name, node.path)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = [
                definition
                for definition, context in self._definitions(fixturemanager, node)
                if context.type in (None, step.type) and context.parser.is_matching(step.name)
            ]
        return found

    def _definitions(
        self, fixturemanager: FixtureManager, node: Node
    ) -> list[tuple[FixtureDef[object], Any]]:
        """The step definitions visible to `node`, as pytest-bdd lists them, once per file."""
        definitions = self._visible.get(node.path)
        if definitions is None:
            definitions = self._visible[node.path] = [
                (definition, context)
                for name in get_fixture_names(fixturemanager=fixturemanager)
                for definition in getfixturedefs(fixturemanager, name, node) or []
                if (context := step_function_context_registry.get(definition.func)) is not None
            ]
        return definitions

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Answer pytest-bdd's lookups from here until the session ends."""
        self._original = _BDD_SCENARIO.find_fixturedefs_for_step
        _BDD_SCENARIO.find_fixturedefs_for_step = self.find

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Give pytest-bdd its own lookup back."""
        if self._original is not None:
            _BDD_SCENARIO.find_fixturedefs_for_step = self._original
            self._original = None
        self._found.clear()
        self._visible.clear()
