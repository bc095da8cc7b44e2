"""The role SAM generates for a function: what each function setting adds to it."""

from __future__ import annotations

from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation import CloudFormationLoader
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.model import Location, Role, Statement, Unknown

TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: [AWS::Serverless-2016-10-31, CompanyTaggingMacro]
Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    PermissionsBoundary: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return e"
      Handler: index.handler
      Runtime: python3.12
      Tracing: Disabled
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      DeadLetterQueue:
        Type: SNS
        TargetArn: !Ref Topic
      EventInvokeConfig:
        DestinationConfig:
          OnSuccess:
            Type: Lambda
            Destination: !GetAtt Next.Arn
          OnFailure:
            Type: S3Bucket
            Destination: !GetAtt Failures.Arn
      Policies: !If [IsProd, [AmazonS3FullAccess], [AmazonS3ReadOnlyAccess, !Ref Audit]]
  Next:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return e"
      Handler: index.handler
      Runtime: python3.12
      Policies: AWSLambdaExecute
  Audit:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: cloudtrail:LookupEvents
            Resource: "*"
  ExtraForFn:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref FnRole]
      PolicyDocument:
        Statement:
          - Effect: Deny
            Action: s3:DeleteObject
            Resource: "*"
  Topic:
    Type: AWS::SNS::Topic
  Failures:
    Type: AWS::S3::Bucket
"""


def load(tmp_path: Path, **options: object) -> LoadResult:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return CloudFormationLoader().load(
        "template.yaml",
        ScanFS(tmp_path),
        LoadOptions(**options),  # type: ignore[arg-type]
    )


def at(line: int) -> Location:
    return Location("template.yaml", line)


def test_generated_role_gathers_every_sam_addition(tmp_path: Path) -> None:
    result = load(tmp_path)
    (app,) = result.applications
    fn = app.function("Fn")
    assert fn is not None
    assert fn.on_failure == Unknown("!GetAtt Failures.Arn", "deploy-time attribute")
    assert app.role("FnRole") == Role(
        id="FnRole",
        location=at(11),
        statements=(
            # Policies: [..., !Ref Audit] folds the template's managed policy in.
            Statement(
                "Allow",
                ("cloudtrail:LookupEvents",),
                at(45),
                "AWS::IAM::ManagedPolicy Audit",
                resources=("*",),
            ),
            Statement(
                "Allow",
                ("sns:Publish",),
                at(21),
                "SAM DeadLetterQueue policy",
                resources=(Unknown("!Ref Topic", "resource reference"),),
            ),
            Statement(
                "Allow",
                ("lambda:InvokeFunction",),
                at(26),
                "SAM EventInvokeConfig OnSuccess policy",
                resources=(Unknown("!GetAtt Next.Arn", "deploy-time attribute"),),
            ),
            Statement(
                "Allow",
                ("s3:PutObject",),
                at(29),
                "SAM EventInvokeConfig OnFailure policy",
                resources=(Unknown("!Join ${Failures.Arn}/*", "deploy-time attribute"),),
            ),
            Statement(
                "Allow",
                ("s3:ListBucket",),
                at(29),
                "SAM EventInvokeConfig OnFailure policy",
                resources=(Unknown("!GetAtt Failures.Arn", "deploy-time attribute"),),
            ),
            # An AWS::IAM::Policy may attach to the role SAM generates, by its logical id.
            Statement(
                "Deny",
                ("s3:DeleteObject",),
                at(55),
                "AWS::IAM::Policy ExtraForFn",
                resources=("*",),
            ),
        ),
        managed_policies=(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            # Tracing: Disabled adds no X-Ray policy; VpcConfig adds the VPC one.
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",  # the IsProd=false branch
            Unknown("!Ref Audit", "resource reference"),
        ),
        functions=("Fn",),
        permissions_boundary=Unknown(
            "!Sub arn:aws:iam::${AWS::AccountId}:policy/boundary", "deploy-time pseudo parameter"
        ),
        trusted_services=("lambda.amazonaws.com",),
    )
    assert app.function("Fn").referenced_by == ()  # type: ignore[union-attr]
    assert app.function("Next").referenced_by == ("Fn",)  # type: ignore[union-attr]


def test_condition_picks_the_other_policy_list(tmp_path: Path) -> None:
    (app,) = load(tmp_path, parameters={"Stage": "prod"}).applications
    role = app.role("FnRole")
    assert role is not None
    assert "arn:aws:iam::aws:policy/AmazonS3FullAccess" in role.managed_policies
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" not in role.managed_policies


def test_unknown_macros_are_reported(tmp_path: Path) -> None:
    result = load(tmp_path)
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "Transform 'CompanyTaggingMacro' is a macro expanded at deploy time; the resources "
            "it adds or changes are not scanned",
            at(2),
            tmp_path.name,  # a template at the scan root is named after the root folder
        ),
    )
