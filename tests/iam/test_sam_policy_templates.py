"""SAM policy templates and managed policies judged end to end, through the real SAM loader."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.findings import Severity
from faasguard.loaders.interface import LoadOptions

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  BucketName:
    Type: String
Resources:
  EveryTable:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(e, c): pass"
      Policies:
        - DynamoDBCrudPolicy:
            TableName: '*'
  OneTable:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(e, c): pass"
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref Orders
        - S3ReadPolicy:
            BucketName: !Ref BucketName
  FullAccess:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(e, c): pass"
      Policies:
        - AmazonDynamoDBFullAccess
        - arn:aws:iam::123456789012:policy/team-policy
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
"""


def test_policy_templates_with_pseudo_parameters_and_managed_policies(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    result = scan(tmp_path, Config(), load_options=LoadOptions(), today=_dt.date(2026, 11, 28))
    found = sorted(
        (f.function or "", f.rule_id, f.line, f.severity)
        for f in result.findings
        if f.rule_id.startswith("FG10") and f.rule_id != "FG1040"
    )
    assert found == [
        # TableName '*' is CRUD on every table: ${AWS::Region}/${AWS::AccountId} do not hide it
        ("EveryTable", "FG1003", 14, Severity.HIGH),
        ("EveryTable", "FG1009", 14, Severity.MEDIUM),
        # AmazonDynamoDBFullAccess judged by its document; the customer policy is unknown
        ("FullAccess", "FG1009", 27, Severity.HIGH),
        ("FullAccess", "FG1010", 27, Severity.HIGH),
        ("FullAccess", "FG1011", 27, Severity.HIGH),
        ("FullAccess", "FG1012", 27, Severity.INFO),
        # OneTable: a table of the template and a bucket named by a parameter: nothing to say
    ]
    every = next(f for f in result.findings if f.function == "EveryTable" and f.rule_id == "FG1003")
    assert "dynamodb:DeleteItem" in every.message
    assert "every resource of its type in the account" in every.message


TEMPLATE_POLICY = """\
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
        - !Ref AppPolicy
        - !ImportValue shared-policy-arn
  AppPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "*"
"""


def test_template_managed_policies_are_judged_not_unknown(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE_POLICY)
    result = scan(tmp_path, Config(), load_options=LoadOptions(), today=_dt.date(2026, 11, 28))
    found = sorted(
        (f.rule_id, f.line, f.evidence)
        for f in result.findings
        if f.rule_id.startswith("FG10") and f.rule_id != "FG1040"
    )
    assert found == [
        ("FG1003", 18, "Allow s3:GetObject on [*]"),
        ("FG1009", 18, "statement `AWS::IAM::ManagedPolicy AppPolicy`: s3:GetObject on *"),
        ("FG1012", 4, "managed policy !ImportValue shared-policy-arn"),
    ]


TEMPLATE_BOUNDARY = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(e, c): pass"
      PermissionsBoundary: !Ref Boundary
      Policies:
        - Statement:
            - Effect: Allow
              Action: [s3:GetObject, iam:PutRolePolicy]
              Resource: "*"
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: ["s3:GetObject", "logs:*"]
            Resource: "*"
"""


def test_a_boundary_defined_in_the_template_is_applied(tmp_path: Path) -> None:
    """iam:PutRolePolicy is outside the boundary: no escalation; s3:GetObject stays."""
    (tmp_path / "template.yaml").write_text(TEMPLATE_BOUNDARY)
    result = scan(tmp_path, Config(), load_options=LoadOptions(), today=_dt.date(2026, 11, 28))
    found = sorted(
        (f.rule_id, f.line, f.evidence)
        for f in result.findings
        if f.rule_id.startswith("FG10") and f.rule_id != "FG1040"
    )
    assert found == [
        ("FG1003", 13, "Allow s3:GetObject on [*]"),
        ("FG1009", 13, "statement `Fn Policies[0]`: s3:GetObject on *"),
    ]
