"""CDK output: ``cdk.out/<Stack>.template.json`` with asset folders beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from faasguard.model import (
    AppFormat,
    Application,
    AuthKind,
    EnvVar,
    FunctionUrl,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)

FILE = "cdk_app/cdk.out/MyStack.template.json"
ASSET = "cdk_app/cdk.out/asset.6f1c1d2b8e4a3c5d7e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
ASSET2 = "cdk_app/cdk.out/asset.0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b"


def at(line: int) -> Location:
    return Location(FILE, line)


@pytest.fixture
def app(load_app: Callable[..., Application]) -> Application:
    return load_app(FILE)


def test_stack_is_the_application(app: Application) -> None:
    assert (app.name, app.format, app.file, app.root) == (
        "MyStack",
        AppFormat.CDK,
        FILE,
        "cdk_app",  # the CDK project that holds cdk.out
    )
    # Logical ids stay the names, as for every other format.
    assert [fn.name for fn in app.functions] == ["MyFnA1B2C3D4", "WorkerFnB5C6D7E8"]


def test_asset_folders_are_code_roots(app: Application) -> None:
    fn, worker = app.functions
    # aws:asset:path metadata
    assert (fn.code_root, fn.handler_file, fn.handler_function) == (
        ASSET,
        f"{ASSET}/index.py",
        "handler",
    )
    assert fn.dependency_manifests == (f"{ASSET}/requirements.txt",)
    # no asset metadata (cdk synth --no-asset-metadata): found from the S3Key hash
    assert (worker.code_root, worker.handler_file) == (ASSET2, f"{ASSET2}/index.js")


def test_function_role_policy_url_and_log_retention(app: Application) -> None:
    fn = app.functions[0]
    assert fn.environment == (
        EnvVar(
            "TABLE_NAME",
            Unknown("!Ref OrdersTableCD117FA1", "resource reference"),
            at(87),
            "function",
            raw='{"Ref": "OrdersTableCD117FA1"}',
        ),
    )
    assert fn.role == "MyFnServiceRole3C7D2B4A"
    assert app.role("MyFnServiceRole3C7D2B4A") == Role(
        id="MyFnServiceRole3C7D2B4A",
        location=at(4),
        statements=(
            Statement(
                effect="Allow",
                actions=("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"),
                # the second Resource entry is !Ref AWS::NoValue and disappears
                resources=(Unknown("!GetAtt OrdersTableCD117FA1.Arn", "deploy-time attribute"),),
                location=at(43),
                origin="AWS::IAM::Policy MyFnServiceRoleDefaultPolicy5E8B2F1C",
            ),
        ),
        managed_policies=("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",),
        functions=("MyFnA1B2C3D4",),
        trusted_services=("lambda.amazonaws.com",),
    )
    assert fn.url == FunctionUrl(auth_type="NONE", location=at(113))
    assert fn.triggers == (
        Trigger(TriggerKind.FUNCTION_URL, at(113), auth=AuthKind.NONE, internet_reachable=True),
    )
    # Custom::LogRetention with LogGroupName !Join ["", ["/aws/lambda/", !Ref MyFn...]]
    assert fn.log_retention_days == 7
    assert fn.referenced_by == (
        "MyFnFunctionUrl9E8D7C6B",
        "MyFninvokefunctionurl5A4B3C2D",
        "MyFnLogRetention1F2E3D4C",
    )


def test_cdk_metadata_condition_depends_on_region(
    load_app: Callable[..., Application], app: Application
) -> None:
    types = [res.type for res in app.resources]
    assert "AWS::CDK::Metadata" in types  # undecidable without a region: kept
    in_region = load_app(FILE, region="us-east-1")
    other = load_app(FILE, region="ap-south-2")
    assert "CDKMetadata" in {res.id for res in in_region.resources}
    assert "CDKMetadata" not in {res.id for res in other.resources}
