"""The @validate decorator end to end, one trigger at a time, asserting exact outcomes."""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
from typing import Any

import pytest
from faasguard_runtime.events import SecurityEvent
from faasguard_runtime.validate import (
    Envelope,
    FieldError,
    Reason,
    ResponseValidationError,
    ValidatedEvent,
    ValidationError,
    validate,
)

ORDER = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "maxLength": 8},
        "qty": {"type": "integer", "minimum": 1},
    },
    "required": ["sku", "qty"],
}
PUBLIC_ORDER = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "status": {"type": "string"}},
    "required": ["id", "status"],
}
JSON_HEADERS = {"content-type": "application/json"}
CONTEXT = object()


class Recorder:
    """A handler that remembers what it was called with."""

    def __init__(self, result: Any = None) -> None:
        self.calls: list[tuple[ValidatedEvent, Any]] = []
        self.result = result

    def __call__(self, validated: ValidatedEvent, context: Any) -> Any:
        self.calls.append((validated, context))
        return self.result


def rest_event(body: str | None, *, b64: bool = False) -> dict[str, Any]:
    return {
        "resource": "/orders",
        "path": "/orders",
        "httpMethod": "POST",
        "headers": {"content-type": "application/json"},
        "pathParameters": None,
        "requestContext": {"requestId": "req-1", "stage": "prod"},
        "body": body,
        "isBase64Encoded": b64,
    }


def http_api_event(body: str | None) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "POST /orders",
        "rawPath": "/orders",
        "headers": {"content-type": "application/json"},
        "requestContext": {"domainName": "abc123.execute-api.us-east-1.amazonaws.com"},
        "body": body,
        "isBase64Encoded": False,
    }


def function_url_event(body: str | None) -> dict[str, Any]:
    event = http_api_event(body)
    event["requestContext"] = {"domainName": "x7f.lambda-url.us-east-1.on.aws"}
    return event


def alb_event(body: str | None, *, multi_value: bool = False) -> dict[str, Any]:
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:tg"}},
        "httpMethod": "POST",
        "path": "/orders",
        "body": body,
        "isBase64Encoded": False,
    }
    if multi_value:
        event["multiValueHeaders"] = {"content-type": ["application/json"]}
    else:
        event["headers"] = {"content-type": "application/json"}
    return event


def sqs_event(*bodies: str, fifo: bool = False) -> dict[str, Any]:
    queue = "orders.fifo" if fifo else "orders"
    return {
        "Records": [
            {
                "messageId": f"m-{i}",
                "receiptHandle": "handle",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
                "awsRegion": "us-east-1",
            }
            for i, body in enumerate(bodies)
        ]
    }


def kinesis_event(*payloads: bytes) -> dict[str, Any]:
    return {
        "Records": [
            {
                "kinesis": {
                    "partitionKey": "pk",
                    "sequenceNumber": f"seq-{i}",
                    "data": base64.b64encode(data).decode(),
                },
                "eventSource": "aws:kinesis",
                "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
            }
            for i, data in enumerate(payloads)
        ]
    }


def dynamodb_event(*images: dict[str, Any] | None) -> dict[str, Any]:
    records = []
    for i, image in enumerate(images):
        change: dict[str, Any] = {"Keys": {"sku": {"S": "k"}}, "SequenceNumber": f"ddb-{i}"}
        if image is not None:
            change["NewImage"] = image
        records.append(
            {
                "eventName": "REMOVE" if image is None else "INSERT",
                "eventSource": "aws:dynamodb",
                "dynamodb": change,
            }
        )
    return {"Records": records}


def sns_event(message: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "Sns": {"MessageId": "sns-1", "Message": message, "Subject": None},
            }
        ]
    }


def s3_event(key: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "uploads"}, "object": {"key": key, "size": 10}},
            }
        ]
    }


def eventbridge_event(detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "eb-1",
        "source": "shop.orders",
        "detail-type": "OrderPlaced",
        "detail": detail,
    }


def reject_events(events: list[SecurityEvent]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [(e.policy, e.action, e.mode, dict(e.detail)) for e in events]


def refusal(*errors: dict[str, Any], envelope: str, stage: str = "event", **extra: Any) -> Any:
    detail = {
        "envelope": envelope,
        "stage": stage,
        "count": len(errors),
        "errors": list(errors),
        **extra,
    }
    return ("validate", "reject", "block", detail)


# -- HTTP triggers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_event", "envelope"),
    [
        (rest_event, Envelope.API_GATEWAY_REST),
        (http_api_event, Envelope.API_GATEWAY_HTTP),
        (function_url_event, Envelope.FUNCTION_URL),
        (alb_event, Envelope.ALB),
    ],
)
def test_valid_http_request_reaches_the_handler(
    make_event: Any, envelope: Envelope, security_events: list[SecurityEvent]
) -> None:
    response = {"statusCode": 201, "body": "{}"}
    handler = Recorder(response)
    event = make_event('{"sku": "A-1", "qty": 2}')

    assert validate(event_schema=ORDER)(handler)(event, CONTEXT) is response
    ((validated, context),) = handler.calls
    assert (validated.envelope, validated.payload, validated.event, context) == (
        envelope,
        {"sku": "A-1", "qty": 2},
        event,
        CONTEXT,
    )
    assert security_events == []


@pytest.mark.parametrize("make_event", [rest_event, http_api_event, function_url_event])
@pytest.mark.parametrize(
    ("body", "status", "reply", "error"),
    [
        pytest.param(
            '{"sku": "A-1", "qty": 0}',
            400,
            {"error": "invalid request", "reason": "schema", "path": "$.qty"},
            {"path": "$.qty", "reason": "schema"},
            id="schema",
        ),
        pytest.param(
            '{"sku": "A-1", "qty": 1, "isAdmin": true}',
            400,
            {"error": "invalid request", "reason": "schema", "path": "$"},
            {"path": "$", "reason": "schema"},
            id="unknown-field",
        ),
        pytest.param(
            '{"sku": "A-1", "qty": 1',
            400,
            {"error": "invalid request", "reason": "malformed-json"},
            {"path": "$", "reason": "malformed-json"},
            id="malformed",
        ),
        pytest.param(
            None,
            400,
            {"error": "invalid request", "reason": "schema", "path": "$"},
            {"path": "$", "reason": "schema"},
            id="no-body",
        ),
        pytest.param(
            '{"sku": "' + "A" * 300 + '", "qty": 1}',
            413,
            {"error": "payload too large"},
            {"path": "$", "reason": "too-large"},
            id="too-large",
        ),
    ],
)
def test_invalid_http_request_gets_an_exact_refusal(
    make_event: Any,
    body: str | None,
    status: int,
    reply: dict[str, Any],
    error: dict[str, Any],
    security_events: list[SecurityEvent],
) -> None:
    handler = Recorder()
    event = make_event(body)
    envelope = validate(event_schema=ORDER, max_payload_bytes=256)(handler)

    assert envelope(event, CONTEXT) == {
        "statusCode": status,
        "headers": JSON_HEADERS,
        "body": json.dumps(reply, separators=(",", ":")),
    }
    assert handler.calls == []
    (only,) = reject_events(security_events)
    assert only[3]["errors"] == [error]


def test_refusal_event_names_path_and_reason_only(security_events: list[SecurityEvent]) -> None:
    validate(event_schema=ORDER)(Recorder())(rest_event('{"sku": 5, "qty": 1}'), CONTEXT)
    assert reject_events(security_events) == [
        refusal({"path": "$.sku", "reason": "schema"}, envelope="api-gateway-rest")
    ]


def test_base64_body_is_decoded_before_validation() -> None:
    handler = Recorder()
    body = base64.b64encode(b'{"sku": "B-2", "qty": 1}').decode()
    validate(event_schema=ORDER)(handler)(rest_event(body, b64=True), CONTEXT)
    assert handler.calls[0][0].payload == {"sku": "B-2", "qty": 1}


def test_bad_base64_body_is_a_400(security_events: list[SecurityEvent]) -> None:
    reply = validate(event_schema=ORDER)(Recorder())(rest_event("%%%", b64=True), CONTEXT)
    assert reply == {
        "statusCode": 400,
        "headers": JSON_HEADERS,
        "body": '{"error":"invalid request","reason":"bad-encoding"}',
    }


def test_alb_refusal_has_a_status_description() -> None:
    reply = validate(event_schema=ORDER)(Recorder())(alb_event("{}"), CONTEXT)
    assert reply == {
        "statusCode": 400,
        "statusDescription": "400 Bad Request",
        "isBase64Encoded": False,
        "headers": JSON_HEADERS,
        "body": '{"error":"invalid request","reason":"schema","path":"$"}',
    }


def test_alb_refusal_follows_multi_value_headers() -> None:
    event = alb_event("x" * 20, multi_value=True)
    reply = validate(event_schema=ORDER, max_payload_bytes=10)(Recorder())(event, CONTEXT)
    assert reply == {
        "statusCode": 413,
        "statusDescription": "413 Content Too Large",
        "isBase64Encoded": False,
        "multiValueHeaders": {"content-type": ["application/json"]},
        "body": '{"error":"payload too large"}',
    }


def test_refusal_body_leaks_no_schema_or_value() -> None:
    body = '{"sku": "<script>alert(1)</script>", "qty": 1}'
    reply = validate(event_schema=ORDER)(Recorder())(rest_event(body), CONTEXT)
    assert reply["body"] == '{"error":"invalid request","reason":"schema","path":"$.sku"}'


# -- responses -------------------------------------------------------------------------------


def test_valid_http_response_is_returned_unchanged(security_events: list[SecurityEvent]) -> None:
    response = {"statusCode": 200, "body": '{"id": "o-1", "status": "paid"}'}
    wrapped = validate(event_schema=ORDER, response_schema=PUBLIC_ORDER)(Recorder(response))
    assert wrapped(rest_event('{"sku": "A", "qty": 1}'), CONTEXT) is response
    assert security_events == []


@pytest.mark.parametrize(
    ("response", "error"),
    [
        pytest.param(
            {"statusCode": 200, "body": '{"id": "o-1", "status": "paid", "cardNumber": "4111"}'},
            {"path": "$", "reason": "schema"},
            id="leaked-field",
        ),
        pytest.param(
            {"statusCode": 500, "body": "Traceback (most recent call last): ..."},
            {"path": "$", "reason": "malformed-json"},
            id="stack-trace",
        ),
        pytest.param(
            {"statusCode": 200, "body": '{"id": 1, "status": "paid"}'},
            {"path": "$.id", "reason": "schema"},
            id="wrong-type",
        ),
        pytest.param(
            {
                "statusCode": 200,
                "isBase64Encoded": True,
                "body": base64.b64encode(b'{"id": "o-1", "status": "paid", "x": 1}').decode(),
            },
            {"path": "$", "reason": "schema"},
            id="base64-body",
        ),
    ],
)
def test_invalid_http_response_becomes_a_generic_500(
    response: dict[str, Any], error: dict[str, Any], security_events: list[SecurityEvent]
) -> None:
    wrapped = validate(response_schema=PUBLIC_ORDER)(Recorder(response))
    assert wrapped(http_api_event("{}"), CONTEXT) == {
        "statusCode": 500,
        "headers": JSON_HEADERS,
        "body": '{"error":"internal error"}',
    }
    assert reject_events(security_events) == [
        refusal(error, envelope="api-gateway-http", stage="response")
    ]


def test_http_api_response_without_status_code_is_validated_as_the_body() -> None:
    wrapped = validate(response_schema=PUBLIC_ORDER)(Recorder({"id": "o-1", "status": "paid"}))
    assert wrapped(http_api_event(None), CONTEXT) == {"id": "o-1", "status": "paid"}
    leaky = validate(response_schema=PUBLIC_ORDER)(Recorder({"id": "o-1", "status": "x", "k": 1}))
    assert leaky(http_api_event(None), CONTEXT)["statusCode"] == 500


def test_invalid_non_http_response_raises() -> None:
    wrapped = validate(response_schema=PUBLIC_ORDER)(Recorder({"id": "o-1"}))
    with pytest.raises(ResponseValidationError) as caught:
        wrapped(eventbridge_event({}), CONTEXT)
    assert caught.value.errors == (
        FieldError("$", Reason.SCHEMA, "data must contain ['status'] properties"),
    )
    assert str(caught.value) == (
        "handler response for eventbridge event failed its schema: $ (schema)"
    )
    assert caught.value.envelope == "eventbridge"


# -- SQS -------------------------------------------------------------------------------------


def test_sqs_invalid_records_become_batch_item_failures(
    security_events: list[SecurityEvent],
) -> None:
    handler = Recorder()
    event = sqs_event(
        '{"sku": "A", "qty": 1}',
        '{"sku": "B", "qty": -1}',
        "not json",
        '{"sku": "D", "qty": 4}',
    )
    result = validate(event_schema=ORDER)(handler)(event, CONTEXT)

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]}
    ((validated, _),) = handler.calls
    assert [(r.record_id, r.index, r.payload) for r in validated.records] == [
        ("m-0", 0, {"sku": "A", "qty": 1}),
        ("m-3", 3, {"sku": "D", "qty": 4}),
    ]
    assert validated.records[0].raw is event["Records"][0]
    assert reject_events(security_events) == [
        refusal(
            {"path": "$.qty", "reason": "schema", "record": 1, "record_id": "m-1"},
            {"path": "$", "reason": "malformed-json", "record": 2, "record_id": "m-2"},
            envelope="sqs",
        )
    ]


def test_sqs_handler_failures_are_merged_with_invalid_records() -> None:
    handler = Recorder({"batchItemFailures": [{"itemIdentifier": "m-2"}]})
    event = sqs_event('{"sku": "A", "qty": 1}', "{}", '{"sku": "C", "qty": 1}')
    assert validate(event_schema=ORDER)(handler)(event, CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]
    }


def test_sqs_handler_result_is_untouched_when_every_record_is_valid() -> None:
    handler = Recorder({"batchItemFailures": [{"itemIdentifier": "m-0"}]})
    event = sqs_event('{"sku": "A", "qty": 1}')
    assert validate(event_schema=ORDER)(handler)(event, CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": "m-0"}]
    }


def test_sqs_handler_is_not_called_when_every_record_is_invalid() -> None:
    handler = Recorder()
    result = validate(event_schema=ORDER)(handler)(sqs_event("{}", "[]"), CONTEXT)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-0"}, {"itemIdentifier": "m-1"}]}
    assert handler.calls == []


def test_sqs_fifo_stops_at_the_first_invalid_record(
    security_events: list[SecurityEvent],
) -> None:
    handler = Recorder()
    event = sqs_event(
        '{"sku": "A", "qty": 1}', "{}", '{"sku": "C", "qty": 1}', "still invalid", fifo=True
    )
    result = validate(event_schema=ORDER)(handler)(event, CONTEXT)
    assert result == {
        "batchItemFailures": [
            {"itemIdentifier": "m-1"},
            {"itemIdentifier": "m-2"},
            {"itemIdentifier": "m-3"},
        ]
    }
    assert [r.record_id for r in handler.calls[0][0].records] == ["m-0"]
    assert reject_events(security_events) == [
        refusal(
            {"path": "$", "reason": "schema", "record": 1, "record_id": "m-1"},
            envelope="sqs",
            deferred=2,
        )
    ]


def test_sqs_record_over_the_size_limit_fails_alone() -> None:
    event = sqs_event('{"sku": "A", "qty": 1}', '{"sku": "B", "qty": 100000000000}')
    result = validate(event_schema=ORDER, max_payload_bytes=24)(Recorder())(event, CONTEXT)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_sqs_record_without_message_id_fails_the_whole_batch() -> None:
    event = sqs_event('{"sku": "A", "qty": 1}')
    del event["Records"][0]["messageId"]
    with pytest.raises(ValidationError) as caught:
        validate(event_schema=ORDER, envelope=Envelope.SQS)(Recorder())(event, CONTEXT)
    assert caught.value.errors == (
        FieldError("$", Reason.BAD_ENVELOPE, "a record has no messageId"),
    )


# -- Kinesis and DynamoDB streams --------------------------------------------------------------


def test_kinesis_reports_from_the_first_invalid_sequence_number() -> None:
    handler = Recorder()
    event = kinesis_event(b'{"sku": "A", "qty": 1}', b"\xff\xfe", b'{"sku": "C", "qty": 1}')
    result = validate(event_schema=ORDER)(handler)(event, CONTEXT)
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "seq-1"}, {"itemIdentifier": "seq-2"}]
    }
    assert handler.calls[0][0].payloads == ({"sku": "A", "qty": 1},)


def test_dynamodb_new_images_are_validated_as_plain_json() -> None:
    handler = Recorder()
    good = {"sku": {"S": "A"}, "qty": {"N": "3"}}
    bad = {"sku": {"S": "B"}, "qty": {"S": "three"}}
    result = validate(event_schema=ORDER)(handler)(dynamodb_event(good, None, bad), CONTEXT)
    assert result == {"batchItemFailures": [{"itemIdentifier": "ddb-2"}]}
    assert handler.calls[0][0].payloads == ({"sku": "A", "qty": 3}, None)


# -- triggers without partial responses -------------------------------------------------------


def test_invalid_sns_message_raises_without_calling_the_handler(
    security_events: list[SecurityEvent],
) -> None:
    handler = Recorder()
    with pytest.raises(ValidationError) as caught:
        validate(event_schema=ORDER)(handler)(sns_event('{"sku": "A"}'), CONTEXT)
    assert caught.value.errors == (
        FieldError("$", Reason.SCHEMA, "data must contain ['qty'] properties", "sns-1", 0),
    )
    assert str(caught.value) == "invalid sns event: record 0 $ (schema)"
    assert handler.calls == []
    assert reject_events(security_events) == [
        refusal(
            {"path": "$", "reason": "schema", "record": 0, "record_id": "sns-1"}, envelope="sns"
        )
    ]


def test_s3_records_are_validated_as_delivered() -> None:
    schema = {
        "type": "object",
        "properties": {
            "s3": {
                "type": "object",
                "properties": {
                    "object": {
                        "type": "object",
                        "properties": {"key": {"type": "string", "pattern": "^uploads/"}},
                    }
                },
            }
        },
    }
    handler = Recorder()
    wrapped = validate(event_schema=schema, strict=False)(handler)
    wrapped(s3_event("uploads/a.png"), CONTEXT)
    assert handler.calls[0][0].records[0].payload["s3"]["object"]["key"] == "uploads/a.png"
    with pytest.raises(ValidationError) as caught:
        wrapped(s3_event("../etc/passwd"), CONTEXT)
    assert [(e.path, e.reason, e.record_index) for e in caught.value.errors] == [
        ("$.s3.object.key", Reason.SCHEMA, 0)
    ]


def test_invalid_eventbridge_detail_raises() -> None:
    with pytest.raises(ValidationError) as caught:
        validate(event_schema=ORDER)(Recorder())(eventbridge_event({"sku": 1, "qty": 1}), CONTEXT)
    assert caught.value.errors == (FieldError("$.sku", Reason.SCHEMA, "data.sku must be string"),)
    assert str(caught.value) == "invalid eventbridge event: $.sku (schema)"


def test_unrecognised_event_raises_with_auto(security_events: list[SecurityEvent]) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(event_schema=ORDER)(Recorder())({"sku": "A", "qty": 1}, CONTEXT)
    assert caught.value.errors == (
        FieldError("$", Reason.UNKNOWN_ENVELOPE, "the event's shape matches no supported trigger"),
    )
    assert reject_events(security_events) == [
        refusal({"path": "$", "reason": "unknown-envelope"}, envelope="auto")
    ]


def test_raw_envelope_validates_direct_invocations() -> None:
    handler = Recorder("done")
    wrapped = validate(event_schema=ORDER, envelope="raw")(handler)
    assert wrapped({"sku": "A", "qty": 1}, CONTEXT) == "done"
    assert handler.calls[0][0].payload == {"sku": "A", "qty": 1}


def test_declared_envelope_that_does_not_fit_raises() -> None:
    with pytest.raises(ValidationError) as caught:
        validate(envelope=Envelope.KINESIS)(Recorder())(eventbridge_event({}), CONTEXT)
    assert caught.value.errors == (
        FieldError("$", Reason.BAD_ENVELOPE, "event has no Records list"),
    )


# -- async handlers and configuration ---------------------------------------------------------


def test_async_handler_stays_async() -> None:
    seen: list[Any] = []

    @validate(event_schema=ORDER)
    async def handler(validated: ValidatedEvent, context: Any) -> dict[str, Any]:
        seen.append(validated.payload)
        return {"statusCode": 204}

    assert inspect.iscoroutinefunction(handler)
    ok = asyncio.run(handler(rest_event('{"sku": "A", "qty": 1}'), CONTEXT))
    refused = asyncio.run(handler(rest_event("{}"), CONTEXT))
    assert (ok, refused["statusCode"], seen) == ({"statusCode": 204}, 400, [{"sku": "A", "qty": 1}])


def test_async_handler_response_is_validated() -> None:
    @validate(response_schema=PUBLIC_ORDER)
    async def handler(validated: ValidatedEvent, context: Any) -> dict[str, Any]:
        return {"id": "o-1"}

    with pytest.raises(ResponseValidationError):
        asyncio.run(handler(eventbridge_event({}), CONTEXT))


def test_wrapper_keeps_the_handler_name() -> None:
    def order_handler(validated: ValidatedEvent, context: Any) -> None:
        """Handle orders."""

    wrapped = validate()(order_handler)
    assert (wrapped.__name__, wrapped.__doc__) == ("order_handler", "Handle orders.")


@pytest.mark.parametrize("limit", [0, -1, True, 1.5])
def test_bad_payload_limit_is_refused(limit: Any) -> None:
    with pytest.raises(ValueError, match=r"^max_payload_bytes must be a positive int"):
        validate(max_payload_bytes=limit)


def test_unknown_envelope_name_is_refused() -> None:
    with pytest.raises(ValueError, match="'kafka' is not a valid Envelope"):
        validate(envelope="kafka")


def test_default_payload_limit_is_256_kib() -> None:
    handler = Recorder()
    wrapped = validate()(handler)
    fits = '"' + "a" * (256 * 1024 - 2) + '"'
    wrapped(rest_event(fits), CONTEXT)
    assert len(handler.calls) == 1
    assert wrapped(rest_event(fits + " "), CONTEXT)["statusCode"] == 413
