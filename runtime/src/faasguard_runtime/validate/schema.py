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

__all__ = [
    "Check",
    "Convert",
    "close_objects",
    "compile_converter",
    "compile_schema",
    "is_model",
    "json_path",
    "refuse_unenforced",
]

#: A compiled schema: returns None when the value is valid, else ``(json_path, message)``.
Check = Callable[[Any], "tuple[str, str] | None"]
#: A compiled schema or model: returns ``(value, None)`` with the value the handler gets (the
#: payload itself for a JSON Schema, a typed object for a Pydantic model), or
#: ``(None, (json_path, message))``.
Convert = Callable[[Any], "tuple[Any, tuple[str, str] | None]"]

# Drafts whose keywords fastjsonschema enforces. 2019-09 and 2020-12 add keywords it ignores
# (unevaluatedProperties, dependentRequired, prefixItems...), so a schema written for them would
# pass payloads its author meant to refuse.
_SUPPORTED_DRAFTS = frozenset(
    f"{scheme}://json-schema.org/draft-{n}/schema{end}"
    for scheme in ("http", "https")
    for n in ("04", "06", "07")
    for end in ("", "#")
)
# Keywords of later drafts that the validator would silently ignore.
_UNENFORCED = (
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$recursiveAnchor",
    "$recursiveRef",
    "$vocabulary",
    "dependentRequired",
    "dependentSchemas",
    "maxContains",
    "minContains",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
)

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


def refuse_unenforced(schema: Mapping[str, Any], what: str) -> None:
    """Refuse a schema using keywords or a ``$schema`` draft the validator does not enforce.

    fastjsonschema implements drafts 4, 6 and 7 and skips keywords it does not know, as JSON
    Schema allows. A schema written for 2019-09 or 2020-12 would then look enforced and be
    partly ignored (``unevaluatedProperties: false`` letting every extra field through), so it is
    refused when compiled, naming the keyword and where it is.

    Raises:
        SchemaError: an unsupported draft or keyword.
    """
    draft = schema.get("$schema")
    if draft is not None and draft not in _SUPPORTED_DRAFTS:
        raise SchemaError(
            f"{what}: $schema {draft!r} is not supported; write the schema for JSON Schema"
            " draft 7 (or 4/6)"
        )
    stack: list[tuple[Any, str]] = [(schema, "$")]
    while stack:
        node, where = stack.pop()
        if not isinstance(node, Mapping):
            continue
        for keyword in _UNENFORCED:
            if keyword in node:
                raise SchemaError(
                    f"{what}: keyword {keyword!r} at {where} is not enforced by the validator"
                    " (JSON Schema 2019-09/2020-12); express it in draft 7 terms"
                )
        for key in (*_ONE_SCHEMA, *_COMBINATOR_SINGLES):
            if isinstance(node.get(key), Mapping):
                stack.append((node[key], f"{where}.{key}"))
        for key in (*_SCHEMA_MAPS, "dependencies"):
            children = node.get(key)
            if isinstance(children, Mapping):
                stack.extend((child, f"{where}.{key}.{name}") for name, child in children.items())
        for key in (*_SCHEMA_LISTS, *_COMBINATORS):
            children = node.get(key)
            if isinstance(children, list):
                stack.extend((child, f"{where}.{key}[{i}]") for i, child in enumerate(children))


def is_model(schema: object) -> bool:
    """Say whether ``schema`` is a Pydantic v2 model class or ``TypeAdapter`` (duck-typed).

    Duck typing keeps pydantic an optional extra: this module never imports it.
    """
    if isinstance(schema, type):
        return callable(getattr(schema, "model_validate", None))
    return callable(getattr(schema, "validate_python", None)) and not isinstance(schema, Mapping)


def compile_converter(schema: Any, *, strict: bool, what: str) -> Convert:
    """Compile a JSON Schema or wrap a Pydantic model into a :data:`Convert` function.

    Args:
        schema: a JSON Schema mapping, a Pydantic v2 model class, or a ``TypeAdapter``.
        strict: close plain object JSON Schemas (models decide their own ``extra`` policy).
        what: the argument's name, for error messages.

    Raises:
        SchemaError: the schema is invalid or unsupported, or its dependency is missing.
    """
    if is_model(schema):
        return _model_converter(schema)
    check = compile_schema(schema, strict=strict, what=what)

    def convert(value: Any) -> tuple[Any, tuple[str, str] | None]:
        failure = check(value)
        return (value, None) if failure is None else (None, failure)

    return convert


def _model_converter(model: Any) -> Convert:
    validate_python = getattr(
        model, "model_validate" if isinstance(model, type) else "validate_python"
    )
    try:
        from pydantic import ValidationError as PydanticError
    except ImportError:  # pragma: no cover - a model cannot exist without pydantic
        raise SchemaError("Pydantic models need pydantic v2: pip install pydantic") from None

    def convert(value: Any) -> tuple[Any, tuple[str, str] | None]:
        try:
            return validate_python(value), None
        except PydanticError as exc:
            # include_input=False: the rejected value (a password, a card number) stays out.
            first = exc.errors(include_url=False, include_input=False, include_context=False)[0]
            return None, (_loc_path(first.get("loc", ())), str(first.get("msg", "invalid")))
        except RecursionError:
            return None, ("$", "payload nested too deeply for its model")

    return convert


def _loc_path(loc: Any) -> str:
    path = "data"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return json_path(path)


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
        raise SchemaError(
            f"{what} must be a JSON Schema object or a Pydantic model, not {type(schema).__name__}"
        )
    refuse_unenforced(schema, what)
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
