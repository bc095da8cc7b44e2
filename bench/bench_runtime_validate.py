"""Overhead of faasguard_runtime.validate on typical events.

Run: python bench/bench_runtime_validate.py [--rounds N]

Measures the per-invocation cost added by @validate: the same trivial handler is called with and
without the decorator, and the difference is the overhead. Figures are the best of several rounds
(the least disturbed by the machine), in microseconds per invocation.
Goal: < 50 us for a small API Gateway event.
"""

from __future__ import annotations

import argparse
import base64
import json
import timeit
from collections.abc import Callable
from typing import Any

from faasguard_runtime import events
from faasguard_runtime.validate import ValidatedEvent, validate

ORDER_SCHEMA = {
    "type": "object",
    "properties": {
        "orderId": {"type": "string", "pattern": "^[A-Z0-9-]{6,32}$"},
        "customer": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "maxLength": 64},
                "email": {"type": "string", "format": "email"},
            },
            "required": ["id"],
        },
        "items": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "properties": {
                    "sku": {"type": "string", "maxLength": 32},
                    "qty": {"type": "integer", "minimum": 1, "maximum": 1000},
                    "price": {"type": "number", "minimum": 0},
                },
                "required": ["sku", "qty"],
            },
        },
        "note": {"type": "string", "maxLength": 500},
    },
    "required": ["orderId", "customer", "items"],
}
RESPONSE_SCHEMA = {
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "status": {"type": "string"}},
    "required": ["orderId", "status"],
}
BODY = {
    "orderId": "ORD-2024-000123",
    "customer": {"id": "cus_8f2k1", "email": "jane@example.com"},
    "items": [
        {"sku": "BOOK-1", "qty": 1, "price": 12.5},
        {"sku": "PEN-7", "qty": 3, "price": 1.2},
    ],
    "note": "leave at the door",
}


def api_gateway_event(body: dict[str, Any]) -> dict[str, Any]:
    """A REST API (v1) proxy event as API Gateway sends it, headers and context included."""
    return {
        "resource": "/orders",
        "path": "/orders",
        "httpMethod": "POST",
        "headers": {
            "accept": "application/json",
            "content-type": "application/json",
            "Host": "abc123.execute-api.us-east-1.amazonaws.com",
            "User-Agent": "Mozilla/5.0",
            "X-Amzn-Trace-Id": "Root=1-65a0f0f0-0123456789abcdef01234567",
            "X-Forwarded-For": "203.0.113.10",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        },
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "httpMethod": "POST",
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "Mozilla/5.0"},
            "path": "/prod/orders",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "resourcePath": "/orders",
            "stage": "prod",
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def sqs_event(count: int) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"059f36b4-87a3-44ab-83d2-66197185{i:04d}",
                "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
                "body": json.dumps(BODY),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1545082649183"},
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders",
                "awsRegion": "us-east-1",
            }
            for i in range(count)
        ]
    }


def kinesis_event(count: int) -> dict[str, Any]:
    data = base64.b64encode(json.dumps(BODY).encode()).decode()
    return {
        "Records": [
            {
                "kinesis": {"partitionKey": "1", "sequenceNumber": f"4959{i:020d}", "data": data},
                "eventSource": "aws:kinesis",
                "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
            }
            for i in range(count)
        ]
    }


def http_handler(validated: ValidatedEvent, context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": '{"orderId": "ORD-2024-000123", "status": "accepted"}'}


def raw_http_handler(event: Any, context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": '{"orderId": "ORD-2024-000123", "status": "accepted"}'}


def batch_handler(validated: ValidatedEvent, context: Any) -> None:
    return None


def raw_batch_handler(event: Any, context: Any) -> None:
    return None


def best_us(call: Callable[[], object], *, number: int, rounds: int) -> float:
    """Best (least disturbed) time per call over ``rounds`` rounds, in microseconds."""
    return min(timeit.repeat(call, number=number, repeat=rounds)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    events.set_stdout(False)  # refusals are not measured here; keep the output to the figures

    api_event = api_gateway_event(BODY)
    bad_event = api_gateway_event({**BODY, "items": [{"sku": "X", "qty": 0}]})
    plain = validate(event_schema=ORDER_SCHEMA)(http_handler)
    with_response = validate(event_schema=ORDER_SCHEMA, response_schema=RESPONSE_SCHEMA)(
        http_handler
    )
    auto_sqs = validate(event_schema=ORDER_SCHEMA)(batch_handler)
    auto_kinesis = validate(event_schema=ORDER_SCHEMA)(batch_handler)
    sqs10, kin10 = sqs_event(10), kinesis_event(10)

    assert plain(api_event, None)["statusCode"] == 200
    assert plain(bad_event, None)["statusCode"] == 400
    assert auto_sqs(sqs10, None) is None

    n, r = 20_000, options.rounds
    base_http = best_us(lambda: raw_http_handler(api_event, None), number=n, rounds=r)
    base_batch = best_us(lambda: raw_batch_handler(sqs10, None), number=n, rounds=r)
    rows = [
        ("API Gateway REST, small body, event schema", plain, api_event, base_http, n),
        ("  + response schema", with_response, api_event, base_http, n),
        ("API Gateway REST, refused (400)", plain, bad_event, base_http, n),
        ("SQS batch of 10 records", auto_sqs, sqs10, base_batch, n // 5),
        ("Kinesis batch of 10 records", auto_kinesis, kin10, base_batch, n // 5),
    ]
    print(f"faasguard_runtime.validate overhead (best of {r} rounds, envelope=auto)")
    print(f"{'scenario':48} {'per call':>10} {'overhead':>10}")
    for label, wrapped, event, base, number in rows:
        total = best_us(lambda w=wrapped, e=event: w(e, None), number=number, rounds=r)
        print(f"{label:48} {total:8.1f}us {total - base:8.1f}us")
    print(f"body size: {len(api_event['body'])} bytes; goal: < 50 us for the small event")


if __name__ == "__main__":
    main()
