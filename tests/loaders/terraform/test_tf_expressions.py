"""Terraform expressions evaluated statically: exact values, explicit Unknowns, never guesses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.terraform.modules import load_project
from faasguard.loaders.terraform.values import Encoded, JsonText, Ref
from faasguard.model import Location, Unknown

PRELUDE = """
variable "stage" {
  default = "dev"
}
variable "unset" {}
variable "tags" {
  default = { team = "shop", env = "dev" }
}
locals {
  prefix = "shop-${var.stage}"
  names  = ["a", "b", "c"]
}
"""


def _value(tmp_path: Path, expression: str, *, extra: str = "") -> Any:
    (tmp_path / "main.tf").write_text(
        PRELUDE + extra + f'\nresource "aws_thing" "t" {{\n  v = {expression}\n}}\n'
    )
    project = load_project(ScanFS(tmp_path), "")
    (item,) = [i for i in project.items if i.address == "aws_thing.t"]
    return item.values["v"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"  spaced  "', "  spaced  "),
        (r'"tab\tquote\" and $${literal}"', 'tab\tquote" and ${literal}'),
        ("42", 42),
        ("1.5", 1.5),
        ("true", True),
        ("null", None),
        ('"${local.prefix}-api"', "shop-dev-api"),
        ('"${var.tags.team}"', "shop"),
        ("var.tags", {"team": "shop", "env": "dev"}),
        ('var.stage == "dev" ? 1 : 2', 1),
        ("!false && (1 + 2 * 3 >= 7)", True),
        ("-3", -3),
        ('[for n in local.names : upper(n) if n != "b"]', ["A", "C"]),
        ("{for k, v in var.tags : v => k}", {"shop": "team", "dev": "env"}),
        ('format("%s-%d", "fn", 3)', "fn-3"),
        ('join(",", local.names)', "a,b,c"),
        ('merge(var.tags, { env = "prod" })', {"team": "shop", "env": "prod"}),
        ('concat(local.names, ["d"])', ["a", "b", "c", "d"]),
        ('lookup(var.tags, "missing", "none")', "none"),
        ('coalesce("", "second")', "second"),
        ('try(var.unset, "fallback")', "fallback"),
        ('replace("a-b", "-", "_")', "a_b"),
        ("length(local.names)", 3),
        ("element(local.names, 4)", "b"),
        ("local.names[1]", "b"),
        ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
    ],
)
def test_known_values(tmp_path: Path, expression: str, expected: Any) -> None:
    assert _value(tmp_path, expression) == expected


def test_heredocs_keep_lines_and_trim_indentation(tmp_path: Path) -> None:
    heredoc = "<<EOT\n  keep ${var.stage}\n  $${not}\nEOT"
    assert _value(tmp_path, heredoc) == "  keep dev\n  ${not}\n"
    trimmed = "<<-EOT\n    a\n      b ${local.prefix}\n    EOT"
    assert _value(tmp_path, trimmed) == "a\n  b shop-dev\n"


def test_unknowns_are_explicit(tmp_path: Path) -> None:
    assert _value(tmp_path, "var.unset") == Unknown("var.unset", "variable without a value")
    assert _value(tmp_path, "count.index") == Unknown("count.index", "count value")
    assert _value(tmp_path, "timestamp()") == Unknown(
        "timestamp()", "function timestamp() not evaluated"
    )
    assert _value(tmp_path, 'var.unset ? "a" : "b"') == Unknown(
        'var.unset ? "a" : "b"', "condition not known"
    )


def test_references_keep_their_address(tmp_path: Path) -> None:
    assert _value(tmp_path, "aws_iam_role.lambda.arn") == Ref(
        "aws_iam_role.lambda.arn", "deploy-time attribute", ("aws_iam_role.lambda",)
    )
    assert _value(tmp_path, '"${aws_s3_bucket.b.arn}/*"') == Ref(
        '"${aws_s3_bucket.b.arn}/*"', "deploy-time attribute", ("aws_s3_bucket.b",)
    )
    assert _value(tmp_path, "aws_instance.web[*].id") == Ref(
        "aws_instance.web[*].id", "deploy-time attribute", ("aws_instance.web",)
    )


def test_jsonencode_known_is_text_unknown_keeps_structure(tmp_path: Path) -> None:
    known = _value(tmp_path, 'jsonencode({ Action = "s3:GetObject", Resource = "*" })')
    assert isinstance(known, JsonText)
    assert json.loads(known) == {"Action": "s3:GetObject", "Resource": "*"}
    partial = _value(tmp_path, "jsonencode({ Resource = aws_s3_bucket.b.arn })")
    assert isinstance(partial, Encoded)
    assert partial.value == {
        "Resource": Ref("aws_s3_bucket.b.arn", "deploy-time attribute", ("aws_s3_bucket.b",))
    }


def test_templatefile_inside_root_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "policy.tftpl").write_text('{"Resource": "${arn}"}')
    rendered = _value(tmp_path, 'templatefile("${path.module}/policy.tftpl", { arn = "x" })')
    assert rendered == '{"Resource": "x"}'
    (tmp_path / "main.tf").write_text('resource "aws_thing" "t" {\n  v = file("nope.txt")\n}\n')
    project = load_project(ScanFS(tmp_path), "")
    assert project.items[0].values["v"] == Unknown("file('nope.txt')", "file not found")
    assert [(i.kind.value, i.location) for i in project.issues] == [
        ("unresolved", Location("main.tf", 2))
    ]


def test_deeply_nested_expression_is_refused_not_crashing(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("locals {\n  x = " + "[" * 5000 + "]" * 5000 + "\n}\n")
    project = load_project(ScanFS(tmp_path), "")
    assert [(i.kind.value, i.location) for i in project.issues] == [
        ("parse-error", Location("main.tf"))
    ]


def test_command_line_variables_win_over_tfvars_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "terraform.tfvars").write_text('stage = "test"\n')
    (tmp_path / "main.tf").write_text(
        PRELUDE + 'resource "aws_thing" "t" {\n  v = local.prefix\n}\n'
    )
    fs = ScanFS(tmp_path)
    assert load_project(fs, "").items[0].values["v"] == "shop-test"
    given = load_project(fs, "", variables={"stage": "prod"})
    assert given.items[0].values["v"] == "shop-prod"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("terraform-aws-modules/lambda/aws", True),
        ("registry.terraform.io/terraform-aws-modules/lambda/aws", True),
        ("git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0", True),
        ("terraform-aws-modules/lambda/aws//modules/alias", False),
        ("terraform-aws-modules/vpc/aws", False),
    ],
)
def test_lambda_module_sources(tmp_path: Path, source: str, expected: bool) -> None:
    (tmp_path / "main.tf").write_text(
        f'module "fn" {{\n  source = "{source}"\n  function_name = "fn"\n}}\n'
    )
    project = load_project(ScanFS(tmp_path), "")
    assert [call.address for call in project.lambda_modules] == (["module.fn"] if expected else [])
    assert len(project.issues) == (0 if expected else 1)
