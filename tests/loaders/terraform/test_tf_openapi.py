"""An OpenAPI ``body`` on a Terraform REST API gives routes, auth and validators; and
``data "template_file"`` renders."""

from __future__ import annotations

from collections.abc import Callable

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
