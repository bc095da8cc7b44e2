"""The Chalice loader: a project (tests/fixtures/chalice/shop) loaded into the exact model."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.chalice import ChaliceLoader
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Vpc,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "chalice"
CONFIG = "shop/.chalice/config.json"
APP = "shop/app.py"


def load(template: str, stage: str | None = None) -> LoadResult:
    return ChaliceLoader().load(template, ScanFS(FIXTURES), LoadOptions(stage=stage))


@pytest.fixture(scope="module")
def dev() -> Application:
    result = load(CONFIG)
    assert result.issues == ()
    (app,) = result.applications
    return app


def code(line: int) -> Location:
    return Location(APP, line)


def cfg(line: int) -> Location:
    return Location(CONFIG, line)


def test_application_and_functions(dev: Application) -> None:
    assert (dev.name, dev.format, dev.file, dev.root, dev.stage) == (
        "shop",
        AppFormat.CHALICE,
        CONFIG,
        "shop",
        "dev",
    )
    assert [(fn.name, fn.location, fn.handler, fn.handler_file) for fn in dev.functions] == [
        ("api_handler", code(20), "app.app", APP),
        ("token_auth", code(15), "app.token_auth", APP),
        ("hourly", code(46), "app.hourly", APP),
        ("on_upload", code(51), "app.on_upload", APP),
        ("on_job", code(56), "app.on_job", APP),
        ("worker", code(61), "app.plain", APP),  # @app.lambda_function(name="worker")
    ]
    assert dev.apis == (
        Api("RestAPI", TriggerKind.REST_API, code(20), functions=("api_handler",), implicit=True),
    )


def test_routes_with_authorizers_api_keys_and_cors(dev: Application) -> None:
    api = dev.function("api_handler")
    assert api is not None
    rest = TriggerKind.REST_API
    star = Cors(("*",), location=code(25))

    def route(method: str, path: str, auth: AuthKind, line: int, view: str, cors=None):  # type: ignore[no-untyped-def]
        return Trigger(
            rest,
            code(line),
            auth,
            True,
            path=path,
            method=method,
            cors=cors,
            api="RestAPI",
            properties={"view": view},
        )

    assert api.triggers == (
        route("GET", "/", AuthKind.NONE, 20, "index"),
        route("GET", "/orders", AuthKind.COGNITO, 25, "orders", star),
        route("POST", "/orders", AuthKind.COGNITO, 25, "orders", star),
        route("GET", "/admin", AuthKind.IAM, 30, "admin"),
        # a built-in @app.authorizer, with a named CORSConfig
        route(
            "GET",
            "/partner",
            AuthKind.LAMBDA_AUTHORIZER,
            35,
            "partner",
            Cors(("https://partner.example.com",), allow_credentials=True, location=code(35)),
        ),
        route("PUT", "/keyed", AuthKind.API_KEY, 40, "keyed"),
    )


def test_event_handlers(dev: Application) -> None:
    triggers = {fn.name: fn.triggers for fn in dev.functions if fn.name != "api_handler"}
    assert triggers == {
        "token_auth": (),
        "hourly": (
            Trigger(TriggerKind.SCHEDULE, code(46), properties={"expression": "rate(1 hour)"}),
        ),
        "on_upload": (
            Trigger(
                TriggerKind.S3,
                code(51),
                source="uploads",
                properties={"events": ["s3:ObjectCreated:*"], "suffix": ".csv"},
            ),
        ),
        "on_job": (
            Trigger(TriggerKind.SQS, code(56), source="jobs", properties={"batch_size": 5}),
        ),
        "worker": (),
    }


def test_settings_merge_top_stage_and_function(dev: Application) -> None:
    api, worker = dev.function("api_handler"), dev.function("worker")
    assert api is not None and worker is not None
    # stage values win over the top level; variables are merged key by key
    assert api.environment == (
        EnvVar("LOG_LEVEL", "info", cfg(5), "config"),
        EnvVar("TABLE", "orders-dev", cfg(14), "config"),
    )
    assert (api.memory, api.timeout, api.tracing, api.vpc) == (256, 60, "Active", None)
    # the stage's lambda_functions.worker wins for that function only
    assert (worker.memory, worker.timeout) == (256, 300)
    assert api.dependency_manifests == ("shop/requirements.txt",)
    assert api.code_root == "shop"


def test_autogen_policy_grants_the_client_calls_of_app_py_on_star(dev: Application) -> None:
    assert dev.roles[0] == Role(
        id="shop-dev",
        location=cfg(1),
        statements=(
            Statement(
                "Allow",
                ("dynamodb:Scan",),
                code(27),
                "Chalice autogen_policy (dynamodb client calls in app.py)",
                resources=("*",),
            ),
            Statement(
                "Allow",
                # upload_file is one of Chalice's high-level calls
                ("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
                code(42),
                "Chalice autogen_policy (s3 client calls in app.py)",
                resources=("*",),
            ),
            Statement(
                "Allow",
                ("sqs:SendMessage",),
                code(53),
                "Chalice autogen_policy (sqs client calls in app.py)",
                resources=("*",),
            ),
            Statement(
                "Allow",
                ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
                cfg(1),
                "Chalice autogen_policy (CloudWatch Logs)",
                resources=("arn:*:logs:*:*:*",),
            ),
            Statement(
                "Allow",
                ("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
                cfg(1),
                "Chalice autogen_policy (X-Ray)",
                resources=("*",),
            ),
        ),
        functions=("api_handler", "token_auth", "hourly", "on_upload", "on_job"),
        trusted_services=("lambda.amazonaws.com",),
    )


def test_function_with_its_own_policy_file_gets_its_own_role(dev: Application) -> None:
    worker = dev.function("worker")
    assert worker is not None and worker.role == "shop-dev-worker"
    assert dev.role("shop-dev-worker") == Role(
        id="shop-dev-worker",
        location=cfg(20),
        statements=(
            Statement(
                "Allow",
                ("dynamodb:*",),
                Location("shop/.chalice/policy-worker.json", 4),
                "Chalice iam_policy_file policy-worker.json",
                resources=("*",),
            ),
        ),
        functions=("worker",),
        trusted_services=("lambda.amazonaws.com",),
    )


def test_prod_stage_external_role_private_api_and_vpc() -> None:
    result = load(CONFIG, stage="prod")
    assert result.issues == ()
    (app,) = result.applications
    assert app.stage == "prod"
    assert app.roles == (
        Role(
            id="arn:aws:iam::123456789012:role/shop-prod",
            location=cfg(26),
            functions=tuple(fn.name for fn in app.functions),
            external=True,
        ),
    )
    api = app.function("api_handler")
    assert api is not None
    assert {t.internet_reachable for t in api.triggers} == {False}  # PRIVATE endpoint
    assert api.vpc == Vpc(("subnet-1",), ("sg-1",))
    assert api.environment[1] == EnvVar("TABLE", "orders", cfg(6), "config")


def test_config_that_is_not_json_is_a_finding_naming_the_file() -> None:
    result = load("bad_config/.chalice/config.json")
    assert result == LoadResult(
        issues=(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "invalid JSON: Expecting ':' delimiter (column 39)",
                Location("bad_config/.chalice/config.json", 4),
            ),
        )
    )


def test_app_py_that_does_not_parse_is_a_finding_and_the_app_stays() -> None:
    result = load("bad_app/.chalice/config.json")
    assert result.issues == (
        LoadIssue(
            IssueKind.PARSE_ERROR,
            "invalid Python: '(' was never closed; the Chalice app's functions are not known",
            Location("bad_app/app.py", 4),
            "badapp",
        ),
    )
    (app,) = result.applications
    assert (app.name, app.functions) == ("badapp", ())


def test_config_sample_is_read_when_config_json_is_missing() -> None:
    from faasguard.loaders.discovery import discover

    found = discover(ScanFS(FIXTURES / "sample_only"))
    assert [(r.path, r.loader) for r in found.templates] == [
        (".chalice/config-sample.json", "chalice")
    ]
    result = load("sample_only/.chalice/config-sample.json")
    assert result.issues == (
        LoadIssue(
            IssueKind.MISSING_CONFIG,
            "the project has no .chalice/config.json; its settings were read from "
            "config-sample.json instead",
            Location("sample_only/.chalice/config-sample.json", 1),
            "dvfaas-search",
        ),
    )
    (app,) = result.applications
    api = app.function("api_handler")
    assert api is not None
    assert [(t.method, t.path, t.auth) for t in api.triggers] == [
        ("POST", "/search", AuthKind.NONE)
    ]
    assert app.roles == (
        Role(
            "<ARN of some role>",
            Location("sample_only/.chalice/config-sample.json", 7),
            functions=("api_handler",),
            external=True,
        ),
    )


def test_no_config_at_all_loads_with_chalice_defaults() -> None:
    from faasguard.loaders.discovery import discover

    found = discover(ScanFS(FIXTURES / "no_config"))
    assert [(r.path, r.loader) for r in found.templates] == [(".chalice/config.json", "chalice")]
    result = load("no_config/.chalice/config.json")
    assert result.issues == (
        LoadIssue(
            IssueKind.MISSING_CONFIG,
            "no_config/.chalice/config.json does not exist (Chalice needs it to deploy); "
            "Chalice's defaults were assumed for every setting",
            Location("no_config/.chalice/config.json"),
            "bare",
        ),
    )
    (app,) = result.applications
    (job,) = app.functions
    assert (job.name, job.timeout, job.role) == ("job", 60, "bare-dev")
    # the default: autogen_policy from app.py (no client calls) plus CloudWatch Logs
    (role,) = app.roles
    assert [s.origin for s in role.statements] == ["Chalice autogen_policy (CloudWatch Logs)"]


def test_blueprints_registered_from_chalicelib() -> None:
    result = load("blueprints/.chalice/config.json")
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "blueprint gone is imported from chalicelib.missing, which is not a module of the "
            "project; its routes and functions are not known",
            Location("blueprints/app.py", 8),
            "bp",
        ),
    )
    (app,) = result.applications
    admin = "blueprints/chalicelib/admin.py"
    api = app.function("api_handler")
    assert api is not None
    # url_prefix on the routes, the blueprint's own IAMAuthorizer, lines in its module
    assert [(t.method, t.path, t.auth, t.location) for t in api.triggers] == [
        ("GET", "/", AuthKind.NONE, Location("blueprints/app.py", 11)),
        ("DELETE", "/admin/users", AuthKind.IAM, Location(admin, 7)),
        ("GET", "/admin", AuthKind.NONE, Location(admin, 12)),
    ]
    cleanup = app.function("admin_cleanup")  # name_prefix
    assert cleanup is not None
    assert (cleanup.handler, cleanup.handler_file, cleanup.location) == (
        "chalicelib.admin.cleanup",
        admin,
        Location(admin, 17),
    )
