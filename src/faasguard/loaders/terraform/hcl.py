"""Parse one ``.tf`` file into blocks and attributes that keep their line numbers.

The parser is tree-sitter with the HCL grammar (``tree-sitter-hcl``): a C parser, about twenty
times faster than a pure-Python one on a corpus of Terraform projects, which matters because
a scan parses every ``.tf`` file of a monorepo. Blocks and attributes keep their line, and each
attribute keeps its expression *node*, which :mod:`.expressions` evaluates without re-parsing.
tree-sitter is error tolerant; any error or missing node is reported as a parse error at its
line, and the file is not used (a half-read file would give half the truth).
"""

from __future__ import annotations

import functools
from collections import deque
from typing import Any

from faasguard.errors import ParseError

__all__ = ["Attribute", "Block", "parse_expression", "parse_hcl"]

#: Bracket nesting deeper than this is refused: expressions are evaluated recursively, and a
#: hostile file of thousands of nested brackets must become a finding, not a RecursionError.
MAX_NESTING = 200


class Attribute:
    """``name = expression``, with the expression's syntax node and source text."""

    __slots__ = ("expr", "file", "line", "name")

    def __init__(self, name: str, expr: Any, line: int, file: str) -> None:
        self.name = name
        self.expr = expr  # tree_sitter.Node: the evaluator dispatches on ``node.type``
        self.line = line
        self.file = file

    @property
    def text(self) -> str:
        """The expression's source text (decoded on demand: most are never shown)."""
        return str(self.expr.text.decode("utf-8", "replace").strip())


class Block:
    """``type "label" ... { body }`` with its attributes and nested blocks, in order.

    Attributes and nested blocks are read from the syntax tree on first use: most blocks of
    a configuration (networking, dashboards...) are never looked into.
    """

    __slots__ = ("_attributes", "_blocks", "_body", "_node", "file", "labels", "line", "type")

    def __init__(
        self,
        type: str,
        labels: tuple[str, ...],
        line: int,
        file: str,
        body: Any = None,
        *,
        node: Any = None,
    ) -> None:
        self.type, self.labels, self.line, self.file = type, labels, line, file
        self._body = body
        self._node = node if node is not None else body
        self._attributes: dict[str, Attribute] | None = None
        self._blocks: tuple[Block, ...] | None = None

    @property
    def attributes(self) -> dict[str, Attribute]:
        """``name = expression`` lines of the body, by name."""
        if self._attributes is None:
            self._read()
        assert self._attributes is not None
        return self._attributes

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Nested blocks, in order."""
        if self._blocks is None:
            self._read()
        assert self._blocks is not None
        return self._blocks

    def source(self) -> bytes:
        """The block's source text (empty for a synthetic block)."""
        return bytes(self._node.text) if self._node is not None else b""

    def mentions(self, word: bytes) -> bool:
        """True when ``word`` appears anywhere in the block's text (a cheap pre-check)."""
        return self._node is not None and word in self._node.text

    @property
    def reads_files(self) -> bool:
        """True when the block calls ``file()``/``templatefile()``.

        Such a block is evaluated even when no rule needs it, so a read outside the scan root
        is always reported.
        """
        return self.mentions(b"file(")

    def children(self, kind: str) -> tuple[Block, ...]:
        """Nested blocks of type ``kind`` (``statement``, ``environment``...)."""
        return tuple(block for block in self.blocks if block.type == kind)

    def _read(self) -> None:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in self._body.children if self._body is not None else ():
            if child.type == "attribute":
                children = child.children
                name = children[0].text.decode("utf-8", "replace")
                attributes[name] = Attribute(
                    name, children[-1], child.start_point[0] + 1, self.file
                )
            elif child.type == "block":
                blocks.append(_block(child, self.file))
        self._attributes, self._blocks = attributes, tuple(blocks)


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    # Imported on use: only a scan that meets Terraform loads the grammar.
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def _nesting(data: bytes) -> int:
    """Deepest bracket nesting of ``data`` (strings not excluded: a cheap guard only)."""
    if data.count(b"{") + data.count(b"[") + data.count(b"(") < MAX_NESTING:
        return 0
    depth = deepest = 0
    for byte in data:
        if byte in b"{[(":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"}])":
            depth -= 1
    return deepest


def parse_hcl(text: str, *, file: str) -> Block:
    """Parse the HCL ``text`` of ``file`` into a synthetic top-level block (type ``""``).

    Raises:
        ParseError: naming the file and line when the text is not valid HCL2 or nests deeper
            than :data:`MAX_NESTING`.
    """
    data = text.encode("utf-8")
    if _nesting(data) > MAX_NESTING:
        raise ParseError(file, None, f"nested more than {MAX_NESTING} levels deep; not read")
    tree = _parser().parse(data)
    root = tree.root_node
    if root.has_error:
        line, detail = _first_error(root)
        raise ParseError(file, line, f"invalid HCL: {detail}")
    body = next((c for c in root.children if c.type == "body"), None)
    return Block("", (), 1, file, body)


def _first_error(root: Any) -> tuple[int, str]:
    """Line and description of the first syntax error (breadth-first: the outermost)."""
    queue = deque([root])
    while queue:
        node = queue.popleft()
        line, column = node.start_point[0] + 1, node.start_point[1] + 1
        if node.is_missing:
            return line, f"missing `{node.type}` (column {column})"
        if node.type == "ERROR":
            snippet = node.text.decode("utf-8", "replace").strip().splitlines()
            near = f"unexpected `{snippet[0][:60]}`" if snippet else "syntax error"
            return line, f"{near} (column {column})"
        queue.extend(child for child in node.children if child.has_error or child.is_missing)
    return root.start_point[0] + 1, "syntax error"


def _label(node: Any) -> str:
    if node.type == "string_lit":
        return "".join(
            c.text.decode("utf-8", "replace") for c in node.children if c.type == "template_literal"
        )
    return str(node.text.decode("utf-8", "replace"))


def _block(node: Any, file: str) -> Block:
    names: list[str] = []
    body = None
    for child in node.children:
        kind = child.type
        if kind == "identifier" or kind == "string_lit":
            names.append(_label(child))
        elif kind == "body":
            body = child
    return Block(
        names[0] if names else "",
        tuple(names[1:]),
        node.start_point[0] + 1,
        file,
        body,
        node=node,
    )


def parse_expression(text: str) -> Any:
    """Parse one expression (the inside of a heredoc's ``${...}``); None when it does not parse."""
    tree = _parser().parse(f"x = {text}\n".encode())
    if tree.root_node.has_error:
        return None
    body = next((c for c in tree.root_node.children if c.type == "body"), None)
    if body is None or not body.children or body.children[0].type != "attribute":
        return None
    return body.children[0].children[-1]
