"""Compile JSON Schemas once, with strict defaults, into fast checking functions.

``fastjsonschema`` generates Python code per schema, which is what makes per-request validation
cost a microsecond or two rather than tens. It is an optional extra, imported only when a schema is
actually given, so functions that use ``validate`` only for envelope parsing and size limits do not
need it.

Three defaults differ from calling ``fastjsonschema.compile`` directly, each for a reason:

* ``use_default=False``: validation never writes ``default`` values into the payload, so what the
  handler reads is exactly what the sender sent and the event Lambda passed in is never mutated.
* Remote ``$ref`` resolution is refused: a schema that fetches ``http://`` or ``file://``
  documents at cold start is a server-side request forgery waiting for a typo.
* ``strict=True`` closes object schemas (see :func:`close_objects`), because an unexpected field is
  how mass-assignment and injection payloads ride along with valid data.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from faasguard_runtime.validate.errors import SchemaError

__all__ = ["Check", "close_objects", "compile_schema", "json_path"]

#: A compiled schema: returns None when the value is valid, else ``(json_path, message)``.
Check = Callable[[Any], "tuple[str, str] | None"]

# Keywords whose value is one schema, a map of schemas, or a list of schemas. Walking only these
# (and not every dict) keeps ``const``, ``enum``, ``default`` and ``examples`` data untouched.
_ONE_SCHEMA = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "items",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_MAPS = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")
_SCHEMA_LISTS = ("items", "prefixItems")
# Members of a combinator describe part of an object; closing them would reject the properties the
# other members (or the parent) add, so they are left as written.
_COMBINATORS = ("allOf", "anyOf", "oneOf")
_COMBINATOR_SINGLES = ("not", "if", "then", "else")
_COMPOSED = (*_COMBINATORS, *_COMBINATOR_SINGLES, "$ref", "dependencies", "dependentSchemas")
_OPENNESS = ("additionalProperties", "patternProperties", "unevaluatedProperties")

_SAFE_PATH = re.compile(r"[^A-Za-z0-9_.\[\] -]")
_MAX_PATH = 128


def close_objects(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``schema`` where plain object schemas refuse unknown properties.

    An object schema is closed (``additionalProperties: false`` is added) when it lists
    ``properties``, says nothing about ``additionalProperties``, ``patternProperties`` or
    ``unevaluatedProperties``, and is not composed: it has no ``allOf``/``anyOf``/``oneOf``/
    ``not``/``if``/``$ref``/``dependencies`` of its own and is not itself a member of one. Composed
    schemas are left open because JSON Schema draft 7 cannot close them correctly (each member
    would reject the others' properties). An object schema without ``properties`` is a free-form
    map and stays open. Write ``additionalProperties: true`` to keep one object open on purpose.

    Args:
        schema: the schema as written by the function's author.

    Returns:
        A new schema; the argument is not modified.
    """
    copied = copy.deepcopy(dict(schema))
    _close(copied, composed_member=False)
    return copied


def _close(node: Any, *, composed_member: bool) -> None:
    if not isinstance(node, dict):
        return
    if (
        not composed_member
        and "properties" in node
        and not any(key in node for key in _OPENNESS)
        and not any(key in node for key in _COMPOSED)
    ):
        node["additionalProperties"] = False
    for key in _ONE_SCHEMA:
        if isinstance(node.get(key), dict):
            _close(node[key], composed_member=False)
    for key in _SCHEMA_MAPS:
        children = node.get(key)
        if isinstance(children, dict):
            for child in children.values():
                _close(child, composed_member=False)
    for key in _SCHEMA_LISTS:
        children = node.get(key)
        if isinstance(children, list):
            for child in children:
                _close(child, composed_member=False)
    for key in _COMBINATORS:
        members = node.get(key)
        if isinstance(members, list):
            for member in members:
                _close(member, composed_member=True)
    for key in _COMBINATOR_SINGLES:
        _close(node.get(key), composed_member=True)


def json_path(name: str | None) -> str:
    """Turn fastjsonschema's ``data.items[0].sku`` into ``$.items[0].sku``.

    Property names can come from the payload itself (``patternProperties``), so the path is
    reduced to a conservative character set and length before it can reach a caller.
    """
    if not name:
        return "$"
    rest = name[4:] if name.startswith("data") else name
    path = "$" + _SAFE_PATH.sub("?", rest)
    return path if len(path) <= _MAX_PATH else path[: _MAX_PATH - 3] + "..."


def _refuse_remote(uri: str) -> Any:
    raise SchemaError(f"remote $ref {uri!r} is not resolved; inline the referenced schema")


_NO_REMOTE_REFS = {scheme: _refuse_remote for scheme in ("http", "https", "ftp", "file", "data")}


def compile_schema(schema: Mapping[str, Any], *, strict: bool, what: str) -> Check:
    """Compile ``schema`` once into a check function.

    Args:
        schema: a JSON Schema (draft 4, 6 or 7; draft 7 when ``$schema`` is absent).
        strict: close plain object schemas (see :func:`close_objects`).
        what: ``"event_schema"`` or ``"response_schema"``, for error messages.

    Returns:
        A function that returns None for a valid value and ``(json_path, message)`` otherwise.

    Raises:
        SchemaError: fastjsonschema is not installed, or the schema is not a valid JSON Schema.
    """
    try:
        # Imported here, not at module level: it is an optional extra needed only with a schema.
        import fastjsonschema
    except ImportError:
        raise SchemaError(
            f"validate({what}=...) needs the optional dependency fastjsonschema: "
            "install faasguard-runtime[schema]"
        ) from None
    if not isinstance(schema, Mapping):
        raise SchemaError(f"{what} must be a JSON Schema object, not {type(schema).__name__}")
    definition = close_objects(schema) if strict else copy.deepcopy(dict(schema))
    try:
        validator = fastjsonschema.compile(
            definition, handlers=_NO_REMOTE_REFS, use_default=False, use_formats=True
        )
    except fastjsonschema.JsonSchemaDefinitionException as exc:
        raise SchemaError(f"{what} is not a valid JSON Schema: {exc}") from None
    value_error = fastjsonschema.JsonSchemaValueException

    def check(value: Any) -> tuple[str, str] | None:
        try:
            validator(value)
        except value_error as exc:
            return json_path(exc.name), str(exc.message)
        except RecursionError:
            return "$", "payload nested too deeply for its schema"
        return None

    return check
