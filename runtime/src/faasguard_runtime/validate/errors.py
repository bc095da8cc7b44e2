"""Errors raised by :func:`faasguard_runtime.validate.validate`.

Why a small hierarchy instead of bare ``ValueError``: a handler (or a Lambda destination) has to
tell three situations apart. The *event* was refused (the sender's fault: retrying will not help,
route it to a dead-letter queue); the handler's *response* was refused (the function's own bug:
data must not leak, page someone); the *schema* itself is unusable (a deployment mistake, seen at
import time). All three derive from :class:`~faasguard_runtime.errors.FaasguardRuntimeError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from faasguard_runtime.errors import FaasguardRuntimeError

__all__ = [
    "FieldError",
    "Reason",
    "ResponseValidationError",
    "SchemaError",
    "ValidationError",
]


class Reason(str, Enum):
    """Why a payload was refused: a stable, machine-readable code.

    The value (not the message) is what reaches HTTP callers and security events, so it is kept
    short and says nothing about the schema or the function's internals.
    """

    #: The payload parsed but does not match the JSON Schema.
    SCHEMA = "schema"
    #: The payload is not strict JSON (syntax, duplicate keys, NaN/Infinity, nesting too deep).
    MALFORMED_JSON = "malformed-json"
    #: Base64 or UTF-8 decoding failed.
    BAD_ENCODING = "bad-encoding"
    #: The payload is bigger than ``max_payload_bytes``; it was not parsed.
    TOO_LARGE = "too-large"
    #: The event or record does not have the shape its trigger promises (missing body, bad types).
    BAD_ENVELOPE = "bad-envelope"
    #: ``Envelope.AUTO`` could not recognise the trigger from the event's shape.
    UNKNOWN_ENVELOPE = "unknown-envelope"
    #: ``routes`` were given and none matches the request's method and path.
    UNKNOWN_ROUTE = "unknown-route"


# Not slots=True: faasguard-runtime supports Python 3.9, where dataclass() has no slots argument.
@dataclass(frozen=True)
class FieldError:
    """One reason a payload (or a record's payload) was refused.

    Attributes:
        path: JSON path of the failing field inside the payload (``$`` for the payload itself,
            ``$.items[0].sku`` for a nested field). Safe to show to a caller.
        reason: the stable code of the failure.
        message: a human-readable explanation for logs and developers. It may quote parts of the
            schema, so it is never sent to HTTP callers nor put in security events.
        record_id: the record's identifier in batch events (SQS ``messageId``, Kinesis or DynamoDB
            sequence number, SNS ``MessageId``), None for single-payload events.
        record_index: the record's position in ``Records``, None for single-payload events.
    """

    path: str
    reason: Reason
    message: str
    record_id: str | None = None
    record_index: int | None = None


def _summary(prefix: str, errors: Sequence[FieldError]) -> str:
    # The exception text ends up in CloudWatch and, for synchronous invocations, in the invoker's
    # error payload: it carries paths and reason codes only, never payload values or schema text.
    if not errors:
        return prefix
    first = errors[0]
    where = f" record {first.record_index}" if first.record_index is not None else ""
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{prefix}:{where} {first.path} ({first.reason.value}){more}"


class ValidationError(FaasguardRuntimeError):
    """The event, or a record in it, does not match what the handler accepts.

    Raised for triggers that cannot express a per-request refusal (EventBridge, SNS, S3, direct
    invocations) so that Lambda's retry and dead-letter machinery takes over. HTTP triggers get a
    400 (or 413) response instead, and SQS, Kinesis and DynamoDB streams get a partial batch
    response.

    Attributes:
        errors: every problem found, in record order.
        envelope: the trigger the event was read as (``"sqs"``, ``"eventbridge"``...).
    """

    def __init__(self, errors: Sequence[FieldError], *, envelope: str) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.envelope = envelope
        super().__init__(_summary(f"invalid {envelope} event", self.errors))


class ResponseValidationError(ValidationError):
    """The handler returned a value that does not match ``response_schema``.

    Raised instead of returning the value for non-HTTP triggers: a response that fails its schema
    may carry data that must not leave the function. HTTP triggers get a generic 500 instead.
    """

    def __init__(self, errors: Sequence[FieldError], *, envelope: str) -> None:
        super().__init__(errors, envelope=envelope)
        self.args = (_summary(f"handler response for {envelope} event failed its schema", errors),)


class SchemaError(FaasguardRuntimeError):
    """A schema cannot be used: ``fastjsonschema`` is missing or the schema is invalid.

    Raised at decoration time (normally while the handler module is imported), so a broken schema
    stops the deployment at the first cold start rather than letting requests through unchecked.
    """
