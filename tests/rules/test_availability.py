from __future__ import annotations

from typing import Any

import pytest
from builders import (
    FILE,
    Brief,
    api,
    application,
    briefs,
    context,
    function,
    public_route,
    resource,
    trigger,
    url,
)

from faasguard.findings import Severity
from faasguard.model import AppFormat, AuthKind, Throttling, TriggerKind, Unknown
from faasguard.rules.availability import (
    ApiWithoutThrottling,
    AsyncFunctionWithoutDlq,
    PublicFunctionWithoutConcurrencyLimit,
    QueueVisibilityTimeoutTooShort,
    TimeoutExceedsApiLimit,
)

# --- FG7001 public-function-without-concurrency-limit --------------------------------------


def test_public_route_without_reserved_concurrency_fails() -> None:
    fn = function("search", line=7, triggers=(public_route(auth=AuthKind.JWT),))
    findings = list(PublicFunctionWithoutConcurrencyLimit().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG7001", "search", "searchFn", FILE, 7, Severity.MEDIUM)]
    assert "http-api `GET /orders`" in findings[0].message
    assert "`reservedConcurrency: 50`" in findings[0].remediation


def test_public_function_url_without_reserved_concurrency_fails() -> None:
    fn = function("hook", line=7, url=url("NONE"))
    app = application([fn], fmt=AppFormat.SAM)
    findings = list(PublicFunctionWithoutConcurrencyLimit().check(fn, context(app)))
    assert briefs(findings) == [Brief("FG7001", "hook", "hookFn", FILE, 7, Severity.MEDIUM)]
    assert "public function URL" in findings[0].message
    assert "`ReservedConcurrentExecutions: 50`" in findings[0].remediation


@pytest.mark.parametrize("reserved", [0, 100, Unknown("${param:concurrency}", "parameter")])
def test_reserved_concurrency_set_or_unknown_passes(reserved: Any) -> None:
    fn = function("search", reserved_concurrency=reserved, triggers=(public_route(),))
    assert list(PublicFunctionWithoutConcurrencyLimit().check(fn, context(application([fn])))) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"triggers": (trigger(TriggerKind.SQS),)},
        {"triggers": (trigger(TriggerKind.REST_API, internet_reachable=None),)},
        {"url": url("AWS_IAM")},
        {"url": url(Unknown("!Ref Auth", "parameter"))},
        {},
    ],
)
def test_not_internet_reachable_or_unknown_passes(changes: dict[str, Any]) -> None:
    fn = function("worker", **changes)
    assert list(PublicFunctionWithoutConcurrencyLimit().check(fn, context(application([fn])))) == []


# --- FG7002 timeout-exceeds-api-limit ------------------------------------------------------


def test_rest_api_timeout_over_29_seconds_fails_once_per_function() -> None:
    fn = function(
        "report",
        line=7,
        timeout=60,
        triggers=(
            public_route(TriggerKind.HTTP_API, line=20, path="/a"),
            public_route(TriggerKind.REST_API, line=24, path="/b"),
        ),
    )
    findings = list(TimeoutExceedsApiLimit().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG7002", "report", "reportFn", FILE, 7, Severity.LOW)]
    assert "60 s timeout" in findings[0].message
    assert "rest-api `GET /b` route (and 1 more) gives up after 29 s" in findings[0].message
    assert "`timeout: 29`" in findings[0].remediation


@pytest.mark.parametrize(
    ("kind", "timeout", "expected"),
    [
        (TriggerKind.REST_API, 29, False),
        (TriggerKind.REST_API, 30, True),
        (TriggerKind.HTTP_API, 30, False),
        (TriggerKind.HTTP_API, 31, True),
    ],
)
def test_api_limit_boundaries(kind: TriggerKind, timeout: int, expected: bool) -> None:
    fn = function("report", timeout=timeout, triggers=(public_route(kind),))
    findings = list(TimeoutExceedsApiLimit().check(fn, context(application([fn]))))
    assert bool(findings) is expected


def test_rest_api_limit_is_configurable() -> None:
    fn = function("report", timeout=120, triggers=(public_route(TriggerKind.REST_API),))
    raised = context(
        application([fn]), extra={"timeout-exceeds-api-limit": {"rest_api_limit_seconds": 120}}
    )
    assert list(TimeoutExceedsApiLimit().check(fn, raised)) == []


@pytest.mark.parametrize("bad", ["thirty", 0, -1, True, 29.5])
def test_rest_api_limit_option_must_be_a_positive_integer(bad: Any) -> None:
    fn = function("report", timeout=120, triggers=(public_route(TriggerKind.REST_API),))
    ctx = context(
        application([fn]), extra={"timeout-exceeds-api-limit": {"rest_api_limit_seconds": bad}}
    )
    with pytest.raises(ValueError, match="rest_api_limit_seconds"):
        list(TimeoutExceedsApiLimit().check(fn, ctx))


@pytest.mark.parametrize(
    "changes",
    [
        {"timeout": None},  # platform default: 3 s (6 s in Serverless)
        {"timeout": Unknown("${self:custom.timeout}", "variable")},
        {"timeout": 900, "triggers": (trigger(TriggerKind.SQS),)},
        {"timeout": 900, "triggers": (public_route(TriggerKind.FUNCTION_URL),)},
    ],
)
def test_timeout_default_unknown_or_non_api_passes(changes: dict[str, Any]) -> None:
    base: dict[str, Any] = {"triggers": (public_route(TriggerKind.REST_API),)}
    fn = function("report", **{**base, **changes})
    assert list(TimeoutExceedsApiLimit().check(fn, context(application([fn])))) == []


# --- FG7003 queue-visibility-timeout-too-short ---------------------------------------------


def _queue(visibility: Any = None, *, rid: str = "JobsQueue", name: str | None = None) -> Any:
    props: dict[str, Any] = {}
    if visibility is not None:
        props["VisibilityTimeout"] = visibility
    if name is not None:
        props["QueueName"] = name
    return resource(rid, "AWS::SQS::Queue", line=80, properties=props)


def _sqs_findings(
    *,
    timeout: Any,
    visibility: Any = None,
    source: Any = "JobsQueue",
    fmt: AppFormat = AppFormat.SAM,
) -> list[Any]:
    fn = function(
        "worker", timeout=timeout, triggers=(trigger(TriggerKind.SQS, line=33, source=source),)
    )
    app = application([fn], fmt=fmt, resources=[_queue(visibility), _queue(rid="OtherQueue")])
    return list(QueueVisibilityTimeoutTooShort().check(fn, context(app)))


def test_visibility_below_function_timeout_is_medium() -> None:
    findings = _sqs_findings(timeout=60, visibility=45)
    assert briefs(findings) == [Brief("FG7003", "worker", "JobsQueue", FILE, 33, Severity.MEDIUM)]
    assert findings[0].title == "Queue visibility timeout shorter than the function can run"
    assert "hides messages for 45 s" in findings[0].message
    assert "may run for 60 s" in findings[0].message
    assert (
        "`VisibilityTimeout: 360` on the `AWS::SQS::Queue` `JobsQueue`" in findings[0].remediation
    )


def test_visibility_default_30_below_six_times_timeout_is_low() -> None:
    findings = _sqs_findings(timeout=10)  # 30 s default < 60 s recommended
    assert briefs(findings) == [Brief("FG7003", "worker", "JobsQueue", FILE, 33, Severity.LOW)]
    # Title and message agree with the evidence: 30 s is not shorter than the 10 s timeout.
    assert findings[0].title == "Queue visibility timeout under six times the function timeout"
    assert findings[0].message == (
        "Queue `JobsQueue` hides messages for 30 s, at least as long as function `worker` may "
        "run (10 s), but under the 60 s AWS recommends (6 x the function timeout) so retries "
        "after throttling do not redeliver messages."
    )
    assert findings[0].evidence == "VisibilityTimeout: 30; function timeout: 10"


@pytest.mark.parametrize(("visibility", "expected"), [(59, Severity.LOW), (60, None), ("60", None)])
def test_six_times_boundary(visibility: Any, expected: Severity | None) -> None:
    findings = _sqs_findings(timeout=10, visibility=visibility)
    assert [f.severity for f in findings] == ([expected] if expected else [])


def test_unset_timeout_uses_platform_default() -> None:
    # Lambda default 3 s: 6 x 3 = 18 <= 30 -> fine.
    assert _sqs_findings(timeout=None) == []
    # Serverless default 6 s: 6 x 6 = 36 > 30 -> low.
    findings = _sqs_findings(timeout=None, fmt=AppFormat.SERVERLESS)
    assert [f.severity for f in findings] == [Severity.LOW]
    assert "may run (6 s)" in findings[0].message


@pytest.mark.parametrize(
    "source",
    [
        Unknown('{"Fn::GetAtt": ["JobsQueue", "Arn"]}', "deploy-time attribute"),
        "arn:aws:sqs:eu-west-1:123456789012:JobsQueue",
        "JobsQueue",
    ],
)
def test_queue_found_by_logical_id_arn_or_expression(source: Any) -> None:
    assert [f.resource for f in _sqs_findings(timeout=60, visibility=45, source=source)] == [
        "JobsQueue"
    ]


def test_queue_found_by_queue_name() -> None:
    fn = function(
        "worker",
        timeout=60,
        triggers=(trigger(TriggerKind.SQS, source="arn:aws:sqs:eu-west-1:1:jobs-prod"),),
    )
    app = application([fn], resources=[_queue(45, name="jobs-prod")])
    findings = list(QueueVisibilityTimeoutTooShort().check(fn, context(app)))
    assert [f.resource for f in findings] == ["JobsQueue"]
    assert "`resources.Resources.JobsQueue.Properties`" in findings[0].remediation


@pytest.mark.parametrize(
    ("timeout", "visibility", "source"),
    [
        (60, Unknown("!Ref Visibility", "parameter"), "JobsQueue"),
        (Unknown("!Ref Timeout", "parameter"), 10, "JobsQueue"),
        (60, 45, "arn:aws:sqs:eu-west-1:123456789012:external-queue"),
        (60, 45, Unknown("${cf:other-stack.QueueArn}", "other stack")),
        (60, 45, Unknown('{"Fn::If": ["C", "JobsQueue", "OtherQueue"]}', "condition")),
        (60, 45, None),
        (60, 360, "JobsQueue"),
    ],
)
def test_unknown_external_ambiguous_or_long_enough_passes(
    timeout: Any, visibility: Any, source: Any
) -> None:
    assert _sqs_findings(timeout=timeout, visibility=visibility, source=source) == []


# --- FG7004 async-function-without-dlq -----------------------------------------------------


def test_async_function_without_dlq_fails() -> None:
    fn = function(
        "thumbs",
        line=7,
        triggers=(trigger(TriggerKind.S3), trigger(TriggerKind.SNS), trigger(TriggerKind.SQS)),
    )
    findings = list(AsyncFunctionWithoutDlq().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG7004", "thumbs", "thumbsFn", FILE, 7, Severity.MEDIUM)]
    assert "(s3, sns)" in findings[0].message
    assert "discarded" in findings[0].message
    assert "`destinations.onFailure" in findings[0].remediation


@pytest.mark.parametrize(
    "changes",
    [
        {"dead_letter": "arn:aws:sqs:eu-west-1:1:dlq"},
        {"on_failure": "arn:aws:sns:eu-west-1:1:failures"},
        {"dead_letter": Unknown("!GetAtt Dlq.Arn", "deploy-time")},
        {"triggers": (trigger(TriggerKind.SQS), public_route())},
        {"triggers": ()},
    ],
)
def test_dlq_set_unknown_or_sync_only_passes(changes: dict[str, Any]) -> None:
    base: dict[str, Any] = {"triggers": (trigger(TriggerKind.EVENTBRIDGE),)}
    fn = function("thumbs", **{**base, **changes})
    assert list(AsyncFunctionWithoutDlq().check(fn, context(application([fn])))) == []


def test_dlq_remediation_for_cloudformation() -> None:
    fn = function("thumbs", triggers=(trigger(TriggerKind.SCHEDULE),))
    ctx = context(application([fn], fmt=AppFormat.CLOUDFORMATION))
    (finding,) = AsyncFunctionWithoutDlq().check(fn, ctx)
    assert "`DeadLetterConfig.TargetArn`" in finding.remediation


# --- FG7005 api-without-throttling ---------------------------------------------------------


@pytest.mark.parametrize("throttling", [None, Throttling()])
def test_api_without_throttling_fails(throttling: Throttling | None) -> None:
    a = api("HttpApi", TriggerKind.HTTP_API, line=5, throttling=throttling, functions=("a", "b"))
    app = application(apis=[a], fmt=AppFormat.SAM)
    findings = list(ApiWithoutThrottling().check(a, context(app)))
    assert briefs(findings) == [Brief("FG7005", None, "HttpApi", FILE, 5, Severity.MEDIUM)]
    assert "serving `a`, `b`" in findings[0].message
    assert "`DefaultRouteSettings:" in findings[0].remediation


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (TriggerKind.REST_API, "`MethodSettings:"),
        (TriggerKind.WEBSOCKET, "`AWS::ApiGatewayV2::Stage`"),
    ],
)
def test_api_without_throttling_remediation_by_api_kind(kind: TriggerKind, key: str) -> None:
    a = api("Api", kind)
    (finding,) = ApiWithoutThrottling().check(a, context(application(apis=[a], fmt=AppFormat.SAM)))
    assert key in finding.remediation


@pytest.mark.parametrize(
    "throttling",
    [
        Throttling(rate_limit=100, burst_limit=50),
        Throttling(burst_limit=50),
        Throttling(rate_limit=Unknown("!Ref Rate", "parameter")),
        Unknown("${self:custom.throttle}", "variable"),
    ],
)
def test_api_with_throttling_or_unknown_passes(throttling: Any) -> None:
    a = api(throttling=throttling)
    assert list(ApiWithoutThrottling().check(a, context(application(apis=[a])))) == []


# --- FG7006 ordered-source-without-failure-limit ----------------------------------------------


def _ordered_findings(
    *triggers: Any, fmt: AppFormat = AppFormat.SAM, resources: tuple[Any, ...] = ()
) -> list[Any]:
    from faasguard.rules.availability import OrderedSourceWithoutFailureLimit

    fn = function("consumer", line=12, triggers=triggers)
    app = application([fn], fmt=fmt, resources=resources)
    return list(OrderedSourceWithoutFailureLimit().check(fn, context(app)))


@pytest.mark.parametrize("kind", [TriggerKind.KINESIS, TriggerKind.DYNAMODB_STREAM])
@pytest.mark.parametrize(
    "props",
    [
        {"StartingPosition": "LATEST"},
        {"MaximumRetryAttempts": -1, "BisectBatchOnFunctionError": True},
    ],
)
def test_stream_with_unlimited_retries_and_no_destination_fails(
    kind: TriggerKind, props: dict[str, Any]
) -> None:
    findings = _ordered_findings(trigger(kind, line=40, source="OrderStream", properties=props))
    assert briefs(findings) == [
        Brief("FG7006", "consumer", "consumerFn", FILE, 40, Severity.MEDIUM)
    ]
    assert findings[0].category == "availability.poison-record-stall"
    assert findings[0].message == (
        f"Function `consumer`'s {kind.value} source retries a failing batch without limit and "
        "has no on-failure destination: one record the function keeps refusing stalls its shard "
        "or message group until it expires."
    )
    assert "`MaximumRetryAttempts: 3`, `BisectBatchOnFunctionError: true` and " in (
        findings[0].remediation
    )


def test_serverless_stream_remediation_uses_serverless_keys() -> None:
    findings = _ordered_findings(
        trigger(TriggerKind.KINESIS, line=40, properties={"batchSize": 100}),
        fmt=AppFormat.SERVERLESS,
    )
    assert briefs(findings) == [
        Brief("FG7006", "consumer", "consumerFn", FILE, 40, Severity.MEDIUM)
    ]
    assert "`maximumRetryAttempts: 3`" in findings[0].remediation


@pytest.mark.parametrize(
    "props",
    [
        {"MaximumRetryAttempts": 3},
        {"maximumRetryAttempts": 0},
        {"MaximumRetryAttempts": Unknown("!Ref Retries", "parameter")},
        {"DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:eu-west-1:1:dlq"}}},
        {"DestinationConfig": Unknown("!If [...]", "condition")},
        {"destinations": {"onFailure": "arn:aws:sns:eu-west-1:1:failures"}},
    ],
)
def test_stream_with_a_retry_limit_or_a_destination_passes(props: dict[str, Any]) -> None:
    assert _ordered_findings(trigger(TriggerKind.KINESIS, properties=props)) == []


def _fifo(rid: str = "OrdersQueue", **props: Any) -> Any:
    return resource(rid, "AWS::SQS::Queue", properties={"FifoQueue": True, **props})


def test_fifo_queue_without_redrive_policy_fails() -> None:
    findings = _ordered_findings(
        trigger(TriggerKind.SQS, line=44, source="OrdersQueue"), resources=(_fifo(),)
    )
    assert briefs(findings) == [
        Brief("FG7006", "consumer", "consumerFn", FILE, 44, Severity.MEDIUM)
    ]
    assert "reads FIFO queue `OrdersQueue`, which has no redrive policy" in findings[0].message
    assert "`RedrivePolicy: {deadLetterTargetArn: ..., maxReceiveCount: 3}`" in (
        findings[0].remediation
    )


@pytest.mark.parametrize(
    "queue",
    [
        _fifo(RedrivePolicy={"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:dlq.fifo"}),
        _fifo(RedrivePolicy=Unknown("!Ref Redrive", "parameter")),
        resource("OrdersQueue", "AWS::SQS::Queue", properties={}),  # standard queue
        _fifo(rid="OtherQueue"),  # not the queue the trigger reads
    ],
)
def test_fifo_with_redrive_standard_queue_or_unknown_queue_passes(queue: Any) -> None:
    found = _ordered_findings(trigger(TriggerKind.SQS, source="OrdersQueue"), resources=(queue,))
    assert found == []
