"""Envelope detection and strict payload decoding, without schemas."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from faasguard_runtime.validate import Envelope, Reason
from faasguard_runtime.validate.envelopes import (
    PayloadError,
    ValidatedEvent,
    ValidatedRecord,
    decode_payload,
    detect,
    from_dynamodb_image,
    is_ordered,
    split,
)

LIMIT = 1024


def decode_one(envelope: Envelope, event: dict[str, Any], limit: int = LIMIT) -> Any:
    (item,) = split(envelope, event)
    return decode_payload(item, limit)


def failure(envelope: Envelope, event: dict[str, Any], limit: int = LIMIT) -> tuple[Reason, str]:
    with pytest.raises(PayloadError) as caught:
        decode_one(envelope, event, limit)
    return caught.value.reason, caught.value.path


# -- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        pytest.param(
            {"httpMethod": "POST", "requestContext": {"stage": "prod"}, "body": "{}"},
            Envelope.API_GATEWAY_REST,
            id="rest-v1",
        ),
        pytest.param(
            {"version": "2.0", "requestContext": {"domainName": "abc.execute-api.aws"}},
            Envelope.API_GATEWAY_HTTP,
            id="http-api-v2",
        ),
        pytest.param(
            {
                "version": "2.0",
                "requestContext": {"domainName": "x7.lambda-url.eu-west-1.on.aws"},
            },
            Envelope.FUNCTION_URL,
            id="function-url",
        ),
        pytest.param(
            {"httpMethod": "GET", "requestContext": {"elb": {"targetGroupArn": "arn"}}},
            Envelope.ALB,
            id="alb",
        ),
        pytest.param({"Records": [{"eventSource": "aws:sqs"}]}, Envelope.SQS, id="sqs"),
        pytest.param({"Records": [{"EventSource": "aws:sns"}]}, Envelope.SNS, id="sns"),
        pytest.param({"Records": [{"eventSource": "aws:s3"}]}, Envelope.S3, id="s3"),
        pytest.param({"Records": [{"eventSource": "aws:kinesis"}]}, Envelope.KINESIS, id="kin"),
        pytest.param({"Records": [{"eventSource": "aws:dynamodb"}]}, Envelope.DYNAMODB, id="ddb"),
        pytest.param(
            {"source": "shop", "detail-type": "OrderPlaced", "detail": {}},
            Envelope.EVENTBRIDGE,
            id="eventbridge",
        ),
        pytest.param({"orderId": 1}, None, id="direct-invoke-not-guessed"),
        pytest.param({"Records": []}, None, id="empty-records"),
        pytest.param({"Records": [{"eventSource": "aws:ses"}]}, None, id="unsupported-source"),
        pytest.param({"requestContext": {}}, None, id="request-context-alone"),
        pytest.param(["not", "a", "mapping"], None, id="list"),
    ],
)
def test_detect(event: object, expected: Envelope | None) -> None:
    assert detect(event) is expected


@pytest.mark.parametrize(
    ("envelope", "arn", "expected"),
    [
        (Envelope.SQS, "arn:aws:sqs:us-east-1:123456789012:orders.fifo", True),
        (Envelope.SQS, "arn:aws:sqs:us-east-1:123456789012:orders", False),
        (Envelope.KINESIS, "arn:aws:kinesis:us-east-1:123456789012:stream/s", True),
        (Envelope.DYNAMODB, "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x", True),
        (Envelope.SNS, "arn:aws:sns:us-east-1:123456789012:topic", False),
    ],
)
def test_is_ordered(envelope: Envelope, arn: str, expected: bool) -> None:
    assert is_ordered(envelope, {"Records": [{"eventSourceARN": arn}]}) is expected


# -- HTTP bodies -------------------------------------------------------------------------------


def test_http_body_is_parsed() -> None:
    event = {"body": '{"a": [1, 2.5, "x", null, true]}', "isBase64Encoded": False}
    assert decode_one(Envelope.API_GATEWAY_REST, event) == {"a": [1, 2.5, "x", None, True]}


def test_http_base64_body_is_decoded() -> None:
    body = base64.b64encode('{"name": "Zoë"}'.encode()).decode()
    event = {"body": body, "isBase64Encoded": True}
    assert decode_one(Envelope.API_GATEWAY_HTTP, event) == {"name": "Zoë"}


@pytest.mark.parametrize("body", [None, ""])
def test_missing_http_body_decodes_to_none(body: str | None) -> None:
    assert decode_one(Envelope.FUNCTION_URL, {"body": body}) is None


def test_http_body_field_absent_decodes_to_none() -> None:
    assert decode_one(Envelope.ALB, {"httpMethod": "GET"}) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param("{", Reason.MALFORMED_JSON, id="syntax"),
        pytest.param('{"a": 1, "a": 2}', Reason.MALFORMED_JSON, id="duplicate-key"),
        pytest.param('{"a": NaN}', Reason.MALFORMED_JSON, id="nan"),
        pytest.param('{"a": -Infinity}', Reason.MALFORMED_JSON, id="infinity"),
        pytest.param('{"a": 1e999}', Reason.MALFORMED_JSON, id="float-overflow"),
        pytest.param("[" * 100_000 + "]" * 100_000, Reason.MALFORMED_JSON, id="deep-nesting"),
        pytest.param("1" * 5000, Reason.MALFORMED_JSON, id="huge-int"),
        pytest.param('{"a": 1} trailing', Reason.MALFORMED_JSON, id="trailing-data"),
    ],
)
def test_non_strict_json_is_refused(body: str, reason: Reason) -> None:
    assert failure(Envelope.API_GATEWAY_REST, {"body": body}, limit=1_000_000) == (reason, "$")


def test_body_that_is_not_a_string_is_a_bad_envelope() -> None:
    assert failure(Envelope.API_GATEWAY_REST, {"body": {"a": 1}}) == (Reason.BAD_ENVELOPE, "$")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("not base64!", id="alphabet"),
        pytest.param("eyJh\nIjoxfQ==", id="newline"),
        pytest.param("eyJhIjoxfQ", id="padding"),
    ],
)
def test_bad_base64_is_a_bad_encoding(body: str) -> None:
    event = {"body": body, "isBase64Encoded": True}
    assert failure(Envelope.API_GATEWAY_REST, event) == (Reason.BAD_ENCODING, "$")


def test_base64_body_that_is_not_utf8_is_a_bad_encoding() -> None:
    event = {"body": base64.b64encode(b'{"a": "\xff"}').decode(), "isBase64Encoded": True}
    assert failure(Envelope.API_GATEWAY_REST, event) == (Reason.BAD_ENCODING, "$")


def test_size_limit_counts_utf8_bytes() -> None:
    at_limit = '"' + "é" * 4 + '"'  # 10 bytes, 6 characters
    assert decode_one(Envelope.API_GATEWAY_REST, {"body": at_limit}, limit=10) == "éééé"
    over = '"' + "é" * 5 + '"'  # 12 bytes, 7 characters
    assert failure(Envelope.API_GATEWAY_REST, {"body": over}, limit=10) == (Reason.TOO_LARGE, "$")


def test_size_limit_applies_to_decoded_base64() -> None:
    fits = base64.b64encode(b'"' + b"a" * 8 + b'"').decode()  # 10 bytes decoded, 16 encoded
    event = {"body": fits, "isBase64Encoded": True}
    assert decode_one(Envelope.API_GATEWAY_REST, event, limit=10) == "a" * 8
    over = base64.b64encode(b'"' + b"a" * 9 + b'"').decode()  # 11 bytes decoded
    event = {"body": over, "isBase64Encoded": True}
    assert failure(Envelope.API_GATEWAY_REST, event, limit=10) == (Reason.TOO_LARGE, "$")


def test_oversized_base64_is_refused_before_decoding() -> None:
    # Not even valid base64: the encoded length alone is enough to refuse it.
    event = {"body": "!" * 100, "isBase64Encoded": True}
    assert failure(Envelope.API_GATEWAY_REST, event, limit=10) == (Reason.TOO_LARGE, "$")


def test_oversized_body_is_refused_before_parsing() -> None:
    # Malformed JSON, yet the reason is the size: the parser never ran.
    assert failure(Envelope.API_GATEWAY_REST, {"body": "{" * 11}, limit=10) == (
        Reason.TOO_LARGE,
        "$",
    )


# -- records -----------------------------------------------------------------------------------


def test_sqs_records_are_split_with_message_ids() -> None:
    event = {
        "Records": [
            {"messageId": "m-1", "body": '{"n": 1}'},
            {"messageId": "m-2", "body": '{"n": 2}'},
        ]
    }
    items = split(Envelope.SQS, event)
    assert [(i.record_id, i.index, decode_payload(i, LIMIT)) for i in items] == [
        ("m-1", 0, {"n": 1}),
        ("m-2", 1, {"n": 2}),
    ]


def test_sqs_record_without_message_id_refuses_the_event() -> None:
    with pytest.raises(PayloadError) as caught:
        split(Envelope.SQS, {"Records": [{"body": "{}"}]})
    assert (caught.value.reason, str(caught.value)) == (
        Reason.BAD_ENVELOPE,
        "a record has no messageId",
    )


def test_event_without_records_is_a_bad_envelope() -> None:
    with pytest.raises(PayloadError) as caught:
        split(Envelope.SNS, {"Message": "{}"})
    assert caught.value.reason is Reason.BAD_ENVELOPE


def test_sns_message_is_parsed() -> None:
    event = {"Records": [{"Sns": {"MessageId": "sns-1", "Message": '{"k": "v"}'}}]}
    (item,) = split(Envelope.SNS, event)
    assert (item.record_id, decode_payload(item, LIMIT)) == ("sns-1", {"k": "v"})


def test_sns_record_without_message_is_a_bad_envelope() -> None:
    event = {"Records": [{"Sns": {"MessageId": "sns-1"}}]}
    assert failure(Envelope.SNS, event) == (Reason.BAD_ENVELOPE, "$")


def test_s3_record_is_the_payload() -> None:
    record = {"eventSource": "aws:s3", "s3": {"object": {"key": "a.txt", "size": 3}}}
    (item,) = split(Envelope.S3, {"Records": [record]})
    assert (item.record_id, item.index, decode_payload(item, LIMIT)) == (None, 0, record)


def test_kinesis_data_is_base64_json() -> None:
    data = base64.b64encode(b'{"temp": 21.5}').decode()
    event = {"Records": [{"kinesis": {"sequenceNumber": "4959", "data": data}}]}
    (item,) = split(Envelope.KINESIS, event)
    assert (item.record_id, decode_payload(item, LIMIT)) == ("4959", {"temp": 21.5})


def test_eventbridge_detail_is_the_payload() -> None:
    event = {"source": "shop", "detail-type": "OrderPlaced", "detail": {"id": 7}}
    assert decode_one(Envelope.EVENTBRIDGE, event) == {"id": 7}


def test_eventbridge_without_detail_is_a_bad_envelope() -> None:
    assert failure(Envelope.EVENTBRIDGE, {"source": "shop"}) == (Reason.BAD_ENVELOPE, "$")


def test_raw_envelope_is_the_whole_event() -> None:
    assert decode_one(Envelope.RAW, {"orderId": 3}) == {"orderId": 3}


# -- DynamoDB ----------------------------------------------------------------------------------


def test_dynamodb_image_is_converted_to_plain_json() -> None:
    image = {
        "pk": {"S": "user#1"},
        "age": {"N": "42"},
        "score": {"N": "12.5"},
        "big": {"N": "1E+3"},
        "active": {"BOOL": True},
        "nothing": {"NULL": True},
        "avatar": {"B": "aGVsbG8="},
        "tags": {"SS": ["a", "b"]},
        "lucky": {"NS": ["7", "0.5"]},
        "blobs": {"BS": ["AA=="]},
        "address": {"M": {"city": {"S": "Lyon"}, "zip": {"N": "69001"}}},
        "history": {"L": [{"N": "1"}, {"S": "two"}, {"L": []}]},
    }
    assert from_dynamodb_image(image) == {
        "pk": "user#1",
        "age": 42,
        "score": 12.5,
        "big": 1000,
        "active": True,
        "nothing": None,
        "avatar": "aGVsbG8=",
        "tags": ["a", "b"],
        "lucky": [7, 0.5],
        "blobs": ["AA=="],
        "address": {"city": "Lyon", "zip": 69001},
        "history": [1, "two", []],
    }


@pytest.mark.parametrize(
    ("image", "path"),
    [
        pytest.param({"a": {"S": 1}}, "$.a", id="string-not-str"),
        pytest.param({"a": {"N": "1x"}}, "$.a", id="bad-number"),
        pytest.param({"a": {"S": "x", "N": "1"}}, "$.a", id="two-types"),
        pytest.param({"a": {"M": {"b": {"X": "?"}}}}, "$.a.b", id="unknown-type"),
        pytest.param({"a": {"L": [{"N": "1"}, "raw"]}}, "$.a[1]", id="list-member"),
        pytest.param({"a": {"NULL": False}}, "$.a", id="null-false"),
    ],
)
def test_malformed_dynamodb_image_is_a_bad_envelope(image: dict[str, Any], path: str) -> None:
    with pytest.raises(PayloadError) as caught:
        from_dynamodb_image(image)
    assert (caught.value.reason, caught.value.path) == (Reason.BAD_ENVELOPE, path)


def test_too_deep_dynamodb_image_is_refused() -> None:
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(70):
        value = {"L": [value]}
    with pytest.raises(PayloadError) as caught:
        from_dynamodb_image({"a": value})
    assert caught.value.reason is Reason.BAD_ENVELOPE


def test_dynamodb_remove_record_has_no_payload() -> None:
    event = {"Records": [{"dynamodb": {"SequenceNumber": "111", "Keys": {"pk": {"S": "x"}}}}]}
    (item,) = split(Envelope.DYNAMODB, event)
    assert (item.absent, decode_payload(item, LIMIT)) == (True, None)


# -- the handler's view ------------------------------------------------------------------------


def test_payload_of_a_record_event_is_refused() -> None:
    validated = ValidatedEvent(
        envelope=Envelope.SQS, event={}, records=(ValidatedRecord({"a": 1}, {}, "m-1", 0),)
    )
    with pytest.raises(TypeError, match=r"^sqs events carry records; read \.records$"):
        _ = validated.payload
    assert validated.payloads == ({"a": 1},)


def test_payload_of_a_single_payload_event() -> None:
    validated = ValidatedEvent(
        envelope=Envelope.EVENTBRIDGE, event={}, records=(ValidatedRecord({"a": 1}, {}),)
    )
    assert validated.payload == {"a": 1}
