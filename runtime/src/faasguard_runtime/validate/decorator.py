"""The ``@validate`` handler decorator: refuse bad events before the handler sees them.

Threat it answers: everything in a Lambda event that came from outside (an HTTP body, a queue
message, a stream record) is attacker-controlled until proven otherwise. Validating it against a
schema at the edge of the handler stops injection payloads that ride in unexpected fields or types,
oversized payloads meant to burn memory and CPU in the parser, and, on the way out, responses that
carry more than they should (a leaked internal field, a stack trace in an error body).

Why the handler receives a :class:`ValidatedEvent` rather than the raw event: once validation is
done, the handler should not be able to read the unvalidated body by accident. Passing only the
parsed payload would lose what the handler legitimately needs from the envelope (path parameters,
authorizer claims, SQS attributes), and writing the parsed payload back into the event dict would
mutate Lambda's input and leave it untyped. A frozen object holding the validated payload(s) next
to the untouched event gives both, and makes a batch handler's "valid records only" explicit.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from faasguard_runtime.events import emit
from faasguard_runtime.validate.envelopes import (
    BATCH_ENVELOPES,
    HTTP_ENVELOPES,
    Envelope,
    Item,
    PayloadError,
    ValidatedEvent,
    ValidatedRecord,
    decode_http_body,
    decode_payload,
    detect,
    is_ordered,
    split,
)
from faasguard_runtime.validate.errors import (
    FieldError,
    Reason,
    ResponseValidationError,
    ValidationError,
)
from faasguard_runtime.validate.schema import Check, compile_schema

__all__ = ["DEFAULT_MAX_PAYLOAD_BYTES", "Validator", "validate"]

#: Largest encoded payload accepted by default: SQS's and SNS's own message limit (256 KiB), far
#: above a typical API request, and small enough that parsing it costs milliseconds, not seconds.
DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024

# A security event lists at most this many errors; the count is always exact.
_MAX_REPORTED_ERRORS = 10
_STATUS_PHRASES = {400: "Bad Request", 413: "Content Too Large", 500: "Internal Server Error"}

#: What ``@validate`` decorates: ``handler(validated, context)``, sync or ``async def``.
Handler = Callable[[ValidatedEvent, Any], Any]
#: What Lambda calls: ``handler(event, context)``. Typed as returning Any on purpose: it returns
#: the handler's value, a refusal (HTTP) or a batch response, and a coroutine for async handlers.
LambdaHandler = Callable[[Any, Any], Any]


def validate(
    *,
    event_schema: Mapping[str, Any] | None = None,
    response_schema: Mapping[str, Any] | None = None,
    envelope: Envelope | str = Envelope.AUTO,
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
    strict: bool = True,
) -> Validator:
    """Build a decorator that validates a Lambda handler's event payload and response.

    The decorated handler is called as ``handler(validated, context)`` where ``validated`` is a
    :class:`ValidatedEvent`; Lambda still calls the wrapper as ``wrapper(event, context)``.
    Schemas are compiled here, once, so a bad schema fails at import time and each invocation pays
    only for the generated checking code.

    Args:
        event_schema: JSON Schema every payload must match; None checks only size and encoding.
        response_schema: JSON Schema the handler's response (an HTTP response's JSON body) must
            match; None skips response checking.
        envelope: the trigger, or ``Envelope.AUTO`` to recognise it from each event's shape.
        max_payload_bytes: largest encoded payload accepted, checked before parsing.
        strict: add ``additionalProperties: false`` to plain object schemas that list
            ``properties`` (see :func:`faasguard_runtime.validate.schema.close_objects`).

    Returns:
        A decorator for sync or ``async def`` handlers.

    Raises:
        SchemaError: a schema is invalid, or fastjsonschema is not installed.
        ValueError: ``envelope`` or ``max_payload_bytes`` is not valid.
    """
    return Validator(
        event_schema=event_schema,
        response_schema=response_schema,
        envelope=envelope,
        max_payload_bytes=max_payload_bytes,
        strict=strict,
    )


# Not slots=True: faasguard-runtime supports Python 3.9, where dataclass() has no slots argument.
@dataclass(frozen=True)
class _Admission:
    """The outcome of checking an event: a handler call to make, or a reply to return instead."""

    envelope: Envelope
    event: Any
    validated: ValidatedEvent | None
    reply: Any = None
    failures: tuple[str, ...] = ()


class Validator:
    """A configured ``@validate`` decorator (build it with :func:`validate`)."""

    def __init__(
        self,
        *,
        event_schema: Mapping[str, Any] | None,
        response_schema: Mapping[str, Any] | None,
        envelope: Envelope | str,
        max_payload_bytes: int,
        strict: bool,
    ) -> None:
        if (
            isinstance(max_payload_bytes, bool)
            or not isinstance(max_payload_bytes, int)
            or max_payload_bytes <= 0
        ):
            raise ValueError(f"max_payload_bytes must be a positive int, not {max_payload_bytes!r}")
        self._envelope = Envelope(envelope)
        self._max_bytes = max_payload_bytes
        self._event_check: Check | None = (
            None
            if event_schema is None
            else compile_schema(event_schema, strict=strict, what="event_schema")
        )
        self._response_check: Check | None = (
            None
            if response_schema is None
            else compile_schema(response_schema, strict=strict, what="response_schema")
        )

    def __call__(self, handler: Handler) -> LambdaHandler:
        """Wrap ``handler``; an ``async def`` handler gets an ``async def`` wrapper.

        A single signature rather than sync/async overloads: with overloads, a handler whose return
        type is Any (any unannotated handler) would match the coroutine overload first and be
        mistyped as async.
        """
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def async_wrapper(event: Any, context: Any) -> Any:
                admission = self.admit(event)
                if admission.validated is None:
                    return admission.reply
                result = await handler(admission.validated, context)
                return self.release(result, admission)

            return async_wrapper

        @functools.wraps(handler)
        def wrapper(event: Any, context: Any) -> Any:
            admission = self.admit(event)
            if admission.validated is None:
                return admission.reply
            return self.release(handler(admission.validated, context), admission)

        return wrapper

    def admit(self, event: Any) -> _Admission:
        """Check an event; say whether to call the handler and with what.

        Raises:
            ValidationError: the event is refused and the trigger has no way to say so in a
                response (everything but HTTP and batch triggers).
        """
        envelope = self._envelope
        if envelope is Envelope.AUTO:
            detected = detect(event)
            if detected is None:
                error = FieldError(
                    "$", Reason.UNKNOWN_ENVELOPE, "the event's shape matches no supported trigger"
                )
                _report("event", Envelope.AUTO, [error])
                raise ValidationError([error], envelope=Envelope.AUTO.value)
            envelope = detected
        try:
            items = split(envelope, event)
        except PayloadError as exc:
            return self._refuse(envelope, event, [FieldError(exc.path, exc.reason, exc.message)])

        valid: list[ValidatedRecord] = []
        errors: list[FieldError] = []
        deferred: list[str] = []
        ordered = is_ordered(envelope, event) if envelope in BATCH_ENVELOPES else False
        for item in items:
            if ordered and errors:
                # Past the first failure of an ordered source: not validated, not processed,
                # reported as failed so that it is redelivered after the failed record.
                deferred.append(item.record_id or "")
                continue
            checked = self._check_item(item)
            if isinstance(checked, FieldError):
                errors.append(checked)
            else:
                valid.append(checked)

        if errors and envelope not in BATCH_ENVELOPES:
            return self._refuse(envelope, event, errors)
        failures: tuple[str, ...] = ()
        if errors:
            _report("event", envelope, errors, deferred=len(deferred))
            failures = tuple(e.record_id or "" for e in errors) + tuple(deferred)
            if not valid:
                return _Admission(envelope, event, None, reply=_batch_response(failures))
        validated = ValidatedEvent(envelope=envelope, event=event, records=tuple(valid))
        return _Admission(envelope, event, validated, failures=failures)

    def release(self, result: Any, admission: _Admission) -> Any:
        """Check the handler's result and turn it into what Lambda should return.

        Raises:
            ResponseValidationError: the result failed ``response_schema`` on a non-HTTP trigger.
        """
        envelope = admission.envelope
        if self._response_check is not None:
            error = _check_response(self._response_check, envelope, result)
            if error is not None:
                _report("response", envelope, [error])
                if envelope in HTTP_ENVELOPES:
                    return _http_reply(envelope, admission.event, 500, {"error": "internal error"})
                raise ResponseValidationError([error], envelope=envelope.value)
        if admission.failures:
            return _merge_batch_response(result, admission.failures)
        return result

    def _check_item(self, item: Item) -> ValidatedRecord | FieldError:
        try:
            payload = decode_payload(item, self._max_bytes)
        except PayloadError as exc:
            return FieldError(exc.path, exc.reason, exc.message, item.record_id, item.index)
        if self._event_check is not None and not item.absent:
            failure = self._event_check(payload)
            if failure is not None:
                path, message = failure
                return FieldError(path, Reason.SCHEMA, message, item.record_id, item.index)
        return ValidatedRecord(payload, item.raw, item.record_id, item.index)

    def _refuse(self, envelope: Envelope, event: Any, errors: Sequence[FieldError]) -> _Admission:
        _report("event", envelope, errors)
        if envelope in HTTP_ENVELOPES:
            return _Admission(envelope, event, None, reply=_http_refusal(envelope, event, errors))
        raise ValidationError(errors, envelope=envelope.value)


def _check_response(check: Check, envelope: Envelope, result: Any) -> FieldError | None:
    payload = result
    if envelope in HTTP_ENVELOPES and isinstance(result, Mapping) and "statusCode" in result:
        # Validate what leaves the function: the JSON body, not the status/headers wrapper.
        try:
            payload = decode_http_body(
                result.get("body"), is_base64=result.get("isBase64Encoded") is True, max_bytes=None
            )
        except PayloadError as exc:
            return FieldError(exc.path, exc.reason, exc.message)
    failure = check(payload)
    if failure is None:
        return None
    return FieldError(failure[0], Reason.SCHEMA, failure[1])


def _report(
    stage: str, envelope: Envelope, errors: Sequence[FieldError], *, deferred: int = 0
) -> None:
    # Paths, reason codes and record ids only: payload values and schema messages stay out of logs.
    listed = []
    for error in errors[:_MAX_REPORTED_ERRORS]:
        entry: dict[str, Any] = {"path": error.path, "reason": error.reason.value}
        if error.record_index is not None:
            entry["record"] = error.record_index
        if error.record_id is not None:
            entry["record_id"] = error.record_id
        listed.append(entry)
    detail: dict[str, Any] = {
        "envelope": envelope.value,
        "stage": stage,
        "count": len(errors),
        "errors": listed,
    }
    if deferred:
        detail["deferred"] = deferred
    emit(policy="validate", action="reject", detail=detail, mode="block")


def _http_refusal(envelope: Envelope, event: Any, errors: Sequence[FieldError]) -> dict[str, Any]:
    first = errors[0]
    if first.reason is Reason.TOO_LARGE:
        return _http_reply(envelope, event, 413, {"error": "payload too large"})
    body: dict[str, Any] = {"error": "invalid request", "reason": first.reason.value}
    if first.reason is Reason.SCHEMA:
        body["path"] = first.path
    return _http_reply(envelope, event, 400, body)


def _http_reply(
    envelope: Envelope, event: Any, status: int, body: Mapping[str, Any]
) -> dict[str, Any]:
    text = json.dumps(body, separators=(",", ":"))
    if envelope is not Envelope.ALB:
        return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": text}
    # An ALB target must answer in the header style the target group uses, and with a status
    # description, or the load balancer turns the answer into a 502.
    reply: dict[str, Any] = {
        "statusCode": status,
        "statusDescription": f"{status} {_STATUS_PHRASES[status]}",
        "isBase64Encoded": False,
    }
    if isinstance(event, Mapping) and "multiValueHeaders" in event:
        reply["multiValueHeaders"] = {"content-type": ["application/json"]}
    else:
        reply["headers"] = {"content-type": "application/json"}
    reply["body"] = text
    return reply


def _batch_response(failures: Sequence[str]) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": item} for item in failures]}


def _merge_batch_response(result: Any, failures: Sequence[str]) -> Any:
    ours = _batch_response(failures)
    if isinstance(result, Mapping) and isinstance(result.get("batchItemFailures"), list):
        known = set(failures)
        theirs = [
            entry
            for entry in result["batchItemFailures"]
            if not (isinstance(entry, Mapping) and entry.get("itemIdentifier") in known)
        ]
        return {**result, "batchItemFailures": ours["batchItemFailures"] + theirs}
    # For SQS, Kinesis and DynamoDB triggers the return value means nothing but a batch response,
    # so any other value is replaced rather than letting the invalid records count as processed.
    return ours
