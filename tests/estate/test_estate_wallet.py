"""Denial-of-wallet rules FG7010-FG7012, each alone, on small models, with exact results."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    Function,
    FunctionUrl,
    Location,
    Resource,
    Role,
    Statement,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
)
from faasguard.rules._wallet import DenialOfWalletCeiling, NoCostAlarm, RecursiveTriggerLoop
from faasguard.rules.availability import RULES
from faasguard.rules.interface import RuleContext, RuleOptions

FILE = "shop/template.yaml"
Row = tuple[str, str | None, str, int | None, Severity, Confidence]


def _loc(line: int | None) -> Location:
    return Location(FILE, line)


def _fn(name: str = "search", **changes: Any) -> Function:
    base = Function(name=name, application="shop", location=_loc(5), resource_id=f"{name}Fn")
    return dataclasses.replace(base, **changes)


def _route(*, api: str = "Api", line: int = 12) -> Trigger:
    return Trigger(
        kind=TriggerKind.REST_API,
        location=_loc(line),
        internet_reachable=True,
        method="GET",
        path="/search",
        api=api,
    )


def _app(
    functions: Iterable[Function] = (),
    *,
    fmt: AppFormat = AppFormat.SAM,
    roles: Iterable[Role] = (),
    resources: Iterable[Resource] = (),
    apis: Iterable[Api] = (),
) -> Application:
    return Application(
        name="shop",
        format=fmt,
        file=FILE,
        root="shop",
        region="us-east-1",
        functions=tuple(functions),
        roles=tuple(roles),
        resources=tuple(resources),
        apis=tuple(apis),
    )


def _ctx(app: Application, options: Mapping[str, Any] | None = None) -> RuleContext:
    extra = {"denial-of-wallet-ceiling": dict(options)} if options is not None else {}
    return RuleContext(app=app, options=RuleOptions(extra=extra))


def _rows(findings: Iterable[Finding]) -> list[Row]:
    return [(f.rule_id, f.function, f.file, f.line, f.severity, f.confidence) for f in findings]


def test_rules_are_registered_in_the_availability_family() -> None:
    assert RULES[-3:] == (DenialOfWalletCeiling, RecursiveTriggerLoop, NoCostAlarm)
    assert [r.id for r in RULES[-3:]] == ["FG7010", "FG7011", "FG7012"]


# --- FG7010 denial-of-wallet-ceiling ---------------------------------------------------------


def test_unthrottled_public_route_reports_the_figure_and_assumptions() -> None:
    fn = _fn(triggers=(_route(),))
    findings = list(DenialOfWalletCeiling().check(fn, _ctx(_app([fn]))))
    assert _rows(findings) == [("FG7010", "search", FILE, 5, Severity.MEDIUM, Confidence.MEDIUM)]
    assert findings[0].message == (
        "Function `search` can be billed up to $140.70 an hour ($3,376.80 a day) by a flood "
        "of requests to rest-api `GET /search`: 1,000 busy executions x 0.125 GB (128 MB, x86_64) x "
        "3,600 s at $0.0000166667 per GB-s = $7.50; 10,000 requests/s x 3,600 x ($0.20 Lambda "
        "+ $3.50 REST API per million) = $133.20. Assumptions: memory not set: the default 128 "
        "MB; timeout not set: the default 3 s; no reserved concurrency: the account's quota of "
        "1,000 concurrent executions (shared with every other function); API Gateway's account "
        "limit of 10,000 requests/s (no stage throttle); 10,000 requests/s: Lambda's limit of "
        "10 per concurrent execution; every request runs the full 3 s timeout; us-east-1 list "
        "prices of 2026-12-07."
    )
    assert "`ReservedConcurrentExecutions` in the function's `Properties`" in (
        findings[0].remediation
    )


def test_throttled_route_below_the_bar_says_nothing() -> None:
    fn = _fn(triggers=(_route(),))
    rest = Api("Api", TriggerKind.REST_API, _loc(2), throttling=Throttling(100, 50))
    # 1,000 x min(1000, 300)=300 busy: 300 x 0.125 x 3600 x p = 2.25 + 360,000 x 3.70/M = 1.33
    assert list(DenialOfWalletCeiling().check(fn, _ctx(_app([fn], apis=[rest])))) == []


def test_internal_function_is_never_reported_even_with_no_bar() -> None:
    queue = Trigger(kind=TriggerKind.SQS, location=_loc(9), source="Jobs")
    fn = _fn("worker", triggers=(queue,), memory=3008, timeout=900)
    ctx = _ctx(_app([fn]), {"min_usd_per_hour": 0})
    assert list(DenialOfWalletCeiling().check(fn, ctx)) == []


def test_bar_option_reports_a_cheap_public_url() -> None:
    fn = _fn("export", url=FunctionUrl(auth_type="NONE", location=_loc(20)))
    assert list(DenialOfWalletCeiling().check(fn, _ctx(_app([fn])))) == []  # $14.70 < $25
    findings = list(DenialOfWalletCeiling().check(fn, _ctx(_app([fn]), {"min_usd_per_hour": 10})))
    assert _rows(findings) == [("FG7010", "export", FILE, 5, Severity.MEDIUM, Confidence.MEDIUM)]
    assert "up to $14.70 an hour" in findings[0].message
    assert "by a flood of requests to public function URL:" in findings[0].message


def test_high_severity_from_the_high_bar_with_a_raised_quota() -> None:
    fn = _fn(triggers=(_route(),), memory=10240, timeout=900)
    # quota 3,000: 3,000 x 10 GB x 3,600 x 0.0000166667 = 1,800.00 + 133.20
    findings = list(
        DenialOfWalletCeiling().check(fn, _ctx(_app([fn]), {"account_concurrency": 3000}))
    )
    assert _rows(findings) == [("FG7010", "search", FILE, 5, Severity.HIGH, Confidence.MEDIUM)]
    assert "up to $1,933.20 an hour ($46,396.80 a day)" in findings[0].message
    assert "the account's quota of 3,000 concurrent executions" in findings[0].message


def test_unresolved_memory_says_nothing() -> None:
    fn = _fn(triggers=(_route(),), memory=Unknown("${ssm:/mem}", "ssm parameter"))
    assert list(DenialOfWalletCeiling().check(fn, _ctx(_app([fn])))) == []


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"account_concurrency": 0}, "account_concurrency must be a positive integer, not 0"),
        ({"account_concurrency": "1000"}, "account_concurrency must be a positive integer"),
        ({"min_usd_per_hour": "lots"}, "min_usd_per_hour must be a number >= 0, not 'lots'"),
        ({"high_usd_per_hour": -1}, "high_usd_per_hour must be a number >= 0, not -1"),
    ],
)
def test_bad_options_fail_loudly(options: dict[str, Any], error: str) -> None:
    fn = _fn(triggers=(_route(),))
    with pytest.raises(ValueError, match=error):
        list(DenialOfWalletCeiling().check(fn, _ctx(_app([fn]), options)))


# --- FG7011 recursive-trigger-loop -----------------------------------------------------------


def _role(*statements: Statement, external: bool = False) -> Role:
    return Role(id="Role", location=_loc(30), statements=statements, external=external)


def _allow(
    actions: tuple[str, ...], resources: tuple[str | Unknown, ...], *, line: int = 33
) -> Statement:
    return Statement(
        effect="Allow",
        actions=actions,
        resources=resources,
        location=_loc(line),
        origin="inline",
    )


def _loop_app(fn: Function, role: Role, *resources: Resource) -> Application:
    return _app([fn], roles=[role], resources=resources)


def test_s3_function_allowed_to_write_its_own_bucket() -> None:
    bucket = Trigger(kind=TriggerKind.S3, location=_loc(40), source="receipts")
    fn = _fn("resize", triggers=(bucket,), role="Role", memory=512, timeout=10)
    role = _role(_allow(("s3:GetObject", "s3:PutObject"), ("arn:aws:s3:::receipts/*",)))
    findings = list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, role))))
    assert _rows(findings) == [("FG7011", "resize", FILE, 40, Severity.LOW, Confidence.MEDIUM)]
    assert findings[0].message == (
        "Function `resize` is triggered by the s3 bucket `receipts` and its role lets it write "
        "there (s3:PutObject on `arn:aws:s3:::receipts/*`, shop/template.yaml:33): each write "
        "starts it again, a loop billed at up to $37.20 an hour (its ceiling), until Lambda's "
        "recursive loop detection (recent AWS SDKs only) or an error breaks it."
    )


def test_sqs_trigger_by_logical_id_and_grant_by_reference_with_wildcard_action() -> None:
    queue = Trigger(kind=TriggerKind.SQS, location=_loc(41), source="Jobs")
    fn = _fn("worker", triggers=(queue,), role="Role")
    role = _role(_allow(("sqs:*",), (Unknown("!GetAtt Jobs.Arn", "deploy-time attribute"),)))
    jobs = Resource("Jobs", "AWS::SQS::Queue", _loc(60))
    findings = list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, role, jobs))))
    assert _rows(findings) == [("FG7011", "worker", FILE, 41, Severity.LOW, Confidence.MEDIUM)]
    assert "sqs:SendMessage on `!GetAtt Jobs.Arn`" in findings[0].message


def test_unresolved_trigger_source_matched_through_the_queue_name() -> None:
    queue = Trigger(
        kind=TriggerKind.SQS,
        location=_loc(41),
        source=Unknown("!GetAtt Jobs.Arn", "deploy-time attribute"),
    )
    fn = _fn("worker", triggers=(queue,), role="Role")
    role = _role(_allow(("sqs:SendMessage",), ("arn:aws:sqs:us-east-1:123456789012:jobs-dev",)))
    jobs = Resource("Jobs", "AWS::SQS::Queue", _loc(60), properties={"QueueName": "jobs-dev"})
    findings = list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, role, jobs))))
    assert _rows(findings) == [("FG7011", "worker", FILE, 41, Severity.LOW, Confidence.MEDIUM)]


def test_sns_topic_by_arn() -> None:
    topic = Trigger(
        kind=TriggerKind.SNS, location=_loc(42), source="arn:aws:sns:us-east-1:1:orders"
    )
    fn = _fn("fanout", triggers=(topic,), role="Role")
    role = _role(_allow(("sns:Publish",), ("arn:aws:sns:us-east-1:1:orders",)))
    findings = list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, role))))
    assert _rows(findings) == [("FG7011", "fanout", FILE, 42, Severity.LOW, Confidence.MEDIUM)]


def test_filtered_s3_trigger_is_low_confidence() -> None:
    bucket = Trigger(
        kind=TriggerKind.S3,
        location=_loc(40),
        source="receipts",
        properties={"rules": [{"prefix": "uploads/"}]},
    )
    fn = _fn("resize", triggers=(bucket,), role="Role")
    role = _role(_allow(("s3:PutObject",), ("arn:aws:s3:::receipts/*",)))
    findings = list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, role))))
    assert _rows(findings) == [("FG7011", "resize", FILE, 40, Severity.LOW, Confidence.LOW)]
    assert findings[0].message.endswith(
        "The trigger filters object keys, so the loop needs written keys to match it."
    )


@pytest.mark.parametrize(
    "statement",
    [
        _allow(("s3:PutObject",), ("*",)),
        _allow(("s3:PutObject",), ("arn:aws:s3:::*",)),
        _allow(("s3:PutObject",), ("arn:aws:s3:::thumbnails/*",)),
        _allow(("s3:GetObject",), ("arn:aws:s3:::receipts/*",)),
        dataclasses.replace(_allow(("s3:PutObject",), ("arn:aws:s3:::receipts/*",)), effect="Deny"),
    ],
)
def test_no_loop_without_a_specific_write_grant(statement: Statement) -> None:
    bucket = Trigger(kind=TriggerKind.S3, location=_loc(40), source="receipts")
    fn = _fn("resize", triggers=(bucket,), role="Role")
    assert list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, _role(statement))))) == []


def test_external_role_is_not_judged() -> None:
    bucket = Trigger(kind=TriggerKind.S3, location=_loc(40), source="receipts")
    fn = _fn("resize", triggers=(bucket,), role="Role")
    role = _role(_allow(("s3:PutObject",), ("arn:aws:s3:::receipts/*",)), external=True)
    assert list(RecursiveTriggerLoop().check(fn, _ctx(_loop_app(fn, role)))) == []


# --- FG7012 no-cost-alarm --------------------------------------------------------------------


def test_costly_public_app_without_alarm_reports_once() -> None:
    search = _fn(triggers=(_route(),))
    worker = _fn("worker")
    findings = list(NoCostAlarm().check(app := _app([search, worker]), _ctx(app)))
    assert _rows(findings) == [("FG7012", None, FILE, None, Severity.LOW, Confidence.LOW)]
    assert findings[0].message == (
        "Application `shop` has functions an outsider can run up a large bill with (`search`; "
        "the worst, `search`, $140.70 an hour) and defines no budget nor any CloudWatch alarm "
        "on Lambda, API Gateway or billing metrics: a flood would be seen on the invoice."
    )


@pytest.mark.parametrize(
    "watch",
    [
        Resource(
            "Alarm", "AWS::CloudWatch::Alarm", _loc(70), properties={"Namespace": "AWS/Lambda"}
        ),
        Resource("Budget", "AWS::Budgets::Budget", _loc(70)),
        Resource(
            "Alarm",
            "AWS::CloudWatch::Alarm",
            _loc(70),
            properties={"Namespace": Unknown("!Ref Ns", "parameter")},
        ),
    ],
)
def test_alarm_or_budget_silences(watch: Resource) -> None:
    app = _app([_fn(triggers=(_route(),))], resources=[watch])
    assert list(NoCostAlarm().check(app, _ctx(app))) == []


def test_alarm_on_another_namespace_does_not_count() -> None:
    other = Resource(
        "Alarm", "AWS::CloudWatch::Alarm", _loc(70), properties={"Namespace": "AWS/SQS"}
    )
    app = _app([_fn(triggers=(_route(),))], resources=[other])
    assert _rows(NoCostAlarm().check(app, _ctx(app))) == [
        ("FG7012", None, FILE, None, Severity.LOW, Confidence.LOW)
    ]


def test_formats_without_every_resource_and_cheap_apps_are_not_judged() -> None:
    terraform = _app([_fn(triggers=(_route(),))], fmt=AppFormat.TERRAFORM)
    assert list(NoCostAlarm().check(terraform, _ctx(terraform))) == []
    cheap = _app([_fn(triggers=(_route(),), reserved_concurrency=5)])
    assert list(NoCostAlarm().check(cheap, _ctx(cheap))) == []
