"""Data minimisation: strip or redact a JSON body before it leaves the function.

The threat is accidental over-sharing. A handler that forwards "the order" to a shipping API also
forwards the customer's e-mail and card number when they happen to be in the same dict, and once
sent, the data is in the third party's logs for good. Minimisation is applied by the client, on
the serialised path, so it cannot be forgotten at one call site.

Three rules, applied in this order:

1. ``allow_fields``: keep only these dotted paths (``"order.id"``, ``"items.sku"``); lists are
   walked through transparently; a path that names an object keeps its whole subtree.
2. ``redact_fields``: replace the value of any key with one of these names, at any depth,
   compared case-insensitively (``Email`` and ``EMAIL`` are the same field).
3. value patterns: card numbers (13 to 19 digits, Luhn-checked so order numbers and timestamps
   survive) and, if asked, e-mail addresses, inside any string; integers, and floats holding an
   integer, that are Luhn-valid card numbers are replaced too. A card number is found however it
   is written: digits of any script (full-width ``U+FF14``, Arabic-Indic...), separated by
   spaces (several, or non-breaking), dashes or dots.

The same rules cover what leaves in the URL's query string and in request headers: a parameter or
header named in ``redact_fields`` is redacted, and values are searched for card numbers (and
e-mail addresses). ``allow_fields`` applies to JSON bodies only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["REDACTED", "DataMinimisation", "luhn_valid"]

#: What a redacted value is replaced with.
REDACTED = "[REDACTED]"

# \d is any Unicode decimal digit; \s includes no-break and figure spaces. At most three
# separators between digits keeps matching linear and prose ("1 of 2 ... 3") out.
_CARD = re.compile(r"(?<!\d)\d(?:[\s.\-]{0,3}\d){12,18}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD_MIN_DIGITS = 13
_CARD_MAX_DIGITS = 19

# A tree of allowed paths: each key maps to the allowed paths below it, an empty dict meaning
# "the whole subtree".
_PathTree = dict[str, "_PathTree"]
_DROP = object()


def luhn_valid(digits: str) -> bool:
    """Return whether a string of decimal digits passes the Luhn checksum.

    The checksum is what tells a card number from any other long number: about one random
    16-digit number in ten passes, so a pattern alone would redact order ids and phone numbers.
    """
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _build_tree(paths: Collection[str]) -> _PathTree:
    tree: _PathTree = {}
    for path in paths:
        node = tree
        parts = path.split(".")
        if not path or any(not part for part in parts):
            raise ValueError(f"allow_fields: malformed path {path!r}")
        for part in parts[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif not child:
                break  # an ancestor already keeps the whole subtree
            node = child
        else:
            node[parts[-1]] = {}
    return tree


@dataclass(frozen=True)
class DataMinimisation:
    """A policy for what of a JSON body may leave the function.

    Attributes:
        allow_fields: dotted paths to keep; None keeps every field.
        redact_fields: key names whose values are replaced, at any depth (case-insensitive).
        redact_card_numbers: replace Luhn-valid card numbers found in values (on by default:
            a payment integration that must send one says so explicitly).
        redact_emails: replace e-mail addresses found in string values.
        placeholder: the replacement text.
    """

    allow_fields: Collection[str] | None = None
    redact_fields: Collection[str] = frozenset()
    redact_card_numbers: bool = True
    redact_emails: bool = False
    placeholder: str = REDACTED
    _tree: _PathTree = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Normalise to immutable sets so a caller mutating its list later changes nothing, and
        # fail now on a malformed path rather than on the first request.
        if self.allow_fields is not None:
            if isinstance(self.allow_fields, str):
                raise ValueError("allow_fields must be a collection of paths, not one string")
            object.__setattr__(self, "allow_fields", frozenset(self.allow_fields))
            object.__setattr__(self, "_tree", _build_tree(self.allow_fields))
        if isinstance(self.redact_fields, str):
            raise ValueError("redact_fields must be a collection of names, not one string")
        object.__setattr__(
            self, "redact_fields", frozenset(name.lower() for name in self.redact_fields)
        )

    @property
    def has_field_rules(self) -> bool:
        """Whether the policy names fields, which only a structured (JSON) body can honour."""
        return self.allow_fields is not None or bool(self.redact_fields)

    def apply(self, data: Any) -> Any:
        """Return a minimised copy of a JSON-compatible value; ``data`` itself is not changed."""
        if self.allow_fields is not None:
            data = _keep(data, self._tree)
            if data is _DROP:
                return None
        return self._redact(data)

    def _redact(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                key: (
                    self.placeholder
                    if isinstance(key, str) and key.lower() in self.redact_fields
                    else self._redact(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self._redact(item) for item in value]
        if isinstance(value, str):
            return self._redact_text(value)
        if self.redact_card_numbers and _is_card_number(value):
            return self.placeholder
        return value

    def apply_query(self, query: str) -> str:
        """Return ``query`` (a URL's query string) with named and pattern-matched values redacted.

        The string is only rebuilt when something was redacted, so an untouched URL is sent
        exactly as written.
        """
        if not query:
            return query
        from urllib.parse import parse_qsl, quote, urlencode

        pairs = parse_qsl(query, keep_blank_values=True)
        redacted = [(name, self._redact_parameter(name, value)) for name, value in pairs]
        if redacted == pairs:
            return query
        return urlencode(redacted, quote_via=quote)

    def apply_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Return ``headers`` with named and pattern-matched values redacted."""
        return {name: self._redact_parameter(name, value) for name, value in headers.items()}

    def _redact_parameter(self, name: str, value: str) -> str:
        if name.lower() in self.redact_fields:
            return self.placeholder
        return self._redact_text(value)

    def _redact_text(self, text: str) -> str:
        if self.redact_card_numbers:
            text = _CARD.sub(self._card_replacement, text)
        if self.redact_emails:
            text = _EMAIL.sub(self.placeholder, text)
        return text

    def _card_replacement(self, match: re.Match[str]) -> str:
        digits = _ascii_digits(match.group(0))
        return self.placeholder if luhn_valid(digits) else match.group(0)


def _ascii_digits(text: str) -> str:
    """Keep the decimal digits of ``text``, as ASCII (full-width U+FF14 U+FF12 -> ``"42"``)."""
    return "".join(str(int(char)) for char in text if char.isdecimal())


def _is_card_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        # A card number that went through a float (a JSON number parsed as double) is still one.
        if not value.is_integer() or abs(value) >= 10**_CARD_MAX_DIGITS:
            return False
        value = int(value)
    if not isinstance(value, int):
        return False
    digits = str(abs(value))
    return _CARD_MIN_DIGITS <= len(digits) <= _CARD_MAX_DIGITS and luhn_valid(digits)


def _keep(value: Any, tree: _PathTree) -> Any:
    if not tree:
        return value
    if isinstance(value, Mapping):
        # Walk the value, not the tree, so the body keeps its own key order.
        kept = {key: _keep(item, tree[key]) for key, item in value.items() if key in tree}
        return {key: item for key, item in kept.items() if item is not _DROP}
    if isinstance(value, (list, tuple)):
        items = [_keep(item, tree) for item in value]
        return [item for item in items if item is not _DROP]
    # A scalar where the allowlist expects an object: its shape is not the one the allowlist
    # describes, so nothing of it is known to be safe to send.
    return _DROP
