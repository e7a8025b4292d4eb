"""The shape of a template read forgivingly: objects, their members and where each sits in the template."""

from __future__ import annotations

from dataclasses import dataclass, field

from webhook_spec.lint.scanner import Token
from webhook_spec.openapi import escape_pointer
from webhook_spec.parsing import MAX_DEPTH


@dataclass
class Node:
    """A value at [start, end) of the template; an object has members, an array items."""

    start: int
    end: int
    token: Token | None = None
    members: list[Member] | None = None
    items: list[Node] | None = None


@dataclass
class Member:
    """`key: value` in an object; the key's token says where the name is written."""

    key: Token
    value: Node | None = field(default=None)

    @property
    def name(self) -> str:
        """The member's name as JSON would read it."""
        return self.key.value


class _Parser:
    def __init__(self, found: list[Token]) -> None:
        self.tokens = [token for token in found if token.kind != "comment"]
        self.position = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def is_punctuation(self, char: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punctuation" and token.text == char

    def value(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        if token.kind == "punctuation":
            if token.text in "{[" and self.depth >= MAX_DEPTH:
                return self.skipped(token)
            if token.text in "{[":
                self.depth += 1
                node = self.container(token, "}" if token.text == "{" else "]")
                self.depth -= 1
                return node
            return None
        self.position += 1
        return Node(token.start, token.end, token=token)

    def skipped(self, opening: Token) -> Node:
        """A container nested past MAX_DEPTH: passed over without looking inside (the gateway refuses it)."""
        level = 0
        while (token := self.peek()) is not None:
            self.position += 1
            if token.kind == "punctuation" and token.text in "{[":
                level += 1
            elif token.kind == "punctuation" and token.text in "}]":
                level -= 1
                if level == 0:
                    break
        return Node(opening.start, self.tokens[self.position - 1].end)

    def container(self, opening: Token, closer: str) -> Node:
        self.position += 1
        node = Node(opening.start, opening.end)
        if closer == "}":
            node.members = []
        else:
            node.items = []
        while (token := self.peek()) is not None:
            if token.kind == "punctuation" and token.text in "}]":
                self.position += 1
                node.end = token.end
                if token.text == closer:
                    break
                continue
            if token.kind == "punctuation" and token.text in ",:":
                self.position += 1
                continue
            if node.members is not None and token.kind in ("string", "bare"):
                self.position += 1
                member = Member(token)
                if self.is_punctuation(":"):
                    self.position += 1
                    member.value = self.value()
                node.members.append(member)
            else:
                item = self.value()
                if item is None:
                    self.position += 1
                elif node.items is not None:
                    node.items.append(item)
            node.end = self.tokens[self.position - 1].end
        return node


def parse_structure(found: list[Token]) -> Node | None:
    """The template's first value, read forgivingly (missing or extra commas and colons are skipped)."""
    return _Parser(found).value()


def member_at(root: Node | None, pointer: str) -> tuple[Node | None, Member | None]:
    """The deepest node on `pointer`'s way that the template has, and the member the pointer names if it
    has that member too."""
    node, member = root, None
    segments = pointer.split("/")[1:]
    for number, segment in enumerate(segments, 1):
        if node is None or node.members is None:
            return node, None
        named = [m for m in node.members if escape_pointer(m.name) == segment]
        if not named:
            return node, None
        member = named[-1]
        if member.value is None:
            return node, member if number == len(segments) else None
        node = member.value
    return node, member
