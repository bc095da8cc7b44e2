"""Values an evaluated Terraform expression can take besides plain JSON-like data.

Both are :class:`~faasguard.model.Unknown` to every rule (a Terraform reference is only known
after ``apply``), but they remember *what* they refer to, so the loader can join a function to
its role, a trigger to its queue, a permission to its function, without guessing from text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from faasguard.loaders.yaml_safe import YamlMap
from faasguard.model import Unknown

__all__ = [
    "R_ATTRIBUTE",
    "Encoded",
    "JsonText",
    "Partial",
    "Ref",
    "TfMap",
    "decode_json",
    "direct_ref",
    "refs_of",
]

R_ATTRIBUTE = "deploy-time attribute"


@dataclass(frozen=True, slots=True)
class Ref(Unknown):
    """An unresolved value that mentions resources.

    Attributes:
        refs: addresses of the resources the expression reads (``aws_iam_role.lambda``,
            ``module.api.aws_lambda_function.this``), in order of appearance.
    """

    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Partial(Ref):
    """A rendered template (``templatefile()``, ``data "template_file"``) with unknown parts.

    The text is not known, but its known pieces are: an OpenAPI body rendered with a
    function's ARN keeps its routes, the ARN staying a reference.

    Attributes:
        pieces: the template's pieces in order, text or Unknown.
    """

    pieces: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Encoded(Unknown):
    """``jsonencode(value)`` of a value with unresolved parts.

    The JSON text is not known, but its structure is (a policy document whose ``Resource`` is
    a bucket's ARN, say).

    Attributes:
        value: the encoded value, Unknown leaves included.
    """

    value: Any = None


def direct_ref(value: Any) -> tuple[str, str] | None:
    """``(address, attribute)`` when ``value`` is exactly ``<address>.<attribute>``.

    The expression is written inside its module, so it names the resource without the
    module prefix that the address carries (``aws_iam_role.this`` in ``module.api``).
    """
    if not isinstance(value, Ref) or len(value.refs) != 1:
        return None
    address = value.refs[0]
    local = _MODULE_PREFIX.sub("", address)
    text = _INDEXES.sub("", value.expression)
    for name in (address, local):
        if text == name:
            return address, ""
        if text.startswith(name + "."):
            attr = text[len(name) + 1 :]
            if attr.replace("_", "").isalnum():
                return address, attr
    return None


_MODULE_PREFIX = re.compile(r"^(?:module\.[^.]+\.)+")
_INDEXES = re.compile(r"\[[^\]]*\]")


def refs_of(value: Any) -> tuple[str, ...]:
    """Every resource address mentioned anywhere in ``value`` (nested lists and maps too)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Ref):
            found.extend(item.refs)
        elif isinstance(item, Encoded):
            stack.append(item.value)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return tuple(dict.fromkeys(found))


def decode_json(value: Any) -> Any:
    """The structure behind a policy-like value: a JSON string, ``jsonencode()``, or a map.

    Returns an Unknown when the text is not JSON or cannot be seen.
    """
    if isinstance(value, (Encoded, JsonText)):
        return value.value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return Unknown(value[:200], "not JSON")
    return value


class JsonText(str):
    """``jsonencode()`` of a fully known value.

    The JSON text, which remembers its structure (maps with their lines), so a policy's
    statements point at the lines that wrote them.
    """

    value: Any

    @classmethod
    def of(cls, value: Any) -> JsonText:
        """Encode ``value`` compactly, as Terraform does, keeping it alongside."""
        text = cls(json.dumps(value, separators=(",", ":")))
        text.value = value
        return text


class TfMap(YamlMap):
    """A map that remembers its file as well as its lines.

    A policy document rendered from a data source in ``iam.tf`` is used by a role in
    ``main.tf``, and each statement must point at the file that wrote it.
    """

    __slots__ = ("file",)

    def __init__(self, line: int | None = None, file: str = "") -> None:
        super().__init__(line)
        self.file = file
