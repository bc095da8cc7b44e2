"""The intrinsic-function resolver, function by function, on small templates built from dicts."""

from __future__ import annotations

from typing import Any

import pytest

from faasguard.loaders.cloudformation.intrinsics import (
    MAX_INTRINSIC_DEPTH,
    Resolver,
    ref_target,
    referenced_resources,
    render,
)
from faasguard.loaders.interface import IssueKind, LoadOptions
from faasguard.loaders.yaml_safe import parse_yaml
from faasguard.model import Location, Unknown

TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "Stage": {"Type": "String", "Default": "dev"},
        "Memory": {"Type": "Number", "Default": 512},
        "Subnets": {"Type": "CommaDelimitedList", "Default": "subnet-a,subnet-b"},
        "Zones": {"Type": "List<AWS::EC2::AvailabilityZone::Name>", "Default": "us-east-1a"},
        "NoDefault": {"Type": "String"},
        "Secret": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/app/secret"},
    },
    "Mappings": {
        "Sizes": {"dev": {"Memory": 256, "Name": "small"}, "prod": {"Memory": 1024}},
    },
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        "InUsEast": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
        "DevOrEast": {"Fn::Or": [{"Condition": "IsDev"}, {"Condition": "InUsEast"}]},
        "ProdAndEast": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "InUsEast"}]},
        "DevAndEast": {"Fn::And": [{"Condition": "IsDev"}, {"Condition": "InUsEast"}]},
        "Imported": {"Fn::Equals": [{"Fn::ImportValue": "shared-flag"}, "on"]},
    },
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Table": {"Type": "AWS::DynamoDB::Table"}},
}


def resolver(**options: Any) -> Resolver:
    return Resolver(TEMPLATE, file="t.yaml", options=LoadOptions(**options))


def test_ref_parameters_defaults_overrides_and_types() -> None:
    r = resolver(parameters={"Stage": "prod"})
    assert r.resolve({"Ref": "Stage"}) == "prod"
    assert r.resolve({"Ref": "Memory"}) == "512"  # CloudFormation hands numbers over as text
    assert r.resolve({"Ref": "Subnets"}) == ["subnet-a", "subnet-b"]
    assert r.resolve({"Ref": "Zones"}) == ["us-east-1a"]
    assert r.resolve({"Ref": "NoDefault"}) == Unknown("!Ref NoDefault", "parameter without a value")
    assert r.resolve({"Ref": "Secret"}) == Unknown("!Ref Secret", "SSM parameter")
    assert resolver(parameters={"Secret": "/x"}).resolve({"Ref": "Secret"}) == Unknown(
        "!Ref Secret", "SSM parameter"
    )


def test_ref_pseudo_parameters_and_resources() -> None:
    r = resolver()
    assert r.resolve({"Ref": "AWS::Partition"}) == "aws"
    assert r.resolve({"Ref": "AWS::URLSuffix"}) == "amazonaws.com"
    assert r.resolve({"Ref": "AWS::Region"}) == Unknown(
        "!Ref AWS::Region", "deploy-time pseudo parameter"
    )
    assert resolver(region="eu-west-1").resolve({"Ref": "AWS::Region"}) == "eu-west-1"
    for name in ("AWS::AccountId", "AWS::StackName", "AWS::StackId"):
        assert r.resolve({"Ref": name}) == Unknown(f"!Ref {name}", "deploy-time pseudo parameter")
    assert r.resolve({"Ref": "Queue"}) == Unknown("!Ref Queue", "resource reference")
    assert r.resolve({"Ref": "Nowhere"}) == Unknown("!Ref Nowhere", "undefined name")


def test_no_value_removes_keys_and_items() -> None:
    r = resolver()
    value = {
        "Keep": 1,
        "Drop": {"Ref": "AWS::NoValue"},
        "List": ["a", {"Ref": "AWS::NoValue"}, "b"],
        "Cond": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]},
    }
    assert r.resolve(value) == {"Keep": 1, "List": ["a", "b"]}
    assert r.resolve({"Ref": "AWS::NoValue"}) is None


def test_getatt_both_forms() -> None:
    r = resolver()
    expected = Unknown("!GetAtt Queue.Arn", "deploy-time attribute")
    assert r.resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == expected
    assert r.resolve({"Fn::GetAtt": "Queue.Arn"}) == expected


def test_sub_string_form() -> None:
    r = resolver(region="us-east-1")
    assert r.resolve({"Fn::Sub": "app-${Stage}-${AWS::Region}"}) == "app-dev-us-east-1"
    assert r.resolve({"Fn::Sub": "literal ${!Stage} and ${!Literal}"}) == (
        "literal ${Stage} and ${Literal}"
    )
    assert r.resolve({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${Queue.Arn}"}) == (
        Unknown("!Sub arn:aws:sqs:us-east-1:${Queue.Arn}", "deploy-time attribute")
    )
    assert r.resolve({"Fn::Sub": "${Table}/${AWS::AccountId}"}) == Unknown(
        "!Sub ${Table}/${AWS::AccountId}", "resource reference; deploy-time pseudo parameter"
    )


def test_sub_list_form_with_variables() -> None:
    r = resolver()
    assert (
        r.resolve(
            {"Fn::Sub": ["${Name}-${Stage}", {"Name": {"Fn::FindInMap": ["Sizes", "dev", "Name"]}}]}
        )
        == "small-dev"
    )
    assert r.resolve({"Fn::Sub": ["arn:aws:s3:::${B}/*", {"B": {"Ref": "Queue"}}]}) == Unknown(
        "!Sub arn:aws:s3:::${Queue}/*", "resource reference"
    )
    assert r.resolve({"Fn::Sub": ["x/${V}", {"V": {"Fn::ImportValue": "shared"}}]}) == Unknown(
        "!Sub x/${V}", "cross-stack import"
    )


def test_join_select_split() -> None:
    r = resolver()
    assert r.resolve({"Fn::Join": ["-", [{"Ref": "Stage"}, "app", 3]]}) == "dev-app-3"
    assert r.resolve({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Queue"}]]}) == Unknown(
        "!Join /aws/lambda/${Queue}", "resource reference"
    )
    assert r.resolve({"Fn::Select": [1, {"Ref": "Subnets"}]}) == "subnet-b"
    assert r.resolve({"Fn::Select": ["0", {"Fn::Split": [",", "a,b"]}]}) == "a"
    assert r.resolve({"Fn::Select": [5, ["a"]]}) == Unknown(
        '!Select [5, ["a"]]', "invalid intrinsic arguments"
    )
    assert r.resolve({"Fn::Split": ["|", "x|y|z"]}) == ["x", "y", "z"]
    assert r.resolve({"Fn::Select": [0, {"Fn::GetAZs": ""}]}) == Unknown(
        '!Select [0, {"Fn::GetAZs": ""}]', "availability zones of the deploy region"
    )


def test_find_in_map() -> None:
    r = resolver(parameters={"Stage": "prod"})
    assert r.resolve({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}) == 1024
    assert r.resolve({"Fn::FindInMap": ["Sizes", "prod", "Name"]}) == Unknown(
        '!FindInMap ["Sizes", "prod", "Name"]', "mapping key not found"
    )
    assert r.resolve({"Fn::FindInMap": ["Sizes", "qa", "Memory", {"DefaultValue": 128}]}) == 128
    assert resolver().resolve(
        {"Fn::FindInMap": ["Sizes", {"Ref": "NoDefault"}, "Memory"]}
    ) == Unknown(
        '!FindInMap ["Sizes", {"Ref": "NoDefault"}, "Memory"]', "parameter without a value"
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, {"IsProd": False, "IsDev": True, "DevOrEast": True}),
        ({"parameters": {"Stage": "prod"}}, {"IsProd": True, "IsDev": False, "ProdAndEast": None}),
        ({"region": "us-east-1"}, {"InUsEast": True, "DevAndEast": True, "ProdAndEast": False}),
    ],
)
def test_conditions(options: dict[str, Any], expected: dict[str, bool | None]) -> None:
    r = resolver(**options)
    for name, value in expected.items():
        result = r.condition(name)
        if value is None:
            assert isinstance(result, Unknown)
        else:
            assert result is value


def test_undecidable_conditions_give_unknown() -> None:
    r = resolver()  # no region: InUsEast cannot be decided
    assert r.condition("InUsEast") == Unknown(
        '!Equals [{"Ref": "AWS::Region"}, "us-east-1"]', "deploy-time pseudo parameter"
    )
    assert isinstance(r.condition("DevAndEast"), Unknown)
    assert r.condition("ProdAndEast") is False  # a False in And decides without the region
    assert r.condition("Imported") == Unknown(
        '!Equals [{"Fn::ImportValue": "shared-flag"}, "on"]', "cross-stack import"
    )
    assert r.resolve({"Fn::If": ["InUsEast", "a", "b"]}) == Unknown(
        '!If ["InUsEast", "a", "b"]', "undecidable condition InUsEast"
    )
    assert r.resolve({"Fn::If": ["IsDev", {"Ref": "Stage"}, "b"]}) == "dev"
    assert r.issues == []


def test_import_value_base64_transform_and_unsupported() -> None:
    r = resolver()
    assert r.resolve({"Fn::ImportValue": {"Fn::Sub": "${Stage}-vpc"}}) == Unknown(
        "!ImportValue dev-vpc", "cross-stack import"
    )
    assert r.resolve({"Fn::Base64": "hi ${x}"}) == "aGkgJHt4fQ=="
    include = {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}
    assert r.resolve(include) == Unknown(
        '!Transform {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}',
        "transform or include not expanded",
    )
    assert r.resolve({"Fn::Cidr": ["10.0.0.0/16", 4, 8]}) == Unknown(
        '!Cidr ["10.0.0.0/16", 4, 8]', "intrinsic not evaluated statically"
    )
    assert r.resolve({"Fn::Length": [1, 2, 3]}) == 3
    assert r.resolve({"Fn::ToJsonString": {"a": [{"Ref": "Stage"}]}}) == '{"a":["dev"]}'


def test_lines_survive_resolution() -> None:
    doc = parse_yaml(
        "Outer:\n  Keep: !Ref Stage\n  Items:\n    - a\n    - !Ref AWS::NoValue\n    - b\n",
        "t.yaml",
    ).data
    resolved = resolver().resolve(doc)
    assert resolved == {"Outer": {"Keep": "dev", "Items": ["a", "b"]}}
    assert resolved["Outer"].key_lines == {"Keep": 2, "Items": 3}
    assert resolved["Outer"]["Items"].item_lines == [4, 6]


def test_condition_and_parameter_cycles_are_unknown_and_reported() -> None:
    template = {
        "Parameters": {"Loop": {"Type": "String", "Default": {"Ref": "Loop"}}},
        "Conditions": {
            "A": {"Condition": "B"},
            "B": {"Fn::Not": [{"Condition": "A"}]},
        },
        "Resources": {},
    }
    r = Resolver(template, file="c.yaml")
    assert r.resolve({"Ref": "Loop"}) == Unknown("!Ref Loop", "circular reference")
    assert isinstance(r.condition("A"), Unknown)
    assert isinstance(r.condition("Missing"), Unknown)
    assert [(i.kind, i.message) for i in r.issues] == [
        (
            IssueKind.UNRESOLVED,
            "parameter 'Loop' refers to itself through its Default (a circular reference); "
            "it is treated as unknown",
        ),
        (
            IssueKind.UNRESOLVED,
            "condition 'A' refers to itself (a circular condition); it is treated as unknown",
        ),
        (IssueKind.UNRESOLVED, "condition 'Missing' is not defined in Conditions"),
    ]
    assert {i.location for i in r.issues} == {Location("c.yaml")}


def test_nesting_is_bounded() -> None:
    value: Any = "leaf"
    for _ in range(MAX_INTRINSIC_DEPTH + 5):
        value = {"Fn::Join": ["", [value]]}
    r = resolver()
    result = r.resolve(value)
    assert isinstance(result, Unknown)
    assert "nesting too deep" in result.reason
    assert [i.kind for i in r.issues] == [IssueKind.UNRESOLVED]


def test_render_short_forms() -> None:
    assert render({"Ref": "Queue"}) == "!Ref Queue"
    assert render({"Fn::GetAtt": ["Queue", "Arn"]}) == "!GetAtt Queue.Arn"
    assert render({"Fn::Sub": "x-${Stage}"}) == "!Sub x-${Stage}"
    assert render({"Fn::If": ["C", 1, 2]}) == '!If ["C", 1, 2]'
    assert render({"a": 1}) == '{"a": 1}'


def test_referenced_resources_raw_and_resolved() -> None:
    raw = {
        "A": {"Ref": "Queue"},
        "B": {"Fn::GetAtt": "Table.StreamArn"},
        "C": {"Fn::Sub": ["${Local}-${Bucket.Arn}-${!Escaped}-${AWS::Region}", {"Local": "x"}]},
        "D": {"Fn::Join": ["", [{"Ref": "Stage"}, {"Fn::GetAtt": ["Topic", "Arn"]}]]},
    }
    assert referenced_resources(raw) == {"Queue", "Table", "Bucket", "Stage", "Topic"}
    assert referenced_resources(raw, {"Queue", "Table", "Bucket", "Topic"}) == {
        "Queue",
        "Table",
        "Bucket",
        "Topic",
    }
    resolved = Resolver({"Resources": {"Queue": {}, "Bucket": {}}}, file="t").resolve(raw)
    assert referenced_resources(resolved, {"Queue", "Bucket", "Table", "Topic"}) == {
        "Queue",
        "Table",
        "Bucket",
        "Topic",
    }
    assert referenced_resources(Unknown('!If ["C", {"Ref": "Queue"}, "x"]', "r")) == {"Queue"}


def test_ref_target() -> None:
    assert ref_target({"Ref": "Queue"}) == "Queue"
    assert ref_target({"Fn::GetAtt": ["Queue", "Arn"]}) == "Queue"
    assert ref_target(Unknown("!GetAtt Queue.Arn", "r")) == "Queue"
    assert ref_target({"Ref": "AWS::Region"}) is None
    assert ref_target({"Fn::Sub": "${Queue}"}) is None
    assert ref_target("Queue") is None
