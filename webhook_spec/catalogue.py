"""The error-code catalogue (schema/error-codes.json): statuses, messages and precedence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from webhook_spec.paths import schema_file


@dataclass(frozen=True)
class ErrorCode:
    """One catalogue entry."""

    code: str
    status: int
    stage: str
    message: str
    when: str
    sources: tuple[dict, ...]
    check: str | None
    precedence: int


@cache
def error_codes() -> dict[str, ErrorCode]:
    """All codes by name, in precedence order (the catalogue's list order)."""
    document = json.loads(schema_file("error-codes.json").read_text(encoding="utf-8"))
    return {
        entry["code"]: ErrorCode(
            code=entry["code"],
            status=entry["status"],
            stage=entry["stage"],
            message=entry["message"],
            when=entry["when"],
            sources=tuple(entry["sources"]),
            check=entry.get("check"),
            precedence=index,
        )
        for index, entry in enumerate(document["codes"])
    }


def error_code(code: str) -> ErrorCode:
    """The catalogue entry for `code`; KeyError for a code the catalogue lacks."""
    return error_codes()[code]
