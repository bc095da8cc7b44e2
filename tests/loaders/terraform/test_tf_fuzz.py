"""Whatever the bytes of a ``.tf`` file, the loader returns a result: never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader

#: Pieces of HCL, valid and broken, glued together at random.
TOKENS = [
    'resource "aws_lambda_function" "f" {',
    'module "m" { source = "./" }',
    "locals { a = local.b\n b = local.a }",
    "}",
    "{",
    "[",
    "]",
    "(",
    ")",
    '"${',
    "${var.x}",
    '"',
    "=",
    "<<EOT\n",
    "EOT\n",
    "<<-X\n  ${local.a}\n  X\n",
    "role = aws_iam_role.r.arn\n",
    'policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*" }] })\n',
    'file("../../etc/passwd")',
    "for x in var.l : x",
    "? 1 : 2",
    "%{ if true }",
    "\n",
    " ",
    "#",
    "/*",
    "*/",
    "\x00",
    "é",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_random_hcl_never_raises(pieces: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "main.tf").write_text("".join(pieces), encoding="utf-8")
        result = TerraformLoader().load(".", ScanFS(root), LoadOptions())
        for issue in result.issues:
            assert issue.location.file == "main.tf"
            assert "bug in faasguard" not in issue.message


#: Every resource type the loader reads, each argument it reads set to a shape it does not
#: expect (a number where a block goes, a string where a list goes...).
ODD_VALUES = ['"text"', "42", "true", "null", '["a", 1]', "{ k = 1 }", "var.unknown"]
ODD_TYPES = {
    "aws_lambda_function": ["environment", "vpc_config", "tracing_config", "layers", "filename"],
    "aws_iam_role": ["inline_policy", "managed_policy_arns", "assume_role_policy"],
    "aws_iam_role_policy": ["role", "policy"],
    "aws_s3_bucket_notification": ["bucket", "lambda_function"],
    "aws_lambda_event_source_mapping": ["function_name", "destination_config", "filter_criteria"],
    "aws_cloudwatch_event_target": ["arn", "rule", "dead_letter_config"],
    "aws_api_gateway_integration": ["uri", "resource_id", "http_method"],
    "aws_apigatewayv2_route": ["target", "route_key", "authorization_type"],
    "aws_s3_bucket": ["bucket", "server_side_encryption_configuration", "cors_rule"],
    "aws_cognito_user_pool": ["password_policy", "schema", "admin_create_user_config"],
    "aws_s3control_object_lambda_access_point": ["configuration"],
    "aws_iot_topic_rule": ["lambda"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_odd_argument_shapes_never_crash(data: st.DataObject) -> None:
    body = ['resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n}\n']
    for kind, arguments in ODD_TYPES.items():
        lines = [
            f"  {name} = {data.draw(st.sampled_from(ODD_VALUES), label=f'{kind}.{name}')}"
            for name in arguments
        ]
        body.append(f'resource "{kind}" "x" {{\n' + "\n".join(lines) + "\n}\n")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "main.tf").write_text("".join(body), encoding="utf-8")
        result = TerraformLoader().load(".", ScanFS(root), LoadOptions())
        assert [app.name for app in result.applications] == [root.name]
