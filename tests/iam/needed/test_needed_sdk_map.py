"""The generated SDK-to-IAM table: provenance, the issue's exceptions, and agreement with its sources."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from faasguard.iam.needed.sdk_map import sdk_map

SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data")) / "iam" / "sdk-map"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared sdk-map data not present")


def _actions(service: str, operation: str) -> tuple[str, ...]:
    table = sdk_map()
    svc = table.service(service)
    assert svc is not None
    return table.actions(svc, operation)[0]


def test_header_names_sources_versions_and_licences() -> None:
    header = sdk_map().header
    assert header["generated_by"] == "scripts/gen_sdk_iam_map.py"
    licences = [s["licence"].split(",")[0] for s in header["sources"]]
    assert licences == ["Apache-2.0", "MIT", "Apache-2.0", "MIT"]
    assert all(s["version"] for s in header["sources"])


@pytest.mark.parametrize(
    ("service", "operation", "expected"),
    [
        ("lambda", "Invoke", ("lambda:InvokeFunction",)),
        ("s3", "ListObjectsV2", ("s3:ListBucket",)),
        ("s3", "HeadObject", ("s3:GetObject",)),
        (
            "s3",
            "CopyObject",
            (
                "s3:GetObject",
                "s3:GetObjectTagging",
                "s3:ListBucket",
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:PutObjectTagging",
            ),
        ),
        ("dynamodb", "GetItem", ("dynamodb:GetItem",)),
        ("stepfunctions", "StartExecution", ("states:StartExecution",)),
        ("sqs", "SendMessageBatch", ("sqs:SendMessage",)),
        (
            "dynamodb",
            "TransactWriteItems",
            (
                "dynamodb:ConditionCheckItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ),
        ),
    ],
)
def test_operation_actions(service: str, operation: str, expected: tuple[str, ...]) -> None:
    assert _actions(service, operation) == expected


def test_kms_on_the_callers_behalf_and_sdk_names() -> None:
    table = sdk_map()
    assert table.forward_actions("s3:GetObject") == ("kms:Decrypt",)
    assert table.forward_actions("s3:CopyObject") == ("kms:Decrypt", "kms:GenerateDataKey")
    dynamodb = table.service("dynamodb")
    assert dynamodb is not None
    assert dynamodb.operation("batch_write_item") == "BatchWriteItem"
    assert dynamodb.operation("batchWriteItem") == "BatchWriteItem"
    assert dynamodb.waiter("table_exists") == "DescribeTable"
    assert table.v2_service("CognitoIdentityServiceProvider").name == "cognito-idp"  # type: ignore[union-attr]
    assert table.v3_service("@aws-sdk/client-secrets-manager").name == "secretsmanager"  # type: ignore[union-attr]
    s3 = table.service("s3")
    assert s3 is not None and s3.operation("list_objects_v2") == "ListObjectsV2"


@needs_shared
def test_table_agrees_with_iamlive_on_every_unconditional_mapping() -> None:
    """Each iamlive method the table maps gives iamlive's actions (less conditional ones),
    unless the table's own documented overrides say otherwise."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gen_sdk_iam_map", Path(__file__).resolve().parents[3] / "scripts" / "gen_sdk_iam_map.py"
    )
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    with gzip.open(SHARED / "iamlive-map-2022-08-19.json.gz", "rt") as handle:
        iamlive = json.load(handle)
    table = sdk_map()
    free = set(iamlive["sdk_permissionless_actions"])
    joined: dict[tuple[str, str], set[str]] = {}
    for key, entries in iamlive["sdk_method_iam_mappings"].items():
        cls, _, op = key.partition(".")
        svc = table.v2_service(cls)
        if svc is None or op not in svc.operations or f"{svc.name}:{op}" in gen.OVERRIDES:
            continue
        if key in free:
            assert table.actions(svc, op)[0] == (), key
            continue
        joined.setdefault((svc.name, op), set()).update(
            e["action"] for e in entries if gen._accepted(e)
        )
    checked = 0
    for (name, op), wanted in joined.items():
        if not wanted:
            continue
        svc = table.service(name)
        assert svc is not None
        assert list(table.actions(svc, op)[0]) == sorted(wanted), (name, op)
        checked += 1
    assert checked > 9000


@needs_shared
def test_table_carries_every_autopilot_helper() -> None:
    autopilot = SHARED / "iam-policy-autopilot"
    table = sdk_map()
    utilities = json.loads((autopilot / "sdks" / "boto3_utilities_mapping.json").read_text())
    for svc, spec in utilities["services"].items():
        for method, m_spec in spec.get("client_methods", {}).items():
            ops = tuple(o["operation"] for o in m_spec["operations"])
            assert table.python_helper(f"{svc}.client.{method}") == ops
    libraries = json.loads((autopilot / "sdks" / "js_v3_libraries.json").read_text())
    service, commands = table.js_v3_library("@aws-sdk/lib-dynamodb")  # type: ignore[misc]
    assert service == "dynamodb"
    assert commands == {
        k: [c.removesuffix("Command") for c in v] for k, v in libraries["dynamodb"].items()
    }
    powertools = json.loads(
        (autopilot / "external-library-models" / "aws_lambda_powertools.json").read_text()
    )
    for pattern in powertools["call_patterns"]:
        qualified = f"{pattern['module_path']}.{pattern['function_name']}"
        assert table.powertools(qualified) == tuple(
            (o["service"], o["operation"]) for o in pattern["sdk_operations"]
        )
