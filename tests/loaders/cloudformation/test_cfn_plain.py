"""Plain CloudFormation: Lambda + IAM roles and policies + the resources that attach to them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation import CloudFormationLoader
from faasguard.loaders.interface import LoadOptions
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    FunctionUrl,
    Location,
    Role,
    Statement,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
)

FILE = "cfn_plain/template.yaml"


def at(line: int) -> Location:
    return Location(FILE, line)


@pytest.fixture
def app(load_app: Callable[..., Application]) -> Application:
    return load_app(FILE, region="us-east-1")


def test_application_and_functions(app: Application) -> None:
    assert (app.name, app.format, app.root) == ("cfn_plain", AppFormat.CLOUDFORMATION, "cfn_plain")
    assert [(fn.name, fn.role, fn.package_type) for fn in app.functions] == [
        ("InvoiceFunction", "SharedRole", "Zip"),
        ("ReportFunction", "SharedRole", "Zip"),
        # Role: !Sub arn:aws:iam::${AWS::AccountId}:role/${SharedRole} names the same role.
        ("QueueConsumerFunction", "SharedRole", "Zip"),
        ("ImageFunction", "arn:aws:iam::123456789012:role/image-role", "Image"),
    ]


def test_shared_role_collects_every_source(app: Application) -> None:
    assert app.role("SharedRole") == Role(
        id="SharedRole",
        location=at(10),
        statements=(
            Statement(
                effect="Allow",
                actions=("dynamodb:GetItem", "dynamodb:PutItem"),
                resources=(Unknown("!GetAtt InvoicesTable.Arn", "deploy-time attribute"),),
                location=at(30),
                origin="AWS::IAM::Role SharedRole Policies[0]",
            ),
            Statement(
                effect="Allow",
                actions=(),
                not_actions=("iam:*",),
                resources=("*",),
                condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
                location=at(35),
                origin="AWS::IAM::Role SharedRole Policies[0]",
            ),
            # ManagedPolicyArns: [!Ref AuditPolicy] folds the template's managed policy in.
            Statement(
                effect="Allow",
                actions=("cloudtrail:LookupEvents",),
                resources=("*",),
                location=at(61),
                origin="AWS::IAM::ManagedPolicy AuditPolicy",
            ),
            # AWS::IAM::Policy with Roles: [!Ref SharedRole].
            Statement(
                effect="Allow",
                actions=("s3:*",),
                resources=("*",),
                location=at(51),
                origin="AWS::IAM::Policy ExtraPolicy",
            ),
        ),
        managed_policies=(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            Unknown("!Ref AuditPolicy", "resource reference"),
        ),
        functions=("InvoiceFunction", "ReportFunction", "QueueConsumerFunction"),
        permissions_boundary=Unknown(
            "!Sub arn:aws:iam::${AWS::AccountId}:policy/boundary", "deploy-time pseudo parameter"
        ),
        trusted_services=("lambda.amazonaws.com",),
    )
    assert app.role("arn:aws:iam::123456789012:role/image-role") == Role(
        id="arn:aws:iam::123456789012:role/image-role",
        location=at(118),
        functions=("ImageFunction",),
        external=True,
    )


def test_lambda_function_settings(app: Application) -> None:
    fn = app.function("InvoiceFunction")
    assert fn is not None
    assert (fn.runtime, fn.handler, fn.memory, fn.timeout, fn.tracing) == (
        "python3.11",
        "index.handler",
        512,
        30,
        "Active",
    )
    assert (fn.code_root, fn.handler_file) == (None, None)  # ZipFile: inline code
    assert fn.dead_letter == Unknown("!GetAtt InvoiceDlq.Arn", "deploy-time attribute")
    assert fn.on_failure == Unknown("!GetAtt InvoiceDlq.Arn", "deploy-time attribute")
    # LoggingConfig.LogGroup: !Ref InvoiceLogs -> that group's name and retention.
    assert (fn.log_group, fn.log_retention_days) == ("/billing/invoice", 30)
    assert fn.tags == {"team": "billing"}
    assert [(v.name, v.value, v.origin, v.raw) for v in fn.environment] == [
        (
            "TABLE",
            Unknown("!Ref InvoicesTable", "resource reference"),
            "function",
            '{"Ref": "InvoicesTable"}',
        ),
        ("MODE", "strict", "function", None),
    ]
    report = app.function("ReportFunction")
    assert report is not None
    # LogGroupName: !Join ["", ["/aws/lambda/", !Ref ReportFunction]]
    assert (report.reserved_concurrency, report.log_retention_days) == (2, 7)
    image = app.function("ImageFunction")
    assert image is not None
    assert image.image_uri == "123456789012.dkr.ecr.us-east-1.amazonaws.com/billing:latest"


def test_url_methods_and_api(app: Application) -> None:
    fn = app.function("InvoiceFunction")
    assert fn is not None
    cors = Cors(allow_origins=("https://billing.example.com",), location=at(140))
    assert fn.url == FunctionUrl(
        auth_type="AWS_IAM", location=at(134), cors=cors, invoke_mode="BUFFERED"
    )
    assert fn.triggers == (
        Trigger(
            TriggerKind.FUNCTION_URL,
            at(134),
            auth=AuthKind.IAM,
            internet_reachable=True,
            cors=cors,
            properties={"InvokeMode": "BUFFERED"},
        ),
        # A Cognito-authorised method on /invoices/{id}, path rebuilt from the Resource chain.
        Trigger(
            TriggerKind.REST_API,
            at(216),
            auth=AuthKind.COGNITO,
            internet_reachable=True,
            path="/invoices/{id}",
            method="GET",
            api="BillingApi",
            properties={
                "AuthorizationType": "COGNITO_USER_POOLS",
                "AuthorizerId": Unknown("!Ref BillingAuthorizer", "resource reference"),
            },
        ),
        Trigger(
            TriggerKind.REST_API,
            at(229),
            auth=AuthKind.API_KEY,
            internet_reachable=True,
            path="/invoices",
            method="GET",
            api="BillingApi",
            properties={"AuthorizationType": "NONE", "ApiKeyRequired": True},
        ),
        # The apigateway.amazonaws.com permission adds nothing: the methods say more.
    )
    assert app.apis == (
        Api(
            id="BillingApi",
            kind=TriggerKind.REST_API,
            location=at(185),
            throttling=Throttling(rate_limit=10.0, burst_limit=20),
            functions=("InvoiceFunction",),
            properties={"Name": "billing", "EndpointConfiguration": {"Types": ["REGIONAL"]}},
        ),
    )


def test_permissions_and_event_source_mapping(app: Application) -> None:
    report = app.function("ReportFunction")
    consumer = app.function("QueueConsumerFunction")
    assert report is not None and consumer is not None
    assert report.triggers == (
        Trigger(
            TriggerKind.S3,
            at(153),
            source="ReportsBucket",
            properties={"Permission": "ReportBucketPermission"},
        ),
        Trigger(
            TriggerKind.SCHEDULE,
            at(170),
            source="NightlyRule",
            properties={
                "Permission": "NightlyPermission",
                "ScheduleExpression": "cron(0 3 * * ? *)",
            },
        ),
    )
    assert consumer.triggers == (
        Trigger(TriggerKind.SQS, at(178), source="BillingQueue", properties={"BatchSize": 5}),
    )


def test_referenced_by_and_resources(app: Application) -> None:
    assert {fn.name: fn.referenced_by for fn in app.functions} == {
        "InvoiceFunction": (
            "InvoiceUrl",
            "InvoiceInvokeConfig",
            "GetInvoiceMethod",
            "ListInvoicesMethod",
            "ApiPermission",
        ),
        "ReportFunction": (
            "ReportLogs",
            "ReportBucketPermission",
            "NightlyRule",
            "NightlyPermission",
        ),
        "QueueConsumerFunction": ("ConsumerMapping",),
        "ImageFunction": (),
    }
    permission = app.resource("ReportBucketPermission")
    assert permission is not None
    assert permission.type == "AWS::Lambda::Permission"
    assert permission.properties == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": Unknown("!Ref ReportFunction", "resource reference"),
        "Principal": "s3.amazonaws.com",
        "SourceArn": Unknown("!GetAtt ReportsBucket.Arn", "deploy-time attribute"),
        "SourceAccount": Unknown("!Ref AWS::AccountId", "deploy-time pseudo parameter"),
    }
    assert permission.property_lines == {
        "Action": 156,
        "FunctionName": 157,
        "Principal": 158,
        "SourceArn": 159,
        "SourceAccount": 160,
    }
    assert "SharedRole" not in {res.id for res in app.resources}  # roles are Roles


def test_http_api_v2_routes(load_app: Callable[..., Application]) -> None:
    app = load_app("http_api_cfn/template.yaml")

    def loc(line: int) -> Location:
        return Location("http_api_cfn/template.yaml", line)

    cors = Cors(allow_origins=("*",), allow_credentials=False, location=loc(17))
    (fn,) = app.functions
    assert fn.triggers == (
        Trigger(
            TriggerKind.HTTP_API,
            loc(40),
            auth=AuthKind.JWT,
            internet_reachable=True,
            path="/products",
            method="GET",
            cors=cors,
            api="CatalogApi",
            properties={
                "AuthorizationType": "JWT",
                "AuthorizerId": Unknown("!Ref JwtAuthorizer", "resource reference"),
            },
        ),
        Trigger(
            TriggerKind.HTTP_API,
            loc(49),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="$default",
            method="ANY",
            cors=cors,
            api="CatalogApi",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            loc(66),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="$default",
            method="ANY",
            api="QuickApi",
        ),
    )
    catalog = app.apis[0]
    assert (catalog.id, catalog.throttling, catalog.functions) == (
        "CatalogApi",
        Throttling(rate_limit=2.5, burst_limit=5),
        ("CatalogFunction",),
    )
    assert fn.referenced_by == ("CatalogIntegration", "QuickApi", "CatalogPermission")


def test_log_group_named_after_an_unresolved_function_name(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      FunctionName: !Sub ${AWS::StackName}-orders\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/r\n"
        "      Code: {ZipFile: 'def handler(e, c): return e'}\n"
        "  Logs:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      LogGroupName: !Sub /aws/lambda/${AWS::StackName}-orders\n"
        "      RetentionInDays: 90\n"
    )
    result = CloudFormationLoader().load("template.yaml", ScanFS(tmp_path), LoadOptions())
    (fn,) = result.applications[0].functions
    assert (fn.log_retention_days, fn.log_group, fn.referenced_by) == (90, None, ())
