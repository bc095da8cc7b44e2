"""FG4018 s3-bucket-allows-plain-http: a bucket must have a policy that refuses plain HTTP.

Two layers: the rule alone on model resources (each policy shape that counts, each that does
not, each unresolvable value that gives no verdict), then real templates in every format the
model covers, loaded and scanned end to end so lines and references are the loaders' own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders_permissions import FILE, Brief, app, brief, res, run_resource

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.findings import Finding, Severity
from faasguard.loaders.interface import LoadOptions
from faasguard.model import AppFormat, Resource, Unknown
from faasguard.rules.data import S3BucketAllowsPlainHttp

BUCKET = res("Uploads", "AWS::S3::Bucket", {"BucketName": "shop-uploads"}, line=40)
REF = Unknown("!Ref Uploads", "resource reference")
OBJECTS = Unknown("!Sub ${Uploads.Arn}/*", "deploy-time attribute")
BUCKET_ARN = Unknown("!GetAtt Uploads.Arn", "deploy-time attribute")
TLS_DENY: dict[str, Any] = {
    "Sid": "DenyPlainHttp",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET_ARN, OBJECTS],
    "Condition": {"Bool": {"aws:SecureTransport": False}},
}
READ_GRANT: dict[str, Any] = {
    "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": OBJECTS,
}


def _policy(*statements: Any, bucket: Any = REF, pid: str = "UploadsPolicy") -> Resource:
    return res(
        pid,
        "AWS::S3::BucketPolicy",
        {"Bucket": bucket, "PolicyDocument": {"Statement": list(statements)}},
        line=45,
        lines={"PolicyDocument": 48},
    )


def _run(*resources: Resource, fmt: AppFormat = AppFormat.SAM) -> list[Finding]:
    return run_resource(
        S3BucketAllowsPlainHttp, BUCKET, app(resources=[BUCKET, *resources], fmt=fmt)
    )


def _with(**changes: Any) -> dict[str, Any]:
    return {**TLS_DENY, **changes}


# --------------------------------------------------------------------------- reported


def test_bucket_without_policy() -> None:
    [f] = _run()
    assert brief(f) == Brief("FG4018", None, "Uploads", FILE, 40, Severity.MEDIUM)
    assert f.category == "data.plaintext-transit"
    assert f.cwe == "CWE-319"
    assert f.message == (
        "S3 bucket `Uploads`: no bucket policy refuses plain-HTTP requests, so clients can read "
        "and write it unencrypted."
    )
    assert f.evidence == "no bucket policy"
    assert f.remediation == (
        "Add an `AWS::S3::BucketPolicy` with `Bucket: !Ref Uploads` whose "
        "`PolicyDocument.Statement` holds `{Sid: DenyPlainHttp, Effect: Deny, Principal: '*', "
        "Action: 's3:*', Resource: [!GetAtt Uploads.Arn, !Sub '${Uploads.Arn}/*'], "
        "Condition: {Bool: {'aws:SecureTransport': false}}}`, so S3 refuses every request that "
        "does not use TLS (keep any statement that already grants access)."
    )


def test_allow_only_policy_names_the_policy() -> None:
    [f] = _run(_policy(READ_GRANT))
    assert brief(f) == Brief("FG4018", None, "Uploads", FILE, 40, Severity.MEDIUM)
    assert f.message == (
        "S3 bucket `Uploads`: its bucket policy `UploadsPolicy` does not refuse plain-HTTP "
        "requests: no statement denies requests where `aws:SecureTransport` is false, so "
        "clients can read and write it unencrypted."
    )
    assert f.evidence == (
        "AWS::S3::BucketPolicy UploadsPolicy: no statement denies requests where "
        "`aws:SecureTransport` is false"
    )
    assert f.remediation.startswith(
        "Add to the `PolicyDocument` of the `AWS::S3::BucketPolicy` `UploadsPolicy` the "
        "statement `{Sid: DenyPlainHttp, Effect: Deny,"
    )


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(_with(Effect="Allow"), id="allow-not-deny"),
        pytest.param(_with(Condition={"Bool": {"aws:SecureTransport": True}}), id="true"),
        pytest.param(_with(Condition=None), id="no-condition"),
        pytest.param(
            _with(
                Condition={
                    "Bool": {"aws:SecureTransport": "false"},
                    "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"},
                }
            ),
            id="narrowed-by-second-operator",
        ),
        pytest.param(
            _with(
                Condition={
                    "Bool": {"aws:SecureTransport": "false", "aws:MultiFactorAuthPresent": "true"}
                }
            ),
            id="narrowed-by-second-key",
        ),
        pytest.param(_with(Action="s3:GetObject"), id="one-action"),
        pytest.param(_with(Action=["s3:Get*", "s3:Put*"]), id="action-patterns"),
        pytest.param(_with(Resource=BUCKET_ARN), id="bucket-not-objects"),
        pytest.param(_with(Resource="arn:aws:s3:::shop-uploads/public/*"), id="prefix-only"),
        pytest.param(
            _with(Resource=Unknown("!Sub ${Uploads.Arn}/logs/*", "deploy-time attribute")),
            id="prefix-only-sub",
        ),
        pytest.param(_with(Principal={"AWS": "arn:aws:iam::123456789012:root"}), id="one-account"),
        pytest.param(
            {k: v for k, v in TLS_DENY.items() if k != "Action"} | {"NotAction": "s3:GetObject"},
            id="not-action",
        ),
    ],
)
def test_deny_that_does_not_cover_plain_http_everywhere_is_reported(
    statement: dict[str, Any],
) -> None:
    [f] = _run(_policy(READ_GRANT, statement))
    assert brief(f) == Brief("FG4018", None, "Uploads", FILE, 40, Severity.MEDIUM)
    assert "`UploadsPolicy` does not refuse plain-HTTP requests" in f.message


def test_tls_version_deny_alone_does_not_refuse_plain_http() -> None:
    version = _with(Condition={"NumericLessThan": {"s3:TlsVersion": 1.2}})
    [f] = _run(_policy(version))
    assert brief(f) == Brief("FG4018", None, "Uploads", FILE, 40, Severity.MEDIUM)
    assert f.evidence == (
        "AWS::S3::BucketPolicy UploadsPolicy: its only TLS statement tests `s3:TlsVersion` with "
        "`NumericLessThan`, which does not apply to plain HTTP (there is no TLS version)"
    )


def test_policy_of_another_bucket_does_not_count() -> None:
    other = _policy(TLS_DENY, bucket=Unknown("!Ref Reports", "resource reference"), pid="Other")
    [f] = _run(other, _policy(READ_GRANT, bucket="another-bucket", pid="Named"))
    assert f.evidence == "no bucket policy"


def test_terraform_remediation_is_hcl() -> None:
    bucket = res("aws_s3_bucket.uploads", "AWS::S3::Bucket", line=3, file="main.tf")
    a = app(resources=[bucket], fmt=AppFormat.TERRAFORM)
    [f] = run_resource(S3BucketAllowsPlainHttp, bucket, a)
    assert f.remediation == (
        "Add an `aws_s3_bucket_policy` for `aws_s3_bucket.uploads` whose `policy = jsonencode("
        '{ Version = "2012-10-17", Statement = [...] })` holds the statement `{ Sid = '
        '"DenyPlainHttp", Effect = "Deny", Principal = "*", Action = "s3:*", Resource = '
        '[aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"], Condition = { Bool = '
        '{ "aws:SecureTransport" = "false" } } }`, so S3 refuses every request that does not '
        "use TLS (keep any statement that already grants access)."
    )


def test_cdk_remediation_is_enforce_ssl() -> None:
    [f] = _run(fmt=AppFormat.CDK)
    assert f.remediation == "Set `enforceSSL: true` on the `Bucket` construct of `Uploads`."


# --------------------------------------------------------------------------- not reported


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(TLS_DENY, id="bool-false"),
        pytest.param(
            _with(Condition={"BoolIfExists": {"aws:SecureTransport": "false"}}),
            id="boolifexists-string",
        ),
        pytest.param(
            _with(Condition={"Bool": {"aws:SecureTransport": ["false"]}}), id="value-list"
        ),
        pytest.param(
            _with(Condition={"NumericLessThanIfExists": {"s3:TlsVersion": "1.2"}}),
            id="tls-version-if-exists",
        ),
        pytest.param(_with(Principal={"AWS": "*"}), id="aws-star"),
        pytest.param(_with(Principal={"*": ["*"]}), id="terraform-policy-document-star"),
        pytest.param(_with(Action=["s3:GetObject", "*"]), id="star-action"),
        pytest.param(_with(Resource="*"), id="star-resource"),
        pytest.param(_with(Resource="arn:aws:s3:::shop-uploads/*"), id="literal-arn"),
        pytest.param(
            _with(Resource=Unknown("!Join ${Uploads.Arn}/*", "deploy-time attribute")),
            id="join",
        ),
        pytest.param(
            _with(
                Resource=Unknown(
                    "!Sub arn:${AWS::Partition}:s3:::${Uploads}/*", "deploy-time attribute"
                )
            ),
            id="sub-partition",
        ),
    ],
)
def test_deny_without_tls_passes(statement: dict[str, Any]) -> None:
    assert _run(_policy(READ_GRANT, statement)) == []


def test_policy_naming_the_bucket_by_its_name_passes() -> None:
    assert _run(_policy(TLS_DENY, bucket="shop-uploads")) == []


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(
            res(
                "P",
                "AWS::S3::BucketPolicy",
                {"Bucket": REF, "PolicyDocument": Unknown("!ImportValue Doc", "import")},
            ),
            id="document",
        ),
        pytest.param(
            _policy(TLS_DENY, bucket=Unknown("!ImportValue Shared", "import")), id="target"
        ),
        pytest.param(
            _policy(
                _with(Condition={"Bool": {"aws:SecureTransport": Unknown("!Ref Off", "param")}})
            ),
            id="condition-value",
        ),
        pytest.param(_policy(_with(Resource=Unknown("!Ref Pattern", "parameter"))), id="resource"),
        pytest.param(_policy(_with(Principal=Unknown("!Ref Who", "parameter"))), id="principal"),
        pytest.param(_policy(_with(Action=Unknown("!Ref What", "parameter"))), id="action"),
    ],
)
def test_unresolvable_values_give_no_verdict(policy: Resource) -> None:
    # A policy whose bucket is unknown may be this bucket's: no verdict for any bucket.
    assert _run(policy) == []


# --------------------------------------------------------------------------- real templates

SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(event, context): return 1"
  Open:
    Type: AWS::S3::Bucket
  Granted:
    Type: AWS::S3::Bucket
  GrantedPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Granted
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: !Sub "${Granted.Arn}/*"
  Enforced:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: shop-enforced
  EnforcedPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: shop-enforced
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource:
              - !GetAtt Enforced.Arn
              - !Sub "${Enforced.Arn}/*"
            Condition:
              Bool:
                aws:SecureTransport: false
"""

SERVERLESS = """\
service: tls
provider:
  name: aws
  runtime: python3.12
functions:
  api:
    handler: handler.main
resources:
  Resources:
    Exports:
      Type: AWS::S3::Bucket
    Enforced:
      Type: AWS::S3::Bucket
    EnforcedPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket:
          Ref: Enforced
        PolicyDocument:
          Statement:
            - Effect: Deny
              Principal: "*"
              Action: "s3:*"
              Resource:
                Fn::Join: ["", [{"Fn::GetAtt": [Enforced, Arn]}, "/*"]]
              Condition:
                BoolIfExists:
                  aws:SecureTransport: "false"
"""

TERRAFORM = """\
resource "aws_s3_bucket" "open" {
  bucket = "shop-open"
}

resource "aws_s3_bucket" "granted" {}

resource "aws_s3_bucket_policy" "granted" {
  bucket = aws_s3_bucket.granted.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.granted.arn}/*"
    }]
  })
}

resource "aws_s3_bucket" "enforced" {}

resource "aws_s3_bucket_policy" "enforced" {
  bucket = aws_s3_bucket.enforced.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.enforced.arn, "${aws_s3_bucket.enforced.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket" "documented" {}

data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.documented.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "NumericLessThanIfExists"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "documented" {
  bucket = aws_s3_bucket.documented.id
  policy = data.aws_iam_policy_document.tls.json
}
"""


def _scan(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str | None, str, int | None]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = scan(tmp_path, Config(), load_options=LoadOptions())
    assert [f.rule_id for f in result.findings if f.rule_id.startswith("FG000")] == []
    return sorted(
        (f.rule_id, f.resource, f.file, f.line) for f in result.findings if f.rule_id == "FG4018"
    )


def test_sam_template(tmp_path: Path) -> None:
    assert _scan(tmp_path, {"template.yaml": SAM}) == [
        ("FG4018", "Granted", "template.yaml", 12),
        ("FG4018", "Open", "template.yaml", 10),
    ]


def test_serverless_resources(tmp_path: Path) -> None:
    files = {"serverless.yml": SERVERLESS, "handler.py": "def main(event, context):\n    pass\n"}
    assert _scan(tmp_path, files) == [("FG4018", "Exports", "serverless.yml", 10)]


def test_terraform_bucket_and_bucket_policy(tmp_path: Path) -> None:
    assert _scan(tmp_path, {"main.tf": TERRAFORM}) == [
        ("FG4018", "aws_s3_bucket.granted", "main.tf", 5),
        ("FG4018", "aws_s3_bucket.open", "main.tf", 1),
    ]


def test_findings_are_medium_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TERRAFORM, encoding="utf-8")
    result = scan(tmp_path, Config(), load_options=LoadOptions())
    found = [f for f in result.findings if f.rule_id == "FG4018"]
    assert {(f.severity, f.function, f.category) for f in found} == {
        (Severity.MEDIUM, None, "data.plaintext-transit")
    }
