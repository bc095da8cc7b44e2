"""The grammar of Serverless Framework variables: ``${source:address, fallback, ...}``.

This module only *parses*; :mod:`.variables` evaluates. The grammar follows the v3 parser
(``lib/configuration/variables/parse.js``), which v1/v2 templates also satisfy:

* a source is ``type``, optionally ``(params)``, optionally ``:address``: ``self:custom.x``,
  ``file(./config.yml):key``, ``strToBool(true)``, ``ssm(us-east-1):/path``, ``sls:``;
* sources after the first are fallbacks, tried in order; a fallback may also be a literal
  (``'dev'``, ``"dev"``, ``10``, ``true``, ``null``) or a whole nested variable (``${...}``);
* params and addresses may themselves contain variables (``${self:custom.${sls:stage}.x}``);
  they are kept as raw text here and interpolated by the resolver.

Anything that opens with ``${`` but does not start with ``type:`` or ``type(`` is a *foreign*
placeholder, never a Serverless variable: ``${AWS::Region}``, ``${MyBucket.Arn}`` and
``${!Literal}`` belong to CloudFormation's ``Fn::Sub`` and are left untouched. Scanning
continues inside them so that ``${AWS::${self:custom.x}}`` still finds the inner variable.

Parsing is linear in the length of the text; malformed variables raise
:class:`VariableSyntaxError` (Serverless refuses to deploy them, so they are worth reporting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "Literal",
    "Nested",
    "Source",
    "Variable",
    "VariableSyntaxError",
    "find_variables",
    "literal_value",
]

_TYPE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
_NUMBER: Final = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "/": "/"}

Scalar = str | int | float | bool | None


class VariableSyntaxError(ValueError):
    """A string holds a Serverless variable that Serverless itself would refuse."""


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal written in a variable: a quoted string, number, boolean or null."""

    value: Scalar


@dataclass(frozen=True, slots=True)
class Nested:
    """A whole ``${...}`` written as a fallback; its raw text is interpolated when needed."""

    text: str


@dataclass(frozen=True, slots=True)
class Source:
    """One ``type(params):address`` part of a variable.

    Attributes:
        type: the source name (``self``, ``opt``, ``file``, ``ssm``...).
        params: the parenthesised arguments, or None when there are no parentheses. A ``str``
            is raw text that may hold variables; a :class:`Literal` was quoted or typed.
        address: what follows the colon, raw (``str``) or quoted (:class:`Literal`); None when
            there is no colon.
    """

    type: str
    params: tuple[str | Literal, ...] | None
    address: str | Literal | None


@dataclass(frozen=True, slots=True)
class Variable:
    """One top-level ``${...}`` of a string: where it is and its sources, first to last."""

    start: int
    end: int
    sources: tuple[Source | Literal | Nested, ...]


def find_variables(text: str) -> tuple[Variable, ...]:
    """Return the top-level Serverless variables of ``text``, left to right.

    Raises:
        VariableSyntaxError: a variable is unterminated or has an invalid part.
    """
    found: list[Variable] = []
    pos = 0
    while (start := text.find("${", pos)) != -1:
        variable = _parse_variable(text, start)
        if variable is None:  # foreign placeholder: look for variables inside it
            pos = start + 2
            continue
        found.append(variable)
        pos = variable.end
    return tuple(found)


def literal_value(word: str) -> Literal | None:
    """Return the literal an unquoted word stands for (number, boolean, null), if any."""
    if word in ("true", "false"):
        return Literal(word == "true")
    if word == "null":
        return Literal(None)
    if _NUMBER.fullmatch(word):
        return Literal(int(word) if word.lstrip("-").isdigit() else float(word))
    return None


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _source_type_at(text: str, pos: int) -> re.Match[str] | None:
    """Match a source type followed by ``:`` or ``(`` (``::`` is CloudFormation's, not ours)."""
    match = _TYPE.match(text, pos)
    if match is None:
        return None
    after = match.end()
    if after >= len(text) or text[after] not in ":(":
        return None
    if text.startswith("::", after):
        return None
    return match


def _parse_variable(text: str, start: int) -> Variable | None:
    pos = _skip_ws(text, start + 2)
    if _source_type_at(text, pos) is None:
        return None
    sources: list[Source | Literal | Nested] = []
    while True:
        pos = _skip_ws(text, pos)
        part, pos = _parse_part(text, pos, first=not sources)
        sources.append(part)
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise VariableSyntaxError(f"unterminated variable {text[start : start + 60]!r}")
        if text[pos] == "}":
            return Variable(start, pos + 1, tuple(sources))
        if text[pos] != ",":
            raise VariableSyntaxError(
                f"unexpected {text[pos]!r} in variable {text[start : start + 60]!r}"
            )
        pos += 1


def _parse_part(text: str, pos: int, *, first: bool) -> tuple[Source | Literal | Nested, int]:
    if pos >= len(text):
        raise VariableSyntaxError("unterminated variable")
    if not first:
        if text[pos] in "'\"":
            value, pos = _parse_quoted(text, pos)
            return Literal(value), pos
        if text.startswith("${", pos):
            end = _skip_braced(text, pos)
            return Nested(text[pos:end]), end
    match = _source_type_at(text, pos)
    if match is not None:
        return _parse_source(text, match)
    raw, end = _scan_raw(text, pos, ",}")
    token = raw.strip()
    literal = literal_value(token)
    if literal is None:
        raise VariableSyntaxError(
            f"invalid fallback {token!r}: quote literal strings ('{token}') or write a source "
            "(self:..., opt:...)"
        )
    return literal, end


def _parse_source(text: str, match: re.Match[str]) -> tuple[Source, int]:
    kind = match.group()
    pos = match.end()
    params: tuple[str | Literal, ...] | None = None
    if text[pos] == "(":
        params, pos = _parse_params(text, pos + 1)
    address: str | Literal | None = None
    if pos < len(text) and text[pos] == ":":
        pos = _skip_ws(text, pos + 1)
        if pos < len(text) and text[pos] in "'\"":
            value, pos = _parse_quoted(text, pos)
            address = Literal(value)
        else:
            raw, pos = _scan_raw(text, pos, ",}")
            address = raw.strip()
    elif params is None:  # pragma: no cover - _source_type_at guarantees ':' or '('
        raise VariableSyntaxError(f"source {kind!r} needs ':' or '('")
    following = _skip_ws(text, pos)
    if following < len(text) and text[following] not in ",}":
        raise VariableSyntaxError(f"missing ':' before the address of source {kind!r}")
    return Source(kind, params, address), pos


def _parse_params(text: str, pos: int) -> tuple[tuple[str | Literal, ...], int]:
    params: list[str | Literal] = []
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] == ")":
        return (), pos + 1
    while True:
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] in "'\"":
            value, pos = _parse_quoted(text, pos)
            params.append(Literal(value))
        else:
            raw, pos = _scan_raw(text, pos, ",)")
            token = raw.strip()
            literal = literal_value(token) if token else Literal(None)
            params.append(literal if literal is not None else token)
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise VariableSyntaxError("unterminated parameter list")
        if text[pos] == ")":
            return tuple(params), pos + 1
        if text[pos] != ",":
            raise VariableSyntaxError(f"unexpected {text[pos]!r} in a parameter list")
        pos += 1


def _scan_raw(text: str, pos: int, stops: str) -> tuple[str, int]:
    """Read up to a top-level stop character, stepping over nested ``${...}``."""
    start = pos
    depth = 0
    while pos < len(text):
        if text.startswith("${", pos):
            depth += 1
            pos += 2
            continue
        char = text[pos]
        if char == "}" and depth:
            depth -= 1
        elif not depth and char in stops:
            return text[start:pos], pos
        pos += 1
    raise VariableSyntaxError(f"unterminated variable near {text[start : start + 60]!r}")


def _skip_braced(text: str, pos: int) -> int:
    """Return the index just past the ``}`` closing the ``${`` at ``pos``."""
    _, end = _scan_raw(text, pos + 2, "}")
    return end + 1


def _parse_quoted(text: str, pos: int) -> tuple[str, int]:
    quote = text[pos]
    pos += 1
    out: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            escaped = text[pos + 1]
            if escaped not in _ESCAPES:
                raise VariableSyntaxError(f"invalid escape \\{escaped} in a quoted string")
            out.append(_ESCAPES[escaped])
            pos += 2
            continue
        if char == quote:
            return "".join(out), pos + 1
        out.append(char)
        pos += 1
    raise VariableSyntaxError("unterminated quoted string in a variable")
