"""The live account loader against a local AWS emulator (moto in server mode), never AWS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from estate_services import MotoServer
from live_seed import ACCOUNT, REGION, function, role, seed_shop

from faasguard.cli.main import main
from faasguard.config import Config
from faasguard.live.build import build_application
from faasguard.live.reader import API_ACTIONS, RegionUnreachable, read_region
from faasguard.live.scan import AccountUnreachable, scan_account
from faasguard.live.target import AccountTarget, parse_target
from faasguard.model import Application, AuthKind, TriggerKind

pytestmark = pytest.mark.aws

POLICY = Path(__file__).resolve().parents[2] / "docs" / "policies" / "faasguard-live-readonly.json"


def _session() -> Any:
    import boto3

    return boto3.Session()


def _triggers(app: Application) -> dict[str, list[tuple[Any, ...]]]:
    return {
        fn.name: [
            (t.kind, t.source, t.method, t.path, t.auth, t.internet_reachable) for t in fn.triggers
        ]
        for fn in app.functions
    }


def test_every_resource_kind_is_read_into_the_model(aws: MotoServer) -> None:
    ids = seed_shop()
    snap = read_region(_session(), REGION)
    assert snap.notices == []
    app = build_application(snap)
    assert (app.name, app.file, app.region) == ("aws://us-east-1", "aws://us-east-1", REGION)
    assert _triggers(app) == {
        "export": [(TriggerKind.FUNCTION_URL, None, None, None, AuthKind.NONE, True)],
        "nightly": [
            (
                TriggerKind.SCHEDULE,
                f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly",
                None,
                None,
                AuthKind.NONE,
                False,
            )
        ],
        "notify": [(TriggerKind.SNS, ids["topic"], None, None, AuthKind.NONE, False)],
        "search": [
            (TriggerKind.REST_API, None, "POST", "/orders", AuthKind.IAM, True),
            (TriggerKind.HTTP_API, None, "GET", "/search", AuthKind.NONE, True),
        ],
        "thumbs": [(TriggerKind.S3, "receipts", None, None, AuthKind.NONE, False)],
        "worker": [(TriggerKind.SQS, ids["queue"], None, None, AuthKind.NONE, False)],
    }
    search = app.function("search")
    worker = app.function("worker")
    assert search is not None and worker is not None
    assert (
        search.memory,
        search.timeout,
        search.tags,
        search.resource_id,
        search.location.file,
    ) == (
        256,
        10,
        {"owner": "team-search"},
        ids["search"],
        ids["search"],
    )
    assert (worker.reserved_concurrency, worker.architectures) == (5, ("arm64",))
    assert dict(worker.triggers[0].properties)["BatchSize"] == 5
    api_role = app.role(f"arn:aws:iam::{ACCOUNT}:role/api-role")
    assert api_role is not None
    assert [(s.actions, s.resources, s.origin) for s in api_role.statements] == [
        (("dynamodb:*",), ("*",), "inline policy tables statement 0"),
        (("sqs:SendMessage",), ("*",), "managed policy orders-write statement 0"),
    ]
    assert api_role.managed_policies == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    assert (api_role.functions, api_role.trusted_services) == (
        ("export", "search"),
        ("lambda.amazonaws.com",),
    )
    [permission] = [r for r in app.resources if r.type == "AWS::Lambda::Permission"]
    [queue] = [r for r in app.resources if r.type == "AWS::SQS::Queue"]
    assert (queue.id, queue.properties["QueueName"], queue.properties["VisibilityTimeout"]) == (
        ids["queue"],
        "jobs",
        30,
    )
    assert (permission.id, permission.type, permission.properties["Principal"]) == (
        "export:public-url",
        "AWS::Lambda::Permission",
        "*",
    )
    assert sorted((a.id, a.kind, a.functions) for a in app.apis) == sorted(
        [
            (ids["http"], TriggerKind.HTTP_API, ("search",)),
            (ids["rest"], TriggerKind.REST_API, ("search",)),
        ]
    )


def test_pagination_reads_every_function(aws: MotoServer) -> None:
    arn = role("many-role")
    for i in range(52):
        function(f"fn{i:02d}", arn)
    snap = read_region(_session(), REGION)
    assert sorted(f["Configuration"]["FunctionName"] for f in snap.functions) == [
        f"fn{i:02d}" for i in range(52)
    ]


def _fail_some(session: Any, decide: Any) -> list[str]:
    """Answer chosen requests with an AWS error instead of sending them (botocore hook)."""
    from botocore.awsrequest import AWSResponse

    seen: list[str] = []
    count = {"n": 0}

    def before_send(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        count["n"] += 1
        service = event_name.split(".")[1]
        operation = event_name.split(".")[2] if event_name.count(".") >= 2 else ""
        verdict = decide(count["n"], service, operation)
        if verdict is None:
            return None
        status, code = verdict
        seen.append(f"{service}.{operation}:{code}")
        json_body = json.dumps({"__type": code, "message": "emulated"}).encode()
        xml_body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            "<Message>emulated</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        ).encode()
        xml = service in ("iam", "sns", "s3", "sts")
        headers = {
            "x-amzn-ErrorType": code,
            "Content-Type": "text/xml" if xml else "application/json",
        }
        raw: Any = type(
            "Raw", (), {"stream": lambda self, **k: iter([xml_body if xml else json_body])}
        )()
        return AWSResponse(request.url, status, headers, raw)

    session.events.register("before-send", before_send)
    return seen


def test_throttling_on_every_tenth_call_is_retried_and_nothing_lost(aws: MotoServer) -> None:
    seed_shop()
    calm = build_application(read_region(_session(), REGION))
    session = _session()
    throttled = _fail_some(
        session,
        lambda n, service, op: (
            # S3 throttles with 503 SlowDown; the others with 400 Throttling.
            ((503, "SlowDown") if service == "s3" else (400, "Throttling")) if n % 10 == 0 else None
        ),
    )
    snap = read_region(session, REGION)
    assert snap.notices == []
    assert len(throttled) >= 4
    assert build_application(snap) == calm


def test_denied_apis_are_notices_and_the_rest_is_kept(aws: MotoServer) -> None:
    seed_shop()
    session = _session()
    denied = {("lambda", "GetPolicy"), ("api-gateway", "GetRestApis"), ("iam", "GetRolePolicy")}
    _fail_some(
        session,
        lambda n, service, op: (
            (403, "AccessDeniedException" if service != "iam" else "AccessDenied")
            if (service, op) in denied
            else None
        ),
    )
    snap = read_region(session, REGION)
    hint = "what it would show is missing from the scan; grant it (docs/policies/faasguard-live-readonly.json)"
    assert sorted(snap.notices) == sorted(
        [
            *(
                f"aws://us-east-1: lambda:GetPolicy denied (function {name}): {hint}"
                for name in ("export", "nightly", "notify", "search", "thumbs", "worker")
            ),
            f"aws://us-east-1: apigateway:GET denied (REST APIs): {hint}",
            f"aws://us-east-1: iam:GetRolePolicy denied (role api-role): {hint}",
        ]
    )
    app = build_application(snap)
    # the resource policy could not be read
    assert [r for r in app.resources if r.type == "AWS::Lambda::Permission"] == []
    assert [t.kind for t in app.function("search").triggers] == [TriggerKind.HTTP_API]  # type: ignore[union-attr]
    api_role = app.role(f"arn:aws:iam::{ACCOUNT}:role/api-role")
    assert api_role is not None and [s.origin for s in api_role.statements] == [
        "managed policy orders-write statement 0"
    ]


def test_unreachable_region_is_a_notice_and_the_others_are_scanned(aws: MotoServer) -> None:
    from botocore.exceptions import EndpointConnectionError

    seed_shop()

    def factory(profile: str | None) -> Any:
        session = _session()

        def refuse(request: Any, **_: Any) -> None:
            if "/eu-west-3/" in str(request.headers.get("Authorization", b"")):
                raise EndpointConnectionError(endpoint_url="https://lambda.eu-west-3.amazonaws.com")

        session.events.register("before-send", refuse)
        return session

    target = AccountTarget(
        profile=None, regions=("us-east-1", "eu-west-3"), text="aws://us-east-1,eu-west-3"
    )
    result = scan_account(target, Config(), session_factory=factory)
    assert [a.name for a in result.applications] == ["aws://us-east-1"]
    assert result.notices == (
        "aws://eu-west-3: cannot be read (lambda:ListFunctions): EndpointConnectionError: Could not "
        'connect to the endpoint URL: "https://lambda.eu-west-3.amazonaws.com"',
    )
    only_bad = AccountTarget(profile=None, regions=("eu-west-3",), text="aws://eu-west-3")
    with pytest.raises(AccountUnreachable, match="aws://eu-west-3: cannot be read"):
        scan_account(only_bad, Config(), session_factory=factory)
    with pytest.raises(RegionUnreachable):
        read_region(factory(None), "eu-west-3")


def test_cli_scan_of_an_account(
    aws: MotoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    ids = seed_shop()
    history = str(tmp_path / "history.sqlite")
    code = main(
        [
            "scan",
            "aws://us-east-1",
            "-f",
            "json",
            "--no-deps",
            "--today",
            "2026-11-28",
            "--history",
            history,
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    import jsonschema

    schema = json.loads(
        (
            Path(__file__).resolve().parents[2] / "src/faasguard/report/schema/report.schema.json"
        ).read_text()
    )
    jsonschema.validate(report, schema)  # an account's report is as valid as a template's
    wallet = [
        (f["rule_id"], f["file"], f["function"], f["severity"])
        for f in report["findings"]
        if f["rule_id"] in ("FG7001", "FG7010")
    ]
    # search, through its IAM-authenticated REST route (the costlier way in):
    # 1,000 x 0.25 GB x 3,600 x 0.0000166667 = 15.00 + 36M x (0.20 + 3.50)/M = 133.20
    assert wallet == [
        ("FG7001", ids["export"], "export", "medium"),
        ("FG7001", ids["search"], "search", "medium"),
        ("FG7010", ids["search"], "search", "medium"),
    ]
    [ceiling] = [f for f in report["findings"] if f["rule_id"] == "FG7010"]
    assert (
        "up to $148.20 an hour ($3,556.80 a day) by a flood of requests to rest-api `POST /orders` (iam auth)"
        in ceiling["message"]
    )
    public = sorted(
        (f["rule_id"], f["function"])
        for f in report["findings"]
        if f["category"] == "surface.public-function-url"
    )
    assert public == [("FG6001", "export")]
    exposure = sorted(
        (f["rule_id"], f["function"], f["resource"])
        for f in report["findings"]
        if f["rule_id"] in ("FG6003", "FG7012")
    )
    assert exposure == [("FG6003", "export", "export:public-url"), ("FG7012", None, None)]
    assert main(["inventory", "--history", history, "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["application"], r["function"], r["owner"], r["cost_per_hour"]) for r in rows] == [
        ("aws://us-east-1", "export", None, "14.70"),
        ("aws://us-east-1", "nightly", None, "14.70"),
        ("aws://us-east-1", "notify", None, "14.70"),
        ("aws://us-east-1", "search", "team-search", "148.20"),
        ("aws://us-east-1", "thumbs", None, "14.70"),
        # reserved 5, arm64: 5 x 0.125 x 3,600 x 0.0000133334 = 0.03 + 180,000 x 0.20/M = 0.036
        ("aws://us-east-1", "worker", None, "0.07"),
    ]


def test_cli_rejects_a_malformed_target_and_an_unreachable_account(
    aws: MotoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["scan", "aws://", "--no-deps"]) == 2
    assert capsys.readouterr().err == (
        "faasguard: error: aws://: name at least one region: aws://[profile@]region[,region...]\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    assert main(["scan", "aws://us-west-2", "--no-deps"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "faasguard: error: aws://us-west-2: cannot be read (lambda:ListFunctions): "
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws://us-east-1", AccountTarget(None, ("us-east-1",), "aws://us-east-1")),
        (
            "aws://prod@eu-west-1,eu-central-1",
            AccountTarget(
                "prod", ("eu-west-1", "eu-central-1"), "aws://prod@eu-west-1,eu-central-1"
            ),
        ),
        ("aws://us-gov-west-1", AccountTarget(None, ("us-gov-west-1",), "aws://us-gov-west-1")),
    ],
)
def test_targets_parse(text: str, expected: AccountTarget) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("aws://", "name at least one region"),
        ("aws://useast1", "not a region: useast1"),
        ("aws://bad profile@us-east-1", "profile name 'bad profile' is not valid"),
    ],
)
def test_bad_targets_are_clear_errors(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_target(text)


def test_documented_policy_grants_exactly_what_the_reader_calls() -> None:
    document = json.loads(POLICY.read_text(encoding="utf-8"))
    [statement] = document["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert sorted(statement["Action"]) == sorted(set(API_ACTIONS.values()))
    assert all(
        a.split(":")[1].startswith(("Get", "List", "Describe")) or a == "apigateway:GET"
        for a in statement["Action"]
    )


DRIFT_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
  Search:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context):\\n    return 1\\n"
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: "*"
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /search
            Method: get
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
  Report:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context):\\n    return 1\\n"
"""
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
SQS_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"


def _deploy_with_drift() -> dict[str, str]:
    """The template as CloudFormation would deploy it, plus one function, one permission and
    one trigger added by hand."""
    from live_seed import client

    grants = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},  # drift: a permission
        ],
    }
    search_role = role(
        "shop-SearchRole-1A2B3C",
        inline={"SearchRolePolicy0": grants},
        managed=[BASIC, SQS_EXECUTION],
    )
    report_role = role("shop-ReportRole-4D5E6F", managed=[BASIC])
    search = function(
        "shop-Search-AB12CD34EF", search_role, Tags={"aws:cloudformation:logical-id": "Search"}
    )
    function(
        "shop-Report-GH56IJ78KL", report_role, Tags={"aws:cloudformation:logical-id": "Report"}
    )
    legacy = function("legacy-cleanup", report_role)  # drift: a function in no template
    sqs = client("sqs")
    queue = sqs.get_queue_attributes(
        QueueUrl=sqs.create_queue(QueueName="jobs")["QueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    client("lambda").create_event_source_mapping(
        EventSourceArn=queue, FunctionName="shop-Search-AB12CD34EF"
    )
    v2 = client("apigatewayv2")
    api = v2.create_api(Name="shop", ProtocolType="HTTP")["ApiId"]
    integration = v2.create_integration(
        ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=search, PayloadFormatVersion="2.0"
    )
    v2.create_route(
        ApiId=api, RouteKey="GET /search", Target=f"integrations/{integration['IntegrationId']}"
    )
    topic = client("sns").create_topic(Name="orders")["TopicArn"]
    subscription = client("sns").subscribe(
        TopicArn=topic, Protocol="lambda", Endpoint=search
    )  # drift: a trigger
    return {
        "search": search,
        "legacy": legacy,
        "topic": topic,
        "subscription": subscription["SubscriptionArn"],
    }


def test_drift_example_reports_exactly_the_function_permission_and_trigger(
    aws: MotoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    templates = tmp_path / "shop"
    templates.mkdir()
    (templates / "template.yaml").write_text(DRIFT_TEMPLATE)
    ids = _deploy_with_drift()
    code = main(
        [
            "scan",
            "aws://us-east-1",
            "--templates",
            str(templates),
            "-f",
            "json",
            "--no-deps",
            "--today",
            "2026-11-28",
        ]
    )
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    drift = [
        (f["rule_id"], f["category"], f["file"], f["function"], f["message"])
        for f in report["findings"]
        if f["rule_id"] == "FG9004"
    ]
    assert sorted(drift) == sorted(
        [
            (
                "FG9004",
                "sprawl.drift",
                ids["legacy"],
                "legacy-cleanup",
                f"Function `legacy-cleanup` runs in aws://us-east-1 ({ids['legacy']}) but no scanned "
                "template declares it (template.yaml).",
            ),
            (
                "FG9004",
                "sprawl.drift",
                ids["search"],
                "shop-Search-AB12CD34EF",
                "Function `shop-Search-AB12CD34EF`: its role in aws://us-east-1 "
                f"(arn:aws:iam::{ACCOUNT}:role/shop-SearchRole-1A2B3C) allows `s3:putobject`, which its "
                "template (template.yaml:8, function `Search`) does not grant.",
            ),
            (
                "FG9004",
                "sprawl.drift",
                ids["subscription"],
                "shop-Search-AB12CD34EF",
                f"Function `shop-Search-AB12CD34EF`: sns trigger `{ids['topic']}` in aws://us-east-1 has no "
                "counterpart in its template (template.yaml:8, function `Search`).",
            ),
        ]
    )


def test_disuse_from_cloudwatch_invocations(aws: MotoServer) -> None:
    import datetime as dt

    from live_seed import client

    arn = role("disuse-role")
    for name in ("busy", "stale", "never"):
        function(name, arn)
    now = dt.datetime.now(dt.timezone.utc)
    stale_day = (now - dt.timedelta(days=120)).replace(hour=12, minute=0, second=0, microsecond=0)
    cloudwatch = client("cloudwatch")
    for name, when in (("busy", now - dt.timedelta(days=3)), ("stale", stale_day)):
        cloudwatch.put_metric_data(
            Namespace="AWS/Lambda",
            MetricData=[
                {
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "FunctionName", "Value": name}],
                    "Timestamp": when,
                    "Value": 4.0,
                    "Unit": "Count",
                }
            ],
        )
    target = AccountTarget(profile=None, regions=("us-east-1",), text="aws://us-east-1")
    result = scan_account(target, Config())
    unused = sorted(
        (f.rule_id, f.category, f.function, f.message)
        for f in result.findings
        if f.rule_name == "unused-function"
    )
    assert unused == [
        (
            "FG9001",
            "sprawl.unused-function",
            "never",
            "Function `never` has not been invoked in the last 90 days (no invocation in the last 455 days, "
            "CloudWatch `Invocations` in aws://us-east-1).",
        ),
        (
            "FG9001",
            "sprawl.unused-function",
            "stale",
            "Function `stale` has not been invoked in the last 90 days (last invoked on "
            f"{stale_day.date().isoformat()}, CloudWatch `Invocations` in aws://us-east-1).",
        ),
    ]


def test_roles_trusting_lambda_that_no_function_uses(aws: MotoServer) -> None:
    from live_seed import client

    used = role("used-role")
    function("busy", used)
    orphan = role("orphan-role")
    client("iam").create_role(
        RoleName="ecs-task",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    target = AccountTarget(profile=None, regions=("us-east-1",), text="aws://us-east-1")
    result = scan_account(target, Config())
    assert [
        (f.rule_id, f.category, f.resource, f.file, f.message)
        for f in result.findings
        if f.rule_id == "FG9005"
    ] == [
        (
            "FG9005",
            "sprawl.unused-role",
            orphan,
            orphan,
            f"Role `orphan-role` ({orphan}) lets Lambda assume it, but no function in the regions scanned "
            "(us-east-1) uses it; one in another region still may.",
        )
    ]


def test_a_call_failing_mid_scan_is_a_notice_not_a_lost_region(
    aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ReadTimeoutError

    import faasguard.live.reader

    monkeypatch.setattr(faasguard.live.reader, "MAX_ATTEMPTS", 2)  # retried, but briefly
    seed_shop()
    session = _session()

    def drop(request: Any, event_name: str, **_: Any) -> None:
        if event_name.endswith("sns.ListSubscriptions"):
            raise ReadTimeoutError(endpoint_url="https://sns.us-east-1.amazonaws.com")

    session.events.register("before-send", drop)
    snap = read_region(session, REGION)
    assert snap.notices == [
        "aws://us-east-1: sns:ListSubscriptions failed (SNS subscriptions): ReadTimeoutError: Read "
        'timeout on endpoint URL: "https://sns.us-east-1.amazonaws.com"'
    ]
    app = build_application(snap)
    assert app.function("notify").triggers == ()  # type: ignore[union-attr]
    assert [t.kind for t in app.function("worker").triggers] == [TriggerKind.SQS]  # type: ignore[union-attr]


def test_an_answer_botocore_cannot_parse_is_a_notice_not_a_lost_region(
    aws: MotoServer,
) -> None:
    """A proxy's binary or HTML page instead of AWS's answer loses that call, not the region."""
    from botocore.awsrequest import AWSResponse

    seed_shop()
    session = _session()

    def garble(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        if not event_name.endswith("eventbridge.ListRules"):
            return None
        raw: Any = type("Raw", (), {"stream": lambda self, **k: iter([b"\xa2\xff<html>"])})()
        return AWSResponse(request.url, 200, {"Content-Type": "text/html"}, raw)

    session.events.register("before-send", garble)
    snap = read_region(session, REGION)
    assert snap.notices == [
        "aws://us-east-1: events:ListRules failed (EventBridge rules): UnicodeDecodeError: "
        "'utf-8' codec can't decode byte 0xa2 in position 0: invalid start byte"
    ]
    app = build_application(snap)
    assert app.function("nightly").triggers == ()  # type: ignore[union-attr]  # its rule is lost
    assert [t.kind for t in app.function("worker").triggers] == [TriggerKind.SQS]  # type: ignore[union-attr]


def test_a_queue_read_from_the_account_is_judged_like_a_template_queue(aws: MotoServer) -> None:
    from live_seed import client

    arn = role("queue-role")
    function("slow", arn, Timeout=60)
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="slow-jobs", Attributes={"VisibilityTimeout": "45"})[
        "QueueUrl"
    ]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    client("lambda").create_event_source_mapping(EventSourceArn=queue, FunctionName="slow")
    target = AccountTarget(profile=None, regions=("us-east-1",), text="aws://us-east-1")
    result = scan_account(target, Config())
    short = [
        (f.rule_id, f.function, f.severity.value) for f in result.findings if f.rule_id == "FG7003"
    ]
    assert short == [("FG7003", "slow", "medium")]  # 45 s visibility < 60 s timeout
