"""Resource patterns: what a ``Resource`` entry covers, and whether it covers a given ARN.

A template rarely spells a finished ARN. SAM's ``DynamoDBCrudPolicy`` expands to
``!Sub arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}``, and
the loaders keep what they cannot resolve as :class:`~faasguard.model.Unknown`. For matching,
this module gives such a value its *ARN shape*:

* ``${AWS::Region}``, ``${AWS::AccountId}``, ``${AWS::Partition}``, ``${AWS::URLSuffix}``
  become wildcards: the stack is deployed to *some* region and account, and a region or account
  wildcard does not widen what a grant reaches inside one account;
* any other ``${...}`` (a parameter, a ``GetAtt``) is one specific, unknown name: it cannot
  widen the grant, but whether it matches a given ARN cannot be told (the answer is None);
* a literal ``*`` given as a parameter (``TableName: '*'``) is resolved by the loader and is a
  real wildcard: ``table/*`` is every table.

Resource matching is case-sensitive, as IAM's is; ``*`` and ``?`` are the only wildcards.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

from faasguard.iam.actions import wildcard_matcher
from faasguard.model import Unknown

__all__ = ["ResourcePattern", "Scope", "resource_pattern", "resource_scope"]

#: Stands for one unresolved, specific value inside a pattern (never in a real ARN).
_HOLE: Final = "\x00"
_PSEUDO_WILDCARDS: Final = frozenset(
    {
        "AWS::Region",
        "AWS::AccountId",
        "AWS::Partition",
        "AWS::URLSuffix",
        # The Serverless Framework's spellings of the same deploy-time values.
        "aws:region",
        "aws:accountId",
        "aws:partition",
    }
)
_SUB_VARIABLE: Final = re.compile(r"\$\{([^}]*)\}")
_ARN_TYPE_PREFIX: Final = re.compile(r"^[A-Za-z0-9_.-]+[/:]")


class Scope(int, Enum):
    """How much of an account a resource entry covers, ordered from narrow to wide."""

    SPECIFIC = 0
    #: an ARN whose resource part is all wildcards: ``arn:aws:dynamodb:*:*:table/*``.
    ALL_OF_TYPE = 1
    #: ``*`` itself, or ``NotResource`` (everything except what is listed).
    EVERYTHING = 2


def resource_scope(resource: str) -> Scope:
    """Classify one ``Resource`` entry as written (or as an ARN shape).

    ``*`` covers everything. An ARN whose resource part is only wildcards, optionally after a
    resource-type prefix (``table/*``, ``function:*``, ``log-group:*:*``), covers every resource
    of that type. S3 ARNs have no type prefix (``arn:aws:s3:::*/*``). Wildcards in the region or
    account alone do not widen a resource.
    """
    text = resource.strip()
    if text and set(text) <= {"*"}:
        return Scope.EVERYTHING
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0].lower() != "arn":
        return Scope.SPECIFIC
    service, tail = parts[2].lower(), parts[5]
    if service and set(service) <= {"*"} and set(tail) <= {"*", "/", ":"}:
        return Scope.EVERYTHING  # arn:*:*:*:*:* is `*` spelled out
    if service != "s3":
        tail = _ARN_TYPE_PREFIX.sub("", tail, count=1) if _ARN_TYPE_PREFIX.match(tail) else tail
    if tail and "*" in tail and set(tail) <= {"*", "/", ":"}:
        return Scope.ALL_OF_TYPE
    return Scope.SPECIFIC


@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """One ``Resource``/``NotResource`` entry, ready for matching.

    Attributes:
        written: the entry as the template writes it (``!Sub ...`` for unresolved ones).
        pattern: the ARN shape: IAM wildcards, pseudo parameters as ``*``; unresolved names
            appear as ``${Name}``.
        scope: how much of the account it covers.
        exact: False when part of it is an unresolved name, so matching may be undecidable.
    """

    written: str
    pattern: str
    scope: Scope
    exact: bool

    def matches(self, arn: str) -> bool | None:
        """Return whether the entry covers ``arn`` (``*`` asks for "every resource").

        Returns:
            True or False, or None when only an unresolved part could decide.
        """
        holed = _holed(self.pattern)
        if wildcard_matcher(holed, ignore_case=False)(arn):  # a hole matches no character
            return True
        if not self.exact and wildcard_matcher(holed.replace(_HOLE, "*"), ignore_case=False)(arn):
            return None
        return False

    def __str__(self) -> str:
        return self.written


def _holed(pattern: str) -> str:
    return _SUB_VARIABLE.sub(_HOLE, pattern)


@functools.lru_cache(maxsize=8192)
def _from_sub(text: str) -> tuple[str, bool]:
    """Give a ``!Sub`` body its ARN shape; return it and whether it is exact."""
    exact = True

    def replace(match: re.Match[str]) -> str:
        nonlocal exact
        name = match.group(1).strip()
        if name.startswith("!"):  # ``${!Literal}`` is the literal ``${Literal}``
            return "${" + name[1:] + "}"
        if name in _PSEUDO_WILDCARDS:
            return "*"
        exact = False
        return "${" + name + "}"

    return _SUB_VARIABLE.sub(replace, text), exact


@functools.lru_cache(maxsize=16384)
def resource_pattern(value: str | Unknown) -> ResourcePattern | None:
    """Turn a ``Resource`` entry into a pattern, or None when nothing of its shape is known.

    Args:
        value: a resolved string, or an Unknown as the loaders render it (``!Sub ...``,
            ``!GetAtt Table.Arn``, ``!Ref Topic``).

    Returns:
        The pattern. A ``!GetAtt``/``!Ref`` names one specific resource of the template: its
        scope is SPECIFIC and any ARN may be it. Values with no shape at all (an SSM parameter,
        an import) give None.
    """
    if isinstance(value, str):
        text = value.strip()
        if "${" in text:  # IAM policy variables (${aws:username}) name one principal's share
            shape, _ = _from_sub(text)
            return ResourcePattern(value, shape, resource_scope(_holed(shape)), exact=False)
        return ResourcePattern(value, text, resource_scope(text), exact=True)
    expression = value.expression.strip()
    if expression.startswith("!Sub "):
        body = expression[len("!Sub ") :].strip()
        if body.startswith(("[", "{")):  # the variable-map form, rendered: too loose to shape
            return None
        shape, exact = _from_sub(body)
        return ResourcePattern(expression, shape, resource_scope(_holed(shape)), exact)
    if expression.startswith("arn:") and "${" in expression:
        # A Serverless value with deploy-time variables (``arn:aws:sqs:${aws:region}:...``).
        shape, exact = _from_sub(expression)
        return ResourcePattern(expression, shape, resource_scope(_holed(shape)), exact)
    if expression.startswith(("!GetAtt ", "!Ref ")) and " " not in expression.split(" ", 1)[1]:
        return ResourcePattern(expression, "${" + expression + "}", Scope.SPECIFIC, exact=False)
    return None
