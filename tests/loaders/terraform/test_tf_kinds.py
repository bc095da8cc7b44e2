"""One fixture per remaining resource kind: layers, aliases, log groups, destinations, APIs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader
from faasguard.loaders.terraform.values import Ref
from faasguard.model import (
    Application,
    AuthKind,
    Cors,
    Location,
    Statement,
    Throttling,
    Trigger,
    TriggerKind,
)

LoadApp = Callable[[str], Application]
MAIN = "kinds/main.tf"
APIS = "kinds/apis.tf"


def test_function_settings_layers_logs_and_destinations(load_app: LoadApp) -> None:
    app = load_app("kinds")
    # `count = var.enabled ? 1 : 0` with enabled = false: the second function does not exist
    (fn,) = app.functions
    assert fn.name == "web"
    # archive_file source_file: the code root is its folder
    assert (fn.code_root, fn.handler_file) == ("kinds/fn", "kinds/fn/index.js")
    assert fn.layers == (
        Ref(
            "aws_lambda_layer_version.deps.arn",
            "deploy-time attribute",
            ("aws_lambda_layer_version.deps",),
        ),
    )
    assert (fn.tracing, fn.reserved_concurrency) == ("Active", 5)
    # the log group named /aws/lambda/web; retention from terraform.tfvars.json over the default
    assert (fn.log_retention_days, fn.log_group) == (14, "aws_cloudwatch_log_group.web")
    assert fn.on_failure == "aws_sqs_queue.dlq"
    assert fn.role == "arn:aws:iam::123456789012:role/existing"
    assert fn.referenced_by == (
        "aws_scheduler_schedule.hourly",
        "aws_api_gateway_integration.get_item",
        "aws_api_gateway_integration.post_item",
        "aws_apigatewayv2_route.connect",
        "aws_lambda_alias.live",
        "aws_apigatewayv2_integration.ws",
        "aws_apigatewayv2_api.quick",
        "aws_lambda_function_event_invoke_config.web",
    )
    layer = app.resource("aws_lambda_layer_version.deps")
    assert layer is not None
    assert (layer.type, dict(layer.properties)) == (
        "AWS::Lambda::LayerVersion",
        {"LayerName": "deps", "CompatibleRuntimes": ["nodejs20.x"], "Content": "layer"},
    )
    permission = app.resource("aws_lambda_layer_version_permission.public")
    assert permission is not None
    assert permission.type == "AWS::Lambda::LayerVersionPermission"
    assert permission.properties["Principal"] == "*"


def test_roles_external_and_templatefile_policy(load_app: LoadApp) -> None:
    roles = {role.id: role for role in load_app("kinds").roles}
    external = roles["arn:aws:iam::123456789012:role/existing"]
    assert (external.external, external.functions, external.location) == (
        True,
        ("web",),
        Location(MAIN, 40),
    )
    ops = roles["aws_iam_role.ops"]
    assert ops.functions == ()
    assert ops.statements == (
        Statement(
            "Allow",
            ("sqs:SendMessage",),
            Location(MAIN, 83),  # the `policy =` line: the JSON comes from the template
            "aws_iam_role.ops.inline_policy[extra]",
            resources=("arn:aws:sqs:eu-west-1:123456789012:dlq",),
        ),
    )


def test_rest_websocket_quick_create_and_scheduler_triggers(load_app: LoadApp) -> None:
    app = load_app("kinds")
    (fn,) = app.functions
    assert fn.triggers == (
        Trigger(
            TriggerKind.SCHEDULE,
            Location(APIS, 104),
            source="aws_scheduler_schedule.hourly",
            properties={"ScheduleExpression": "rate(1 hour)"},
        ),
        # private endpoint: not internet-reachable; Cognito authorizer
        Trigger(
            TriggerKind.REST_API,
            Location(APIS, 26),
            auth=AuthKind.COGNITO,
            internet_reachable=False,
            path="/items/{id}",
            method="GET",
            api="aws_api_gateway_rest_api.private",
        ),
        # no authorizer but an API key
        Trigger(
            TriggerKind.REST_API,
            Location(APIS, 42),
            auth=AuthKind.API_KEY,
            internet_reachable=False,
            path="/items/{id}",
            method="POST",
            api="aws_api_gateway_rest_api.private",
        ),
        # quick create: a $default route without authorizer
        Trigger(
            TriggerKind.HTTP_API,
            Location(APIS, 94),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="$default",
            method="ANY",
            cors=Cors(("https://shop.example.com",), True, Location(APIS, 98)),
            api="aws_apigatewayv2_api.quick",
        ),
        Trigger(
            TriggerKind.WEBSOCKET,
            Location(APIS, 86),
            auth=AuthKind.LAMBDA_AUTHORIZER,
            internet_reachable=True,
            path="$connect",
            api="aws_apigatewayv2_api.ws",
        ),
    )
    throttled = app.apis[0]
    assert (throttled.id, throttled.throttling) == (
        "aws_api_gateway_rest_api.private",
        Throttling(100, 50),
    )
    assert [api.kind for api in app.apis] == [
        TriggerKind.REST_API,
        TriggerKind.WEBSOCKET,
        TriggerKind.HTTP_API,
    ]


def test_cognito_iot_logs_alb_and_appsync_triggers(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n}\n'  # 1-3
        'resource "aws_cognito_user_pool" "users" {\n  name = "users"\n'  # 4-5
        "  lambda_config {\n    pre_sign_up = aws_lambda_function.fn.arn\n  }\n}\n"  # 6-9
        'resource "aws_iot_topic_rule" "rule" {\n  sql = "SELECT * FROM \'t\'"\n'  # 10-11
        "  lambda {\n    function_arn = aws_lambda_function.fn.arn\n  }\n}\n"  # 12-15
        'resource "aws_cloudwatch_log_subscription_filter" "logs" {\n'  # 16
        '  log_group_name  = "/app"\n  filter_pattern  = "ERROR"\n'  # 17-18
        "  destination_arn = aws_lambda_function.fn.arn\n}\n"  # 19-20
        'resource "aws_lb_target_group" "tg" {\n  target_type = "lambda"\n}\n'  # 21-23
        'resource "aws_lb_target_group_attachment" "tg" {\n'  # 24
        "  target_group_arn = aws_lb_target_group.tg.arn\n"  # 25
        "  target_id        = aws_lambda_function.fn.arn\n}\n"  # 26-27
        'resource "aws_appsync_datasource" "ds" {\n  api_id = "abc"\n  type = "AWS_LAMBDA"\n'
        "  lambda_config {\n    function_arn = aws_lambda_function.fn.arn\n  }\n}\n"  # 28-34
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    (fn,) = app.functions
    assert fn.triggers == (
        Trigger(
            TriggerKind.COGNITO,
            Location("main.tf", 7),
            source="aws_cognito_user_pool.users",
            properties={"Trigger": "pre_sign_up"},
        ),
        Trigger(
            TriggerKind.IOT,
            Location("main.tf", 10),
            source="aws_iot_topic_rule.rule",
            properties={"Sql": "SELECT * FROM 't'"},
        ),
        Trigger(
            TriggerKind.CLOUDWATCH_LOGS,
            Location("main.tf", 16),
            source="/app",
            properties={"FilterPattern": "ERROR"},
        ),
        Trigger(
            TriggerKind.ALB,
            Location("main.tf", 24),
            auth=AuthKind.UNKNOWN,
            internet_reachable=None,
            source="aws_lb_target_group.tg",
        ),
        Trigger(
            TriggerKind.APPSYNC,
            Location("main.tf", 28),
            auth=AuthKind.UNKNOWN,
            internet_reachable=None,
            source="abc",
        ),
    )
