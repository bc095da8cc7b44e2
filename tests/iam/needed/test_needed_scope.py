"""Scoping: a name in code, followed through the function's environment into the template."""

from __future__ import annotations

import pytest

from faasguard.iam.needed.interface import Name, NameKind
from faasguard.iam.needed.scope import arns_for, resolve_name
from faasguard.model import AppFormat, Application, EnvVar, Function, Location, Resource, Unknown

HERE = Location("template.yaml", 1)
TYPES = {
    "Orders": "AWS::DynamoDB::Table",
    "Files": "AWS::S3::Bucket",
    "Jobs": "AWS::SQS::Queue",
    "Alerts": "AWS::SNS::Topic",
    "Db": "AWS::SecretsManager::Secret",
    "Flag": "AWS::SSM::Parameter",
}


def _app(env: dict[str, tuple[str | Unknown, str | None]]) -> tuple[Application, Function]:
    fn = Function(
        name="Fn",
        application="app",
        location=HERE,
        resource_id="Fn",
        environment=tuple(
            EnvVar(name, value, HERE, "function", raw) for name, (value, raw) in env.items()
        ),
    )
    resources = tuple(
        Resource(rid, rtype, HERE, {"Name": "/app/flag"} if rid == "Flag" else {})
        for rid, rtype in TYPES.items()
    )
    app = Application(
        "app", AppFormat.SAM, "template.yaml", ".", functions=(fn,), resources=resources
    )
    return app, fn


@pytest.mark.parametrize(
    ("value", "raw", "action", "types", "expected"),
    [
        (
            Unknown("!Ref Orders", "resource reference"),
            '{"Ref": "Orders"}',
            "dynamodb:Query",
            ("index", "table"),
            (
                "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}",
                "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}/index/*",
            ),
        ),
        (
            Unknown("!GetAtt Jobs.Arn", "deploy-time attribute"),
            '{"Fn::GetAtt": ["Jobs", "Arn"]}',
            "sqs:SendMessage",
            ("queue",),
            ("${Jobs.Arn}",),
        ),
        (
            Unknown("!Ref Jobs", "resource reference"),
            None,  # only the rendered expression is known: still followed
            "sqs:SendMessage",
            ("queue",),
            ("${Jobs.Arn}",),
        ),
        (
            Unknown("!Ref Alerts", "r"),
            '{"Ref": "Alerts"}',
            "sns:Publish",
            ("topic",),
            ("${Alerts}",),
        ),
        (
            Unknown("!Ref Files", "r"),
            '{"Ref": "Files"}',
            "s3:GetObject",
            ("accesspointobject", "object"),
            ("arn:aws:s3:::${Files}/*",),
        ),
        (
            Unknown("!Ref Files", "r"),
            '{"Ref": "Files"}',
            "s3:ListBucket",
            ("accesspoint", "bucket"),
            ("arn:aws:s3:::${Files}",),
        ),
        (
            Unknown("!Ref Flag", "r"),
            '{"Ref": "Flag"}',
            "ssm:GetParameter",
            ("parameter",),
            ("arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/flag",),
        ),
        (
            "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
            None,
            "sqs:SendMessage",
            ("queue",),
            ("arn:aws:sqs:eu-west-1:123456789012:jobs",),
        ),
        (
            "arn:aws:s3:::reports/2024/x.csv",
            None,
            "s3:GetObject",
            ("object",),
            ("arn:aws:s3:::reports/*",),
        ),
    ],
)
def test_env_var_to_arn(
    value: str | Unknown,
    raw: str | None,
    action: str,
    types: tuple[str, ...],
    expected: tuple[str, ...],
) -> None:
    app, fn = _app({"NAME": (value, raw)})
    target = resolve_name(Name(NameKind.ENV, "NAME"), fn)
    assert arns_for(action.split(":")[0], action, target, app, types=types) == (expected, None)


@pytest.mark.parametrize(
    ("name", "env", "note"),
    [
        (
            Name(NameKind.ENV, "MISSING"),
            {},
            "environment variable MISSING is not set in the template",
        ),
        (
            Name(NameKind.ENV, "P"),
            {
                "P": (
                    Unknown("${ssm:/db/table}", "SSM parameter, resolved at deploy time"),
                    "${ssm:/db/table}",
                )
            },
            "environment variable P is ${ssm:/db/table} (SSM parameter, resolved at deploy time)",
        ),
        (
            Name(NameKind.UNKNOWN, "f'{x}-t'"),
            {},
            "the resource name is computed in code (f'{x}-t')",
        ),
        (
            Name(NameKind.ENV, "T"),
            {"T": (Unknown("!Ref Files", "r"), '{"Ref": "Files"}')},
            "Files is a AWS::S3::Bucket, not a resource this call acts on",
        ),
    ],
)
def test_what_cannot_be_known_is_star_with_why(
    name: Name, env: dict[str, tuple[str | Unknown, str | None]], note: str
) -> None:
    app, fn = _app(env)
    target = resolve_name(name, fn)
    assert arns_for("dynamodb", "dynamodb:GetItem", target, app, types=("table",)) == (("*",), note)


def test_actions_that_accept_only_star_and_services_not_scoped() -> None:
    app, fn = _app({"T": (Unknown("!Ref Orders", "r"), '{"Ref": "Orders"}')})
    target = resolve_name(Name(NameKind.ENV, "T"), fn)
    assert arns_for("dynamodb", "dynamodb:ListTables", target, app, types=()) == (("*",), None)
    assert arns_for("athena", "athena:StartQueryExecution", target, app, types=None) == (
        ("*",),
        "faasguard does not scope athena resources",
    )


def test_a_template_parameter_is_its_resolved_value() -> None:
    app, fn = _app({"BUCKET": ("reports-prod", '{"Ref": "BucketName"}')})
    target = resolve_name(Name(NameKind.ENV, "BUCKET"), fn)
    assert arns_for("s3", "s3:PutObject", target, app, types=("object",)) == (
        ("arn:aws:s3:::reports-prod/*",),
        None,
    )
