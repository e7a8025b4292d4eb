"""Field names the gateway would not see: a signal field in the wrong case (Ticker) or misspelt (qty)."""

from __future__ import annotations

import difflib
from typing import Any

from webhook_spec.lint.problems import Edit, Problem
from webhook_spec.lint.structure import Member, Node
from webhook_spec.openapi import escape_pointer
from webhook_spec.signal_schema import resolve, signal_schema

_CLOSE_ENOUGH = 0.8  # difflib's ratio above which a name reads as a misspelling of a field
# Abbreviations are short (qty, tp, sl, msg, tif); a longer name made of a field's letters (signal, order,
# limit) is as likely a custom field of the sender's.
_LONGEST_ABBREVIATION = 3


def _is_abbreviation(name: str, field: str) -> bool:
    """Whether `name`, two or three letters, keeps the first and some others of `field`, in order (qty:
    quantity)."""
    name, field = name.casefold(), field.casefold()
    if not 2 <= len(name) <= _LONGEST_ABBREVIATION or name[0] != field[0]:
        return False
    letters = iter(field)
    return all(letter in letters for letter in name)


def suggested_field(name: str, fields: list[str]) -> tuple[str, str] | None:
    """(kind, field) when `name` is not one of `fields` but means one: field-case or field-misspelled."""
    same_case = [field for field in fields if field.casefold() == name.casefold()]
    if same_case:
        return "field-case", same_case[0]
    folded = {field.casefold(): field for field in fields}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=_CLOSE_ENOUGH)
    if close:
        return "field-misspelled", folded[close[0]]
    short = sorted((field for field in fields if _is_abbreviation(name, field)), key=len)
    if short and (len(short) == 1 or len(short[0]) < len(short[1])):
        return "field-misspelled", short[0]
    return None


def _problem(member: Member, kind: str, field: str, pointer: str) -> Problem:
    key = member.key
    edits: tuple[Edit, ...] = ()
    if kind == "field-case" and key.quote == "double" and key.closed:
        edits = (Edit(key.start + 1, key.end - 1, field),)
    if kind == "field-case":
        message = (
            f"{member.name} is in the wrong case: field names are case-sensitive and the gateway ignores it."
        )
    else:
        parent = pointer.rsplit("/", 1)[0][1:] or "the signal"
        message = f"{member.name} is not a field of {parent}: the gateway ignores it."
    return Problem(key.start, key.end, kind, None, message, f'write "{field}"', edits, pointer)


def _walk(node: Node | None, schema: Any, prefix: str) -> list[Problem]:
    properties = resolve(schema).get("properties")
    if node is None or node.members is None or properties is None:
        return []
    present = {member.name for member in node.members}
    problems = []
    for member in node.members:
        if member.name in properties:
            problems += _walk(
                member.value, properties[member.name], f"{prefix}/{escape_pointer(member.name)}"
            )
            continue
        suggestion = suggested_field(member.name, [name for name in properties if name not in present])
        if suggestion is not None:
            kind, field = suggestion
            problems.append(_problem(member, kind, field, f"{prefix}/{escape_pointer(field)}"))
    return problems


def field_name_problems(root: Node | None) -> list[Problem]:
    """A problem for each member whose name is close to a signal field's, at every level the schema names;
    its pointer is the field meant. The code is left for the renderings to say."""
    return _walk(root, signal_schema(), "")
