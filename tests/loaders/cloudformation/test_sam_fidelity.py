"""SAM fidelity: the role faasguard builds for a SAM function is the role SAM deploys.

The oracle is aws-sam-translator itself (the same package SAM CLI and CloudFormation use):
each template is transformed by it, and the generated ``AWS::IAM::Role``'s managed policies
and inline actions are compared with faasguard's model of the function's role. Conditions the
translator passes through (``Fn::If``) are decided in the test from the template's defaults,
as faasguard decides them; an undecidable one keeps both branches on both sides.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.loader import CloudFormationLoader
from faasguard.loaders.interface import IssueKind, LoadOptions, LoadResult
from faasguard.model import Unknown

HEADER = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: {Type: String, Default: dev}
  Team: {Type: String}
Conditions:
  IsDev: {"Fn::Equals": [{Ref: Env}, dev]}
  IsProd: {"Fn::Equals": [{Ref: Env}, prod]}
  IsTeamA: {"Fn::Equals": [{Ref: Team}, a]}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/key.zip
"""

#: Each case: the properties added under ``Fn.Properties`` (YAML, indented six spaces).
CASES = {
    "durable": "      DurableConfig: {ExecutionTimeout: 60}\n",
    "sns-sqs-subscription": """\
      Events:
        Topic:
          Type: SNS
          Properties:
            Topic: arn:aws:sns:us-east-1:123456789012:orders
            SqsSubscription: true
""",
    "managed-names": """\
      Policies:
        - AmazonS3ReadOnlyAccess
        - MyCustomerPolicy
        - '{{resolve:ssm:/iam/policy-arn}}'
""",
    "if-over-document-undecided": """\
      Policies:
        - Fn::If:
            - IsTeamA
            - Statement:
                - {Effect: Allow, Action: s3:GetObject, Resource: '*'}
            - Statement:
                - {Effect: Allow, Action: sqs:SendMessage, Resource: '*'}
""",
    "if-over-template-decided": """\
      Policies:
        - Fn::If:
            - IsDev
            - S3ReadPolicy: {BucketName: reports}
            - {Ref: AWS::NoValue}
        - Fn::If:
            - IsProd
            - DynamoDBCrudPolicy: {TableName: orders}
            - SQSSendMessagePolicy: {QueueName: jobs}
""",
    "mq": """\
      Events:
        Broker:
          Type: MQ
          Properties:
            Broker: arn:aws:mq:us-east-1:123456789012:broker:b:b-1
            Queues: [orders]
            SourceAccessConfigurations:
              - {Type: BASIC_AUTH, URI: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mq'}
""",
    "self-managed-kafka": """\
      Events:
        Kafka:
          Type: SelfManagedKafka
          Properties:
            KafkaBootstrapServers: ['broker:9092']
            Topics: [orders]
            SourceAccessConfigurations:
              - {Type: SASL_SCRAM_512_AUTH, URI: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:k'}
              - {Type: VPC_SUBNET, URI: 'subnet:subnet-1'}
              - {Type: VPC_SECURITY_GROUP, URI: 'security_group:sg-1'}
""",
    "msk-mtls-registry-s3-failure": """\
      Events:
        Msk:
          Type: MSK
          Properties:
            Stream: arn:aws:kafka:us-east-1:123456789012:cluster/c/1
            Topics: [orders]
            StartingPosition: LATEST
            SourceAccessConfigurations:
              - {Type: CLIENT_CERTIFICATE_TLS_AUTH, URI: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:c'}
            SchemaRegistryConfig:
              SchemaRegistryURI: arn:aws:glue:us-east-1:123456789012:registry/r
              EventRecordFormat: JSON
              SchemaValidationConfigs: [{Attribute: VALUE}]
            DestinationConfig:
              OnFailure: {Type: S3, Destination: 'arn:aws:s3:::failed-records'}
""",
    "documentdb": """\
      Events:
        Docs:
          Type: DocumentDB
          Properties:
            Cluster: arn:aws:rds:us-east-1:123456789012:cluster:docs
            DatabaseName: db
            SourceAccessConfigurations:
              - {Type: BASIC_AUTH, URI: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:d'}
""",
    "stream-failure-destinations": """\
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:123456789012:stream/s
            StartingPosition: LATEST
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: 'arn:aws:sqs:us-east-1:123456789012:failed'}
        Table:
          Type: DynamoDB
          Properties:
            Stream: arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1
            StartingPosition: LATEST
            DestinationConfig:
              OnFailure: {Type: SNS, Destination: 'arn:aws:sns:us-east-1:123456789012:failed'}
""",
}

#: Conditions as faasguard decides them with the defaults (Team has none: undecidable).
DECIDED = {"IsDev": True, "IsProd": False}


class _ManagedPolicies:
    """The translator's managed-policy loader: its own bundled name-to-ARN map."""

    def load(self) -> dict[str, str]:
        text = resources.files("samtranslator").joinpath("internal/data/aws_managed_policies.json")
        data: dict[str, str] = json.loads(text.read_text("utf-8"))["aws"]
        return data


def _translated_role(template: str) -> tuple[list[str], set[str]]:
    from samtranslator.translator.transform import transform

    out = transform(yaml.safe_load(template), {}, _ManagedPolicies())
    role = out["Resources"]["FnRole"]["Properties"]
    managed = [str(arn) for arn in role.get("ManagedPolicyArns", [])]
    actions: set[str] = set()
    for policy in role.get("Policies", []):
        _collect_actions(policy, actions)
    return managed, actions


def _collect_actions(node: Any, actions: set[str]) -> None:
    """Actions of a translated policy, deciding ``Fn::If`` the way faasguard does."""
    if isinstance(node, dict):
        if "Fn::If" in node:
            name, yes, no = node["Fn::If"]
            branches = [yes if DECIDED[name] else no] if name in DECIDED else [yes, no]
            for branch in branches:
                _collect_actions(branch, actions)
            return
        if "Action" in node and node.get("Effect") == "Allow":
            value = node["Action"]
            actions.update(a.lower() for a in ([value] if isinstance(value, str) else value))
            return
        for child in node.values():
            _collect_actions(child, actions)
    elif isinstance(node, list):
        for child in node:
            _collect_actions(child, actions)


def _load(tmp_path: Path, template: str) -> LoadResult:
    (tmp_path / "template.yaml").write_text(template)
    return CloudFormationLoader().load("template.yaml", ScanFS(tmp_path), LoadOptions())


def _faasguard_role(result: LoadResult) -> tuple[list[str], set[str]]:
    (app,) = result.applications
    role = app.role("FnRole")
    assert role is not None
    managed = [m.expression if isinstance(m, Unknown) else m for m in role.managed_policies]
    actions = {a.lower() for s in role.statements for a in s.actions if isinstance(a, str)}
    return managed, actions


@pytest.fixture(autouse=True)
def _region(monkeypatch: pytest.MonkeyPatch) -> None:
    # The translator names managed policy ARNs in the session's partition.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_role_matches_what_sam_deploys(case: str, tmp_path: Path) -> None:
    template = HEADER + CASES[case]
    expected_managed, expected_actions = _translated_role(template)
    managed, actions = _faasguard_role(_load(tmp_path, template))
    assert managed == expected_managed
    assert actions == expected_actions


def test_resolve_ssm_is_unknown_and_a_customer_name_is_kept(tmp_path: Path) -> None:
    result = _load(tmp_path, HEADER + CASES["managed-names"])
    role = result.applications[0].role("FnRole")
    assert role is not None
    assert role.managed_policies == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "MyCustomerPolicy",
        Unknown("{{resolve:ssm:/iam/policy-arn}}", "dynamic reference resolved at deploy time"),
    )


def test_an_undecided_if_keeps_both_documents_under_an_unknown_condition(tmp_path: Path) -> None:
    result = _load(tmp_path, HEADER + CASES["if-over-document-undecided"])
    role = result.applications[0].role("FnRole")
    assert role is not None
    assert [(s.actions, s.condition) for s in role.statements] == [
        (("s3:GetObject",), Unknown("!Condition IsTeamA", "parameter without a value")),
        (("sqs:SendMessage",), Unknown("!Condition IsTeamA", "parameter without a value")),
    ]
    assert not [m for m in role.managed_policies if isinstance(m, Unknown)]


def test_a_function_behind_a_false_condition_is_reported_not_deployed(tmp_path: Path) -> None:
    template = HEADER.replace(
        "  Fn:\n    Type: AWS::Serverless::Function\n",
        "  Fn:\n    Type: AWS::Serverless::Function\n    Condition: IsProd\n",
    )
    result = _load(tmp_path, template)
    assert result.applications[0].functions == ()
    assert [(i.kind, i.location.line, i.message) for i in result.issues] == [
        (
            IssueKind.NOT_DEPLOYED,
            13,  # the Condition line
            "function Fn is not deployed: its condition IsProd is false with the parameters "
            "given (pass others with --param to check it)",
        )
    ]
