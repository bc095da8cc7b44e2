"""Policy documents written in Terraform into model statements, each at the line writing it.

A policy arrives as JSON text, ``jsonencode()`` output or a rendered
``aws_iam_policy_document``.
The shape checks are :mod:`faasguard.iam.document`'s, shared with every loader: a malformed
part becomes an Unknown that says what is wrong, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faasguard.iam.document import malformed, policy_strings
from faasguard.loaders.terraform.values import decode_json
from faasguard.model import Location, Statement, Unknown

__all__ = ["statements_of", "trusted_services"]


def statements_of(policy: Any, *, where: Location, origin: str) -> list[Statement]:
    """The statements of ``policy``; ``where`` locates those without a line of their own.

    Args:
        policy: the argument's value (a JSON string, ``jsonencode()`` output, a rendered
            document, or an Unknown).
        where: the argument's location.
        origin: provenance; ``.Statement[i]`` is appended when there are several.
    """
    if policy is None:
        return []
    document = decode_json(policy)
    if isinstance(document, Unknown):
        return [_unknown(document, where, origin)]
    if not isinstance(document, Mapping):
        return [_unknown(malformed(document, "the policy is not a mapping"), where, origin)]
    body = document.get("Statement")
    if isinstance(body, Unknown):
        return [_unknown(body, where, origin)]
    items = body if isinstance(body, list) else [body] if body is not None else []
    out = []
    for index, item in enumerate(items):
        location = Location(
            getattr(item, "file", "") or where.file, getattr(item, "line", None) or where.line
        )
        label = f"{origin}.Statement[{index}]" if len(items) > 1 else origin
        out.append(_statement(item, location, label))
    return out


def _unknown(value: Unknown, location: Location, origin: str) -> Statement:
    """A statement that exists but cannot be read: every part is the same Unknown."""
    return Statement(
        effect=value, actions=(value,), resources=(value,), location=location, origin=origin
    )


def _statement(item: Any, location: Location, origin: str) -> Statement:
    if isinstance(item, Unknown):
        return _unknown(item, location, origin)
    if not isinstance(item, Mapping):
        return _unknown(malformed(item, "a statement is not a mapping"), location, origin)
    effect = item.get("Effect")
    condition = item.get("Condition")
    sid = item.get("Sid")
    return Statement(
        effect=effect
        if isinstance(effect, (str, Unknown))
        else Unknown("(missing)", "statement without Effect"),
        actions=policy_strings(item.get("Action"), "Action"),
        not_actions=policy_strings(item.get("NotAction"), "NotAction"),
        resources=policy_strings(item.get("Resource"), "Resource"),
        not_resources=policy_strings(item.get("NotResource"), "NotResource"),
        condition=condition if isinstance(condition, (dict, Unknown)) else None,
        sid=sid if isinstance(sid, str) else None,
        location=location,
        origin=origin,
    )


def trusted_services(policy: Any) -> tuple[str, ...]:
    """The service principals of a trust policy (``assume_role_policy``), as written."""
    document = decode_json(policy)
    body = document.get("Statement") if isinstance(document, Mapping) else None
    services: list[str] = []
    for stmt in body if isinstance(body, list) else [body] if isinstance(body, Mapping) else []:
        principal = stmt.get("Principal") if isinstance(stmt, Mapping) else None
        service = principal.get("Service") if isinstance(principal, Mapping) else None
        for item in service if isinstance(service, list) else [service]:
            if isinstance(item, str) and item not in services:
                services.append(item)
    return tuple(services)
