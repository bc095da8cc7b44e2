"""Small, typed helpers over tree-sitter nodes of JavaScript and TypeScript.

tree-sitter's Python binding is untyped; keeping every raw access here lets the lowering read
like the grammar and keeps the ``Any`` in one place.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "TRANSPARENT",
    "TYPE_ONLY",
    "child",
    "escape_value",
    "line",
    "named",
    "string_value",
    "text",
    "unwrap",
]

#: Expression wrappers that do not change the value (parentheses and TypeScript type syntax).
TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)

#: TypeScript declarations that exist only for the type checker (no run-time value).
TYPE_ONLY = frozenset(
    {
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
        "abstract_method_signature",
        "index_signature",
        "method_signature",
        "property_signature",
        "import_alias",
    }
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_UNICODE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")


def text(node: Any) -> str:
    """The source text of ``node``."""
    raw: bytes = node.text or b""
    return raw.decode("utf-8", "replace")


def line(node: Any) -> int:
    """The 1-based line where ``node`` starts."""
    return int(node.start_point[0]) + 1


def child(node: Any, field: str) -> Any:
    """The child in ``field``, or None."""
    return node.child_by_field_name(field)


def named(node: Any) -> list[Any]:
    """The named children of ``node`` except comments."""
    return [c for c in node.named_children if c.type != "comment"]


def unwrap(node: Any) -> Any:
    """Strip parentheses and TypeScript casts (``(x as T)!``) around an expression."""
    while node is not None and node.type in TRANSPARENT:
        inner = [c for c in named(node) if not _is_type(c)]
        if not inner:
            return node
        node = inner[0]
    return node


def _is_type(node: Any) -> bool:
    kind: str = node.type
    return kind.endswith("_type") or kind in {
        "type_arguments",
        "type_identifier",
        "type_annotation",
    }


def escape_value(escape: str) -> str:
    """The character an escape sequence (a backslash and ``n``, ``u0041``...) stands for."""
    match = _UNICODE.fullmatch(escape)
    if match:
        digits = match.group(1) or match.group(2) or match.group(3)
        try:
            return chr(int(digits, 16))
        except (ValueError, OverflowError):
            return ""
    body = escape[1:]
    if body.startswith(("\n", "\r")):  # a line continuation
        return ""
    return _ESCAPES.get(body, body)


def string_value(node: Any) -> str:
    """The value of a string literal node (quotes removed, escapes decoded)."""
    parts: list[str] = []
    for part in node.named_children:
        if part.type == "string_fragment":
            parts.append(text(part))
        elif part.type == "escape_sequence":
            parts.append(escape_value(text(part)))
    return "".join(parts)
