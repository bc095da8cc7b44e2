"""Optional JSON Schema validation of responses (extra ``schema``: fastjsonschema).

A response is input from outside the trust boundary, as much as the event that triggered the
function. Validating its shape where it enters stops a compromised or buggy third party from
pushing unexpected types (a string where an id was, a list 10^6 long where one item was) into
code that assumed the documented contract.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from faasguard_runtime.http.errors import ResponseInvalid

__all__ = ["ResponseSchema"]

_EXTRA_HINT = "pip install faasguard-runtime[schema]"
# Schemes urllib.request.urlopen would fetch if fastjsonschema met a remote "$ref" it has no
# handler for. Validation must never make network calls of its own (and never read local files).
_FETCHABLE_SCHEMES = ("http", "https", "ftp", "file", "data")


def _refuse_remote_ref(uri: str) -> NoReturn:
    raise ValueError(f"remote $ref {uri!r} refused: inline every definition the schema uses")


class ResponseSchema:
    """A JSON Schema compiled once, at cold start, and checked against each response.

    Compiling is the slow part (milliseconds); keep one instance per schema at module level.
    Defaults in the schema are not written into the data: validation never changes what it checks.
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        """Compile ``schema``.

        Raises:
            ImportError: fastjsonschema is missing (``pip install faasguard-runtime[schema]``).
            ValueError: the schema is invalid or uses a remote ``$ref``.
        """
        try:
            fastjsonschema = importlib.import_module("fastjsonschema")
        except ImportError as exc:
            raise ImportError(
                f"response schema validation needs fastjsonschema: {_EXTRA_HINT}"
            ) from exc
        self._value_error: type[Exception] = fastjsonschema.JsonSchemaValueException
        handlers = dict.fromkeys(_FETCHABLE_SCHEMES, _refuse_remote_ref)
        try:
            self._validate: Callable[[Any], Any] = fastjsonschema.compile(
                dict(schema), handlers=handlers, use_default=False
            )
        except fastjsonschema.JsonSchemaDefinitionException as exc:
            raise ValueError(f"invalid JSON Schema: {exc}") from exc

    def validate(self, data: Any) -> None:
        """Check ``data`` against the schema.

        Raises:
            ResponseInvalid: with the failing rule (``data.id must be integer``), not the data.
        """
        try:
            self._validate(data)
        except self._value_error as exc:
            # The message names the rule and the path; the exception's .value attribute (the
            # offending data, possibly personal) is deliberately dropped.
            message = getattr(exc, "message", None) or str(exc)
            raise ResponseInvalid(f"response does not match its schema: {message}") from None
