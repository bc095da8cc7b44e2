"""Handlers that read event fields an attacker controls without validating any of them.

A function reachable from an untrusted trigger (HTTP, queues, topics, storage and streams:
whatever issue 7 section 3 lists as attacker-controlled) should check the shape of its input
before using it. This module says which event fields the handler reads and whether a validator
is anywhere on the function's code path: a decorator or middleware on the handler (Powertools
``@validator``/``@event_parser``, ``faasguard_runtime.validate``, Middy's validator), a call of
a validating library (jsonschema, pydantic, marshmallow, ajv, zod, joi, yup...), or an API
Gateway request validator on the route. The check is deliberately generous: any validator in
the function's own code counts, so a finding means none at all was seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from faasguard.code.edge.tables import VALIDATING_METHODS, VALIDATORS
from faasguard.code.edge.values import EventField, FileFacts
from faasguard.model import Function, TriggerKind, Unknown

__all__ = ["UNTRUSTED_TRIGGERS", "UnvalidatedInput", "unvalidated_input"]

#: Triggers whose event content an attacker can shape (issue 7, section 3).
UNTRUSTED_TRIGGERS: Final = frozenset(
    {
        TriggerKind.REST_API,
        TriggerKind.HTTP_API,
        TriggerKind.FUNCTION_URL,
        TriggerKind.WEBSOCKET,
        TriggerKind.ALB,
        TriggerKind.S3,
        TriggerKind.SQS,
        TriggerKind.SNS,
        TriggerKind.DYNAMODB_STREAM,
        TriggerKind.KINESIS,
        TriggerKind.EVENTBRIDGE,
        TriggerKind.COGNITO,
        TriggerKind.IOT,
        TriggerKind.KAFKA,
        TriggerKind.MQ,
    }
)
#: Event fields that carry no client data (request metadata set by AWS).
_METADATA: Final = frozenset(
    {
        "requestContext",
        "httpMethod",
        "resource",
        "routeKey",
        "version",
        "isBase64Encoded",
        "stageVariables",
        "eventSource",
        "eventSourceARN",
        "eventName",
        "awsRegion",
        "eventTime",
        "eventVersion",
        "source",
        "detail-type",
        "account",
        "region",
        "time",
        "id",
        "Records",
        "Records[]",
        "triggerSource",
        "userPoolId",
        "callerContext",
        "messageId",
        "receiptHandle",
        "md5OfBody",
        "md5OfMessageAttributes",
        "attributes",
        "eventID",
        "EventSource",
        "EventVersion",
        "EventSubscriptionArn",
        "s3SchemaVersion",
    }
)


@dataclass(frozen=True, slots=True)
class UnvalidatedInput:
    """A handler reading client-controlled event fields with no validator in sight.

    Attributes:
        file: the handler file.
        line: the handler's definition line.
        entry: the handler function's name.
        fields: the event fields read (``pathParameters.id``), with the line of first use.
        triggers: the untrusted triggers that reach it.
    """

    file: str
    line: int
    entry: str
    fields: tuple[EventField, ...]
    triggers: tuple[TriggerKind, ...]


def _client_data(path: str) -> bool:
    """True unless the field is request metadata set by AWS (``requestContext``, ``Records``)."""
    rest = path
    while rest.startswith("Records[]"):
        rest = rest[len("Records[]") :].lstrip(".")
    if not rest:
        return False
    return rest.split(".", 1)[0].split("[", 1)[0] not in _METADATA


def _is_validator(name: str, extra: Iterable[str]) -> bool:
    for row in (*VALIDATORS, *extra):
        if row.endswith(".") and name.startswith(row):
            return True
        if name == row or name.startswith(row + "(") or name.startswith(row + "."):
            return True
    return name.rsplit(".", 1)[-1] in VALIDATING_METHODS


def _validates(facts: FileFacts, extra: tuple[str, ...]) -> bool:
    if any(_is_validator(m, extra) for m in facts.imports):
        return True
    if any(_is_validator(c.callee, extra) for c in facts.calls):
        return True
    return any(_is_validator(d, extra) for h in facts.handlers.values() for d in h.decorators)


def _route_validated(fn: Function, fields: tuple[EventField, ...]) -> bool:
    """True when API Gateway validates, on every untrusted route, what the handler reads.

    The body when the handler reads the body, the parameters when it reads them; any other
    untrusted trigger (a queue, a bucket) has no such validator, so it never counts.
    """
    http = [t for t in fn.triggers if t.kind in UNTRUSTED_TRIGGERS and t.kind.is_http]
    if (
        fn.url is not None
        or not http
        or len(http) != len([t for t in fn.triggers if t.kind in UNTRUSTED_TRIGGERS])
    ):
        return False
    reads_body = any(f.path.split(".", 1)[0] == "body" for f in fields)
    reads_params = any(f.path.split(".", 1)[0] != "body" for f in fields)
    for trigger in http:
        check = trigger.request_validation
        if check is None or isinstance(check, Unknown):
            return False
        if reads_body and check.body is not True:
            return False
        if reads_params and check.parameters is not True:
            return False
    return True


def unvalidated_input(
    fn: Function,
    entry: str | None,
    facts_list: list[FileFacts],
    *,
    extra_validators: tuple[str, ...] = (),
) -> UnvalidatedInput | None:
    """The finding for one function, or None (trusted triggers, no fields read, validated).

    Args:
        fn: the function.
        entry: the handler function's name in the handler file (first file of ``facts_list``).
        facts_list: the facts of the function's own code, handler first.
        extra_validators: validator callees from the taint engine's tables, so both analyses
            agree on what validates.
    """
    triggers = tuple(dict.fromkeys(t.kind for t in fn.triggers if t.kind in UNTRUSTED_TRIGGERS))
    if fn.url is not None and TriggerKind.FUNCTION_URL not in triggers:
        triggers = (*triggers, TriggerKind.FUNCTION_URL)
    if not triggers or not facts_list or entry is None:
        return None
    handler = facts_list[0].handlers.get(entry)
    if handler is None:
        return None
    fields = tuple(f for f in handler.event_fields if _client_data(f.path))
    if not fields:
        return None
    if _route_validated(fn, fields) or any(_validates(f, extra_validators) for f in facts_list):
        return None
    return UnvalidatedInput(facts_list[0].path, handler.line, entry, fields, triggers)
