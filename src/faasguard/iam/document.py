"""Plain IAM policy documents (JSON as AWS serves it) turned into model statements.

Templates are read by the loaders, which know their intrinsics and lines; this module reads the
documents that come from elsewhere (AWS managed policies, a policy fetched from an account) and
checks the shape every document must have, so that a malformed one is reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from faasguard.model import Location, Statement, Unknown

__all__ = [
    "R_MALFORMED",
    "PolicyDocument",
    "json_document",
    "kind_of",
    "malformed",
    "one_or_many",
    "parse_policy_document",
    "policy_strings",
    "statement_problems",
]

_EFFECTS = ("Allow", "Deny")


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A parsed policy document.

    Attributes:
        name: what the document is (``AmazonDynamoDBFullAccess``, ``inline``).
        statements: its statements, each with an origin naming the document and the index.
        problems: what is malformed in it, one sentence each (empty for a valid document).
    """

    name: str
    statements: tuple[Statement, ...]
    problems: tuple[str, ...] = ()


def _strings(value: Any, key: str, problems: list[str], where: str) -> tuple[str | Unknown, ...]:
    if value is None:
        return ()
    if type(value) is str:
        return (value,)
    if type(value) is list and all(type(item) is str for item in value):
        return tuple(value)  # the common case, without a check per item
    items = value if isinstance(value, list) else [value]
    out: list[str | Unknown] = []
    for item in items:
        if isinstance(item, (str, Unknown)):  # Unknown: a template value resolved at deploy
            out.append(item)
        else:
            problems.append(f"{where}: {key} entry {item!r} is not a string")
            out.append(Unknown(repr(item), f"{key} entry is not a string"))
    return tuple(out)


def parse_policy_document(document: Any, *, name: str, location: Location) -> PolicyDocument:
    """Parse a JSON policy document (``{"Version": ..., "Statement": [...]}``).

    Args:
        document: the decoded JSON.
        name: the document's name, used in origins and problems.
        location: where the document is attached (every statement gets it).

    Returns:
        The statements, with problems listed; a malformed statement becomes one whose parts are
        :class:`~faasguard.model.Unknown`, so no rule treats it as granting or denying anything.
    """
    problems: list[str] = []
    if not isinstance(document, Mapping):
        problems.append(f"{name}: the policy document is not a JSON object")
        return PolicyDocument(name, (), tuple(problems))
    body = document.get("Statement")
    if isinstance(body, Mapping):
        items: list[Any] = [body]
    elif isinstance(body, list):
        items = body
    else:
        problems.append(f"{name}: Statement is {kind_of(body)}, not a list of statements")
        return PolicyDocument(name, (), tuple(problems))
    statements = []
    for index, item in enumerate(items):
        origin = f"{name} Statement[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{origin} is not an object")
            unknown = Unknown(repr(item)[:80], "statement is not an object")
            statements.append(
                Statement(unknown, (unknown,), location, origin, resources=(unknown,))
            )
            continue
        problems.extend(statement_problems(item, origin))
        effect = item.get("Effect")
        condition = item.get("Condition")
        sid = item.get("Sid")
        statements.append(
            Statement(
                effect=effect if effect in _EFFECTS else Unknown(repr(effect), "invalid Effect"),
                actions=_strings(item.get("Action"), "Action", [], origin),
                not_actions=_strings(item.get("NotAction"), "NotAction", [], origin),
                resources=_strings(item.get("Resource"), "Resource", [], origin),
                not_resources=_strings(item.get("NotResource"), "NotResource", [], origin),
                condition=condition if isinstance(condition, Mapping) else None,
                sid=sid if isinstance(sid, str) else None,
                location=location,
                origin=origin,
            )
        )
    return PolicyDocument(name, tuple(statements), tuple(problems))


def statement_problems(item: Mapping[str, Any], where: str) -> list[str]:
    """Return what is malformed in one raw statement, as sentences starting with ``where``.

    IAM rejects these at deploy time; a scanner that guessed would report risks in a policy that
    can never exist, or miss one in a policy AWS reads differently.
    """
    problems: list[str] = []
    effect = item.get("Effect")
    if effect not in _EFFECTS:
        problems.append(f"{where}: Effect is {effect!r}; IAM accepts only 'Allow' or 'Deny'")
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        _strings(item.get(key), key, problems, where)
    if ("Action" in item) == ("NotAction" in item):
        problems.append(f"{where}: a statement needs exactly one of Action or NotAction")
    if ("Resource" in item) and ("NotResource" in item):
        problems.append(f"{where}: a statement cannot have both Resource and NotResource")
    condition = item.get("Condition")
    if condition is not None and not isinstance(condition, Mapping):
        problems.append(f"{where}: Condition is not an object")
    return problems


#: The reason of every :class:`~faasguard.model.Unknown` a loader puts in a statement that is
#: malformed (a number as an action, a string as ``Statement``). The ``invalid-policy`` rule
#: reports statements holding one, at the statement's file and line.
R_MALFORMED = "malformed policy"


def malformed(value: Any, what: str) -> Unknown:
    """An Unknown standing for a malformed part of a policy, saying what is wrong."""
    return Unknown(repr(value)[:80], f"{R_MALFORMED}: {what}")


def one_or_many(value: Any) -> list[Any]:
    """A value written as one item or a list of them, as a list; None is an empty list.

    IAM policy elements (Action, Resource, Principal...) and CORS rules take either form.
    """
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def policy_strings(value: Any, key: str) -> tuple[str | Unknown, ...]:
    """Read an ``Action``/``Resource``-like element: a string or a list of strings.

    Loaders call this on resolved values. Strings and Unknowns are kept, nulls dropped, and
    anything else (a number, a mapping) becomes a malformed Unknown, so no rule reads ``5`` as
    an action name.
    """
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return (value,)
    items = value if isinstance(value, list) else [value]
    out: list[str | Unknown] = []
    for item in items:
        if isinstance(item, (str, Unknown)):
            out.append(item)
        elif item is not None:
            out.append(malformed(item, f"{key} entry {item!r} is {kind_of(item)}, not a string"))
    return tuple(out)


def kind_of(value: Any) -> str:
    """What a value is, for messages: ``a string``, ``a number``, ``a mapping``..."""
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a null" if value is None else type(value).__name__


def json_document(value: Any) -> Any:
    """A policy document given as a JSON string (CloudFormation accepts one) as a mapping.

    Returns the decoded mapping, or ``value`` unchanged when it is not a string holding a JSON
    object, for the caller to report.
    """
    if not isinstance(value, str):
        return value
    import json  # only for templates that write documents as strings

    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, dict) else value
