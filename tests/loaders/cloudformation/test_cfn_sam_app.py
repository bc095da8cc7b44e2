"""The SAM fixture ``sam_app``: Globals, policy templates, events of every kind, intrinsics."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from faasguard.loaders.interface import IssueKind, LoadIssue, LoadResult
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    FunctionUrl,
    Location,
    Resource,
    Role,
    Statement,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

FILE = "sam_app/template.yaml"
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
XRAY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"


def at(line: int | None) -> Location:
    return Location(FILE, line)


@pytest.fixture
def app(load: Callable[..., LoadResult]) -> Application:
    result = load(FILE)
    # The one issue: the function behind a false condition is said to be not deployed.
    assert result.issues == (
        LoadIssue(
            IssueKind.NOT_DEPLOYED,
            "function ProdOnlyFunction is not deployed: its condition IsProd is false with the "
            "parameters given (pass others with --param to check it)",
            at(238),
            "sam_app",
        ),
    )
    (loaded,) = result.applications
    return loaded


def test_application(app: Application) -> None:
    assert (app.name, app.format, app.file, app.root, app.region) == (
        "sam_app",
        AppFormat.SAM,
        FILE,
        "sam_app",
        None,
    )
    # ProdOnlyFunction's condition IsProd is false for Stage=dev; CertRotationFunction's
    # condition depends on an import, so it is kept.
    assert [fn.name for fn in app.functions] == [
        "OrdersFunction",
        "WorkerFunction",
        "PublicUrlFunction",
        "CertRotationFunction",
    ]


def test_globals_are_inherited_and_overridden(app: Application) -> None:
    orders = app.function("OrdersFunction")
    worker = app.function("WorkerFunction")
    assert orders is not None and worker is not None
    assert (orders.runtime, orders.tracing, orders.timeout, orders.memory) == (
        "python3.12",
        "Active",
        10,
        256,  # !FindInMap [StageConfig, !Ref Stage, MemorySize] with Stage=dev
    )
    assert (worker.runtime, worker.tracing, worker.reserved_concurrency) == (
        "nodejs20.x",
        "PassThrough",
        5,
    )
    assert orders.layers == ("arn:aws:lambda:us-east-1:123456789012:layer:powertools:3",)
    assert orders.tags == {"team": "orders"}
    assert worker.architectures == ("arm64",)
    assert orders.description == "Orders API (dev)"


def test_environment_merged_with_origins_and_raw(app: Application) -> None:
    orders = app.function("OrdersFunction")
    assert orders is not None
    assert orders.environment == (
        EnvVar("STAGE", "dev", at(43), "globals", raw='{"Ref": "Stage"}'),
        EnvVar("LOG_LEVEL", "DEBUG", at(72), "function"),
        EnvVar(
            "TABLE_NAME",
            Unknown("!Ref OrdersTable", "resource reference"),
            at(73),
            "function",
            raw='{"Ref": "OrdersTable"}',
        ),
        EnvVar(
            "DB_PASSWORD",
            Unknown(
                "{{resolve:secretsmanager:orders/db:SecretString:password}}", "dynamic reference"
            ),
            at(74),
            "function",
            raw="{{resolve:secretsmanager:orders/db:SecretString:password}}",
        ),
        EnvVar(
            "DB_PASSWORD_SSM",
            Unknown("!Ref DbPasswordParam", "SSM parameter"),
            at(75),
            "function",
            raw='{"Ref": "DbPasswordParam"}',
        ),
        EnvVar(
            "API_URL",
            Unknown(
                "!Sub https://${OrdersHttpApi}.execute-api.${AWS::Region}.amazonaws.com",
                "resource reference; deploy-time pseudo parameter",
            ),
            at(76),
            "function",
            raw='{"Fn::Sub": "https://${OrdersHttpApi}.execute-api.${AWS::Region}.amazonaws.com"}',
        ),
        EnvVar(
            "ARCHIVE_ARN",
            "arn:aws:s3:::dev-orders-archive",
            at(77),
            "function",
            raw='{"Fn::Sub": ["arn:${AWS::Partition}:s3:::${Name}", {"Name": {"Fn::Join": '
            '["-", [{"Ref": "Stage"}, "orders", "archive"]]}}]}',
        ),
        EnvVar(
            "DOMAIN",
            "dev.orders.example.com",
            at(80),
            "function",
            raw='{"Fn::FindInMap": ["StageConfig", {"Ref": "Stage"}, "Domain"]}',
        ),
        EnvVar(
            "CERT",
            Unknown(
                '!If ["HasSharedCert", {"Fn::ImportValue": "shared-cert-arn"}, "none"]',
                "undecidable condition HasSharedCert",
            ),
            at(81),
            "function",
            raw='{"Fn::If": ["HasSharedCert", {"Fn::ImportValue": "shared-cert-arn"}, "none"]}',
        ),
        EnvVar(
            "FIRST_SUBNET",
            "subnet-0a1b2c3d",
            at(82),
            "function",
            raw='{"Fn::Select": [0, {"Ref": "SubnetIds"}]}',
        ),
        EnvVar(
            "DEBUG_ONLY",
            "yes",
            at(83),
            "function",
            raw='{"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "yes"]}',
        ),
    )


def test_parameter_overrides_decide_conditions(load_app: Callable[..., Application]) -> None:
    app = load_app(FILE, parameters={"Stage": "prod"}, region="eu-west-1")
    orders = app.function("OrdersFunction")
    assert orders is not None
    env = {var.name: var.value for var in orders.environment}
    assert env["STAGE"] == "prod"
    assert "DEBUG_ONLY" not in env  # !If [IsProd, !Ref AWS::NoValue, "yes"]
    assert env["API_URL"] == Unknown(
        "!Sub https://${OrdersHttpApi}.execute-api.eu-west-1.amazonaws.com",
        "resource reference",
    )
    assert orders.memory == 1024
    assert app.region == "eu-west-1"
    assert [fn.name for fn in app.functions] == [
        "OrdersFunction",
        "WorkerFunction",
        "PublicUrlFunction",
        "ProdOnlyFunction",
        "CertRotationFunction",
    ]
    bucket = app.resource("UploadsBucket")
    assert bucket is not None and bucket.properties == {"BucketName": "orders-uploads"}


def test_code_location_and_manifests(app: Application) -> None:
    orders = app.function("OrdersFunction")
    worker = app.function("WorkerFunction")
    inline = app.function("PublicUrlFunction")
    assert orders is not None and worker is not None and inline is not None
    assert (orders.code_root, orders.handler_file, orders.handler_function) == (
        "sam_app/src/orders",
        "sam_app/src/orders/app.py",
        "handler",
    )
    assert orders.dependency_manifests == ("sam_app/src/orders/requirements.txt",)
    assert (worker.handler_file, worker.dependency_manifests) == (
        "sam_app/src/worker/index.mjs",
        ("sam_app/src/worker/package.json",),
    )
    assert (inline.code_root, inline.handler_file, inline.handler) == (None, None, "index.handler")


def test_policy_templates_expand_to_sam_statements(app: Application) -> None:
    role = app.role("OrdersFunctionRole")
    assert role is not None
    assert role.statements == (
        Statement(
            effect="Allow",
            actions=(
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
                "dynamodb:ConditionCheckItem",
            ),
            resources=(
                Unknown(
                    "!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}",
                    "deploy-time pseudo parameter; resource reference",
                ),
                Unknown(
                    "!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/"
                    "${OrdersTable}/index/*",
                    "deploy-time pseudo parameter; resource reference",
                ),
            ),
            location=at(85),
            origin="SAM policy template DynamoDBCrudPolicy",
        ),
        Statement(
            effect="Allow",
            actions=("sqs:SendMessage*",),
            resources=(
                Unknown(
                    "!Sub arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${OrdersQueue.QueueName}",
                    "deploy-time pseudo parameter; deploy-time attribute",
                ),
            ),
            location=at(87),
            origin="SAM policy template SQSSendMessagePolicy",
        ),
        Statement(
            effect="Allow",
            actions=(
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ),
            resources=("arn:aws:s3:::dev-orders-archive", "arn:aws:s3:::dev-orders-archive/*"),
            location=at(89),
            origin="SAM policy template S3ReadPolicy",
        ),
        Statement(
            effect="Allow",
            actions=("kms:Decrypt",),
            resources=(Unknown("!ImportValue shared-kms-key-arn", "cross-stack import"),),
            location=at(94),
            origin="OrdersFunction Policies[5]",
            sid="DecryptWithSharedKey",
        ),
    )


def test_implicit_roles_and_managed_policies(app: Application) -> None:
    assert app.role("OrdersFunctionRole") == Role(
        id="OrdersFunctionRole",
        location=at(64),
        statements=app.role("OrdersFunctionRole").statements,  # type: ignore[union-attr]
        managed_policies=(
            BASIC,
            XRAY,
            "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
            # SAM's bundled map knows this one lives under service-role/.
            "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        ),
        functions=("OrdersFunction",),
        trusted_services=("lambda.amazonaws.com",),
    )
    worker_role = app.role("WorkerFunctionRole")
    assert worker_role is not None
    assert worker_role.managed_policies == (
        BASIC,
        XRAY,  # Tracing: PassThrough also gets the X-Ray policy, as SAM does
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        # Policies first, then the event sources' policies, in SAM's order.
        "arn:aws:iam::aws:policy/AWSLambdaExecute",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole",
    )
    assert worker_role.statements == (
        Statement(
            "Allow",
            ("sqs:SendMessage",),
            at(142),
            "SAM DeadLetterQueue policy",
            resources=(Unknown("!GetAtt DeadLetterQueue.Arn", "deploy-time attribute"),),
        ),
        Statement(
            "Allow",
            ("sns:publish",),
            at(148),
            "SAM EventInvokeConfig OnFailure policy",
            resources=(
                Unknown("!Ref WorkerFunctionEventInvokeConfigOnFailureTopic", "created by SAM"),
            ),
        ),
        # What SAM's MQ event source adds (its own get_policy_statements).
        Statement(
            "Allow",
            ("secretsmanager:GetSecretValue",),
            at(214),
            "SAM MQ event Broker (SamAutoGeneratedAMQPolicy)",
            resources=("arn:aws:secretsmanager:us-east-1:123456789012:secret:mq",),
        ),
        Statement(
            "Allow",
            ("mq:DescribeBroker",),
            at(214),
            "SAM MQ event Broker (SamAutoGeneratedAMQPolicy)",
            resources=("arn:aws:mq:us-east-1:123456789012:broker:orders:b-1",),
        ),
    )


def test_explicit_roles_ignore_policies_and_are_external(app: Application) -> None:
    assert app.role("arn:aws:iam::123456789012:role/existing-lambda-role") == Role(
        id="arn:aws:iam::123456789012:role/existing-lambda-role",
        location=at(229),
        functions=("PublicUrlFunction",),
        external=True,
    )
    # Role: !If [IsProd, !GetAtt ProdRole.Arn, <dev role ARN>] with Stage=dev.
    cert = app.function("CertRotationFunction")
    assert cert is not None and cert.role == "arn:aws:iam::123456789012:role/dev-role"
    assert [role.id for role in app.roles] == [
        "OrdersFunctionRole",
        "WorkerFunctionRole",
        "arn:aws:iam::123456789012:role/existing-lambda-role",
        "arn:aws:iam::123456789012:role/dev-role",
    ]


def test_http_triggers_with_default_authorizer_and_none_override(app: Application) -> None:
    orders = app.function("OrdersFunction")
    assert orders is not None
    rest_cors = Cors(allow_origins=("*",), location=at(48))
    http_cors = Cors(
        allow_origins=("https://app.example.com",), allow_credentials=True, location=at(262)
    )
    assert orders.triggers == (
        Trigger(
            TriggerKind.REST_API,
            at(100),
            auth=AuthKind.COGNITO,
            internet_reachable=True,
            path="/orders/{id}",
            method="GET",
            cors=rest_cors,
            api="ServerlessRestApi",
        ),
        Trigger(
            TriggerKind.REST_API,
            at(105),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="/health",
            method="GET",
            cors=rest_cors,
            api="ServerlessRestApi",
            properties={"Auth": {"Authorizer": "NONE"}},
        ),
        Trigger(
            TriggerKind.HTTP_API,
            at(112),
            auth=AuthKind.JWT,
            internet_reachable=True,
            path="/orders",
            method="GET",
            cors=http_cors,
            api="OrdersHttpApi",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            at(118),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="/ping",
            method="GET",
            cors=http_cors,
            api="OrdersHttpApi",
            properties={"Auth": {"Authorizer": "NONE"}},
        ),
    )


def test_internal_event_triggers(app: Application) -> None:
    worker = app.function("WorkerFunction")
    assert worker is not None
    summary = [(t.kind, t.location.line, t.source, dict(t.properties)) for t in worker.triggers]
    assert summary == [
        (TriggerKind.SQS, 159, "OrdersQueue", {"BatchSize": 10}),
        (TriggerKind.DYNAMODB_STREAM, 164, "OrdersTable", {"StartingPosition": "LATEST"}),
        (
            TriggerKind.KINESIS,
            169,
            "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
            {"StartingPosition": "TRIM_HORIZON"},
        ),
        (TriggerKind.SNS, 174, "OrdersTopic", {}),
        (TriggerKind.S3, 178, "UploadsBucket", {"Events": "s3:ObjectCreated:*"}),
        (TriggerKind.SCHEDULE, 183, None, {"Schedule": "rate(1 day)"}),
        (TriggerKind.EVENTBRIDGE, 187, None, {"Pattern": {"source": ["orders"]}}),
        (TriggerKind.CLOUDWATCH_LOGS, 192, "/app/orders", {"FilterPattern": "ERROR"}),
        (TriggerKind.COGNITO, 197, "UserPool", {"Trigger": "PreSignUp"}),
        (TriggerKind.IOT, 202, None, {"Sql": "SELECT * FROM 'orders/telemetry'"}),
        (TriggerKind.ALEXA, 206, None, {}),
        (
            TriggerKind.KAFKA,
            208,
            "arn:aws:kafka:us-east-1:123456789012:cluster/orders/abc",
            {"Topics": ["orders"], "StartingPosition": "LATEST"},
        ),
        (
            TriggerKind.MQ,
            214,
            "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1",
            {
                "Queues": ["orders"],
                "SourceAccessConfigurations": [
                    {
                        "Type": "BASIC_AUTH",
                        "URI": "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq",
                    }
                ],
            },
        ),
    ]
    assert {(t.auth, t.internet_reachable, t.path, t.method) for t in worker.triggers} == {
        (AuthKind.NONE, False, None, None)
    }


def test_worker_settings(app: Application) -> None:
    worker = app.function("WorkerFunction")
    assert worker is not None
    assert worker.dead_letter == Unknown("!GetAtt DeadLetterQueue.Arn", "deploy-time attribute")
    # OnFailure of Type SNS without Destination: SAM creates the topic.
    assert worker.on_failure == Unknown(
        "!Ref WorkerFunctionEventInvokeConfigOnFailureTopic", "created by SAM"
    )
    assert worker.vpc == Vpc(
        subnet_ids=("subnet-0a1b2c3d", "subnet-4e5f6a7b"),
        security_group_ids=(Unknown("!Ref WorkerSecurityGroup", "resource reference"),),
    )


def test_function_url_none_with_wildcard_cors(app: Application) -> None:
    fn = app.function("PublicUrlFunction")
    assert fn is not None
    cors = Cors(allow_origins=("*",), allow_credentials=False, location=at(232))
    assert fn.url == FunctionUrl(auth_type="NONE", location=at(230), cors=cors)
    assert fn.triggers == (
        Trigger(
            TriggerKind.FUNCTION_URL,
            at(230),
            auth=AuthKind.NONE,
            internet_reachable=True,
            cors=cors,
        ),
    )


def test_log_retention_from_log_group(app: Application) -> None:
    orders = app.function("OrdersFunction")
    worker = app.function("WorkerFunction")
    assert orders is not None and worker is not None
    assert (orders.log_retention_days, orders.log_group) == (14, None)
    assert worker.log_retention_days is None


def test_apis(app: Application) -> None:
    http_api, rest_api = app.apis
    assert (http_api.id, http_api.kind, http_api.location, http_api.implicit) == (
        "OrdersHttpApi",
        TriggerKind.HTTP_API,
        at(251),
        False,
    )
    assert http_api.throttling == Throttling(rate_limit=25.0, burst_limit=50)
    assert http_api.functions == ("OrdersFunction",)
    assert rest_api == Api(
        id="ServerlessRestApi",
        kind=TriggerKind.REST_API,
        location=at(100),
        throttling=Throttling(rate_limit=100.0, burst_limit=200),
        functions=("OrdersFunction",),
        implicit=True,
        properties=rest_api.properties,
    )
    assert rest_api.properties["Auth"]["DefaultAuthorizer"] == "CognitoAuth"


def test_resources_and_references(app: Application) -> None:
    assert [(res.id, res.type) for res in app.resources] == [
        ("OrdersLogGroup", "AWS::Logs::LogGroup"),
        ("OrdersTable", "AWS::DynamoDB::Table"),
        ("SessionsTable", "AWS::Serverless::SimpleTable"),
        ("OrdersQueue", "AWS::SQS::Queue"),
        ("DeadLetterQueue", "AWS::SQS::Queue"),
        ("OrdersTopic", "AWS::SNS::Topic"),
        ("UploadsBucket", "AWS::S3::Bucket"),
        ("UserPool", "AWS::Cognito::UserPool"),
        ("WorkerSecurityGroup", "AWS::EC2::SecurityGroup"),
    ]
    assert app.resource("SessionsTable") == Resource(
        id="SessionsTable",
        type="AWS::Serverless::SimpleTable",
        location=at(282),
        properties={
            "PrimaryKey": {"Name": "id", "Type": "String"},
            "SSESpecification": {"SSEEnabled": True},
        },
        property_lines={"PrimaryKey": 285, "SSESpecification": 60},
    )
    bucket = app.resource("UploadsBucket")
    assert bucket is not None
    assert (bucket.properties, bucket.line_of("BucketName")) == (
        {"BucketName": "orders-uploads-dev"},
        301,
    )
    assert {fn.name: fn.referenced_by for fn in app.functions} == {
        "OrdersFunction": ("OrdersLogGroup",),
        "WorkerFunction": (),
        "PublicUrlFunction": (),
        "CertRotationFunction": (),
    }
