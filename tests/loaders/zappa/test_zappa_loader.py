"""The Zappa loader: settings files under tests/fixtures/zappa loaded into the exact model."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.loaders.zappa import ZappaLoader
from faasguard.loaders.zappa.default_policy import ATTACH_POLICY
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    FunctionUrl,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Vpc,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zappa"
SETTINGS = "flaskapp/zappa_settings.json"
DEFAULT = "Zappa default policy (zappa-permissions)"


def load(template: str, stage: str | None = None) -> LoadResult:
    return ZappaLoader().load(template, ScanFS(FIXTURES), LoadOptions(stage=stage))


def at(line: int) -> Location:
    return Location(SETTINGS, line)


@pytest.fixture(scope="module")
def app() -> Application:
    result = load(SETTINGS)
    # the two stages that extend each other are reported, and still load
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "stage 'loop2' extends 'loop', which loops; the inherited settings are not known",
            at(43),
            "orders",
        ),
        LoadIssue(
            IssueKind.UNRESOLVED,
            "stage 'loop' extends 'loop2', which loops; the inherited settings are not known",
            at(38),
            "orders",
        ),
    )
    (application,) = result.applications
    return application


def test_every_stage_is_a_function_running_the_wsgi_app(app: Application) -> None:
    assert (app.name, app.format, app.file, app.root) == (
        "orders",  # project_name
        AppFormat.ZAPPA,
        SETTINGS,
        "flaskapp",
    )
    assert [
        (fn.name, fn.location, fn.runtime, fn.handler, fn.handler_file, fn.handler_function)
        for fn in app.functions
    ] == [
        ("dev", at(2), "python3.12", "app.app", "flaskapp/app.py", "app"),
        ("prod", at(26), "python3.12", "app.app", "flaskapp/app.py", "app"),  # extends dev
        ("loop", at(37), None, "app.app", "flaskapp/app.py", "app"),
        ("loop2", at(42), None, "app.app", "flaskapp/app.py", "app"),
    ]
    dev = app.functions[0]
    # Zappa's own defaults: 512 MB, 30 s
    assert (dev.memory, dev.timeout, dev.vpc, dev.url) == (512, 30, None, None)
    assert dev.environment == (EnvVar("DB_HOST", "db.internal", at(10), "environment_variables"),)
    assert dev.dependency_manifests == ("flaskapp/requirements.txt",)


def test_dev_stage_api_events_and_keep_warm(app: Application) -> None:
    dev = app.function("dev")
    assert dev is not None
    assert dev.triggers == (
        Trigger(
            TriggerKind.REST_API,
            at(2),
            AuthKind.NONE,
            True,
            path="/{proxy+}",
            method="ANY",
            cors=Cors(("*",), location=at(8)),
            api="dev-api",
        ),
        Trigger(
            TriggerKind.SCHEDULE,
            at(13),
            properties={"function": "app.nightly", "expression": "cron(0 3 * * ? *)"},
        ),
        Trigger(
            TriggerKind.SQS,
            at(14),
            source="arn:aws:sqs:eu-west-1:123456789012:orders",
            properties={"function": "app.nightly", "batch_size": 10},
        ),
        Trigger(
            TriggerKind.SCHEDULE,
            at(2),
            properties={"keep_warm": True, "expression": "rate(4 minutes)"},
        ),
    )
    assert app.apis[0] == Api(
        "dev-api", TriggerKind.REST_API, at(2), functions=("dev",), implicit=True
    )


def test_managed_role_holds_zappas_default_policy_and_extra_permissions(app: Application) -> None:
    role = app.role("orders-dev-ZappaLambdaExecutionRole")
    assert role is not None
    defaults = [
        (s["Action"], s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
        for s in ATTACH_POLICY["Statement"]
    ]
    assert [(list(s.actions), list(s.resources), s.origin) for s in role.statements[:-1]] == [
        (actions, resources, DEFAULT) for actions, resources in defaults
    ]
    # the broad default is there (s3:* on every bucket), which the permission rules judge
    assert (["s3:*"], ["arn:aws:s3:::*"]) in defaults
    assert role.statements[-1] == Statement(
        "Allow",
        ("secretsmanager:GetSecretValue",),
        at(23),
        "Zappa extra_permissions",
        resources=("*",),
    )
    assert (role.functions, role.external, role.trusted_services) == (
        ("dev",),
        False,
        ("apigateway.amazonaws.com", "lambda.amazonaws.com", "events.amazonaws.com"),
    )


def test_prod_stage_extends_dev_with_iam_url_vpc_and_an_existing_role(app: Application) -> None:
    prod = app.function("prod")
    assert prod is not None
    assert (prod.memory, prod.timeout, prod.role) == (
        1024,
        60,
        "arn:aws:iam::123456789012:role/orders-prod",
    )
    assert prod.vpc == Vpc(("subnet-1",), ("sg-1",))
    assert prod.url == FunctionUrl("NONE", at(34))
    # apigateway_enabled: false and keep_warm: false; the events come from dev
    assert [(t.kind, t.auth, t.location) for t in prod.triggers] == [
        (TriggerKind.FUNCTION_URL, AuthKind.NONE, at(34)),
        (TriggerKind.SCHEDULE, AuthKind.NONE, at(13)),
        (TriggerKind.SQS, AuthKind.NONE, at(14)),
    ]
    assert app.role("arn:aws:iam::123456789012:role/orders-prod") == Role(
        "arn:aws:iam::123456789012:role/orders-prod", at(32), functions=("prod",), external=True
    )


def test_stages_naming_one_unmanaged_role_share_it(app: Application) -> None:
    assert app.role("shared-role") == Role(
        "shared-role", at(45), functions=("loop", "loop2"), external=True
    )
    loop = app.function("loop")
    assert loop is not None
    # Cognito authorizer (from loop) wins over the API key (from loop2)
    assert loop.triggers[0].auth is AuthKind.COGNITO


def test_yaml_settings_django_http_api_private_with_lambda_authorizer() -> None:
    result = load("yaml_app/zappa_settings.yml")
    assert result.issues == ()
    (app,) = result.applications
    (fn,) = app.functions
    where = Location("yaml_app/zappa_settings.yml", 1)
    assert (fn.name, fn.handler, fn.handler_file) == (
        "staging",
        "site.settings",
        "yaml_app/site/settings.py",
    )
    assert fn.triggers[0] == Trigger(
        TriggerKind.HTTP_API,
        where,
        AuthKind.LAMBDA_AUTHORIZER,
        internet_reachable=False,
        path="/{proxy+}",
        method="ANY",
        cors=Cors(
            ("https://shop.example.com",),
            allow_credentials=True,
            location=Location("yaml_app/zappa_settings.yml", 4),
        ),
        api="staging-api",
    )
    assert fn.role == "yaml-app-staging-ZappaLambdaExecutionRole"


def test_one_stage_with_stage_option() -> None:
    result = load(SETTINGS, stage="dev")
    (app,) = result.applications
    assert result.issues == ()
    assert ([fn.name for fn in app.functions], app.stage) == (["dev"], "dev")


def test_settings_that_do_not_parse_are_a_finding_naming_the_file() -> None:
    assert load("bad/zappa_settings.json") == LoadResult(
        issues=(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "invalid JSON: Expecting ':' delimiter (column 25)",
                Location("bad/zappa_settings.json", 1),
            ),
        )
    )


def test_toml_settings_load_with_file_level_locations() -> None:
    result = load("toml_app/zappa_settings.toml")
    assert result.issues == ()
    (app,) = result.applications
    (fn,) = app.functions
    where = Location("toml_app/zappa_settings.toml")  # TOML keeps no lines
    assert (app.name, fn.name, fn.handler, fn.handler_file) == (
        "tomlapp",
        "production",
        "api.app",
        "toml_app/api.py",
    )
    assert fn.url == FunctionUrl("AWS_IAM", where)
    assert fn.triggers == (
        Trigger(TriggerKind.FUNCTION_URL, where, AuthKind.IAM, internet_reachable=True),
    )


def test_invalid_toml_is_a_finding_naming_the_line() -> None:
    assert load("bad_toml/zappa_settings.toml") == LoadResult(
        issues=(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "invalid TOML: Invalid value (at line 2, column 16)",
                Location("bad_toml/zappa_settings.toml", 2),
            ),
        )
    )
