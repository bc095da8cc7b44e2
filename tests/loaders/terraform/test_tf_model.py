"""The Terraform loader builds the exact model: functions, roles, statements, triggers, auth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader
from faasguard.loaders.terraform.values import Ref
from faasguard.model import (
    AppFormat,
    Application,
    AuthKind,
    EnvVar,
    FunctionUrl,
    Location,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)

LoadApp = Callable[[str], Application]


def test_function_fields_variables_tfvars_locals_and_archive_code(load_app: LoadApp) -> None:
    app = load_app("app")
    assert (app.name, app.format, app.file, app.root) == (
        "app",
        AppFormat.TERRAFORM,
        "app/main.tf",
        "app",
    )
    (fn,) = app.functions
    assert fn.name == "api"
    assert fn.resource_id == "aws_lambda_function.api"
    assert fn.location == Location("app/main.tf", 11)
    assert (fn.runtime, fn.handler, fn.memory, fn.timeout) == ("python3.12", "app.handler", 128, 30)
    # archive_file source_dir is the code root; the handler file is found in it
    assert (fn.code_root, fn.handler_file, fn.handler_function) == (
        "app/src",
        "app/src/app.py",
        "handler",
    )
    assert fn.role == "aws_iam_role.lambda"
    assert fn.environment == (
        EnvVar(
            "TABLE",
            Ref(
                "aws_dynamodb_table.orders.name",
                "deploy-time attribute",
                ("aws_dynamodb_table.orders",),
            ),
            Location("app/main.tf", 23),
            "function",
            raw="aws_dynamodb_table.orders.name",
        ),
        EnvVar(
            "API_KEY", "sk_live_0123456789abcdefghijklmn", Location("app/main.tf", 24), "function"
        ),
        # terraform.tfvars overrides the variable's default "dev"
        EnvVar("STAGE", "prod", Location("app/main.tf", 25), "function"),
    )


def test_role_statements_from_every_policy_source(load_app: LoadApp) -> None:
    app = load_app("app")
    (role,) = app.roles
    assert role.id == "aws_iam_role.lambda"
    assert role.functions == ("api",)
    assert role.external is False
    assert role.trusted_services == ("lambda.amazonaws.com",)  # from assume_role_policy
    assert role.managed_policies == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    assert role.statements == (
        Statement(
            "Allow",
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            Location("app/main.tf", 42),
            "aws_iam_role.lambda.inline_policy[logs]",
            resources=("*",),
        ),
        Statement(
            "Allow",
            ("dynamodb:*",),
            Location("app/main.tf", 53),
            "aws_iam_role_policy.table",
            resources=(
                Ref(
                    "aws_dynamodb_table.orders.arn",
                    "deploy-time attribute",
                    ("aws_dynamodb_table.orders",),
                ),
            ),
            sid="Table",
        ),
        Statement(
            "Allow", ("*",), Location("app/main.tf", 66), "aws_iam_policy.admin", resources=("*",)
        ),
    )


def test_triggers_and_auth(load_app: LoadApp) -> None:
    (fn,) = load_app("app").functions
    assert fn.url == FunctionUrl("NONE", Location("app/triggers.tf", 1))
    assert fn.triggers == (
        Trigger(TriggerKind.FUNCTION_URL, Location("app/triggers.tf", 1), internet_reachable=True),
        Trigger(
            TriggerKind.SQS,
            Location("app/triggers.tf", 11),
            source="aws_sqs_queue.jobs",
            properties={"BatchSize": 5},
        ),
        Trigger(
            TriggerKind.S3,
            Location("app/triggers.tf", 31),
            source="aws_s3_bucket.uploads",
            properties={
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "in/"}]}},
            },
        ),
        Trigger(TriggerKind.SNS, Location("app/triggers.tf", 42), source="aws_sns_topic.events"),
        Trigger(
            TriggerKind.SCHEDULE,
            Location("app/triggers.tf", 52),
            source="aws_cloudwatch_event_rule.nightly",
            properties={"ScheduleExpression": "rate(1 day)"},
        ),
        Trigger(
            TriggerKind.REST_API,
            Location("app/apis.tf", 11),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="/orders",
            method="GET",
            api="aws_api_gateway_rest_api.shop",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            Location("app/apis.tf", 44),
            auth=AuthKind.JWT,
            internet_reachable=True,
            path="/orders",
            method="POST",
            api="aws_apigatewayv2_api.http",
        ),
    )
    # every resource naming the function, the ones that make no trigger included
    assert fn.referenced_by == (
        "aws_lambda_function_url.api",
        "aws_lambda_event_source_mapping.jobs",
        "aws_s3_bucket_notification.uploads",
        "aws_sns_topic_subscription.events",
        "aws_cloudwatch_event_target.nightly",
        "aws_api_gateway_integration.get_orders",
        "aws_apigatewayv2_route.post_order",
        "aws_lambda_permission.public",
        "aws_apigatewayv2_integration.api",
    )


def test_apis_and_stores_in_cloudformation_shape(load_app: LoadApp) -> None:
    app = load_app("app")
    assert [(api.id, api.kind, api.functions) for api in app.apis] == [
        ("aws_api_gateway_rest_api.shop", TriggerKind.REST_API, ("api",)),
        ("aws_apigatewayv2_api.http", TriggerKind.HTTP_API, ("api",)),
    ]
    resources = {res.id: (res.type, dict(res.properties)) for res in app.resources}
    assert resources["aws_s3_bucket.uploads"] == (
        "AWS::S3::Bucket",
        {
            "BucketName": "uploads-bucket",
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": False,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
        },
    )
    assert resources["aws_sqs_queue.jobs"] == (
        "AWS::SQS::Queue",
        {"QueueName": "jobs", "VisibilityTimeout": 10},
    )
    assert resources["aws_dynamodb_table.orders"] == (
        "AWS::DynamoDB::Table",
        {"TableName": "orders", "SSESpecification": {"SSEEnabled": True}},
    )
    assert resources["aws_elasticache_replication_group.cache"] == (
        "AWS::ElastiCache::ReplicationGroup",
        {"AtRestEncryptionEnabled": False},
    )
    assert resources["aws_secretsmanager_secret.db"] == (
        "AWS::SecretsManager::Secret",
        {"Name": "db", "SecretString": "hunter2-very-secret-password"},
    )
    assert resources["aws_kinesis_stream.clicks"] == ("AWS::Kinesis::Stream", {"Name": "clicks"})
    assert resources["aws_sns_topic.events"] == ("AWS::SNS::Topic", {"TopicName": "events"})
    permission = app.resource("aws_lambda_permission.public")
    assert permission is not None
    assert permission.type == "AWS::Lambda::Permission"
    assert permission.properties["Principal"] == "*"
    assert permission.line_of("Principal") == 60


def test_lambda_module_inputs_become_a_function_without_download(load: Callable) -> None:
    result = load("lambda_module")
    (app,) = result.applications
    (fn,) = app.functions
    assert (fn.name, fn.resource_id) == ("ingest", "module.ingest.aws_lambda_function.this")
    assert (fn.handler, fn.runtime, fn.code_root, fn.handler_file) == (
        "index.lambda_handler",
        "python3.12",
        "lambda_module/src",
        "lambda_module/src/index.py",
    )
    assert fn.environment == (
        EnvVar("MODE", "batch", Location("lambda_module/main.tf", 11), "function"),
    )
    assert fn.url == FunctionUrl("NONE", Location("lambda_module/main.tf", 26))
    assert [(t.kind, t.auth, t.source, t.location.line) for t in fn.triggers] == [
        (TriggerKind.FUNCTION_URL, AuthKind.NONE, None, 26),
        (TriggerKind.S3, AuthKind.NONE, "arn:aws:s3:::ingest-bucket", 29),  # allowed_triggers
        (TriggerKind.SQS, AuthKind.NONE, "aws_sqs_queue.jobs", 36),  # event_source_mapping
    ]
    assert fn.triggers[2].properties == {"BatchSize": 5}
    (role,) = app.roles
    assert role.id == "module.ingest.aws_iam_role.lambda"
    assert role.trusted_services == ("lambda.amazonaws.com",)
    assert role.managed_policies == ("arn:aws:iam::aws:policy/AmazonSQSFullAccess",)
    assert [(s.actions, s.resources, s.location, s.sid) for s in role.statements] == [
        (
            ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
            (Unknown("module.ingest log group", "created by the module"),),
            Location("lambda_module/main.tf", 1),
            None,
        ),
        (
            ("s3:GetObject",),
            ("arn:aws:s3:::ingest-bucket/*",),
            Location("lambda_module/main.tf", 16),
            "s3_read",
        ),
    ]
    # the other registry module is remote: said once, with its line
    assert [(i.kind.value, i.location) for i in result.issues] == [
        ("unsupported", Location("lambda_module/main.tf", 47))
    ]


def test_local_module_followed_with_caller_inputs(load_app: LoadApp) -> None:
    app = load_app("local_module")
    (fn,) = app.functions
    assert fn.name == "module.worker.this"
    assert fn.resource_id == "module.worker.aws_lambda_function.this"
    assert fn.location == Location("local_module/modules/worker/main.tf", 4)
    assert fn.handler_file == "local_module/modules/worker/code/handler.js"
    # the role is passed in by the caller and resolved to the root module's role
    assert fn.role == "aws_iam_role.worker"
    assert app.roles[0].functions == ("module.worker.this",)
    # a permission naming the module's output reaches the function inside it
    assert [(t.kind, t.location) for t in fn.triggers] == [
        (TriggerKind.EVENTBRIDGE, Location("local_module/main.tf", 12))
    ]


def test_plan_json_resolved_values_module_tree_and_references(load_app: LoadApp) -> None:
    app = load_app("plan/plan.json")
    assert (app.name, app.file, app.format) == ("plan", "plan/plan.json", AppFormat.TERRAFORM)
    (fn,) = app.functions
    assert (fn.name, fn.runtime, fn.memory, fn.location) == (
        "api",
        "python3.8",
        256,
        Location("plan/plan.json", 7),
    )
    assert fn.environment == (EnvVar("STAGE", "prod", Location("plan/plan.json", 18), "function"),)
    assert fn.role == "aws_iam_role.lambda"  # from configuration references
    assert fn.url == FunctionUrl("NONE", Location("plan/plan.json", 33))
    (role,) = app.roles
    assert role.statements == (
        Statement(
            "Allow",
            ("s3:*",),
            Location("plan/plan.json", 29),
            "aws_iam_role.lambda.inline_policy[all]",
            resources=("*",),
        ),
    )
    queue = app.resource("module.jobs.aws_sqs_queue.this")
    assert queue is not None
    assert dict(queue.properties) == {"QueueName": "jobs", "VisibilityTimeout": 30}


def test_lambda_module_with_a_role_of_the_project(tmp_path: Path) -> None:
    """``create_role = false`` + ``lambda_role``: the module's function shares the project's
    role, next to a plain function with its own role (a mix that once crashed the loader)."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role" "shared" {\n  name = "shared"\n}\n'
        'resource "aws_iam_role" "other" {\n  name = "other"\n}\n'
        'resource "aws_lambda_function" "plain" {\n  function_name = "plain"\n'
        "  role = aws_iam_role.other.arn\n}\n"
        'module "fn" {\n  source = "terraform-aws-modules/lambda/aws"\n'
        '  function_name = "fn"\n  create_role = false\n'
        "  lambda_role = aws_iam_role.shared.arn\n}\n"
    )
    result = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions())
    assert result.issues == ()
    (app,) = result.applications
    assert {fn.name: fn.role for fn in app.functions} == {
        "plain": "aws_iam_role.other",
        "fn": "aws_iam_role.shared",
    }
    assert {role.id: role.functions for role in app.roles} == {
        "aws_iam_role.shared": ("fn",),
        "aws_iam_role.other": ("plain",),
    }


def test_managed_policy_data_source_by_name_and_partition(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'data "aws_iam_policy" "basic" {\n  name = "AWSLambdaBasicExecutionRole"\n}\n'
        'data "aws_partition" "current" {}\n'
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
        'resource "aws_iam_role_policy_attachment" "basic" {\n'
        "  role = aws_iam_role.r.name\n  policy_arn = data.aws_iam_policy.basic.arn\n}\n"
        'resource "aws_iam_role_policy_attachment" "xray" {\n  role = aws_iam_role.r.name\n'
        '  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/'
        'AWSXrayWriteOnlyAccess"\n}\n'
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    assert app.roles[0].managed_policies == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    )


def test_resources_naming_a_function_reference_it(tmp_path: Path) -> None:
    """A state machine invoking `worker` makes it used; `worker2`, named by nothing, is not."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "worker" {\n  function_name = "worker"\n}\n'
        'resource "aws_lambda_function" "worker2" {\n  function_name = "worker2"\n}\n'
        'resource "aws_sfn_state_machine" "flow" {\n  definition = jsonencode({\n'
        '    States = { Run = { Type = "Task", Resource = aws_lambda_function.worker.arn } }\n'
        "  })\n}\n"
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    assert {fn.name: fn.referenced_by for fn in app.functions} == {
        "worker": ("aws_sfn_state_machine.flow",),
        "worker2": (),
    }


def test_managed_policy_arns_naming_a_template_policy_fold_its_statements(
    tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "read" {\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject",'
        ' Resource = "*" }] })\n}\n'
        'resource "aws_iam_role" "r" {\n  name = "r"\n'
        '  managed_policy_arns = [aws_iam_policy.read.arn, "arn:aws:iam::aws:policy/ReadOnlyAccess"]\n'
        "}\n"
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    (role,) = app.roles
    assert role.managed_policies == ("arn:aws:iam::aws:policy/ReadOnlyAccess",)
    assert role.statements == (
        Statement(
            "Allow",
            ("s3:GetObject",),
            Location("main.tf", 2),
            "aws_iam_policy.read",
            resources=("*",),
        ),
    )


def test_committed_zip_is_the_package_artifact_and_kms_key(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "fn.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n'
        '  filename = "${path.module}/build/fn.zip"\n'
        "  kms_key_arn = aws_kms_key.env.arn\n}\n"
        'resource "aws_lambda_function" "missing" {\n  filename = "nowhere.zip"\n}\n'
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    fn, missing = app.functions
    assert (fn.package_artifact, fn.code_root) == ("build/fn.zip", None)
    assert fn.kms_key_arn == Ref(
        "aws_kms_key.env.arn", "deploy-time attribute", ("aws_kms_key.env",)
    )
    assert missing.package_artifact is None


def test_plan_with_module_instances_and_unknown_arns(tmp_path: Path) -> None:
    """A module's resources come from the plan's module tree, `[0]` dropped from addresses;
    values known only after apply are joined through the configuration's references."""
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.api",
                        "resources": [
                            {
                                "address": "module.api.aws_lambda_function.this[0]",
                                "mode": "managed",
                                "type": "aws_lambda_function",
                                "name": "this",
                                "index": 0,
                                "values": {"function_name": "api", "runtime": "nodejs20.x"},
                            },
                            {
                                "address": "module.api.aws_iam_role.lambda[0]",
                                "mode": "managed",
                                "type": "aws_iam_role",
                                "name": "lambda",
                                "index": 0,
                                "values": {"name": "api"},
                            },
                        ],
                    }
                ]
            }
        },
        "configuration": {
            "root_module": {
                "module_calls": {
                    "api": {
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_lambda_function.this",
                                    "expressions": {
                                        "role": {"references": ["aws_iam_role.lambda[0].arn"]}
                                    },
                                }
                            ]
                        }
                    }
                }
            }
        },
    }
    import json

    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=1))
    result = TerraformLoader().load("plan.json", ScanFS(tmp_path), LoadOptions())
    assert result.issues == ()
    (app,) = result.applications
    (fn,) = app.functions
    assert (fn.name, fn.resource_id, fn.runtime, fn.role) == (
        "module.api.this",
        "module.api.aws_lambda_function.this",
        "nodejs20.x",
        "module.api.aws_iam_role.lambda",
    )
    assert app.roles[0].functions == ("module.api.this",)


def test_dynamic_policy_statement_is_unreadable_not_missing(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'data "aws_iam_policy_document" "d" {\n'
        '  statement {\n    actions = ["s3:GetObject"]\n    resources = ["*"]\n  }\n'
        '  dynamic "statement" {\n    for_each = var.extra\n'
        "    content {\n      actions = statement.value\n    }\n  }\n}\n"
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
        'resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.r.id\n'
        "  policy = data.aws_iam_policy_document.d.json\n}\n"
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    first, dynamic = app.roles[0].statements
    assert (first.actions, first.location) == (("s3:GetObject",), Location("main.tf", 2))
    hidden = Unknown('dynamic "statement"', "generated block")
    assert (dynamic.effect, dynamic.actions, dynamic.resources) == (hidden, (hidden,), (hidden,))
