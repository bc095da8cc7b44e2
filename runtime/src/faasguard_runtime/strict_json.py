"""Strict JSON parsing shared by ``validate`` (events) and ``http`` (third-party responses).

Stricter than :func:`json.loads` where two parsers could disagree on what a document means, which
is how validated data turns into an injection: duplicate object keys (Python keeps the last one,
other parsers the first), ``NaN``/``Infinity`` (not JSON), numbers that overflow to infinity, and
nesting deep enough to exhaust the stack. Integral numbers written with a fraction or exponent
(``1.0``, ``1e2``) are returned as ``int``, as JSON Schema counts them as integers.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["StrictJSONError", "loads"]

# Integral floats below this magnitude are exactly representable, so converting them is lossless.
_EXACT_INTEGER = 2**53


class StrictJSONError(ValueError):
    """The text is not strict JSON; the message says why (never quoting the text)."""


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        # Python keeps the last duplicate, other parsers the first: refuse rather than guess.
        raise ValueError("duplicate object key")
    return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float | int:
    """Parse a JSON number written with a fraction or exponent.

    ``1.0`` and ``1e2`` are integers to JSON Schema (draft 6 and later) and pass ``"type":
    "integer"``; left as floats they would reach code that was promised an int (and ``range(qty)``
    or a list index would fail on them). They are returned as ``int``. Other numbers stay floats;
    numbers that overflow to infinity are refused.
    """
    value = float(text)
    if math.isinf(value):
        raise ValueError("number out of range")
    if value.is_integer() and -_EXACT_INTEGER < value < _EXACT_INTEGER:
        return int(value)
    return value


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique_object,
    parse_constant=_reject_constant,
    parse_float=_finite_float,
)


def loads(text: str) -> Any:
    """Parse ``text`` strictly.

    Raises:
        StrictJSONError: invalid JSON, a duplicate key, NaN/Infinity, an overflowing number, or
            nesting too deep.
    """
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise StrictJSONError("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, the hooks above, int digit limits
        raise StrictJSONError(f"invalid JSON: {exc}") from None
