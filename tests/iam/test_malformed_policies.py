"""Malformed policies in real templates: a finding naming the file and line, never a traceback."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions


def _permission_findings(root: Path) -> list[tuple[str, str, int | None, str]]:
    result = scan(root, Config(), load_options=LoadOptions(), today=_dt.date(2026, 11, 28))
    return sorted(
        (f.rule_id, f.file, f.line, f.evidence)
        for f in result.findings
        if f.rule_id.startswith("FG10") or f.category.startswith("tool.")
    )


SERVERLESS = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  iamRoleStatements: "s3:GetObject"
functions:
  api:
    handler: app.handler
"""

SERVERLESS_STATEMENTS = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Alow
          Action: s3:GetObject
          Resource: arn:aws:s3:::b/*
        - Effect: Allow
          Action: 5
          Resource: arn:aws:s3:::b/*
        - just a string
functions:
  api:
    handler: app.handler
"""

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(e, c): pass"
      Policies:
        - Statement: "s3:GetObject"
        - Statement:
            - Effect: Allow
              Action: [sqs:SendMessage, {Nope: 1}]
              Resource: "*"
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Permit
                Action: s3:GetObject
                Resource: "*"
"""


def test_serverless_iam_role_statements_not_a_list(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(SERVERLESS)
    assert _permission_findings(tmp_path) == [
        ("FG1008", "serverless.yml", 5, "iamRoleStatements is a string, not a list of statements"),
    ]


def test_serverless_malformed_statements(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(SERVERLESS_STATEMENTS)
    assert _permission_findings(tmp_path) == [
        ("FG1008", "serverless.yml", 8, "Effect is 'Alow'; IAM accepts only 'Allow' or 'Deny'"),
        ("FG1008", "serverless.yml", 11, "Action entry 5 is a number, not a string"),
        ("FG1008", "serverless.yml", 14, "a statement is a string, not a mapping"),
    ]


def test_sam_and_cloudformation_malformed_documents(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SAM)
    found = _permission_findings(tmp_path)
    assert found == [
        ("FG1003", "template.yaml", 13, "Allow sqs:SendMessage on [*]"),
        ("FG1008", "template.yaml", 11, "Statement is a string, not a list of statements"),
        ("FG1008", "template.yaml", 13, "Action entry {'Nope': 1} is a mapping, not a string"),
        ("FG1008", "template.yaml", 28, "Effect is 'Permit'; IAM accepts only 'Allow' or 'Deny'"),
    ]


JSON_TEXT_DOCUMENT = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt FnRole.Arn
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: text
          PolicyDocument: '{"Statement": [{"Effect": "allow", "Action": "sqs:SendMessage", "Resource": "*"}]}'
        - PolicyName: broken
          PolicyDocument: 'not json'
"""


def test_json_text_documents_are_read_and_effect_case_is_reported(tmp_path: Path) -> None:
    """CloudFormation accepts a document as JSON text; `allow` is judged, and reported."""
    (tmp_path / "template.yaml").write_text(JSON_TEXT_DOCUMENT)
    assert _permission_findings(tmp_path) == [
        # located at the Policies entry: JSON text has no lines of its own
        ("FG1003", "template.yaml", 17, "Allow sqs:SendMessage on [*]"),
        ("FG1008", "template.yaml", 17, "Effect is 'allow'; IAM accepts only 'Allow' or 'Deny'"),
        ("FG1008", "template.yaml", 19, "the policy document is neither a mapping nor JSON text"),
    ]
