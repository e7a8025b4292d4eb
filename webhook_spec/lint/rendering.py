"""Filling a template in as TradingView would: which combinations, and where each character came from."""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from webhook_spec.lint.placeholders import PlaceholderKind, placeholder
from webhook_spec.lint.scanner import PlaceholderUse

# Renderings of every combination of enumerated values, up to this many (D-071); past it, each value of
# each enumerated placeholder is rendered at least once instead.
MAX_COMBINATIONS = 64


@dataclass(frozen=True)
class Combinations:
    """The value index of each known placeholder, per rendering; how many combinations there were."""

    choices: tuple[dict[str, int], ...]
    total: int
    capped: bool


def combinations(names: list[str]) -> Combinations:
    """Every combination of the enumerated placeholders' values, the others' values cycled along them.

    Each known placeholder in `names` gets every one of its values in some rendering; enumerated ones
    in every combination with each other, unless there are more than MAX_COMBINATIONS of those.
    """
    kinds = {name: entry for name in dict.fromkeys(names) if (entry := placeholder(name)) is not None}
    enumerated = [name for name, entry in kinds.items() if entry.kind == "enumerated"]
    sizes = [len(kinds[name].values) for name in enumerated]
    total = math.prod(sizes)
    capped = total > MAX_COMBINATIONS
    if capped:
        rows = [tuple(i % size for size in sizes) for i in range(max(sizes))]
    else:
        rows = list(itertools.product(*(range(size) for size in sizes)))
    others = [name for name in kinds if name not in enumerated]
    count = max([len(rows), *(len(kinds[name].values) for name in others)])
    choices = tuple(
        dict(zip(enumerated, rows[i % len(rows)], strict=True))
        | {name: i % len(kinds[name].values) for name in others}
        for i in range(count)
    )
    return Combinations(choices, total, capped)


@dataclass(frozen=True)
class Filled:
    """One rendering's text, the placeholder values it used, and a map back to the template."""

    text: str
    values: dict[str, str]
    rendered_starts: tuple[int, ...]
    template_starts: tuple[int, ...]
    literal: tuple[bool, ...]

    def template_offset(self, offset: int) -> int:
        """Where the character at `offset` of the rendering came from in the template: the same
        character, or the start of the placeholder that rendered it."""
        index = max(0, bisect.bisect_right(self.rendered_starts, offset) - 1)
        if not self.literal[index]:
            return self.template_starts[index]
        return self.template_starts[index] + offset - self.rendered_starts[index]


def fill(template: str, uses: list[PlaceholderUse], choice: dict[str, int]) -> Filled:
    """`template` with every known placeholder replaced by its chosen value; unknown ones stay as typed."""
    parts: list[str] = []
    rendered_starts: list[int] = []
    template_starts: list[int] = []
    literal: list[bool] = []
    values: dict[str, str] = {}
    position, length = 0, 0

    def add(text: str, template_start: int, is_literal: bool) -> None:
        nonlocal length
        rendered_starts.append(length)
        template_starts.append(template_start)
        literal.append(is_literal)
        parts.append(text)
        length += len(text)

    for use in uses:
        entry: PlaceholderKind | None = placeholder(use.name)
        if entry is None:
            continue
        add(template[position : use.start], position, True)
        value = entry.rendered(choice[use.name], use.quoted)
        values.setdefault("{{" + use.name + "}}", value)
        add(value, use.start, False)
        position = use.end
    add(template[position:], position, True)
    return Filled("".join(parts), values, tuple(rendered_starts), tuple(template_starts), tuple(literal))
