"""``${file()}`` includes, escapes from the scan root, and variable cycles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions
from faasguard.loaders.serverless import ServerlessLoader
from faasguard.model import (
    AuthKind,
    EnvVar,
    Location,
    Resource,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)


def test_variable_cycle_is_reported_with_its_chain_and_line(sls_load):
    result = sls_load("variable_cycle")
    chain = "custom.a -> custom.b -> custom.a"
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            f"variable cycle: {chain}",
            Location("serverless.yml", 7),
            "cyclic",
        ),
    )
    (fn,) = result.applications[0].functions
    assert fn.environment == (
        EnvVar(
            name="A",
            value=Unknown("${self:custom.a}", f"variable cycle: {chain}"),
            location=Location("serverless.yml", 5),
            origin="provider",
            raw="${self:custom.a}",
        ),
    )


def test_file_includes_keep_their_own_file_and_lines(sls_app):
    app = sls_app("file_include")
    assert [(fn.name, fn.location, fn.resource_id) for fn in app.functions] == [
        ("list", Location("functions/api.yml", 1), "ListLambdaFunction"),
        ("reindex", Location("functions/workers.yml", 1), "ReindexLambdaFunction"),
    ]
    listing, reindex = app.functions
    assert listing.environment == (
        EnvVar(
            "TABLE", "catalog-dev", Location("config/env.yml", 2), "provider", "${self:service}-dev"
        ),
        EnvVar("LOG_LEVEL", "debug", Location("config/env.yml", 3), "provider", None),
    )
    assert (listing.handler_file, listing.handler_function) == ("src/list.js", "handler")
    assert listing.dependency_manifests == ("package.json",)
    assert listing.triggers == (
        Trigger(
            kind=TriggerKind.HTTP_API,
            location=Location("functions/api.yml", 4),
            auth=AuthKind.NONE,
            internet_reachable=True,
            path="/items",
            method="GET",
            api="HttpApi",
        ),
    )
    assert reindex.triggers == (
        Trigger(
            kind=TriggerKind.SQS,
            location=Location("functions/workers.yml", 4),
            source="ReindexQueue",
            properties={"batchSize": 10},
        ),
    )
    (role,) = app.roles
    assert role.statements == (
        Statement(
            effect="Allow",
            actions=("dynamodb:GetItem", "dynamodb:Query"),
            resources=("arn:aws:dynamodb:us-east-1:123456789012:table/catalog-dev",),
            location=Location("config/iam.json", 3),
            origin="provider.iam.role.statements[0]",
        ),
    )
    assert app.resources == (
        Resource(
            id="ItemsTable",
            type="AWS::DynamoDB::Table",
            location=Location("resources/tables.yml", 2),
            properties={"TableName": "catalog-dev-items", "BillingMode": "PAY_PER_REQUEST"},
            property_lines={"TableName": 5, "BillingMode": 6},
        ),
        Resource("ReindexQueue", "AWS::SQS::Queue", Location("resources/tables.yml", 7)),
        Resource("Bucket", "AWS::S3::Bucket", Location("serverless.yml", 15)),
    )


def test_stage_selects_the_included_block(sls_app):
    app = sls_app("file_include", stage="prod")
    assert [(v.name, v.value) for v in app.functions[0].environment] == [
        ("TABLE", "catalog-prod"),
        ("LOG_LEVEL", "warn"),
    ]


def test_file_escapes_are_reported_and_nothing_outside_is_read(sls_load, monkeypatch):
    read: list[str] = []
    original = ScanFS.read_bytes

    def recording(self: ScanFS, rel: str) -> bytes:
        read.append(rel)
        return original(self, rel)

    monkeypatch.setattr(ScanFS, "read_bytes", recording)
    result = sls_load("file_escape")
    assert read == ["serverless.yml"]
    outside = "points outside the scan root; it was not read"
    absolute = "is absolute; only paths inside the scan root are read"
    assert result.issues == (
        LoadIssue(
            IssueKind.OUTSIDE_ROOT,
            f"file reference '../../../etc/passwd' {outside}",
            Location("serverless.yml", 5),
            "escape",
        ),
        LoadIssue(
            IssueKind.OUTSIDE_ROOT,
            f"file reference '/etc/hostname' {absolute}",
            Location("serverless.yml", 6),
            "escape",
        ),
        LoadIssue(
            IssueKind.OUTSIDE_ROOT,
            f"file reference '~/.aws/credentials' {absolute}",
            Location("serverless.yml", 7),
            "escape",
        ),
        LoadIssue(
            IssueKind.OUTSIDE_ROOT,
            f"file reference '../../../../../etc/shadow' {outside}",
            Location("serverless.yml", 8),
            "escape",
        ),
    )
    reason = "file reference outside the scan root"
    assert [(v.name, v.value) for v in result.applications[0].functions[0].environment] == [
        ("PASSWD", Unknown("${file(../../../etc/passwd)}", reason)),
        ("ABSOLUTE", Unknown("${file(/etc/hostname)}", reason)),
        ("HOME_REF", Unknown("${file(~/.aws/credentials):default}", reason)),
        ("EMBEDDED", Unknown("prefix-${file(../../../../../etc/shadow):root}", reason)),
    ]


def _load_text(root: Path, text: str, files: dict[str, str] | None = None):
    (root / "serverless.yml").write_text(text)
    for name, content in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    return ServerlessLoader().load("serverless.yml", ScanFS(root), LoadOptions())


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_out_of_the_root_is_not_followed(tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text("secret: hunter2\n")
    root = tmp_path / "svc"
    root.mkdir()
    (root / "link.yml").symlink_to(outside)
    result = _load_text(
        root,
        "service: s\nprovider:\n  name: aws\ncustom:\n  x: ${file(./link.yml):secret}\n",
    )
    assert [(i.kind, i.location) for i in result.issues] == [
        (IssueKind.OUTSIDE_ROOT, Location("serverless.yml", 5))
    ]
    assert "through a symlink" in result.issues[0].message
    assert "hunter2" not in repr(result)


def test_missing_file_uses_the_fallback_and_scripts_are_never_run(tmp_path):
    result = _load_text(
        tmp_path,
        "service: s\n"
        "provider:\n"
        "  name: aws\n"
        "  environment:\n"
        "    OPTIONAL: ${file(./nope.yml):value, 'not-configured'}\n"
        "    FROM_JS: ${file(./vars.js):stage}\n"
        "    TEXT: ${file(./VERSION)}\n"
        "functions:\n"
        "  fn:\n"
        "    handler: h.main\n",
        {"vars.js": "require('child_process').execSync('touch pwned')\n", "VERSION": "1.2.3"},
    )
    assert result.issues == ()
    env = result.applications[0].functions[0].environment
    assert [(v.name, v.value) for v in env] == [
        ("OPTIONAL", "not-configured"),
        (
            "FROM_JS",
            Unknown(
                "${file(./vars.js):stage}",
                "JavaScript/TypeScript file() sources are never executed",
            ),
        ),
        ("TEXT", "1.2.3"),
    ]
    assert not (tmp_path / "pwned").exists()


def test_included_file_that_includes_itself_is_a_cycle(tmp_path):
    result = _load_text(
        tmp_path,
        "service: s\nprovider:\n  name: aws\ncustom: ${file(./loop.yml)}\n",
        {"loop.yml": "a: ${file(./loop.yml)}\nb: 1\n"},
    )
    assert [(i.kind, i.message, i.location) for i in result.issues] == [
        (
            IssueKind.PARSE_ERROR,
            "variable cycle: file(loop.yml) -> file(loop.yml) (the file includes itself)",
            Location("loop.yml", 1),
        )
    ]


def test_broken_included_file_is_an_issue_in_that_file(tmp_path):
    result = _load_text(
        tmp_path,
        "service: s\nprovider:\n  name: aws\ncustom: ${file(./bad.yml)}\n",
        {"bad.yml": "a: [1, 2\n"},
    )
    (issue,) = result.issues
    assert (issue.kind, issue.location.file) == (IssueKind.PARSE_ERROR, "bad.yml")
    assert issue.message.startswith("invalid YAML")
