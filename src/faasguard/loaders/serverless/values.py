"""Small converters from resolved template values to model field types.

By the time a value reaches these helpers, Serverless variables are resolved and CloudFormation
intrinsics are Unknowns (see :meth:`.context.Context.cfn`). What is left is the template's own
type confusion: ``memorySize: "512"``, ``Action: s3:GetObject`` instead of a list, a mapping
where a string belongs. Each helper maps the well-formed cases and turns the rest into an
:class:`~faasguard.model.Unknown` that says what was expected, never a guess and never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from faasguard.loaders.serverless.variables import js_string
from faasguard.loaders.yaml_safe import YamlMap
from faasguard.model import Unknown

__all__ = [
    "EMPTY",
    "as_bool",
    "as_int",
    "as_items",
    "as_map",
    "as_text",
    "as_texts",
    "plain",
    "render_value",
]

#: The mapping used where a block is absent or malformed (never mutated).
EMPTY: Final[Mapping[str, Any]] = YamlMap()

R_NOT_TEXT: Final = "expected a string"
R_NOT_INT: Final = "expected an integer"
R_NOT_BOOL: Final = "expected a boolean"


#: Longest rendering of a mapping or list kept in an Unknown's expression (reports show it;
#: a mapping included from a 4 MB file would otherwise be copied into every report line).
MAX_RENDERED_CHARS = 1000


def render_value(value: Any) -> str:
    """Render any value for an Unknown's expression (Unknowns inside keep their expression)."""
    if isinstance(value, Unknown):
        return value.expression
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)) and len(value) > MAX_RENDERED_CHARS // 4:
        kind = "mapping" if isinstance(value, dict) else "list"
        return f"<{kind} of {len(value)} entries>"
    text = json.dumps(plain(value), default=lambda item: str(item), ensure_ascii=False)
    return text if len(text) <= MAX_RENDERED_CHARS else text[:MAX_RENDERED_CHARS] + "..."


def plain(value: Any) -> Any:
    """Return ``value`` with YAML containers turned into plain dicts and lists."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def as_map(value: Any) -> Mapping[str, Any]:
    """Return ``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else EMPTY


def as_text(value: Any) -> str | Unknown | None:
    """A string field: scalars as JavaScript would print them, None when unset."""
    if value is None or isinstance(value, (str, Unknown)):
        return value
    text = js_string(value)
    return text if text is not None else Unknown(render_value(value), R_NOT_TEXT)


def as_int(value: Any) -> int | Unknown | None:
    """An integer field (``memorySize``, ``timeout``...); numeric strings are accepted."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return Unknown(render_value(value), R_NOT_INT)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return Unknown(render_value(value), R_NOT_INT)


def as_bool(value: Any) -> bool | Unknown | None:
    """A boolean field; ``"true"``/``"false"`` strings are accepted (variables yield them)."""
    if value is None or isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return Unknown(render_value(value), R_NOT_BOOL)


def as_items(value: Any) -> list[Any] | Unknown:
    """A list field where a single value is also accepted (``Action: s3:GetObject``)."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        return value
    return [value]


def as_texts(value: Any) -> tuple[str | Unknown, ...]:
    """A list of strings; an Unknown list becomes one Unknown entry, nulls are dropped."""
    items = as_items(value)
    if isinstance(items, Unknown):
        return (items,)
    texts: list[str | Unknown] = []
    for item in items:
        text = as_text(item)
        if text is not None:
            texts.append(text)
    return tuple(texts)
