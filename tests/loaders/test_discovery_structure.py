"""Discovery: templates by structure, vendored folders, other formats and unsupported apps.

Each test builds a small project in a temporary folder and asserts the exact templates
discovery names (and the loader for each), the exact notices it raises, and, through the engine,
that files which merely mention ``Resources`` are never reported as broken templates.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.fs import ScanFS
from faasguard.loaders.discovery import TemplateRef, classify, discover, template_structure
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions
from faasguard.model import Location

SAM = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): return {}"
"""


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def refs(root: Path) -> list[tuple[str, str]]:
    return [(ref.path, ref.loader) for ref in discover(ScanFS(root)).templates]


def rule_findings(root: Path) -> list[tuple[str, str, int | None]]:
    result = scan(root, Config(), load_options=LoadOptions())
    return [(f.rule_id, f.file, f.line) for f in result.findings if f.rule_id.startswith("FG0")]


# -- structure, not words -----------------------------------------------------------------------

NOT_TEMPLATES: dict[str, str | bytes] = {
    # seed data that happens to contain the words
    "seed/items.json": json.dumps(
        [{"Resources": "AWS::S3::Bucket", "Transform": "none"}, {"Resources": []}]
    ),
    # a JSON schema describing templates
    "schema/template.schema.json": json.dumps(
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "description": "AWS::CloudFormation template",
            "properties": {"Resources": {"type": "object"}},
        }
    ),
    # an SDK model (botocore) outside any vendored folder
    "models/cloudformation-2010.json": json.dumps(
        {
            "version": "2.0",
            "metadata": {"serviceId": "CloudFormation"},
            "shapes": {"Resources": {"type": "list", "documentation": "AWS::EC2::Instance"}},
        }
    ),
    # `serverless print` output kept in the repository
    "svc/resolved-serverless.yml": (
        "service: shop\nprovider:\n  name: aws\nresources:\n  Resources:\n"
        "    Bucket:\n      Type: AWS::S3::Bucket\n"
    ),
    # a mapping whose Resources are not resources
    "data/inventory.yaml": "Resources:\n  cpu: 4\n  memory: 16\nTransform: upper\n",
}


def test_files_that_mention_resources_are_not_templates(tmp_path: Path) -> None:
    write(tmp_path, {**NOT_TEMPLATES, "app/template.yaml": SAM})
    # discovery's cheap sniff names candidates; the loader decides by structure
    assert ("app/template.yaml", "cloudformation") in refs(tmp_path)
    result = scan(tmp_path, Config(), load_options=LoadOptions())
    assert [app.file for app in result.applications] == ["app/template.yaml"]
    assert [f for f in result.findings if f.rule_id == "FG0001"] == []


def test_a_non_template_named_explicitly_is_a_parse_error(tmp_path: Path) -> None:
    write(tmp_path, NOT_TEMPLATES)
    result = scan(tmp_path / "seed" / "items.json", Config(), load_options=LoadOptions())
    assert [(f.rule_id, f.file, f.line, f.message) for f in result.findings] == [
        (
            "FG0001",
            "items.json",
            1,
            "not a CloudFormation template: the document is not a mapping",
        )
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"AWSTemplateFormatVersion": "2010-09-09"}, None),  # a template, even an empty one
        ({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, None),
        ({"Resources": {"B": {"Type": "AWS::S3::Bucket"}, "junk": 1}}, None),
        (["Resources"], "the document is not a mapping"),
        ({"Description": "x"}, "it has no Resources section"),
        ({"Resources": []}, "Resources is not a mapping of logical ids to resources"),
        ({"Resources": {}}, "Resources is not a mapping of logical ids to resources"),
        ({"Resources": {"cpu": 4}}, "no entry of Resources is a resource with a Type"),
        (
            {
                "Transform": "AWS::LanguageExtensions",
                "Resources": {"Fn::ForEach::Topics": ["T", ["A", "B"], {}]},
            },
            None,
        ),
        (
            {"service": "s", "provider": {"name": "aws"}, "Resources": {"B": {"Type": "T"}}},
            "it is a Serverless service (service and provider), not a CloudFormation template",
        ),
    ],
)
def test_template_structure(data: object, reason: str | None) -> None:
    assert template_structure(data) == reason


# -- vendored folders ---------------------------------------------------------------------------


def test_vendored_libraries_are_not_searched_for_templates(tmp_path: Path) -> None:
    service2 = json.dumps({"version": "2.0", "shapes": {"Resources": {}}, "doc": "AWS::S3"})
    write(
        tmp_path,
        {
            # a Lambda layer's python/ folder with installed packages
            "layer/python/botocore/data/s3/2006-03-01/service-2.json": service2,
            "layer/python/botocore/data/cfn/template.yaml": SAM,
            "layer/python/botocore-1.34.0.dist-info/METADATA": "Name: botocore\n",
            # a layer with the lib/python3.x layout
            "layer2/python/lib/python3.12/site-packages/pkg/template.yaml": SAM,
            # site-packages and node_modules anywhere
            "venv-like/site-packages/pkg/template.yaml": SAM,
            "web/node_modules/aws-cdk-lib/template.yaml": SAM,
            # a folder merely named python/ holding the project's own template
            "python/template.yaml": SAM,
        },
    )
    assert refs(tmp_path) == [("python/template.yaml", "cloudformation")]


# -- serverless.js ------------------------------------------------------------------------------


def test_serverless_js_that_is_framework_source_is_not_a_template(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "framework/lib/serverless.js": (
                "'use strict';\nclass Serverless {\n  constructor(config) {\n"
                "    this.providers = {};\n  }\n}\nmodule.exports = Serverless;\n"
            ),
            "svc/serverless.ts": (
                "const config = {\n  service: 'orders',\n  provider: { name: 'aws' },\n};\n"
                "module.exports = config;\n"
            ),
        },
    )
    assert refs(tmp_path) == [("svc/serverless.ts", "serverless")]


# -- other formats ------------------------------------------------------------------------------


def test_chalice_zappa_terraform_and_plan_files_are_routed(tmp_path: Path) -> None:
    plan = json.dumps({"format_version": "1.2", "planned_values": {"root_module": {}}})
    write(
        tmp_path,
        {
            "chalice-app/app.py": "from chalice import Chalice\napp = Chalice('x')\n",
            "chalice-app/.chalice/config.json": '{"version": "2.0", "app_name": "x"}',
            # a .chalice folder without app.py is not an app
            "orphan/.chalice/config.json": "{}",
            "zappa-app/zappa_settings.json": '{"dev": {"app_function": "app.app"}}',
            "infra/main.tf": 'module "fn" {\n  source = "../modules/fn"\n}\n',
            "modules/fn/main.tf": 'resource "aws_lambda_function" "f" {}\n',
            "plans/plan.json": plan,
        },
    )
    assert refs(tmp_path) == [
        ("chalice-app/.chalice/config.json", "chalice"),
        ("infra", "terraform"),  # modules/fn is called by infra: not a root of its own
        ("plans/plan.json", "terraform"),
        ("zappa-app/zappa_settings.json", "zappa"),
    ]


def test_single_files_are_classified(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": "",
            ".chalice/config.json": "{}",
            "zappa_settings.yml": "dev: {}\n",
            "notes.json": "{}",
        },
    )
    fs = ScanFS(tmp_path)
    assert [
        classify(fs, rel) for rel in ("main.tf", ".chalice/config.json", "zappa_settings.yml")
    ] == [
        TemplateRef(".", "terraform"),
        TemplateRef(".chalice/config.json", "chalice"),
        TemplateRef("zappa_settings.yml", "zappa"),
    ]
    # a JSON file the user names is given to the CloudFormation loader, which says what is wrong
    assert classify(fs, "notes.json") == TemplateRef("notes.json", "cloudformation")


def test_utf16_template_is_discovered(tmp_path: Path) -> None:
    write(tmp_path, {"app/template.yaml": codecs.BOM_UTF16_LE + SAM.encode("utf-16-le")})
    assert refs(tmp_path) == [("app/template.yaml", "cloudformation")]


# -- unsupported applications -------------------------------------------------------------------


def test_one_notice_per_unsupported_application(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pulumi-app/Pulumi.yaml": "name: shop\nruntime: nodejs\n",
            "pulumi-app/Pulumi.dev.yaml": "config: {}\n",
            "pulumi-app/index.ts": "export const x = 1;\n",
            "arc-app/app.arc": "@app\nshop\n@http\nget /\n",
            "cdk-app/cdk.json": '{"app": "npx ts-node bin/app.ts"}',
            "cdk-app/bin/app.ts": "new App();\n",
            "cdk-done/cdk.json": '{"app": "python3 app.py"}',
            "cdk-done/cdk.out/Stack.template.json": json.dumps(
                {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}
            ),
        },
    )
    found = discover(ScanFS(tmp_path))
    assert [(ref.path, ref.loader) for ref in found.templates] == [
        ("cdk-done/cdk.out/Stack.template.json", "cloudformation")
    ]
    assert found.issues == (
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            "a Pulumi program in pulumi-app (Pulumi.yaml) is not a format faasguard reads; its "
            "resources exist only when the program runs, which a scan never does",
            Location("pulumi-app/Pulumi.yaml", 1),
        ),
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            "an Architect app in arc-app (app.arc) is not a format faasguard reads; run "
            "`arc deploy --dry-run` and scan the generated sam.json",
            Location("arc-app/app.arc", 1),
        ),
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            "the AWS CDK app in cdk-app has not been synthesised: run `cdk synth` there (it "
            "writes cdk.out/*.template.json) and scan again; faasguard never runs the app",
            Location("cdk-app/cdk.json", 1),
        ),
    )
    assert rule_findings(tmp_path) == [
        ("FG0012", "arc-app/app.arc", 1),
        ("FG0012", "cdk-app/cdk.json", 1),
        ("FG0012", "pulumi-app/Pulumi.yaml", 1),
    ]


def test_terraform_without_its_loader_is_an_unsupported_application(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faasguard.loaders.discovery as discovery

    monkeypatch.setattr(discovery, "_terraform_available", lambda: False)
    write(
        tmp_path,
        {
            "infra/variables.tf": "",
            "infra/main.tf": 'module "fn" {\n  source = "./modules/fn"\n}\n',
            "infra/modules/fn/main.tf": "",
        },
    )
    found = discover(ScanFS(tmp_path))
    assert found.templates == ()
    assert found.issues == (
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            "a Terraform root module in infra is not read by this faasguard installation",
            Location("infra/main.tf", 1),
        ),
    )


def test_a_resolved_serverless_file_named_explicitly_is_read_as_serverless(tmp_path: Path) -> None:
    write(tmp_path, NOT_TEMPLATES)
    fs = ScanFS(tmp_path)
    assert classify(fs, "svc/resolved-serverless.yml") == TemplateRef(
        "svc/resolved-serverless.yml", "serverless"
    )
    # found in a folder, it is a copy of a serverless.yml: not loaded twice, not reported
    assert ("svc/resolved-serverless.yml", "serverless") not in refs(tmp_path)
