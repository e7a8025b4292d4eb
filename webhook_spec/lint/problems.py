"""Problems of a template: where, which kind, the gateway's code, and the edit that fixes it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from webhook_spec.paths import schema_file


@dataclass(frozen=True)
class Edit:
    """Replace [start, end) of the template with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Problem:
    """One problem at [start, end) of the template.

    `edits` are the mechanical fix `--fix` applies (none when the fix is a guess, such as a misspelling);
    `fix` says in words what to write instead.
    """

    start: int
    end: int
    kind: str
    code: str | None
    message: str
    fix: str | None = None
    edits: tuple[Edit, ...] = ()
    pointer: str | None = None
    renderings: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in problem_kinds():
            raise ValueError(f"{self.kind!r} is not a problem kind of schema/lint-report.schema.json")


@cache
def problem_kinds() -> tuple[str, ...]:
    """The closed list of problem kinds, as schema/lint-report.schema.json documents them."""
    schema = json.loads(schema_file("lint-report.schema.json").read_text(encoding="utf-8"))
    return tuple(kind["const"] for kind in schema["$defs"]["kind"]["oneOf"])


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
