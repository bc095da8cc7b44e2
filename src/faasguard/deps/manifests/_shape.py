"""Defensive accessors for parsed lockfile data, whose shape nobody guarantees.

A lockfile is attacker-controlled: any field may hold the wrong type. Readers go through these
accessors so that a wrong type reads as "absent" instead of raising deep inside a reader.
"""

from __future__ import annotations

from typing import Any


def as_str(value: object) -> str | None:
    """``value`` if it is a string, else ``None``."""
    return value if isinstance(value, str) else None


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a mapping with string keys, else an empty dict."""
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return value
    return {}


def as_list(value: object) -> list[Any]:
    """``value`` if it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def as_bool(value: object) -> bool | None:
    """``value`` if it is a boolean, else ``None`` (``0``/``1`` are not booleans here)."""
    return value if isinstance(value, bool) else None


def str_list(value: object) -> list[str]:
    """The strings of a list (other items dropped); a single string counts as a list of one."""
    if isinstance(value, str):
        return [value]
    return [item for item in as_list(value) if isinstance(item, str)]


def dict_list(value: object) -> list[dict[str, Any]]:
    """The string-keyed mappings of a list (other items dropped)."""
    return [item for item in (as_dict(element) for element in as_list(value)) if item]
