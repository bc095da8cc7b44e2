"""Parse one ``.tf`` file into blocks and attributes that keep their line numbers.

python-hcl2 turns HCL into a dict, but its dict drops every line number and flattens
expressions into ``${...}`` strings that would have to be parsed a second time. This module
walks python-hcl2's Lark parse tree instead: blocks and attributes keep their line, and each
attribute keeps its expression *tree*, which :mod:`.expressions` evaluates without re-parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faasguard.errors import ParseError

__all__ = ["Attribute", "Block", "parse_expression", "parse_hcl"]

#: Nesting deeper than this is refused: the parse tree is walked recursively, and a hostile
#: file of thousands of nested brackets must become a finding, not a RecursionError.
MAX_NESTING = 200


@dataclass(frozen=True, slots=True)
class Attribute:
    """``name = expression``, with the expression's parse tree and source text."""

    name: str
    expr: Any  # lark.Tree; typed loosely because lark ships no precise stubs for trees
    line: int
    file: str
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """``type "label" ... { body }`` with its attributes and nested blocks, in order."""

    type: str
    labels: tuple[str, ...]
    line: int
    file: str
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def children(self, kind: str) -> tuple[Block, ...]:
        """Nested blocks of type ``kind`` (``statement``, ``environment``...)."""
        return tuple(block for block in self.blocks if block.type == kind)


def _nesting(text: str) -> int:
    """Deepest bracket nesting of ``text`` (strings ignored roughly: a cheap guard only)."""
    depth = deepest = 0
    for char in text:
        if char in "{[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "}])":
            depth -= 1
    return deepest


def parse_hcl(text: str, *, file: str) -> Block:
    """Parse the HCL ``text`` of ``file`` into a synthetic top-level block (type ``""``).

    Raises:
        ParseError: naming the file and line when the text is not valid HCL2 or nests deeper
            than :data:`MAX_NESTING`.
    """
    if _nesting(text) > MAX_NESTING:
        raise ParseError(file, None, f"nested more than {MAX_NESTING} levels deep; not read")
    # Imported on use: python-hcl2 and lark cost ~60 ms to import, and only Terraform needs them.
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text if text.endswith("\n") else text + "\n")
    except UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ParseError(
            file, line if isinstance(line, int) and line > 0 else None, f"HCL: {detail}"
        ) from exc
    except (LarkError, RecursionError, ValueError, RuntimeError) as exc:
        raise ParseError(file, None, f"HCL could not be parsed: {exc}") from exc
    lines = text.splitlines()
    return _block("", (), 1, tree.children[0], file=file, lines=lines)


def _token_text(node: Any) -> str:
    """Text of an identifier or a plain string label."""
    if hasattr(node, "children"):
        if node.data == "string":
            return "".join(_token_text(part) for part in node.children[1:-1])
        return "".join(_token_text(child) for child in node.children)
    return str(node)


def _source(node: Any, lines: list[str]) -> str:
    """The source text of ``node`` (single-line spans exactly, longer ones from the first line)."""
    meta = getattr(node, "meta", None)
    if meta is None or getattr(meta, "empty", True):
        return str(node)
    start, end = meta.line - 1, meta.end_line - 1
    if start == end and start < len(lines):
        return lines[start][meta.column - 1 : meta.end_column - 1]
    chunk = [lines[start][meta.column - 1 :]] + lines[start + 1 : end] + [
        lines[end][: meta.end_column - 1] if end < len(lines) else ""
    ]
    return "\n".join(chunk)


def _block(
    kind: str, labels: tuple[str, ...], line: int, body: Any, *, file: str, lines: list[str]
) -> Block:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in body.children:
        data = getattr(child, "data", None)
        if data == "attribute":
            name = _token_text(child.children[0])
            expr = child.children[-1]
            attributes[name] = Attribute(
                name, expr, child.meta.line, file, _source(expr, lines).strip()
            )
        elif data == "block":
            parts = [c for c in child.children if hasattr(c, "data")]
            inner = next(c for c in parts if c.data == "body")
            names = [_token_text(c) for c in parts if c.data != "body" and c.data != "new_line_or_comment"]
            blocks.append(
                _block(names[0], tuple(names[1:]), child.meta.line, inner, file=file, lines=lines)
            )
    return Block(kind, labels, line, file, attributes, tuple(blocks))


def parse_expression(text: str, *, file: str, line: int) -> Any:
    """Parse one expression (the inside of a heredoc's ``${...}``); None when it does not parse."""
    import hcl2
    from lark.exceptions import LarkError

    try:
        tree = hcl2.parses_to_tree(f"x = {text}\n")
    except (LarkError, RecursionError, ValueError, RuntimeError):
        return None
    body = tree.children[0]
    for child in body.children:
        if getattr(child, "data", None) == "attribute":
            return child.children[-1]
    return None
