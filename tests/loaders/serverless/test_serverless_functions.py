"""Function settings: provider inheritance, merging, code location, and CloudFormation resources."""

from __future__ import annotations

from faasguard.model import EnvVar, Location, Resource, Unknown, Vpc

F = "serverless.yml"


def test_function_settings_override_the_provider(sls_app):
    app = sls_app("settings")
    assert (app.name, app.region) == ("settings", "eu-west-1")  # v1 ``service: {name:}``
    tuned = app.function("tuned")
    assert tuned is not None
    assert (tuned.runtime, tuned.memory, tuned.timeout, tuned.reserved_concurrency) == (
        "python3.12",
        1024,  # "1024" as written
        30,
        5,
    )
    assert (tuned.handler, tuned.handler_file, tuned.handler_function, tuned.code_root) == (
        "src/app.handler",
        "src/app.py",
        "handler",
        ".",
    )
    assert tuned.environment == (
        EnvVar("SHARED", "provider", Location(F, 25), "provider"),
        EnvVar("OVERRIDDEN", "function", Location(F, 56), "function"),
        EnvVar(
            "TABLE",
            Unknown("!Ref PaymentsTable", "resource reference"),
            Location(F, 57),
            "function",
            raw="!Ref PaymentsTable",
        ),
    )
    assert tuned.layers == (Unknown("!Ref CommonLambdaLayer", "resource reference"),)
    assert tuned.vpc == Vpc(subnet_ids=("subnet-fn",), security_group_ids=("sg-fn",))
    assert tuned.tags == {"team": "core", "env": "dev", "owner": "alice"}
    assert (tuned.tracing, tuned.log_retention_days, tuned.architectures) == (
        "PassThrough",
        30,
        ("x86_64",),
    )
    assert (tuned.dead_letter, tuned.on_failure) == (
        "arn:aws:sns:eu-west-1:123456789012:dlq",
        Unknown("!GetAtt FailureQueue.Arn", "deploy-time attribute"),
    )
    assert tuned.description == "Handles payments"
    # Serverless's order: excludes (the layer's path, the function's `exclude`) before
    # includes (the service's `patterns`, the function's `include`), so `src/**` re-includes
    # src/fixtures/.
    assert tuned.package_patterns == ("!layer/**", "!src/fixtures/**", "!tests/**", "src/**")
    assert tuned.log_group == "/aws/lambda/settings-dev-tuned"
    assert tuned.dependency_manifests == ("requirements.txt", "worker/requirements.txt")


def test_provider_defaults_are_inherited_and_unset_stays_none(sls_app):
    app = sls_app("settings")
    defaults = app.function("defaults")
    assert defaults is not None
    assert (defaults.runtime, defaults.memory, defaults.timeout) == ("python3.11", 512, 10)
    assert defaults.reserved_concurrency is None
    assert defaults.tracing == "Active"  # provider.tracing.lambda: true
    assert defaults.log_retention_days == 14
    assert defaults.architectures == ("arm64",)
    assert defaults.layers == ("arn:aws:lambda:eu-west-1:123456789012:layer:common:3",)
    assert defaults.vpc == Vpc(
        subnet_ids=("subnet-a", Unknown("!Ref PrivateSubnet", "resource reference")),
        security_group_ids=("sg-123",),
    )
    assert defaults.tags == {"team": "payments", "env": "dev"}
    assert (defaults.dead_letter, defaults.on_failure, defaults.description) == (None,) * 3
    assert defaults.log_group == "/aws/lambda/custom-physical-name"
    assert [(v.name, v.value, v.origin) for v in defaults.environment] == [
        ("SHARED", "provider", "provider"),
        ("OVERRIDDEN", "provider", "provider"),
    ]


def test_module_sets_the_code_root_and_images_have_no_handler(sls_app):
    app = sls_app("settings")
    module = app.function("python-module")
    assert module is not None
    assert (module.code_root, module.handler_file, module.handler_function) == (
        "worker",
        "worker/tasks.py",
        "run",
    )
    assert module.dependency_manifests == ("worker/requirements.txt",)
    container = app.function("container")
    assert container is not None
    assert (container.package_type, container.image_uri, container.handler, container.runtime) == (
        "Image",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest",
        None,
        None,
    )


def test_resources_keep_short_tags_as_unknown_and_lines(sls_app):
    app = sls_app("resources_short_tags")
    assert app.resources == (
        Resource(
            id="InvokePermission",
            type="AWS::Lambda::Permission",
            location=Location(F, 13),
            properties={
                "Action": "lambda:InvokeFunction",
                "FunctionName": Unknown(
                    "!GetAtt ProcessorLambdaFunction.Arn", "deploy-time attribute"
                ),
                "Principal": "events.amazonaws.com",
                "SourceArn": Unknown("!GetAtt TickRule.Arn", "deploy-time attribute"),
            },
            property_lines={"Action": 16, "FunctionName": 17, "Principal": 18, "SourceArn": 19},
        ),
        Resource(
            id="TickRule",
            type="AWS::Events::Rule",
            location=Location(F, 20),
            properties={
                "ScheduleExpression": "rate(1 hour)",
                "Targets": [
                    {
                        "Id": "tick",
                        "Arn": Unknown(
                            "!Sub ${ScheduledDashbyDashhandLambdaFunction.Arn}",
                            "deploy-time attribute",
                        ),
                    }
                ],
            },
            property_lines={"ScheduleExpression": 23, "Targets": 24},
        ),
        Resource(
            id="Bucket",
            type="AWS::S3::Bucket",
            location=Location(F, 27),
            properties={
                "BucketName": "wired-us-east-1-assets",
                "Tags": [{"Key": "stage", "Value": "dev"}],
            },
            property_lines={"BucketName": 30, "Tags": 31},
        ),
    )


def test_referenced_by_lists_resources_that_wire_a_function_by_hand(sls_app):
    app = sls_app("resources_short_tags")
    assert [(fn.name, fn.resource_id, fn.referenced_by) for fn in app.functions] == [
        ("processor", "ProcessorLambdaFunction", ("InvokePermission",)),
        ("orphan", "OrphanLambdaFunction", ()),
        ("scheduled-by-hand", "ScheduledDashbyDashhandLambdaFunction", ("TickRule",)),
    ]
