"""Reading evaluated Terraform values as the model's field types.

A Terraform argument may hold a string, a number, a list, a nested block (a list of maps) or an
:class:`~faasguard.model.Unknown`; each model field wants one shape. These converters never
guess: a value of the wrong shape becomes an Unknown that says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faasguard.model import Unknown

__all__ = ["blocks", "first", "number", "strings", "text"]


def text(value: Any) -> str | Unknown | None:
    """A string setting: str, Unknown, or None when unset (numbers and booleans as text)."""
    if value is None or isinstance(value, (str, Unknown)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return Unknown(str(value)[:200], "not a string")


def number(value: Any) -> int | Unknown | None:
    """An integer setting."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return Unknown(str(value), "not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return Unknown(str(value), "not a number")


def first(value: Any) -> Mapping[str, Any]:
    """The first instance of a nested block (``environment { ... }``), or an empty map."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    if isinstance(value, Mapping):
        return value
    return {}


def strings(value: Any) -> tuple[str | Unknown, ...]:
    """A list of strings (a single string counts as one)."""
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return (value,)
    items = value if isinstance(value, list) else [value]
    out: list[str | Unknown] = []
    for item in items:
        got = text(item)
        if got is not None:
            out.append(got)
    return tuple(out)


def blocks(value: Any) -> list[Mapping[str, Any]]:
    """The instances of a nested block (``lambda_function { ... }`` written n times).

    Anything else in their place (an attribute of the same name, a ``dynamic`` block's
    Unknown) is left out here; callers that must not lose it check for it themselves.
    """
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []
