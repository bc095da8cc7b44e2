"""@validate second pass (issue 10): models, routes, parameters, refusals, poison records, looseness."""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from faasguard_runtime import events
from faasguard_runtime.events import SecurityEvent
from faasguard_runtime.validate import (
    DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE,
    Envelope,
    FieldError,
    Route,
    SchemaError,
    ValidatedEvent,
    validate,
)
from test_validate_decorator import (
    ORDER,
    Recorder,
    http_api_event,
    kinesis_event,
    refusal,
    reject_events,
    rest_event,
    sqs_event,
)

pydantic = pytest.importorskip("pydantic")


@dataclass
class Context:
    aws_request_id: str = "req-42"


class Order(pydantic.BaseModel):  # type: ignore[name-defined,misc]
    model_config = pydantic.ConfigDict(extra="forbid")
    sku: str
    qty: pydantic.PositiveInt  # type: ignore[name-defined]


# -- Pydantic models ----------------------------------------------------------------------------


def test_model_gives_the_handler_a_typed_object() -> None:
    handler = Recorder({"statusCode": 200, "body": "{}"})
    validate(event_schema=Order)(handler)(rest_event('{"sku": "A", "qty": 2}'), Context())
    payload = handler.calls[0][0].payload
    assert isinstance(payload, Order)
    assert (payload.sku, payload.qty) == ("A", 2)


def test_type_adapter_validates_batches(security_events: list[SecurityEvent]) -> None:
    adapter = pydantic.TypeAdapter(list[int])
    handler = Recorder()
    result = validate(event_schema=adapter)(handler)(sqs_event("[1, 2]", '["x"]'), Context())
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert handler.calls[0][0].payloads == ([1, 2],)
    assert reject_events(security_events) == [
        refusal(
            {"path": "$[0]", "reason": "schema", "record": 1, "record_id": "m-1"}, envelope="sqs"
        )
    ]


def test_model_refusal_names_the_field_and_never_the_value() -> None:
    reply = validate(event_schema=Order)(Recorder())(
        rest_event('{"sku": "A", "qty": -1, "password": "hunter2"}'), Context()
    )
    assert reply["statusCode"] == 400
    assert json.loads(reply["body"]) == {
        "error": "invalid request",
        "reason": "schema",
        "path": "$.qty",
    }
    assert "hunter2" not in reply["body"]


def test_response_model_refuses_a_leaking_response() -> None:
    class Public(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        model_config = pydantic.ConfigDict(extra="forbid")
        id: str

    leaking = Recorder({"statusCode": 200, "body": json.dumps({"id": "1", "ssn": "x"})})
    reply = validate(response_schema=Public)(leaking)(rest_event("{}"), Context())
    assert (reply["statusCode"], json.loads(reply["body"])) == (500, {"error": "internal error"})


# -- routes and parameters -----------------------------------------------------------------------


def route_event(method: str, path: str, body: str | None = None, **extra: Any) -> dict[str, Any]:
    event = http_api_event(body)
    event["routeKey"] = f"{method} {path}"
    event.update(extra)
    return event


ROUTES = {
    "GET /health": Route(),
    "POST /orders": Route(body=ORDER, response={"type": "object", "required": ["id"]}),
    "GET /orders/{id}": Route(
        path={"type": "object", "properties": {"id": {"pattern": "^o-[0-9]+$"}}}
    ),
}


def test_routes_pick_the_schema_by_method_and_path() -> None:
    handler = Recorder({"statusCode": 200, "body": '{"id": "o-1"}'})
    wrapped = validate(routes=ROUTES)(handler)
    assert wrapped(route_event("GET", "/health"), Context())["statusCode"] == 200
    assert handler.calls[-1][0].route == "GET /health"
    assert (
        wrapped(route_event("POST", "/orders", '{"sku": "A", "qty": 1}'), Context())["statusCode"]
        == 200
    )
    refused = wrapped(route_event("POST", "/orders", '{"sku": "A"}'), Context())
    assert json.loads(refused["body"]) == {
        "error": "invalid request",
        "reason": "schema",
        "path": "$",
    }
    assert len(handler.calls) == 2


def test_path_parameters_are_validated() -> None:
    handler = Recorder({"statusCode": 200, "body": "{}"})
    wrapped = validate(routes=ROUTES)(handler)
    good = route_event("GET", "/orders/{id}", pathParameters={"id": "o-7"})
    assert wrapped(good, Context())["statusCode"] == 200
    assert handler.calls[0][0].path == {"id": "o-7"}
    bad = route_event("GET", "/orders/{id}", pathParameters={"id": "../etc"})
    assert json.loads(wrapped(bad, Context())["body"]) == {
        "error": "invalid request",
        "reason": "schema",
        "path": "path.id",
    }


def test_unknown_route_is_a_404_and_an_event(security_events: list[SecurityEvent]) -> None:
    reply = validate(routes=ROUTES)(Recorder())(route_event("DELETE", "/orders"), Context())
    assert (reply["statusCode"], json.loads(reply["body"])) == (404, {"error": "not found"})
    assert reject_events(security_events) == [
        refusal({"path": "$", "reason": "unknown-route"}, envelope="api-gateway-http")
    ]


def test_query_and_header_schemas() -> None:
    handler = Recorder({"statusCode": 200, "body": "{}"})
    wrapped = validate(
        query_schema={"type": "object", "properties": {"page": {"pattern": "^[0-9]{1,4}$"}}},
        header_schema={"type": "object", "required": ["x-api-key"]},
    )(handler)
    event = rest_event(None)
    event["queryStringParameters"] = {"page": "2"}
    event["headers"] = {"X-Api-Key": "k"}
    assert wrapped(event, Context())["statusCode"] == 200
    assert (handler.calls[0][0].query, handler.calls[0][0].headers) == (
        {"page": "2"},
        {"x-api-key": "k"},
    )
    event["queryStringParameters"] = {"page": "x"}
    assert json.loads(wrapped(event, Context())["body"])["path"] == "query.page"
    # strict closes the query schema too: an unexpected parameter is refused (at the object).
    event["queryStringParameters"] = {"page": "2", "debug": "1"}
    assert json.loads(wrapped(event, Context())["body"])["path"] == "query"
    event["queryStringParameters"] = {"page": "2"}
    del event["headers"]
    assert json.loads(wrapped(event, Context())["body"])["path"] == "headers"


# -- refusals, request context, handler errors, responses ----------------------------------------

CORS = {"access-control-allow-origin": "https://shop.example", "vary": "Origin"}


def test_refusals_carry_the_configured_headers() -> None:
    reply = validate(event_schema=ORDER, refusal_headers=CORS)(Recorder())(
        rest_event("{}"), Context()
    )
    assert reply["headers"] == {**CORS, "content-type": "application/json"}


def test_refusal_headers_cannot_change_the_content_type() -> None:
    with pytest.raises(ValueError, match="content-type"):
        validate(refusal_headers={"Content-Type": "text/html"})


def test_request_id_comes_from_the_context(security_events: list[SecurityEvent]) -> None:
    validate(event_schema=ORDER)(Recorder())(rest_event("{}"), Context("req-abc"))
    assert [e.request_id for e in security_events] == ["req-abc"]


def test_handler_exception_becomes_a_generic_500_and_an_event(
    security_events: list[SecurityEvent],
) -> None:
    def handler(validated: ValidatedEvent, context: Any) -> Any:
        raise RuntimeError("db password=hunter2 at /var/task/db.py")

    reply = validate(refusal_headers=CORS)(handler)(rest_event("{}"), Context())
    assert reply == {
        "statusCode": 500,
        "headers": {**CORS, "content-type": "application/json"},
        "body": '{"error":"internal error"}',
    }
    assert reject_events(security_events) == [
        (
            "validate",
            "handler-error",
            "block",
            {"envelope": "api-gateway-rest", "exception": "RuntimeError"},
        )
    ]


def test_non_http_handler_exception_is_raised_for_the_retry() -> None:
    def handler(validated: ValidatedEvent, context: Any) -> Any:
        raise RuntimeError("retry me")

    with pytest.raises(RuntimeError, match="retry me"):
        validate()(handler)(sqs_event("{}"), Context())


@pytest.mark.parametrize("status", [204, 301, 302, 304])
def test_bodiless_responses_pass_a_response_schema(status: int) -> None:
    result = {"statusCode": status, "headers": {"location": "/x"}}
    wrapped = validate(response_schema={"type": "object", "required": ["id"]})(Recorder(result))
    assert wrapped(rest_event("{}"), Context()) == result


def test_response_headers_are_checked_like_bodies(security_events: list[SecurityEvent]) -> None:
    # Only the headers the API means to send; a debug header carrying internals is refused.
    allowed = {
        "type": "object",
        "properties": {"content-type": {"const": "application/json"}},
        "additionalProperties": False,
    }
    ok = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}
    wrapped = validate(response_header_schema=allowed)(Recorder(ok))
    assert wrapped(rest_event("{}"), Context()) == ok
    leaking = {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Debug-Sql": "select * from users"},
        "body": "{}",
    }
    reply = validate(response_header_schema=allowed)(Recorder(leaking))(rest_event("{}"), Context())
    assert (reply["statusCode"], json.loads(reply["body"])) == (500, {"error": "internal error"})
    assert "select" not in json.dumps(reply)
    assert reject_events(security_events) == [
        refusal(
            {"path": "headers", "reason": "schema"}, envelope="api-gateway-rest", stage="response"
        )
    ]


# -- schema support ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            {"type": "object", "unevaluatedProperties": False},
            "event_schema: keyword 'unevaluatedProperties' at $ is not enforced",
        ),
        (
            {"properties": {"a": {"dependentRequired": {"a": ["b"]}}}},
            "event_schema: keyword 'dependentRequired' at $.properties.a is not enforced",
        ),
        (
            {"type": "array", "prefixItems": [{"type": "string"}]},
            "event_schema: keyword 'prefixItems' at $ is not enforced",
        ),
        (
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"},
            "event_schema: $schema 'https://json-schema.org/draft/2020-12/schema' is not supported",
        ),
        (
            {"$schema": "https://json-schema.org/draft/2019-09/schema"},
            "event_schema: $schema 'https://json-schema.org/draft/2019-09/schema' is not supported",
        ),
    ],
)
def test_unenforced_keywords_and_drafts_are_refused(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        validate(event_schema=schema)
    assert str(caught.value).startswith(message)


def test_draft_7_schema_is_accepted() -> None:
    validate(event_schema={"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"})


# -- looseness -----------------------------------------------------------------------------------


@pytest.mark.parametrize("qty", ["1.0", "1e2", "2E0"])
def test_integral_floats_reach_the_handler_as_ints(qty: str) -> None:
    handler = Recorder({"statusCode": 200, "body": "{}"})
    validate(event_schema=ORDER)(handler)(rest_event(f'{{"sku": "A", "qty": {qty}}}'), Context())
    payload = handler.calls[0][0].payload
    assert type(payload["qty"]) is int
    assert payload["qty"] == int(float(qty))


def test_fractional_number_still_fails_integer() -> None:
    reply = validate(event_schema=ORDER)(Recorder())(
        rest_event('{"sku": "A", "qty": 1.5}'), Context()
    )
    assert json.loads(reply["body"])["path"] == "$.qty"


@pytest.mark.parametrize(
    "body",
    ['{"sku": "\\ud800", "qty": 1}', '{"\\udc00": 1}', '{"sku": "a\\ud800b", "qty": 1}'],
)
def test_lone_surrogate_escapes_are_refused(body: str) -> None:
    handler = Recorder()
    reply = validate()(handler)(rest_event(body), Context())
    assert json.loads(reply["body"]) == {"error": "invalid request", "reason": "bad-encoding"}
    assert handler.calls == []


def test_paired_surrogate_escape_is_accepted() -> None:
    handler = Recorder({"statusCode": 200, "body": "{}"})
    validate()(handler)(rest_event('{"sku": "\\ud83d\\ude00"}'), Context())
    assert handler.calls[0][0].payload == {"sku": "\U0001f600"}


def test_raw_lone_surrogate_in_the_body_string_is_refused() -> None:
    reply = validate()(Recorder())(rest_event('{"sku": "\ud800"}'), Context())
    assert json.loads(reply["body"]) == {"error": "invalid request", "reason": "bad-encoding"}


def test_base64_with_non_zero_padding_bits_is_refused() -> None:
    canonical = base64.b64encode(b'{"a": 1}').decode()  # eyJhIjogMX0=
    assert canonical.endswith("X0=")
    handler = Recorder({"statusCode": 200, "body": "{}"})
    wrapped = validate()(handler)
    assert wrapped(rest_event(canonical, b64=True), Context())["statusCode"] == 200
    forged = canonical[:-2] + "1="  # same bytes when decoded, different text
    assert base64.b64decode(forged) == base64.b64decode(canonical)
    reply = wrapped(rest_event(forged, b64=True), Context())
    assert json.loads(reply["body"]) == {"error": "invalid request", "reason": "bad-encoding"}


# -- poison records on ordered sources -----------------------------------------------------------


def test_each_trigger_has_its_own_size_cap() -> None:
    assert DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE[Envelope.KINESIS] == 1024 * 1024
    assert DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE[Envelope.SQS] == 1024 * 1024
    assert DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE[Envelope.API_GATEWAY_REST] == 256 * 1024


def test_legitimate_300_kb_kinesis_record_is_accepted() -> None:
    record = json.dumps({"sku": "A", "qty": 1, "note": "x" * 300_000}).encode()
    handler = Recorder()
    schema = {**ORDER, "properties": {**ORDER["properties"], "note": {"type": "string"}}}
    result = validate(event_schema=schema)(handler)(kinesis_event(record), Context())
    assert result is None
    assert handler.calls[0][0].payloads[0]["note"] == "x" * 300_000


def test_drop_keeps_an_ordered_source_moving(security_events: list[SecurityEvent]) -> None:
    handler = Recorder()
    event = kinesis_event(b'{"sku": "A", "qty": 1}', b"\xff\xfe", b'{"sku": "C", "qty": 1}')
    result = validate(event_schema=ORDER, on_refused="drop")(handler)(event, Context())
    assert result is None  # nothing failed: the poison record is not retried
    validated = handler.calls[0][0]
    assert validated.payloads == ({"sku": "A", "qty": 1}, {"sku": "C", "qty": 1})
    assert validated.dropped == 1
    assert [(e.action, e.detail["errors"]) for e in security_events] == [
        ("drop", [{"path": "$", "reason": "bad-encoding", "record": 1, "record_id": "seq-1"}])
    ]


def test_handler_is_not_called_when_every_record_is_dropped() -> None:
    handler = Recorder()
    wrapped = validate(event_schema=ORDER, on_refused="drop")(handler)
    assert wrapped(sqs_event('{"sku": 1}', "not json"), Context()) == {"batchItemFailures": []}
    assert handler.calls == []


def test_dead_letter_receives_the_refused_record() -> None:
    sent: list[tuple[str, str]] = []

    def dead_letter(record: Any, error: FieldError) -> None:
        sent.append((record["messageId"], error.reason.value))

    event = sqs_event('{"sku": "A", "qty": 1}', '{"sku": "B"}', fifo=True)
    handler = Recorder()
    result = validate(event_schema=ORDER, on_refused="dead-letter", dead_letter=dead_letter)(
        handler
    )(event, Context())
    assert result is None
    assert sent == [("m-1", "schema")]
    assert handler.calls[0][0].payloads == ({"sku": "A", "qty": 1},)


def test_failing_dead_letter_target_makes_the_record_fail() -> None:
    def dead_letter(record: Any, error: FieldError) -> None:
        raise ConnectionError("queue down")

    event = sqs_event('{"sku": "B"}', '{"sku": "A", "qty": 1}', fifo=True)
    result = validate(event_schema=ORDER, on_refused="dead-letter", dead_letter=dead_letter)(
        Recorder()
    )(event, Context())
    # FIFO: the failed record and everything after it are retried, in order.
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-0"}, {"itemIdentifier": "m-1"}]}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"on_refused": "skip"}, "on_refused must be one of fail, drop, dead-letter"),
        ({"on_refused": "dead-letter"}, "dead_letter is required"),
        ({"dead_letter": print}, "dead_letter is required"),
    ],
)
def test_bad_on_refused_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate(**options)


# -- Powertools batch and logger -----------------------------------------------------------------


def test_powertools_batch_processor_sees_only_accepted_records() -> None:
    pytest.importorskip("aws_lambda_powertools")
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from faasguard_runtime.powertools import accepted_batch

    processed: list[str] = []
    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record: Any) -> None:
        if json.loads(record.body)["sku"] == "BOOM":
            raise RuntimeError("downstream failure")
        processed.append(record.message_id)

    @validate(event_schema=ORDER)
    def handler(validated: ValidatedEvent, context: Any) -> Any:
        return process_partial_response(
            event=accepted_batch(validated),
            record_handler=record_handler,
            processor=processor,
            context=context,
        )

    event = sqs_event('{"sku": "A", "qty": 1}', '{"sku": 5}', '{"sku": "BOOM", "qty": 1}')
    assert handler(event, Context()) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]
    }
    assert processed == ["m-0"]


def test_security_events_reach_the_powertools_logger(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("aws_lambda_powertools")
    from aws_lambda_powertools import Logger
    from faasguard_runtime.powertools import log_events

    logger = Logger(service="orders", level=logging.INFO)
    sink = log_events(logger)
    try:
        validate(event_schema=ORDER)(Recorder())(rest_event("{}"), Context("req-9"))
    finally:
        events.remove_sink(sink)
        events.set_stdout(True)
    # One line per event, written by the Logger (the plain JSON line is replaced).
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert (line["level"], line["service"], line["message"]) == (
        "WARNING",
        "orders",
        "faasguard security event",
    )
    assert (line["faasguard_event"], line["action"], line["request_id"]) == (
        "validate",
        "reject",
        "req-9",
    )
    assert line["detail"]["errors"] == [{"path": "$", "reason": "schema"}]
