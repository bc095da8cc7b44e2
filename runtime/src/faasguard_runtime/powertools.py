"""faasguard-runtime beside AWS Lambda Powertools for Python: the pieces people already use.

Powertools users build functions from its Event Handler (routes), Parser (Pydantic models),
Idempotency, Batch and Logger utilities. This module plugs faasguard-runtime into each of them
rather than asking for a different structure:

* :func:`validation_middleware`: a per-route (or global) Event Handler middleware that validates
  the body, query, path and header parameters with JSON Schemas or Pydantic models, refuses with
  the same strict parsing, reasons and security events as ``@validate``, and hands the typed
  values to the route through ``app.context["validated"]``.
* :class:`EncryptedPersistenceLayer`: an Idempotency persistence layer on top of
  :class:`~faasguard_runtime.cache.EncryptedCache`. Powertools' DynamoDB layer stores every
  response in plaintext (e-mails, card digits, tokens); this one stores them AES-256-GCM
  encrypted, bound to their key, with an enforced TTL.
* :func:`accepted_batch`: the event a Powertools ``BatchProcessor`` should see after ``@validate``
  refused some records: only the accepted ones.
* :func:`log_events`: write every security event through a Powertools ``Logger``.

Powertools is an optional dependency: nothing here imports it at module level, and importing
this module without it installed works (using a function that needs it raises ImportError).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from faasguard_runtime.cache.encrypted import EncryptedCache
from faasguard_runtime.events import SecurityEvent, add_sink, set_request_context, set_stdout
from faasguard_runtime.validate.decorator import Validator
from faasguard_runtime.validate.envelopes import ValidatedEvent

__all__ = [
    "EncryptedPersistenceLayer",
    "accepted_batch",
    "log_events",
    "validation_middleware",
]


def validation_middleware(
    *,
    body: Any = None,
    query: Any = None,
    path: Any = None,
    headers: Any = None,
    response: Any = None,
    response_headers: Any = None,
    refusal_headers: Mapping[str, str] | None = None,
    strict: bool = True,
    max_payload_bytes: int | None = None,
) -> Callable[[Any, Any], Any]:
    """Build an Event Handler middleware that validates the request before the route runs.

    Example::

        app = APIGatewayRestResolver()

        @app.post("/orders", middlewares=[validation_middleware(body=Order)])
        def create_order():
            order: Order = app.context["validated"].payload
            ...

    Args:
        body: JSON Schema, Pydantic model or ``TypeAdapter`` for the JSON body.
        query: schema or model of the query string parameters.
        path: schema or model of the path parameters.
        headers: schema or model of the headers (names lower-cased; never closed).
        response: schema or model the route's JSON response body must match; a mismatch
            becomes a generic 500 (and a security event), never the response.
        response_headers: schema or model of the route's response headers (lower-cased).
        refusal_headers: headers added to every refusal (CORS, for instance).
        strict: close plain object JSON Schemas (``additionalProperties: false``).
        max_payload_bytes: body size cap; None keeps the trigger's default.

    Returns:
        A middleware ``(app, next_middleware) -> Response``. The validated request is in
        ``app.context["validated"]`` (a :class:`ValidatedEvent`: ``.payload``, ``.query``,
        ``.path``, ``.headers``).

    Raises:
        SchemaError: a schema is invalid, or its dependency is missing.
    """
    validator = Validator(
        event_schema=body,
        response_schema=response,
        envelope="auto",
        max_payload_bytes=max_payload_bytes,
        strict=strict,
        query_schema=query,
        path_schema=path,
        header_schema=headers,
        response_header_schema=response_headers,
        refusal_headers=refusal_headers,
    )

    def faasguard_validation(app: Any, next_middleware: Any) -> Any:
        lambda_context = getattr(app, "lambda_context", None)
        set_request_context(getattr(lambda_context, "aws_request_id", None))
        admission = validator.admit(app.current_event.raw_event)
        if admission.validated is None:
            return _to_response(admission.reply)
        app.append_context(validated=admission.validated)
        try:
            result = next_middleware(app)
        except Exception as exc:
            return _to_response(validator.fail(exc, admission))
        if validator.checks_responses(admission):
            proxy = _from_response(result)
            released = validator.release(proxy, admission)
            if released is not proxy:  # the response was refused: a generic 500 instead
                return _to_response(released)
        return result

    return faasguard_validation


def _status(response: Any) -> Any:
    return getattr(response, "status_code", None)


def _from_response(response: Any) -> dict[str, Any]:
    """Read a Powertools ``Response`` as the proxy dict ``@validate`` checks."""
    body = getattr(response, "body", None)
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    headers = getattr(response, "headers", None) or {}
    return {"statusCode": _status(response), "headers": dict(headers), "body": body}


def _to_response(reply: Mapping[str, Any]) -> Any:
    from aws_lambda_powertools.event_handler import Response

    headers = dict(reply.get("headers") or {})
    for name, values in (reply.get("multiValueHeaders") or {}).items():
        headers[name] = values[0] if values else ""
    content_type = headers.pop("content-type", "application/json")
    return Response(
        status_code=reply["statusCode"],
        content_type=content_type,
        body=reply.get("body"),
        headers=headers,
    )


def accepted_batch(validated: ValidatedEvent) -> dict[str, Any]:
    """Return the batch event holding only the records ``@validate`` accepted, in order.

    Hand it to Powertools' ``process_partial_response``: refused records are already reported
    as failures (or dropped) by ``@validate``, whose wrapper merges the two failure lists.

    Example::

        @validate(event_schema=ORDER)
        def handler(validated, context):
            return process_partial_response(
                event=accepted_batch(validated), record_handler=record_handler,
                processor=processor, context=context,
            )
    """
    event = dict(validated.event)
    event["Records"] = [record.raw for record in validated.records]
    return event


def log_events(logger: Any, *, replace_stdout: bool = True) -> Callable[[SecurityEvent], None]:
    """Write every future security event through a Powertools ``Logger``.

    Each event becomes one Logger entry whose message is ``faasguard security event`` and whose
    keys are the event's (``faasguard_event``, ``policy``, ``action``, ``mode``, ``detail``,
    ``request_id``), next to the Logger's own (service, cold start, its correlation ids). The
    ``faasguard_event`` key stays at the top level, so metric filters written for the plain JSON
    line (``{ $.faasguard_event = "shield.egress" }``) match these entries too. Blocks and alerts
    are logged at ``warning``, the rest at ``info``.

    Args:
        logger: a Powertools ``Logger``.
        replace_stdout: stop the plain JSON line (:func:`faasguard_runtime.events.set_stdout`),
            so that each event is written once, by the Logger.

    Returns:
        The sink (pass it to :func:`faasguard_runtime.remove_sink` to stop).
    """

    def sink(event: SecurityEvent) -> None:
        entry = json.loads(event.to_json())
        # The Logger writes its own timestamp and function name.
        entry.pop("timestamp", None)
        entry.pop("function_name", None)
        log = logger.warning if event.mode in ("block", "alert") else logger.info
        log("faasguard security event", extra=entry)

    add_sink(sink)
    if replace_stdout:
        set_stdout(False)
    return sink


def _powertools_base() -> tuple[type[Any], type[Any], type[Any], type[Any]]:
    try:
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyItemAlreadyExistsError,
            IdempotencyItemNotFoundError,
        )
        from aws_lambda_powertools.utilities.idempotency.persistence.base import (
            BasePersistenceLayer,
        )
        from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import (
            DataRecord,
        )
    except ImportError:
        raise ImportError(
            "EncryptedPersistenceLayer needs aws-lambda-powertools:"
            " pip install 'faasguard-runtime[powertools]'"
        ) from None
    return (
        BasePersistenceLayer,
        DataRecord,
        IdempotencyItemAlreadyExistsError,
        IdempotencyItemNotFoundError,
    )


def EncryptedPersistenceLayer(cache: EncryptedCache) -> Any:  # noqa: N802 - a class factory
    """Build a Powertools Idempotency persistence layer that stores records in ``cache``.

    Example::

        store = EncryptedCache(DynamoDBBackend("idempotency"), Keyring.from_env(),
                               namespace="idempotency", max_ttl=3600)

        @idempotent(persistence_store=EncryptedPersistenceLayer(store))
        def handler(event, context): ...

    Each Powertools record (status, expiry, payload hash, the response) is one encrypted cache
    record whose TTL is the record's own expiry. The first save is a conditional write
    (:meth:`EncryptedCache.add`), so two concurrent invocations with the same payload cannot both
    proceed. The store (DynamoDB, Redis) sees only the cache's digest of the idempotency key and
    ciphertext.

    Args:
        cache: an :class:`EncryptedCache` whose backend has an atomic ``add`` and whose
            ``max_ttl`` covers Powertools' ``expires_after_seconds`` (3600 s by default).

    Returns:
        A ``BasePersistenceLayer`` instance.
    """
    base, record_class, already_exists, not_found = _powertools_base()
    return _layer_class(base, record_class, already_exists, not_found)(cache)


_LAYER_CLASS: dict[type[Any], type[Any]] = {}


def _layer_class(
    base: type[Any], record_class: type[Any], already_exists: type[Any], not_found: type[Any]
) -> type[Any]:
    cached = _LAYER_CLASS.get(base)
    if cached is not None:
        return cached

    class _EncryptedPersistenceLayer(base):  # type: ignore[misc]
        """Powertools idempotency records, encrypted in an :class:`EncryptedCache`."""

        def __init__(self, cache: EncryptedCache) -> None:
            super().__init__()
            self._store = cache

        def _encode(self, record: Any) -> bytes:
            return json.dumps(
                {
                    "status": record.status,
                    "expiry": record.expiry_timestamp,
                    "in_progress_expiry": record.in_progress_expiry_timestamp,
                    "payload_hash": record.payload_hash,
                    "response": record.response_data,
                },
                separators=(",", ":"),
            ).encode()

        def _decode(self, key: str, blob: bytes) -> Any:
            data = json.loads(blob)
            return record_class(
                idempotency_key=key,
                status=data["status"],
                expiry_timestamp=data["expiry"],
                in_progress_expiry_timestamp=data["in_progress_expiry"],
                payload_hash=data["payload_hash"] or "",
                response_data=data["response"] or "",
            )

        def _ttl(self, record: Any) -> float:
            # The cache enforces the TTL; Powertools' expiry is epoch seconds.
            return max(1.0, float(record.expiry_timestamp) - time.time())

        def _get_record(self, idempotency_key: str) -> Any:
            blob = self._store.get(idempotency_key)
            if blob is None:
                raise not_found
            return self._decode(idempotency_key, blob)

        def _put_record(self, data_record: Any) -> None:
            key = data_record.idempotency_key
            if self._store.add(key, self._encode(data_record), ttl=self._ttl(data_record)):
                return
            blob = self._store.get(key)
            if blob is None:  # expired between the two calls: try once more
                if self._store.add(key, self._encode(data_record), ttl=self._ttl(data_record)):
                    return
                raise already_exists
            old = self._decode(key, blob)
            in_progress_expired = (
                old.status == "INPROGRESS"
                and old.in_progress_expiry_timestamp is not None
                and old.in_progress_expiry_timestamp < int(time.time() * 1000)
            )
            if in_progress_expired:
                # The invocation that took the lock timed out: take it over (as Powertools'
                # DynamoDB layer does with its condition expression).
                self._store.set(key, self._encode(data_record), ttl=self._ttl(data_record))
                return
            self._validate_payload(data_payload=data_record, stored_data_record=old)
            self._save_to_cache(data_record=old)
            raise already_exists(old_data_record=old)

        def _update_record(self, data_record: Any) -> None:
            key = data_record.idempotency_key
            self._store.set(key, self._encode(data_record), ttl=self._ttl(data_record))

        def _delete_record(self, data_record: Any) -> None:
            self._store.delete(data_record.idempotency_key)

    _LAYER_CLASS[base] = _EncryptedPersistenceLayer
    return _EncryptedPersistenceLayer
