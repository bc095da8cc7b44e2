"""SAM variants: explicit private API with authorizers, JSON templates, no Transform line."""

from __future__ import annotations

from collections.abc import Callable

from faasguard.model import (
    AppFormat,
    Application,
    AuthKind,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)

Loader = Callable[..., Application]


def test_private_api_authorizers_api_keys_and_iam(load_app: Loader) -> None:
    app = load_app("private_api/template.yaml")
    backend = app.function("BackendFunction")
    assert backend is not None

    def at(line: int) -> Location:
        return Location("private_api/template.yaml", line)

    assert backend.triggers == (
        # DefaultAuthorizer TokenAuth (a TOKEN Lambda authorizer) on a PRIVATE endpoint.
        Trigger(
            TriggerKind.REST_API,
            at(35),
            auth=AuthKind.LAMBDA_AUTHORIZER,
            internet_reachable=False,
            path="/items",
            method="GET",
            api="InternalApi",
        ),
        Trigger(
            TriggerKind.REST_API,
            at(41),
            auth=AuthKind.IAM,
            internet_reachable=False,
            path="/admin",
            method="POST",
            api="InternalApi",
            properties={"Auth": {"Authorizer": "AWS_IAM"}},
        ),
        # Authorizer NONE, but the API requires an API key on every method.
        Trigger(
            TriggerKind.REST_API,
            at(49),
            auth=AuthKind.API_KEY,
            internet_reachable=False,
            path="/status",
            method="ANY",
            api="InternalApi",
            properties={"Auth": {"Authorizer": "NONE"}},
        ),
        # An API imported from another stack: its authorizers cannot be seen.
        Trigger(
            TriggerKind.REST_API,
            at(57),
            auth=AuthKind.UNKNOWN,
            internet_reachable=None,
            path="/shared",
            method="GET",
        ),
        # Globals.HttpApi.Auth.DefaultAuthorizer: AWS_IAM applies to the implicit HTTP API.
        Trigger(
            TriggerKind.HTTP_API,
            at(63),
            auth=AuthKind.IAM,
            internet_reachable=True,
            path="/metrics",
            method="GET",
            api="ServerlessHttpApi",
        ),
    )
    assert [(api.id, api.implicit, api.functions) for api in app.apis] == [
        ("InternalApi", False, ("BackendFunction",)),
        ("ServerlessHttpApi", True, ("BackendFunction",)),
    ]


def test_globals_architectures_replace_and_ignore_globals(load_app: Loader) -> None:
    app = load_app("private_api/template.yaml")
    backend = app.function("BackendFunction")
    authorizer = app.function("AuthorizerFunction")
    assert backend is not None and authorizer is not None
    assert backend.architectures == ("arm64",)  # replaced, not appended to [x86_64]
    assert authorizer.architectures == ()  # IgnoreGlobals: [Architectures]
    assert (authorizer.runtime, authorizer.handler) == ("python3.12", "index.handler")


def test_role_property_wins_over_policies(load_app: Loader) -> None:
    app = load_app("private_api/template.yaml")
    authorizer = app.function("AuthorizerFunction")
    assert authorizer is not None
    assert authorizer.role == "AuthorizerRole"
    # AdministratorAccess in Policies is ignored by SAM when Role is set.
    assert app.role("AuthorizerRole") == Role(
        id="AuthorizerRole",
        location=Location("private_api/template.yaml", 78),
        functions=("AuthorizerFunction",),
        trusted_services=("lambda.amazonaws.com",),
    )
    # The authorizer is referenced by the API that uses it.
    assert authorizer.referenced_by == ("InternalApi",)


def test_json_template(load_app: Loader) -> None:
    app = load_app("json_sam/template.json")
    assert (app.name, app.format) == ("json_sam", AppFormat.SAM)
    (fn,) = app.functions
    assert (fn.name, fn.handler_file, fn.handler_function) == (
        "JsonFunction",
        "json_sam/src/main.py",
        "lambda_handler",
    )
    assert [(v.name, v.value, v.origin) for v in fn.environment] == [("MODE", "json", "globals")]
    assert fn.triggers == (
        Trigger(TriggerKind.SQS, Location("json_sam/template.json", 20), source="JobsQueue"),
    )
    role = app.role("JsonFunctionRole")
    assert role is not None
    assert role.statements == (
        Statement(
            effect="Allow",
            actions=(
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ),
            resources=(
                Unknown(
                    "!Sub arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${JobsQueue.QueueName}",
                    "deploy-time pseudo parameter; deploy-time attribute",
                ),
            ),
            location=Location("json_sam/template.json", 17),
            origin="SAM policy template SQSPollerPolicy",
        ),
    )


def test_serverless_resources_without_transform_are_sam(load_app: Loader) -> None:
    app = load_app("no_transform/template.yaml")
    assert (app.name, app.format, app.root) == ("no_transform", AppFormat.SAM, "no_transform")
    (fn,) = app.functions
    assert fn.handler_file == "no_transform/hello/app.py"
    # An HttpApi event without Path/Method is SAM's $default route on the implicit API.
    assert fn.triggers == (
        Trigger(
            TriggerKind.HTTP_API,
            Location("no_transform/template.yaml", 11),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="$default",
            method="ANY",
            api="ServerlessHttpApi",
        ),
    )
    assert app.role("HelloFunctionRole") == Role(
        id="HelloFunctionRole",
        location=Location("no_transform/template.yaml", 4),
        managed_policies=("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",),
        functions=("HelloFunction",),
        trusted_services=("lambda.amazonaws.com",),
    )
