"""Trigger envelopes: where the payload sits in each AWS event, and how to decode it strictly.

Every trigger wraps the data the sender controls in a different envelope: a JSON string in an HTTP
``body`` (maybe base64), a JSON string per SQS or SNS record, base64 JSON per Kinesis record, an
attribute-value map per DynamoDB stream record, an already-parsed ``detail`` for EventBridge. This
module knows those shapes and nothing about schemas: it turns an event into a list of items and
each item into a plain JSON value, or a :class:`PayloadError` with a stable reason.

Decoding is deliberately stricter than :func:`json.loads`. The size limit is applied to the
encoded text before anything is parsed; duplicate object keys, ``NaN``/``Infinity`` and numbers
that overflow to infinity are refused, because a validator and a later consumer that disagree on
what a document means (which duplicate wins, what ``1e999`` is) is exactly how validated data
turns into an injection.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from faasguard_runtime import strict_json
from faasguard_runtime.validate.errors import Reason

__all__ = [
    "BATCH_ENVELOPES",
    "HTTP_ENVELOPES",
    "RECORD_ENVELOPES",
    "Envelope",
    "Item",
    "PayloadError",
    "ValidatedEvent",
    "ValidatedRecord",
    "decode_http_body",
    "decode_payload",
    "detect",
    "from_dynamodb_image",
    "is_ordered",
    "loads_bytes",
    "loads_text",
    "split",
]


class Envelope(str, Enum):
    """The trigger an event comes from, which decides where its payload is."""

    #: Recognise the trigger from the event's shape on every invocation.
    AUTO = "auto"
    #: No envelope: the whole event is the payload (direct ``Invoke``, Step Functions task).
    RAW = "raw"
    #: API Gateway REST API, or HTTP API with payload format 1.0: the JSON ``body``.
    API_GATEWAY_REST = "api-gateway-rest"
    #: API Gateway HTTP API, payload format 2.0: the JSON ``body``.
    API_GATEWAY_HTTP = "api-gateway-http"
    #: Lambda function URL: the JSON ``body``.
    FUNCTION_URL = "function-url"
    #: Application Load Balancer target: the JSON ``body``.
    ALB = "alb"
    #: SQS: each record's JSON ``body``; invalid records become partial batch failures.
    SQS = "sqs"
    #: SNS: each record's JSON ``Sns.Message``.
    SNS = "sns"
    #: EventBridge: the event's ``detail`` object.
    EVENTBRIDGE = "eventbridge"
    #: S3 notifications: each record as delivered.
    S3 = "s3"
    #: Kinesis Data Streams: each record's base64 ``kinesis.data``, as JSON.
    KINESIS = "kinesis"
    #: DynamoDB Streams: each record's ``dynamodb.NewImage``, converted to plain JSON.
    DYNAMODB = "dynamodb"


#: Triggers that expect an HTTP response (a refusal becomes a 400/413/500 response).
HTTP_ENVELOPES = frozenset(
    {Envelope.API_GATEWAY_REST, Envelope.API_GATEWAY_HTTP, Envelope.FUNCTION_URL, Envelope.ALB}
)
#: Triggers whose event source mapping understands ``batchItemFailures``.
BATCH_ENVELOPES = frozenset({Envelope.SQS, Envelope.KINESIS, Envelope.DYNAMODB})
#: Triggers that carry a ``Records`` list (the handler reads ``.records``, not ``.payload``).
RECORD_ENVELOPES = BATCH_ENVELOPES | {Envelope.SNS, Envelope.S3}

_RECORD_SOURCES = {
    "aws:sqs": Envelope.SQS,
    "aws:sns": Envelope.SNS,
    "aws:s3": Envelope.S3,
    "aws:kinesis": Envelope.KINESIS,
    "aws:dynamodb": Envelope.DYNAMODB,
}

# DynamoDB allows 32 levels of nesting; anything deeper is not a real stream record and would only
# serve to exhaust the stack.
_MAX_DYNAMODB_DEPTH = 64


class PayloadError(Exception):
    """A payload could not be turned into a JSON value (internal; surfaced as a FieldError)."""

    def __init__(self, reason: Reason, message: str, path: str = "$") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.path = path


# Not slots=True: faasguard-runtime supports Python 3.9, where dataclass() has no slots argument.
@dataclass(frozen=True)
class ValidatedRecord:
    """One payload that passed validation, with the record it came from.

    Attributes:
        payload: the decoded and validated JSON value. Read your data from here, never from
            ``raw``: ``raw`` still holds the undecoded, unvalidated text.
        raw: the record as Lambda delivered it (for SQS attributes, S3 bucket names...). For
            single-payload triggers it is the whole event.
        record_id: SQS ``messageId``, Kinesis or DynamoDB sequence number, SNS ``MessageId``;
            None when the trigger has no record identifier.
        index: the record's position in ``Records`` (None for single-payload triggers).
    """

    payload: Any
    raw: Mapping[str, Any]
    record_id: str | None = None
    index: int | None = None


@dataclass(frozen=True)
class ValidatedEvent:
    """What a ``@validate``-decorated handler receives instead of the raw event.

    Single-payload triggers (HTTP, EventBridge, raw) have exactly one record and expose it as
    :attr:`payload`. Record triggers (SQS, SNS, S3, Kinesis, DynamoDB) expose :attr:`records`,
    holding only the records that passed validation.

    Attributes:
        envelope: the trigger the event was read as (useful with ``Envelope.AUTO``).
        event: the original event, for metadata the payload does not carry (path parameters,
            authorizer claims, headers). Treat it as read-only.
        records: the validated records, in event order.
        query: the validated query string parameters of an HTTP event (a typed object with a
            model), or None when no query schema applies.
        path: the validated path parameters, or None when no path schema applies.
        headers: the validated headers (names lower-cased), or None when no header schema
            applies.
        route: the route key matched from ``routes`` (``"POST /orders"``), else None.
        dropped: records refused and dropped (or sent to the dead-letter target) under
            ``on_refused``; they are not in :attr:`records` and not reported as failures.
    """

    envelope: Envelope
    event: Mapping[str, Any]
    records: tuple[ValidatedRecord, ...]
    query: Any = None
    path: Any = None
    headers: Any = None
    route: str | None = None
    dropped: int = 0

    @property
    def payload(self) -> Any:
        """The validated payload of a single-payload trigger.

        Raises:
            TypeError: the trigger carries records; read :attr:`records` instead. Raising (rather
                than returning the first record) keeps a batch handler from silently processing
                one message out of ten.
        """
        if self.envelope in RECORD_ENVELOPES:
            raise TypeError(f"{self.envelope.value} events carry records; read .records")
        return self.records[0].payload

    @property
    def payloads(self) -> tuple[Any, ...]:
        """The validated payloads of every record, in event order."""
        return tuple(record.payload for record in self.records)


class _Kind(Enum):
    VALUE = "value"  # already parsed by Lambda (EventBridge detail, S3 record, raw event)
    HTTP_BODY = "http-body"  # str or None, maybe base64
    TEXT = "text"  # JSON text (SQS body, SNS message)
    BASE64 = "base64"  # base64 JSON (Kinesis data)
    DYNAMODB_IMAGE = "dynamodb-image"  # attribute-value map or None


class _Missing:
    """Marks a field the envelope promises but the event lacks."""


_MISSING = _Missing()


@dataclass(frozen=True)
class Item:
    """One payload-to-be inside an event, before decoding (internal).

    ``absent`` marks a record that carries no payload by design (a DynamoDB REMOVE), which passes
    with payload None instead of being checked against the schema.
    """

    kind: _Kind
    data: Any
    raw: Mapping[str, Any]
    record_id: str | None = None
    index: int | None = None
    base64: bool = False
    absent: bool = False


def detect(event: object) -> Envelope | None:
    """Recognise the trigger from the event's shape.

    Args:
        event: the event Lambda passed to the handler.

    Returns:
        The envelope, or None when the shape is not one of the supported AWS triggers. Direct
        invocations are not guessed: a caller who controls the whole event could otherwise pick
        whichever reading suits them, so they must be declared with ``Envelope.RAW``.
    """
    if not isinstance(event, Mapping):
        return None
    records = event.get("Records")
    if isinstance(records, list):
        if not records or not isinstance(records[0], Mapping):
            return None
        first = records[0]
        # SNS spells it "EventSource"; every other record source spells it "eventSource".
        source = first.get("eventSource", first.get("EventSource"))
        return _RECORD_SOURCES.get(source) if isinstance(source, str) else None
    context = event.get("requestContext")
    if isinstance(context, Mapping):
        if "elb" in context:
            return Envelope.ALB
        if event.get("version") == "2.0":
            domain = context.get("domainName")
            if isinstance(domain, str) and ".lambda-url." in domain:
                return Envelope.FUNCTION_URL
            return Envelope.API_GATEWAY_HTTP
        if "httpMethod" in event:
            return Envelope.API_GATEWAY_REST
        return None
    if "detail-type" in event and "source" in event and "detail" in event:
        return Envelope.EVENTBRIDGE
    return None


def is_ordered(envelope: Envelope, event: Mapping[str, Any]) -> bool:
    """Say whether records must be processed in order (FIFO queues, Kinesis, DynamoDB).

    For ordered sources a record may not be processed after an earlier one failed: a FIFO queue
    would redeliver the failed message after its successors, and a stream resumes from the lowest
    failed sequence number, so later records would be processed twice.
    """
    if envelope in (Envelope.KINESIS, Envelope.DYNAMODB):
        return True
    if envelope is not Envelope.SQS:
        return False
    records = event.get("Records")
    if not isinstance(records, list) or not records or not isinstance(records[0], Mapping):
        return False
    arn = records[0].get("eventSourceARN")
    return isinstance(arn, str) and arn.endswith(".fifo")


def _records(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    records = event.get("Records")
    if not isinstance(records, list):
        raise PayloadError(Reason.BAD_ENVELOPE, "event has no Records list")
    for record in records:
        if not isinstance(record, Mapping):
            raise PayloadError(Reason.BAD_ENVELOPE, "a record is not an object")
    return records


def _field(mapping: object, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, Mapping) or key not in mapping:
            return _MISSING
        mapping = mapping[key]
    return mapping


def _record_id(record: Mapping[str, Any], *keys: str, required: bool) -> str | None:
    value = _field(record, *keys)
    if isinstance(value, str) and value:
        return value
    if required:
        # Without an id a failure cannot be reported for this record alone; refusing the whole
        # event is the only answer that does not silently drop it.
        raise PayloadError(Reason.BAD_ENVELOPE, f"a record has no {'.'.join(keys)}")
    return None


def split(envelope: Envelope, event: object) -> list[Item]:
    """Cut an event into the payload items its envelope defines.

    Args:
        envelope: a concrete envelope (not ``AUTO``).
        event: the event Lambda passed to the handler.

    Returns:
        One item for single-payload triggers, one per record otherwise.

    Raises:
        PayloadError: the event as a whole does not have the envelope's shape.
    """
    if not isinstance(event, Mapping):
        raise PayloadError(Reason.BAD_ENVELOPE, "event is not an object")
    if envelope in HTTP_ENVELOPES:
        return [
            Item(
                _Kind.HTTP_BODY,
                event.get("body"),
                event,
                base64=event.get("isBase64Encoded") is True,
            )
        ]
    if envelope is Envelope.EVENTBRIDGE:
        return [Item(_Kind.VALUE, _field(event, "detail"), event)]
    if envelope is Envelope.RAW:
        return [Item(_Kind.VALUE, event, event)]
    records = _records(event)
    if envelope is Envelope.SQS:
        return [
            Item(_Kind.TEXT, _field(r, "body"), r, _record_id(r, "messageId", required=True), i)
            for i, r in enumerate(records)
        ]
    if envelope is Envelope.SNS:
        return [
            Item(
                _Kind.TEXT,
                _field(r, "Sns", "Message"),
                r,
                _record_id(r, "Sns", "MessageId", required=False),
                i,
            )
            for i, r in enumerate(records)
        ]
    if envelope is Envelope.S3:
        return [Item(_Kind.VALUE, r, r, None, i) for i, r in enumerate(records)]
    if envelope is Envelope.KINESIS:
        return [
            Item(
                _Kind.BASE64,
                _field(r, "kinesis", "data"),
                r,
                _record_id(r, "kinesis", "sequenceNumber", required=True),
                i,
            )
            for i, r in enumerate(records)
        ]
    if envelope is Envelope.DYNAMODB:
        items = []
        for i, r in enumerate(records):
            image = _field(r, "dynamodb", "NewImage")
            seq = _record_id(r, "dynamodb", "SequenceNumber", required=True)
            # REMOVE events and KEYS_ONLY/OLD_IMAGE stream views carry no new image: there is no
            # writer-supplied data to validate, so the record passes with payload None.
            if image is _MISSING:
                items.append(Item(_Kind.DYNAMODB_IMAGE, None, r, seq, i, absent=True))
            else:
                items.append(Item(_Kind.DYNAMODB_IMAGE, image, r, seq, i))
        return items
    raise PayloadError(Reason.UNKNOWN_ENVELOPE, f"no reader for envelope {envelope.value}")


def decode_payload(item: Item, max_bytes: int) -> Any:
    """Decode one item into a JSON value, enforcing the size limit before parsing.

    Args:
        item: an item produced by :func:`split`.
        max_bytes: the largest encoded payload accepted, in bytes.

    Returns:
        The decoded JSON value.

    Raises:
        PayloadError: the payload is missing, too large, badly encoded or not strict JSON.
    """
    kind, data = item.kind, item.data
    if kind is _Kind.HTTP_BODY:
        return decode_http_body(data, is_base64=item.base64, max_bytes=max_bytes)
    if kind is _Kind.VALUE:
        if data is _MISSING:
            raise PayloadError(Reason.BAD_ENVELOPE, "the envelope's payload field is missing")
        # Already parsed by the Lambda runtime; its size was bounded by the service's own event
        # limit before the function ran, so a byte count here would protect nothing.
        return data
    if kind is _Kind.TEXT:
        if not isinstance(data, str):
            raise PayloadError(Reason.BAD_ENVELOPE, "the record's message is not a string")
        return loads_text(data, max_bytes)
    if kind is _Kind.BASE64:
        if not isinstance(data, str):
            raise PayloadError(Reason.BAD_ENVELOPE, "the record's data is not a string")
        return loads_bytes(_b64decode(data, max_bytes), max_bytes)
    if item.absent:
        return None
    return from_dynamodb_image(data)


def decode_http_body(body: object, *, is_base64: bool, max_bytes: int | None) -> Any:
    """Decode an HTTP ``body`` field (request or response) into a JSON value.

    A missing or empty body decodes to None, so that a schema requiring an object refuses it with
    a schema error rather than a parse error.
    """
    if body is None or body == "":
        return None
    if not isinstance(body, str):
        raise PayloadError(Reason.BAD_ENVELOPE, "body is not a string")
    if is_base64:
        return loads_bytes(_b64decode(body, max_bytes), max_bytes)
    return loads_text(body, max_bytes)


def _too_large(max_bytes: int) -> PayloadError:
    return PayloadError(Reason.TOO_LARGE, f"payload is larger than {max_bytes} bytes")


def _b64decode(text: str, max_bytes: int | None) -> bytes:
    # Four base64 characters encode three bytes: refuse on the encoded length before allocating.
    if max_bytes is not None and len(text) > (max_bytes + 2) // 3 * 4:
        raise _too_large(max_bytes)
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PayloadError(Reason.BAD_ENCODING, f"invalid base64: {exc}") from None
    # Only one text encodes given bytes: "QQ==" and "QR==" both decode to b"A" (the padding bits
    # are ignored), so two senders, or a validator and a later consumer, could disagree on what
    # was sent. Refuse every form but the canonical one.
    if base64.b64encode(decoded) != text.encode("ascii"):
        raise PayloadError(Reason.BAD_ENCODING, "base64 is not canonical (non-zero padding bits)")
    return decoded


def loads_bytes(raw: bytes, max_bytes: int | None) -> Any:
    """Parse UTF-8 JSON bytes strictly (no UTF-16/32 guessing, unlike ``json.loads``)."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise _too_large(max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(Reason.BAD_ENCODING, f"payload is not UTF-8: {exc.reason}") from None
    return _loads(text)


def loads_text(text: str, max_bytes: int | None) -> Any:
    """Parse JSON text strictly after checking its UTF-8 size against ``max_bytes``."""
    if max_bytes is not None:
        # A character is at least one UTF-8 byte, so the cheap length check can refuse first; the
        # exact byte count only matters for non-ASCII text near the limit.
        if len(text) > max_bytes:
            raise _too_large(max_bytes)
        if not text.isascii() and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise _too_large(max_bytes)
    return _loads(text)


# A \uXXXX escape of a UTF-16 surrogate: paired ones are fine, a lone one is not Unicode text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _loads(text: str) -> Any:
    if not text.isascii() and not _encodable(text):
        raise PayloadError(Reason.BAD_ENCODING, "payload contains a lone surrogate")
    try:
        value = strict_json.loads(text)
    except strict_json.StrictJSONError as exc:
        raise PayloadError(Reason.MALFORMED_JSON, str(exc)) from None
    if _SURROGATE_ESCAPE.search(text) is not None and not _strings_encodable(value):
        # "\ud800" alone parses into a str that cannot be encoded: a database driver, a logger
        # or an HTTP client downstream would raise on it (or replace it) after validation passed.
        raise PayloadError(Reason.BAD_ENCODING, "payload contains a lone surrogate escape")
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strings_encodable(value: Any) -> bool:
    """Say whether every string (keys included) in a parsed JSON value is valid Unicode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def from_dynamodb_image(image: object) -> dict[str, Any]:
    """Convert a DynamoDB attribute-value map (``{"name": {"S": "x"}}``) to plain JSON.

    Numbers become ``int`` when integral and ``float`` otherwise; string, number and binary sets
    become lists (JSON has no sets); binary values stay base64 strings as the stream delivers them.

    Args:
        image: a ``NewImage`` (or any attribute-value map) from a stream record.

    Returns:
        The plain JSON object.

    Raises:
        PayloadError: an attribute value is not in DynamoDB's attribute-value form.
    """
    if not isinstance(image, Mapping):
        raise PayloadError(Reason.BAD_ENVELOPE, "NewImage is not an object")
    return {str(k): _attribute(v, f"$.{k}", 1) for k, v in image.items()}


def _attribute(value: object, path: str, depth: int) -> Any:
    if depth > _MAX_DYNAMODB_DEPTH:
        raise PayloadError(Reason.BAD_ENVELOPE, "attribute values nested too deeply", path)
    if not isinstance(value, Mapping) or len(value) != 1:
        raise PayloadError(Reason.BAD_ENVELOPE, "not a DynamoDB attribute value", path)
    ((tag, inner),) = value.items()
    if tag in ("S", "B") and isinstance(inner, str):
        return inner
    if tag == "N" and isinstance(inner, str):
        return _number(inner, path)
    if tag == "BOOL" and isinstance(inner, bool):
        return inner
    if tag == "NULL" and inner is True:
        return None
    if tag == "M" and isinstance(inner, Mapping):
        return {str(k): _attribute(v, f"{path}.{k}", depth + 1) for k, v in inner.items()}
    if tag == "L" and isinstance(inner, list):
        return [_attribute(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(inner)]
    if tag in ("SS", "BS") and isinstance(inner, list) and all(isinstance(s, str) for s in inner):
        return list(inner)
    if tag == "NS" and isinstance(inner, list) and all(isinstance(s, str) for s in inner):
        return [_number(s, path) for s in inner]
    raise PayloadError(Reason.BAD_ENVELOPE, f"unsupported attribute value type {tag!r}", path)


def _number(text: str, path: str) -> int | float:
    if not _NUMBER.fullmatch(text):
        raise PayloadError(Reason.BAD_ENVELOPE, "not a DynamoDB number", path)
    # Imported here: only DynamoDB stream numbers need it, and decimal costs a millisecond at
    # every cold start of functions that never see one.
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise PayloadError(Reason.BAD_ENVELOPE, "not a DynamoDB number", path) from None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
