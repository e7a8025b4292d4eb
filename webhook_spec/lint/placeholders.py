"""TradingView's placeholders (schema/tradingview-placeholders.json): kinds, rendered values, lookup."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache

from webhook_spec.paths import schema_file

NAN = "NaN"


@dataclass(frozen=True)
class PlaceholderKind:
    """One catalogue entry: a placeholder (or a family, by pattern), its kind and rendered values."""

    name: str
    kind: str
    description: str
    values: tuple[str, ...]
    quoted_values: tuple[str, ...] | None
    pattern: re.Pattern[str] | None

    def rendered(self, index: int, quoted: bool) -> str:
        """Its `index`-th value (cycling), inside a JSON string or outside one."""
        values = self.quoted_values if quoted and self.quoted_values else self.values
        return values[index % len(values)]

    @property
    def needs_quotes(self) -> bool:
        """Whether it renders as text that JSON needs in quotes (string, time, enumerated)."""
        return self.kind in ("string", "time", "enumerated")


@cache
def placeholder_catalogue() -> tuple[PlaceholderKind, ...]:
    """Every entry of schema/tradingview-placeholders.json, in file order."""
    return tuple(
        PlaceholderKind(
            name=entry["name"],
            kind=entry["kind"],
            description=entry["description"],
            values=tuple(entry["values"]),
            quoted_values=tuple(entry["quotedValues"]) if "quotedValues" in entry else None,
            pattern=re.compile(entry["pattern"]) if "pattern" in entry else None,
        )
        for entry in placeholder_catalogue_document()["placeholders"]
    )


@cache
def placeholder_catalogue_document() -> dict:
    """The catalogue file as parsed JSON, for whoever publishes it (docs, the page)."""
    return json.loads(schema_file("tradingview-placeholders.json").read_text(encoding="utf-8"))


def placeholder(name: str) -> PlaceholderKind | None:
    """The catalogue entry of the placeholder `{{name}}`, or None when TradingView does not know it."""
    for entry in placeholder_catalogue():
        if entry.name == name if entry.pattern is None else entry.pattern.match(name):
            return entry
    return None


@cache
def known_names() -> tuple[str, ...]:
    """Every placeholder name TradingView knows, the plot_N family spelt out, plot("Title") as written."""
    names: list[str] = []
    for entry in placeholder_catalogue():
        if entry.pattern is None or entry.pattern.match(entry.name):
            names.append(entry.name)
        else:
            names.extend(name for name in (f"plot_{n}" for n in range(100)) if entry.pattern.match(name))
    return tuple(names)


def normalized_name(name: str) -> str | None:
    """The known name `name` means when only its case or surrounding spaces are wrong, else None."""
    folded = name.strip().casefold()
    matches = [known for known in known_names() if known.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


def closest_name(name: str) -> str | None:
    """The known placeholder name closest to a misspelt one (difflib), or None when none is close."""
    exact = normalized_name(name)
    if exact is not None:
        return exact
    folded = {known.casefold(): known for known in known_names()}
    matches = difflib.get_close_matches(name.strip().casefold(), list(folded), n=1, cutoff=0.6)
    return folded[matches[0]] if matches else None
