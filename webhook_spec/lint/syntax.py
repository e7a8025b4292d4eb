"""Problems a template has before any value fills it: quotes, comments, commas, bare words, placeholders."""

from __future__ import annotations

import re

from webhook_spec.lint.placeholders import closest_name, normalized_name, placeholder
from webhook_spec.lint.problems import Edit, Problem
from webhook_spec.lint.scanner import SMART_DOUBLE, PlaceholderUse, Token, placeholder_spans
from webhook_spec.lint.structure import Node

MALFORMED = "malformed-json"
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_LITERALS = {"true", "false", "null"}
_LITERAL_SPELLINGS = {"true": "true", "false": "false", "null": "null", "none": "null", "nil": "null"}


def _escape_outside_placeholders(text: str) -> str:
    """`text` made the inside of a JSON string: its " escaped, placeholders left as typed."""
    parts, position = [], 0
    for start, end in placeholder_spans(text):
        parts.append(re.sub(r'(?<!\\)"', r"\"", text[position:start]))
        parts.append(text[start:end])
        position = end
    parts.append(re.sub(r'(?<!\\)"', r"\"", text[position:]))
    return "".join(parts)


def _smart_quotes(token: Token) -> Problem:
    opening, closing = token.text[0], token.text[-1]
    edits = [Edit(token.start, token.start + 1, '"')] if opening in SMART_DOUBLE else []
    if token.closed and closing in SMART_DOUBLE:
        edits.append(Edit(token.end - 1, token.end, '"'))
    return Problem(
        edits[0].start,
        token.end,
        "smart-quote",
        MALFORMED,
        f"This string is in typographic quotes ({opening} {closing}), which JSON does not take.",
        'write straight double quotes "',
        tuple(edits),
    )


def _single_quotes(token: Token) -> Problem:
    inner = token.text[1:-1] if token.closed else token.text[1:]
    replacement = '"' + _escape_outside_placeholders(inner.replace("\\'", "'")) + '"'
    return Problem(
        token.start,
        token.end,
        "single-quote",
        MALFORMED,
        "JSON strings are in double quotes, not single ones.",
        f"write {replacement}",
        (Edit(token.start, token.end, replacement),),
    )


def _comment_edit(text: str, token: Token) -> Edit:
    """Remove the comment; its whole line when nothing else is on it."""
    line_start = text.rfind("\n", 0, token.start) + 1
    line_end = text.find("\n", token.end)
    line_end = len(text) if line_end == -1 else line_end
    if not text[line_start : token.start].strip() and not text[token.end : line_end].strip():
        return Edit(line_start, min(line_end + 1, len(text)), "")
    start = token.start
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    return Edit(start, token.end, "")


def _comment(text: str, token: Token) -> Problem:
    return Problem(
        token.start,
        token.end,
        "comment",
        MALFORMED,
        "JSON has no comments: the gateway cannot read a message with one.",
        "remove the comment",
        (_comment_edit(text, token),),
    )


def _trailing_commas(commas: list[Token], closer: Token) -> Problem:
    """The commas right before a closing bracket: one problem at the first, an edit removing each."""
    first = commas[0]
    return Problem(
        first.start,
        first.end,
        "trailing-comma",
        MALFORMED,
        f"JSON allows no comma before the closing {closer.text}.",
        "remove the comma" if len(commas) == 1 else "remove the commas",
        tuple(Edit(comma.start, comma.end, "") for comma in commas),
    )


def _is_punctuation(token: Token, chars: str) -> bool:
    return token.kind == "punctuation" and token.text in chars


def _quoted(token: Token) -> Edit:
    return Edit(token.start, token.end, '"' + _escape_outside_placeholders(token.text) + '"')


def unknown_placeholder(use: PlaceholderUse) -> Problem:
    """A placeholder TradingView does not know: sent as typed, which breaks JSON outside a string."""
    suggestion = closest_name(use.name)
    written = "{{" + use.name + "}}"
    code = None if use.quoted else MALFORMED
    message = f"{written} is not a TradingView placeholder: it is sent as typed"
    message += "." if use.quoted else ", which is not JSON."
    if suggestion is None:
        return Problem(use.start, use.end, "unknown-placeholder", code, message)
    fixed = "{{" + suggestion + "}}"
    mechanical = normalized_name(use.name) == suggestion
    edits = (Edit(use.start, use.end, fixed),) if mechanical else ()
    return Problem(use.start, use.end, "unknown-placeholder", code, message, f"write {fixed}", edits)


def _bare(token: Token) -> list[Problem]:
    if not token.placeholders:
        if token.text in _LITERALS or _NUMBER.fullmatch(token.text):
            return []
        literal = _LITERAL_SPELLINGS.get(token.text.lower())
        edit = Edit(token.start, token.end, literal) if literal else _quoted(token)
        return [
            Problem(
                token.start,
                token.end,
                "bare-word",
                MALFORMED,
                f"{token.text} is outside quotes and is no JSON value.",
                f"write {edit.replacement}",
                (edit,),
            )
        ]
    found = []
    for use in token.placeholders:
        entry = placeholder(use.name)
        if entry is None:
            found.append(unknown_placeholder(use))
        elif entry.needs_quotes:
            edit = _quoted(token)
            found.append(
                Problem(
                    use.start,
                    use.end,
                    "unquoted-placeholder",
                    MALFORMED,
                    f"{{{{{use.name}}}}} renders as text ({', '.join(entry.values)}),"
                    " which JSON needs in quotes.",
                    f"write {edit.replacement}",
                    (edit,),
                )
            )
    return found


def syntax_problems(text: str, found: list[Token], root: Node | None) -> list[Problem]:
    """Every problem the tokens show: quotes, comments, trailing commas, bare words, placeholders."""
    problems: list[Problem] = []
    significant = [token for token in found if token.kind != "comment"]
    inside_root = root is not None and (root.members is not None or root.items is not None)
    for token in found:
        if token.kind == "comment":
            problems.append(_comment(text, token))
        elif token.kind == "string":
            if token.quote == "smart":
                problems.append(_smart_quotes(token))
            elif token.quote == "single":
                problems.append(_single_quotes(token))
            problems.extend(
                unknown_placeholder(use) for use in token.placeholders if placeholder(use.name) is None
            )
        elif token.kind == "bare":
            within = inside_root and root.start <= token.start < root.end
            if within or len(significant) == 1:
                problems.extend(_bare(token))
            else:
                problems.extend(
                    unknown_placeholder(u) for u in token.placeholders if placeholder(u.name) is None
                )
    commas: list[Token] = []  # the run of commas just before the token looked at
    for token in significant:
        if commas and _is_punctuation(token, "}]"):
            problems.append(_trailing_commas(commas, token))
        if _is_punctuation(token, ","):
            commas.append(token)
        else:
            commas = []
    return problems
