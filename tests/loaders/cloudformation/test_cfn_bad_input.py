"""Hostile and broken input: every problem is a LoadIssue, never an exception."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation import CloudFormationLoader
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.model import AuthKind, Location, TriggerKind, Unknown

Load = Callable[..., LoadResult]


def issues(result: LoadResult) -> list[tuple[IssueKind, str, int | None]]:
    return [(i.kind, i.message, i.location.line) for i in result.issues]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "bad/no_resources.yaml",
            (1, "not a CloudFormation template: it has no Resources section"),
        ),
        (
            "bad/resources_list.yaml",
            (2, "Resources must be a mapping of logical ids to resources"),
        ),
        ("bad/invalid_yaml.yaml", (5, "invalid YAML: did not find expected ',' or ']'")),
        (
            "bad/unknown_tag.yaml",
            (
                5,
                "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed "
                "(only plain YAML and CloudFormation short tags are read)",
            ),
        ),
    ],
)
def test_unreadable_templates_are_parse_errors(
    load: Load, template: str, expected: tuple[int, str]
) -> None:
    result = load(template)
    assert result.applications == ()
    assert result.issues == (
        LoadIssue(IssueKind.PARSE_ERROR, expected[1], Location(template, expected[0])),
    )


def test_a_document_without_template_structure_is_not_a_template(load: Load) -> None:
    """Decided by structure (discovery drops it; a file the user named is a parse error)."""
    template = "bad/not_a_mapping.yaml"
    result = load(template)
    assert result.applications == ()
    assert result.issues == (
        LoadIssue(
            IssueKind.NOT_A_TEMPLATE,
            "not a CloudFormation template: the document is not a mapping",
            Location(template, 1),
        ),
    )


def test_missing_file_is_an_issue(load: Load) -> None:
    result = load("bad/does_not_exist.yaml")
    assert result.applications == ()
    ((kind, message, line),) = issues(result)
    assert (kind, line) == (IssueKind.PARSE_ERROR, None)
    assert message.startswith("cannot read file")


def test_duplicate_keys_are_reported_and_the_last_one_loaded(load: Load) -> None:
    result = load("bad/duplicate_keys.yaml")
    assert issues(result) == [
        (
            IssueKind.DUPLICATE_KEY,
            "duplicate key 'OrdersFunction' (first at line 4): the earlier value is silently "
            "discarded by YAML loaders",
            10,
        )
    ]
    (app,) = result.applications
    assert [(fn.name, fn.runtime, fn.location.line) for fn in app.functions] == [
        ("OrdersFunction", "python3.11", 10)
    ]


def test_malformed_resources_are_skipped_with_issues(load: Load) -> None:
    result = load("bad/malformed_resources.yaml")
    assert issues(result) == [
        (IssueKind.PARSE_ERROR, "resource NotAMapping: is not a mapping; it was skipped", 4),
        (IssueKind.PARSE_ERROR, "resource NoType: has no Type string; it was skipped", 6),
        (
            IssueKind.PARSE_ERROR,
            "resource BadProperties: Properties is not a mapping; it was skipped",
            10,
        ),
        (
            IssueKind.UNRESOLVED,
            "OddFunction: Events cannot be resolved statically; its triggers are not known",
            18,
        ),
        (
            IssueKind.UNRESOLVED,
            "OddFunction: Environment.Variables cannot be resolved statically; its variables "
            "are not known",
            19,
        ),
        (
            IssueKind.UNRESOLVED,
            "OddFunction: Policies entry 'NotATemplate' is neither a managed policy, a policy "
            "document nor a SAM policy template known to this version of SAM",
            20,
        ),
    ]
    (app,) = result.applications
    (fn,) = app.functions
    assert (fn.handler, fn.runtime, fn.memory, fn.timeout) == (
        Unknown('["not", "a", "string"]', "not a string"),
        "3.12",
        Unknown("lots", "not a number"),
        Unknown("true", "not a number"),
    )
    assert [res.id for res in app.resources] == ["OkBucket"]


def test_cycles_become_unknown_with_issues(load: Load) -> None:
    result = load("bad/cycles.yaml")
    assert issues(result) == [
        (
            IssueKind.UNRESOLVED,
            "condition 'A' refers to itself (a circular condition); it is treated as unknown",
            7,
        ),
        (
            IssueKind.UNRESOLVED,
            "parameter 'Loop' refers to itself through its Default (a circular reference); "
            "it is treated as unknown",
            3,
        ),
    ]
    (app,) = result.applications
    (queue,) = app.resources  # its Condition A is undecidable, so it is loaded
    assert queue.properties == {
        "QueueName": Unknown("!Ref Loop", "circular reference"),
        "Tags": [
            {
                "Key": "undecided",
                "Value": Unknown('!If ["B", true, false]', "undecidable condition B"),
            }
        ],
    }


def test_references_outside_the_root_are_refused(load: Load) -> None:
    result = load("outside_root/app/template.yaml")
    assert issues(result) == [
        (
            IssueKind.OUTSIDE_ROOT,
            "file reference '../../../../../../home' points outside the scan root; it was not read",
            19,
        ),
        (
            IssueKind.OUTSIDE_ROOT,
            "file reference '../../../../../../etc/' points outside the scan root; it was not read",
            7,
        ),
        (
            IssueKind.OUTSIDE_ROOT,
            "file reference '/etc' is absolute; only paths inside the scan root are read",
            13,
        ),
    ]
    (app,) = result.applications
    assert {(fn.name, fn.code_root, fn.handler_file) for fn in app.functions} == {
        ("EscapeFunction", None, None),
        ("AbsoluteFunction", None, None),
        ("AssetEscape", None, None),
    }


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_code_folder_escaping_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "app.py").write_text("SECRET = 1\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "code").symlink_to(outside, target_is_directory=True)
    (root / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: code/\n"
        "      Handler: app.handler\n"
        "      Runtime: python3.12\n"
    )
    result = CloudFormationLoader().load("template.yaml", ScanFS(root), LoadOptions())
    assert [(i.kind, i.location.line) for i in result.issues] == [(IssueKind.OUTSIDE_ROOT, 6)]
    (fn,) = result.applications[0].functions
    assert (fn.code_root, fn.handler_file) == (None, None)


def test_deep_nesting_is_bounded(tmp_path: Path) -> None:
    value: Any = "x"
    for _ in range(150):
        value = {"Fn::Join": ["", [value]]}
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Name": value}}}}
    (tmp_path / "t.json").write_text(json.dumps(template))
    result = CloudFormationLoader().load("t.json", ScanFS(tmp_path), LoadOptions())
    (app,) = result.applications
    (queue,) = app.resources
    assert isinstance(queue.properties["Name"], Unknown)
    assert [i.kind for i in result.issues] == [IssueKind.UNRESOLVED]


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(
        [
            "Fn",
            "Queue",
            "Api",
            "AWS::NoValue",
            "AWS::Region",
            "*",
            "NONE",
            "arn:aws:sqs:us-east-1:1:q",
            "${Fn.Arn}",
            "src/",
            "../..",
            "/etc",
            "index.handler",
            "Api",
            "HttpApi",
            "SQS",
            "S3",
            "AWS_IAM",
            "Image",
        ]
    ),
)
_keys = st.sampled_from(
    [
        "Ref",
        "Fn::GetAtt",
        "Fn::Sub",
        "Fn::If",
        "Fn::Join",
        "Fn::Select",
        "Fn::FindInMap",
        "Condition",
        "Type",
        "Properties",
        "Events",
        "Policies",
        "Environment",
        "Variables",
        "Auth",
        "Path",
        "Method",
        "Queue",
        "CodeUri",
        "Handler",
        "Role",
        "Statement",
        "Action",
        "Resource",
        "Effect",
        "FunctionUrlConfig",
        "Cors",
        "Roles",
        "FunctionName",
        "TargetFunctionArn",
        "S3ReadPolicy",
        "BucketName",
        "RestApiId",
        "MethodSettings",
        "Authorizer",
        "Authorizers",
        "DefaultAuthorizer",
        "DeadLetterQueue",
        "TargetArn",
        "EventInvokeConfig",
        "DestinationConfig",
        "OnFailure",
        "Destination",
        "LogGroupName",
        "Integration",
        "Uri",
        "ResourceId",
        "ParentId",
        "Target",
        "PackageType",
        "VpcConfig",
    ]
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=25,
)
_types = st.sampled_from(
    [
        "AWS::Serverless::Function",
        "AWS::Lambda::Function",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::Serverless::Api",
        "AWS::Serverless::HttpApi",
        "AWS::Lambda::Url",
        "AWS::Lambda::Permission",
        "AWS::Lambda::EventSourceMapping",
        "AWS::ApiGateway::Method",
        "AWS::ApiGatewayV2::Route",
        "AWS::Logs::LogGroup",
        "AWS::SQS::Queue",
        "AWS::Serverless::SimpleTable",
    ]
)
_resources = st.dictionaries(
    st.sampled_from(["Fn", "Queue", "Api", "Role", "Other"]),
    st.fixed_dictionaries(
        {"Type": _types, "Properties": st.dictionaries(_keys, _values, max_size=6)}
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    resources=_resources,
    globals_=st.dictionaries(st.sampled_from(["Function", "Api", "HttpApi"]), _values),
    conditions=st.dictionaries(st.sampled_from(["C", "D"]), _values, max_size=2),
)
def test_random_templates_never_raise(
    tmp_path_factory: pytest.TempPathFactory,
    resources: dict[str, Any],
    globals_: dict[str, Any],
    conditions: dict[str, Any],
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    template = {"Globals": globals_, "Conditions": conditions, "Resources": resources}
    (root / "template.json").write_text(json.dumps(template))
    result = CloudFormationLoader().load("template.json", ScanFS(root), LoadOptions())
    assert len(result.applications) <= 1


def test_unhashable_names_do_not_crash(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      InlineCode: x\n"
        "      Handler: index.handler\n"
        "      Runtime: python3.12\n"
        "      DeadLetterQueue: {Type: [SQS], TargetArn: x}\n"
        "      Events:\n"
        "        Listy: {Type: [SQS]}\n"
        "        Web:\n"
        "          Type: Api\n"
        "          Properties: {Path: /, Method: get, Auth: {Authorizer: [Cognito]}}\n"
    )
    result = CloudFormationLoader().load("template.yaml", ScanFS(tmp_path), LoadOptions())
    assert result.issues == ()
    (fn,) = result.applications[0].functions
    assert [(t.kind, t.auth) for t in fn.triggers] == [
        (TriggerKind.OTHER, AuthKind.NONE),
        (TriggerKind.REST_API, AuthKind.UNKNOWN),
    ]


def test_odd_transform_values(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Transform: [[nested], {Name: AWS::Include}, AWS::Serverless-2016-10-31]\n"
        "Resources:\n"
        "  Q: {Type: AWS::SQS::Queue}\n"
    )
    result = CloudFormationLoader().load("template.yaml", ScanFS(tmp_path), LoadOptions())
    assert [i.message for i in result.issues] == [
        "Transform '[\"nested\"]' is a macro expanded at deploy time; the resources it adds or "
        "changes are not scanned",
        "Transform 'AWS::Include' is a macro expanded at deploy time; the resources it adds or "
        "changes are not scanned",
    ]
