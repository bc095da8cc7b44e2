"""An OpenAPI ``body`` on a Terraform REST API gives routes, auth and validators; and
``data "template_file"`` renders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader
from faasguard.model import (
    Application,
    AuthKind,
    Location,
    RequestValidation,
    Trigger,
    TriggerKind,
)

LoadApp = Callable[[str], Application]
MAIN = "openapi_body/main.tf"


def test_openapi_body_routes_with_security_and_validator(load_app: LoadApp) -> None:
    app = load_app("openapi_body")
    (fn,) = app.functions
    assert fn.triggers == (
        Trigger(
            TriggerKind.REST_API,
            Location(MAIN, 27),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="/pets",
            method="GET",
            api="aws_api_gateway_rest_api.pets",
        ),
        Trigger(
            TriggerKind.REST_API,
            Location(MAIN, 34),
            auth=AuthKind.API_KEY,
            internet_reachable=True,
            path="/pets",
            method="POST",
            api="aws_api_gateway_rest_api.pets",
            request_validation=RequestValidation(True, True, "all", Location(MAIN, 34)),
        ),
    )
    assert app.apis[0].functions == ("pets",)


def test_template_file_data_source_renders(load_app: LoadApp) -> None:
    queue = load_app("openapi_body").resource("aws_sqs_queue.rendered")
    assert queue is not None
    assert queue.properties["QueueName"] == "hello pets"


def test_templated_yaml_body_keeps_its_routes_and_the_arn(tmp_path: Path) -> None:
    """``templatefile()`` with a function's ARN gives an unknown text; its YAML structure is
    still read, the ARN staying a reference that names the function. The lambda module's
    vague `allowed_triggers` route goes once the precise routes are known."""
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.1\n"
        "paths:\n"
        "  /orders:\n"
        "    post:\n"
        "      x-amazon-apigateway-integration:\n"
        "        type: aws_proxy\n"
        "        uri: ${fn_arn}\n"
    )
    (tmp_path / "main.tf").write_text(
        'module "orders" {\n  source = "terraform-aws-modules/lambda/aws"\n'
        '  function_name = "orders"\n  allowed_triggers = {\n'
        '    api = { service = "apigateway", source_arn = "arn:aws:execute-api:*" }\n  }\n}\n'
        'resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n'
        '  body = templatefile("api.yaml", { fn_arn = module.orders.lambda_function_invoke_arn })\n'
        "}\n"
    )
    result = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions())
    (app,) = result.applications
    (fn,) = app.functions
    # no line: the body's lines are the template's, not the .tf file's, so the API's line
    assert fn.triggers == (
        Trigger(
            TriggerKind.REST_API,
            Location("main.tf", 8),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="/orders",
            method="POST",
            api="aws_api_gateway_rest_api.api",
        ),
    )
