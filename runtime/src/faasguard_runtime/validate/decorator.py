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
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from faasguard_runtime.events import emit, set_request_context
from faasguard_runtime.validate.envelopes import (
    BATCH_ENVELOPES,
    HTTP_ENVELOPES,
    RECORD_ENVELOPES,
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
from faasguard_runtime.validate.schema import Convert, compile_converter

_logger = logging.getLogger("faasguard_runtime.validate")

__all__ = [
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE",
    "DeadLetter",
    "Route",
    "Validator",
    "validate",
]

#: Largest encoded HTTP body accepted by default (256 KiB): far above a typical API request, and
#: small enough that parsing it costs milliseconds. A refused HTTP request costs its sender a 413
#: and nothing else, so this cap is set for cost, not for what the service allows.
DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024
#: Default cap per trigger. For queues and streams a refused record is retried (and on an ordered
#: source holds every record behind it), so the cap is the service's own message limit: a record
#: the service accepted is never refused for its size alone. Kinesis and SQS take 1 MiB records
#: (SQS since August 2025; 256 KiB before), SNS 256 KiB. Triggers whose payload Lambda has
#: already parsed (EventBridge, S3, DynamoDB, raw) were bounded by the service's own limit.
DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE: Mapping[Envelope, int] = {
    Envelope.API_GATEWAY_REST: DEFAULT_MAX_PAYLOAD_BYTES,
    Envelope.API_GATEWAY_HTTP: DEFAULT_MAX_PAYLOAD_BYTES,
    Envelope.FUNCTION_URL: DEFAULT_MAX_PAYLOAD_BYTES,
    Envelope.ALB: DEFAULT_MAX_PAYLOAD_BYTES,
    Envelope.SQS: 1024 * 1024,
    Envelope.SNS: 256 * 1024,
    Envelope.KINESIS: 1024 * 1024,
}
_FALLBACK_MAX_BYTES = 1024 * 1024

# A security event lists at most this many errors; the count is always exact.
_MAX_REPORTED_ERRORS = 10
_STATUS_PHRASES = {
    400: "Bad Request",
    404: "Not Found",
    413: "Content Too Large",
    500: "Internal Server Error",
}
_ON_REFUSED = ("fail", "drop", "dead-letter")

#: What ``@validate`` decorates: ``handler(validated, context)``, sync or ``async def``.
Handler = Callable[[ValidatedEvent, Any], Any]
#: What Lambda calls: ``handler(event, context)``. Typed as returning Any on purpose: it returns
#: the handler's value, a refusal (HTTP) or a batch response, and a coroutine for async handlers.
LambdaHandler = Callable[[Any, Any], Any]
#: Receives each refused record under ``on_refused="dead-letter"``: the record as delivered and
#: why it was refused. Raising makes the record a batch failure instead (it is retried).
DeadLetter = Callable[[Mapping[str, Any], FieldError], None]


# Not slots=True: faasguard-runtime supports Python 3.9, where dataclass() has no slots argument.
@dataclass(frozen=True)
class Route:
    """The schemas (JSON Schema mappings or Pydantic models) of one HTTP route.

    Attributes:
        body: the JSON body; None accepts any body (or none).
        query: the query string parameters (a map of strings); None skips them.
        path: the path parameters; None skips them.
        headers: the headers, names lower-cased; None skips them. Never closed by ``strict``:
            clients and proxies add headers of their own.
        response: the JSON body of the handler's response; None skips response checking.
        response_headers: the headers of the handler's HTTP response (names lower-cased); None
            skips them. Headers leak as easily as bodies (a debug header, a cookie, an internal
            host name), so a mismatch is refused like a body that fails ``response``.
    """

    body: Any = None
    query: Any = None
    path: Any = None
    headers: Any = None
    response: Any = None
    response_headers: Any = None


@dataclass(frozen=True)
class _CompiledRoute:
    body: Convert | None
    query: Convert | None
    path: Convert | None
    headers: Convert | None
    response: Convert | None
    response_headers: Convert | None = None


def _compile_route(route: Route, strict: bool, name: str) -> _CompiledRoute:
    def one(schema: Any, what: str, closed: bool) -> Convert | None:
        if schema is None:
            return None
        return compile_converter(schema, strict=closed, what=f"{name}{what}")

    return _CompiledRoute(
        body=one(route.body, "event_schema" if not name else "body", strict),
        query=one(route.query, "query_schema" if not name else "query", strict),
        path=one(route.path, "path_schema" if not name else "path", strict),
        headers=one(route.headers, "header_schema" if not name else "headers", False),
        response=one(route.response, "response_schema" if not name else "response", strict),
        response_headers=one(
            route.response_headers,
            "response_header_schema" if not name else "response_headers",
            False,
        ),
    )


def validate(
    *,
    event_schema: Any = None,
    response_schema: Any = None,
    envelope: Envelope | str = Envelope.AUTO,
    max_payload_bytes: int | None = None,
    strict: bool = True,
    query_schema: Any = None,
    path_schema: Any = None,
    header_schema: Any = None,
    response_header_schema: Any = None,
    routes: Mapping[str, Route] | None = None,
    refusal_headers: Mapping[str, str] | None = None,
    on_refused: str = "fail",
    dead_letter: DeadLetter | None = None,
) -> Validator:
    """Build a decorator that validates a Lambda handler's event payload and response.

    The decorated handler is called as ``handler(validated, context)`` where ``validated`` is a
    :class:`ValidatedEvent`; Lambda still calls the wrapper as ``wrapper(event, context)``.
    Schemas are compiled here, once, so a bad schema fails at import time and each invocation pays
    only for the generated checking code.

    Args:
        event_schema: JSON Schema (or Pydantic v2 model or ``TypeAdapter``) every payload must
            match; with a model the handler gets typed objects. None checks only size and
            encoding.
        response_schema: JSON Schema or model the handler's response (an HTTP response's JSON
            body) must match; None skips response checking.
        envelope: the trigger, or ``Envelope.AUTO`` to recognise it from each event's shape.
        max_payload_bytes: largest encoded payload accepted, checked before parsing; None uses
            the trigger's default (:data:`DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE`).
        strict: add ``additionalProperties: false`` to plain object schemas that list
            ``properties`` (see :func:`faasguard_runtime.validate.schema.close_objects`).
        query_schema: schema of an HTTP event's query string parameters.
        path_schema: schema of an HTTP event's path parameters.
        header_schema: schema of an HTTP event's headers (names lower-cased).
        response_header_schema: schema of the headers of the handler's HTTP responses (names
            lower-cased; never closed by ``strict``); a mismatch becomes a generic 500.
        routes: per-route schemas for HTTP events, keyed ``"METHOD /path"`` as API Gateway
            names the route (``"POST /orders"``, ``"GET /orders/{id}"``; ``ANY`` for any
            method). An event matching no route is refused with a 404. The schemas above then
            apply to no route.
        refusal_headers: headers added to every refusal response (CORS headers, for instance),
            so that a browser can read the 400 instead of reporting a CORS error.
        on_refused: what happens to a refused record of a record trigger: ``"fail"`` (reported
            as a batch item failure, so it is retried), ``"drop"`` (not retried; its security
            event is the only trace) or ``"dead-letter"`` (handed to ``dead_letter``, then not
            retried). Dropping is what keeps one poison record from stalling an ordered source.
        dead_letter: receives each refused record with ``on_refused="dead-letter"``.

    Returns:
        A decorator for sync or ``async def`` handlers.

    Raises:
        SchemaError: a schema is invalid, or its optional dependency is not installed.
        ValueError: an option is not valid.
    """
    return Validator(
        event_schema=event_schema,
        response_schema=response_schema,
        envelope=envelope,
        max_payload_bytes=max_payload_bytes,
        strict=strict,
        query_schema=query_schema,
        path_schema=path_schema,
        header_schema=header_schema,
        response_header_schema=response_header_schema,
        routes=routes,
        refusal_headers=refusal_headers,
        on_refused=on_refused,
        dead_letter=dead_letter,
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
    route: _CompiledRoute | None = None


class Validator:
    """A configured ``@validate`` decorator (build it with :func:`validate`)."""

    def __init__(
        self,
        *,
        event_schema: Any,
        response_schema: Any,
        envelope: Envelope | str,
        max_payload_bytes: int | None,
        strict: bool,
        query_schema: Any = None,
        path_schema: Any = None,
        header_schema: Any = None,
        response_header_schema: Any = None,
        routes: Mapping[str, Route] | None = None,
        refusal_headers: Mapping[str, str] | None = None,
        on_refused: str = "fail",
        dead_letter: DeadLetter | None = None,
    ) -> None:
        if max_payload_bytes is not None and (
            isinstance(max_payload_bytes, bool)
            or not isinstance(max_payload_bytes, int)
            or max_payload_bytes <= 0
        ):
            raise ValueError(f"max_payload_bytes must be a positive int, not {max_payload_bytes!r}")
        if on_refused not in _ON_REFUSED:
            raise ValueError(
                f"on_refused must be one of {', '.join(_ON_REFUSED)}, not {on_refused!r}"
            )
        if (on_refused == "dead-letter") != (dead_letter is not None):
            raise ValueError(
                'dead_letter is required with, and only with, on_refused="dead-letter"'
            )
        self._envelope = Envelope(envelope)
        self._max_bytes = max_payload_bytes
        self._on_refused = on_refused
        self._dead_letter = dead_letter
        self._refusal_headers = _header_map(refusal_headers)
        self._default = _compile_route(
            Route(
                event_schema,
                query_schema,
                path_schema,
                header_schema,
                response_schema,
                response_header_schema,
            ),
            strict,
            "",
        )
        self._routes: dict[str, _CompiledRoute] = {}
        for key, route in (routes or {}).items():
            if not isinstance(route, Route):
                raise ValueError(f"routes[{key!r}] must be a Route, not {type(route).__name__}")
            name = _route_name(key)
            self._routes[name] = _compile_route(route, strict, f"routes[{name!r}].")

    def __call__(self, handler: Handler) -> LambdaHandler:
        """Wrap ``handler``; an ``async def`` handler gets an ``async def`` wrapper.

        A single signature rather than sync/async overloads: with overloads, a handler whose return
        type is Any (any unannotated handler) would match the coroutine overload first and be
        mistyped as async.
        """
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def async_wrapper(event: Any, context: Any) -> Any:
                set_request_context(getattr(context, "aws_request_id", None))
                admission = self.admit(event)
                if admission.validated is None:
                    return admission.reply
                try:
                    result = await handler(admission.validated, context)
                except Exception as exc:
                    return self.fail(exc, admission)
                return self.release(result, admission)

            return async_wrapper

        @functools.wraps(handler)
        def wrapper(event: Any, context: Any) -> Any:
            # Every security event of this invocation (the shield's, the cache's, ours) carries
            # the request id, without the handler having to remember to set it.
            set_request_context(getattr(context, "aws_request_id", None))
            admission = self.admit(event)
            if admission.validated is None:
                return admission.reply
            try:
                result = handler(admission.validated, context)
            except Exception as exc:
                return self.fail(exc, admission)
            return self.release(result, admission)

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
        route, route_key = self._default, None
        if self._routes and envelope in HTTP_ENVELOPES:
            matched = self._match(envelope, event)
            if matched is None:
                error = FieldError("$", Reason.UNKNOWN_ROUTE, "no route matches the request")
                return self._refuse(envelope, event, [error])
            route_key, route = matched
        try:
            items = split(envelope, event)
        except PayloadError as exc:
            return self._refuse(envelope, event, [FieldError(exc.path, exc.reason, exc.message)])
        max_bytes = self._max_bytes or DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE.get(
            envelope, _FALLBACK_MAX_BYTES
        )

        if envelope in HTTP_ENVELOPES:
            return self._admit_http(envelope, event, items, route, route_key, max_bytes)

        valid: list[ValidatedRecord] = []
        errors: list[FieldError] = []
        dropped: list[FieldError] = []
        deferred: list[str] = []
        dropping = self._on_refused != "fail" and envelope in RECORD_ENVELOPES
        ordered = is_ordered(envelope, event) if envelope in BATCH_ENVELOPES else False
        for item in items:
            if ordered and errors:
                # Past the first failure of an ordered source: not validated, not processed,
                # reported as failed so that it is redelivered after the failed record.
                deferred.append(item.record_id or "")
                continue
            checked = self._check_item(item, route.body, max_bytes)
            if isinstance(checked, ValidatedRecord):
                valid.append(checked)
            elif dropping and self._dispose(item, checked):
                dropped.append(checked)
            else:
                errors.append(checked)

        if dropped:
            _report("event", envelope, dropped, action=self._on_refused)
        if errors and envelope not in BATCH_ENVELOPES:
            return self._refuse(envelope, event, errors)
        failures: tuple[str, ...] = ()
        if errors:
            _report("event", envelope, errors, deferred=len(deferred))
            failures = tuple(e.record_id or "" for e in errors) + tuple(deferred)
            if not valid:
                return _Admission(envelope, event, None, reply=_batch_response(failures))
        if dropped and not valid:
            # Every record was dropped: nothing for the handler to do, nothing to retry.
            reply = _batch_response(()) if envelope in BATCH_ENVELOPES else None
            return _Admission(envelope, event, None, reply=reply)
        validated = ValidatedEvent(
            envelope=envelope, event=event, records=tuple(valid), dropped=len(dropped)
        )
        return _Admission(envelope, event, validated, failures=failures, route=route)

    def _admit_http(
        self,
        envelope: Envelope,
        event: Any,
        items: Sequence[Item],
        route: _CompiledRoute,
        route_key: str | None,
        max_bytes: int,
    ) -> _Admission:
        errors: list[FieldError] = []
        params: dict[str, Any] = {}
        for name, convert, source in (
            ("query", route.query, _query_parameters),
            ("path", route.path, _path_parameters),
            ("headers", route.headers, _headers),
        ):
            if convert is None:
                continue
            value, failure = convert(source(event))
            if failure is not None:
                errors.append(FieldError(name + failure[0][1:], Reason.SCHEMA, failure[1]))
            params[name] = value
        checked = self._check_item(items[0], route.body, max_bytes)
        if isinstance(checked, FieldError):
            errors.insert(0, checked)
        if errors or not isinstance(checked, ValidatedRecord):
            return self._refuse(envelope, event, errors)
        validated = ValidatedEvent(
            envelope=envelope, event=event, records=(checked,), route=route_key, **params
        )
        return _Admission(envelope, event, validated, route=route)

    def _match(self, envelope: Envelope, event: Any) -> tuple[str, _CompiledRoute] | None:
        method, path = _request_route(envelope, event)
        for key in (f"{method} {path}", f"ANY {path}"):
            route = self._routes.get(key)
            if route is not None:
                return key, route
        return None

    def _dispose(self, item: Item, error: FieldError) -> bool:
        """Drop or dead-letter a refused record; False when it must fail (and be retried)."""
        if self._dead_letter is None:
            return True
        try:
            self._dead_letter(item.raw, error)
        except Exception:  # the record is not lost: it fails and is retried
            _logger.exception("faasguard_runtime: dead-letter target failed; record retried")
            return False
        return True

    def release(self, result: Any, admission: _Admission) -> Any:
        """Check the handler's result and turn it into what Lambda should return.

        Raises:
            ResponseValidationError: the result failed ``response_schema`` on a non-HTTP trigger.
        """
        envelope = admission.envelope
        route = admission.route or self._default
        if route.response is not None or route.response_headers is not None:
            error = _check_response(route, envelope, result)
            if error is not None:
                _report("response", envelope, [error])
                if envelope in HTTP_ENVELOPES:
                    return self._reply(envelope, admission.event, 500, {"error": "internal error"})
                raise ResponseValidationError([error], envelope=envelope.value)
        if admission.failures:
            return _merge_batch_response(result, admission.failures)
        return result

    def checks_responses(self, admission: _Admission) -> bool:
        """Say whether the admitted request's route has a response schema."""
        route = admission.route or self._default
        return route.response is not None or route.response_headers is not None

    def fail(self, exc: Exception, admission: _Admission) -> Any:
        """Turn an exception from the handler into what Lambda should see.

        On HTTP triggers the caller gets a generic 500 and the security event names the
        exception's type only: its text (a SQL error, a file path, a stack trace) is exactly the
        internal detail an attacker probes for. Elsewhere the exception is re-raised, since
        raising is how queues and streams learn that a record must be retried.
        """
        if admission.envelope not in HTTP_ENVELOPES:
            raise exc
        emit(
            policy="validate",
            action="handler-error",
            detail={"envelope": admission.envelope.value, "exception": type(exc).__name__},
            mode="block",
        )
        _logger.error("faasguard_runtime: handler raised %s", type(exc).__name__, exc_info=exc)
        return self._reply(admission.envelope, admission.event, 500, {"error": "internal error"})

    def _check_item(
        self, item: Item, convert: Convert | None, max_bytes: int
    ) -> ValidatedRecord | FieldError:
        try:
            payload = decode_payload(item, max_bytes)
        except PayloadError as exc:
            return FieldError(exc.path, exc.reason, exc.message, item.record_id, item.index)
        if convert is not None and not item.absent:
            payload, failure = convert(payload)
            if failure is not None:
                path, message = failure
                return FieldError(path, Reason.SCHEMA, message, item.record_id, item.index)
        return ValidatedRecord(payload, item.raw, item.record_id, item.index)

    def _refuse(self, envelope: Envelope, event: Any, errors: Sequence[FieldError]) -> _Admission:
        _report("event", envelope, errors)
        if envelope in HTTP_ENVELOPES:
            reply = _http_refusal(errors)
            return _Admission(envelope, event, None, reply=self._reply(envelope, event, *reply))
        raise ValidationError(errors, envelope=envelope.value)

    def _reply(
        self, envelope: Envelope, event: Any, status: int, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return _http_reply(envelope, event, status, body, self._refusal_headers)


def _header_map(headers: Mapping[str, str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValueError("refusal_headers must map header names to string values")
        if name.lower() == "content-type":
            raise ValueError("refusal_headers cannot set content-type: refusals are JSON")
        result[name] = value
    return result


def _route_name(key: str) -> str:
    method, _, path = key.strip().partition(" ")
    path = path.strip()
    if not method or not path.startswith("/"):
        raise ValueError(f"route {key!r} must be written 'METHOD /path'")
    return f"{method.upper()} {path.rstrip('/') or '/'}"


def _request_route(envelope: Envelope, event: Any) -> tuple[str, str]:
    """Return the request's method and its route path as API Gateway names it."""
    if not isinstance(event, Mapping):
        return "", ""
    if envelope is Envelope.API_GATEWAY_HTTP:
        key = event.get("routeKey")
        if isinstance(key, str) and " " in key:
            method, _, path = key.partition(" ")
            return method.upper(), path.rstrip("/") or "/"
        http = _mapping(_mapping(event.get("requestContext")).get("http"))
        return str(http.get("method", "")).upper(), str(event.get("rawPath", "")).rstrip("/") or "/"
    if envelope is Envelope.FUNCTION_URL:
        http = _mapping(_mapping(event.get("requestContext")).get("http"))
        return str(http.get("method", "")).upper(), str(event.get("rawPath", "")).rstrip("/") or "/"
    where: Any = event.get("resource" if envelope is Envelope.API_GATEWAY_REST else "path")
    return str(event.get("httpMethod", "")).upper(), str(where or "").rstrip("/") or "/"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _query_parameters(event: Any) -> dict[str, Any]:
    return dict(_mapping(_mapping(event).get("queryStringParameters")))


def _path_parameters(event: Any) -> dict[str, Any]:
    return dict(_mapping(_mapping(event).get("pathParameters")))


def _headers(event: Any) -> dict[str, Any]:
    # HTTP header names are case-insensitive; API Gateway v1 keeps the client's spelling.
    return {str(k).lower(): v for k, v in _mapping(_mapping(event).get("headers")).items()}


def _response_headers(result: Mapping[str, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    for name, values in _mapping(result.get("multiValueHeaders")).items():
        if isinstance(values, list) and values:
            headers[str(name).lower()] = values[0] if len(values) == 1 else list(values)
    for name, value in _mapping(result.get("headers")).items():
        headers[str(name).lower()] = value
    return headers


# Statuses whose response has no body by definition (204, 304) or by convention (redirects).
def _bodiless(result: Mapping[str, Any]) -> bool:
    status = result.get("statusCode")
    if not isinstance(status, int) or result.get("body") not in (None, ""):
        return False
    return status == 204 or 300 <= status < 400


def _check_response(route: _CompiledRoute, envelope: Envelope, result: Any) -> FieldError | None:
    proxy = envelope in HTTP_ENVELOPES and isinstance(result, Mapping) and "statusCode" in result
    if proxy and route.response_headers is not None:
        _, failure = route.response_headers(_response_headers(result))
        if failure is not None:
            return FieldError("headers" + failure[0][1:], Reason.SCHEMA, failure[1])
    convert = route.response
    if convert is None:
        return None
    payload = result
    if proxy:
        if _bodiless(result):
            return None  # nothing leaves the function but a status and headers
        # Validate what leaves the function: the JSON body, not the status/headers wrapper.
        try:
            payload = decode_http_body(
                result.get("body"), is_base64=result.get("isBase64Encoded") is True, max_bytes=None
            )
        except PayloadError as exc:
            return FieldError(exc.path, exc.reason, exc.message)
    _, failure = convert(payload)
    if failure is None:
        return None
    return FieldError(failure[0], Reason.SCHEMA, failure[1])


def _report(
    stage: str,
    envelope: Envelope,
    errors: Sequence[FieldError],
    *,
    deferred: int = 0,
    action: str = "reject",
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
    emit(policy="validate", action=action, detail=detail, mode="block")


def _http_refusal(errors: Sequence[FieldError]) -> tuple[int, dict[str, Any]]:
    first = errors[0]
    if first.reason is Reason.TOO_LARGE:
        return 413, {"error": "payload too large"}
    if first.reason is Reason.UNKNOWN_ROUTE:
        return 404, {"error": "not found"}
    body: dict[str, Any] = {"error": "invalid request", "reason": first.reason.value}
    if first.reason is Reason.SCHEMA:
        body["path"] = first.path
    return 400, body


def _http_reply(
    envelope: Envelope,
    event: Any,
    status: int,
    body: Mapping[str, Any],
    extra_headers: Mapping[str, str],
) -> dict[str, Any]:
    text = json.dumps(body, separators=(",", ":"))
    headers = {**extra_headers, "content-type": "application/json"}
    if envelope is not Envelope.ALB:
        return {"statusCode": status, "headers": headers, "body": text}
    # An ALB target must answer in the header style the target group uses, and with a status
    # description, or the load balancer turns the answer into a 502.
    reply: dict[str, Any] = {
        "statusCode": status,
        "statusDescription": f"{status} {_STATUS_PHRASES[status]}",
        "isBase64Encoded": False,
    }
    if isinstance(event, Mapping) and "multiValueHeaders" in event:
        reply["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    else:
        reply["headers"] = headers
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
