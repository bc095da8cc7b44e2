"""``layers:``: each layer is the ``AWS::Lambda::LayerVersion`` Serverless compiles it to."""

from __future__ import annotations

from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.loaders.serverless import ServerlessLoader
from faasguard.loaders.serverless.naming import layer_logical_id
from faasguard.model import Location, Resource, Unknown

F = "serverless.yml"


def _load(root: Path, text: str) -> LoadResult:
    (root / F).write_text(text)
    return ServerlessLoader().load(F, ScanFS(root), LoadOptions())


def test_layer_ids_follow_serverless_naming():
    assert layer_logical_id("common") == "CommonLambdaLayer"
    assert layer_logical_id("my-layer") == "MyDashlayerLambdaLayer"
    assert layer_logical_id("py_deps") == "PyUnderscoredepsLambdaLayer"


def test_each_layer_is_a_layer_version_resource_with_its_content_and_lines(sls_app):
    app = sls_app("layers")
    assert app.resources == (
        Resource(
            id="CommonLambdaLayer",
            type="AWS::Lambda::LayerVersion",
            location=Location(F, 8),
            properties={
                "Content": "layers/common",
                "CompatibleRuntimes": ["python3.12", "python3.11"],
            },
            property_lines={"Content": 9, "CompatibleRuntimes": 10},
        ),
        # The path as written, relative to the service folder.
        Resource(
            id="MyDashlayerLambdaLayer",
            type="AWS::Lambda::LayerVersion",
            location=Location(F, 13),
            properties={"Content": "./layers/mine"},
            property_lines={"Content": 14},
        ),
        # package.artifact is uploaded as is, instead of a zip of the path; the resource that
        # `resources.Resources` writes with the same id extends it, as Serverless merges it in.
        Resource(
            id="PrebuiltLambdaLayer",
            type="AWS::Lambda::LayerVersion",
            location=Location(F, 15),
            properties={"Content": "dist/prebuilt.zip", "Description": "extended by hand"},
            property_lines={"Content": 18, "Description": 33},
        ),
    )


def test_functions_refer_to_layers_by_ref_as_dependency_analysis_expects(sls_app):
    app = sls_app("layers")
    hello, mixed = app.functions
    # provider.layers, with the long-form `Ref:`.
    assert hello.layers == (Unknown("!Ref CommonLambdaLayer", "resource reference"),)
    assert mixed.layers == (
        Unknown("!Ref MyDashlayerLambdaLayer", "resource reference"),
        Unknown("!Ref PrebuiltLambdaLayer", "resource reference"),
        "arn:aws:lambda:us-east-1:123456789012:layer:shared:3",
        Unknown(
            "${cf:infra.SharedLayerArn}", "CloudFormation stack output, resolved at deploy time"
        ),
    )
    # A layer's files ship in the layer: Serverless excludes every layer path from the functions.
    assert hello.package_patterns == (
        "!layers/common/**",
        "!./layers/mine/**",
        "!layers/prebuilt/**",
    )


def test_unreadable_layers_become_issues(tmp_path):
    result = _load(
        tmp_path,
        "service: s\n"
        "provider:\n"
        "  name: aws\n"
        "layers:\n"
        "  remote: ${ssm:/layer}\n"
        "  empty:\n"
        "    description: no content\n"
        "  dynamic:\n"
        "    path: ${ssm:/layer/path}\n"
        "functions:\n"
        "  a:\n"
        "    handler: h.a\n",
    )
    (app,) = result.applications
    ssm = "SSM parameter, resolved at deploy time"
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            f"layer 'remote' cannot be read ({ssm}); it is not scanned",
            Location(F, 5),
            "s",
        ),
        LoadIssue(
            IssueKind.PARSE_ERROR,
            "layer 'empty' has neither path nor package.artifact; Serverless cannot package it, "
            "and it is not scanned",
            Location(F, 6),
            "s",
        ),
    )
    # A path only known at deploy time is kept as Unknown: the layer's content is not inspected.
    assert app.resources == (
        Resource(
            id="DynamicLambdaLayer",
            type="AWS::Lambda::LayerVersion",
            location=Location(F, 8),
            properties={"Content": Unknown("${ssm:/layer/path}", ssm)},
            property_lines={"Content": 9},
        ),
    )


def test_a_layers_block_that_cannot_be_resolved_is_one_issue(tmp_path):
    result = _load(
        tmp_path,
        "service: s\nprovider:\n  name: aws\nlayers: ${file(./missing.yml)}\n"
        "functions:\n  a:\n    handler: h.a\n",
    )
    assert [(i.kind, i.location, i.message) for i in result.issues] == [
        (
            IssueKind.UNRESOLVED,
            Location(F, 4),
            "${file(./missing.yml)} has no value and no fallback; Serverless would refuse to "
            "deploy",
        ),
        (
            IssueKind.UNRESOLVED,
            Location(F, 4),
            "layers cannot be read (variable has no value and no fallback); the layers it "
            "defines are not scanned",
        ),
    ]
    assert result.applications[0].resources == ()
