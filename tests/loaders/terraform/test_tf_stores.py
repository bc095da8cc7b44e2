"""Data stores and their split-out resources, in the CloudFormation shape the data rules read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader
from faasguard.model import Application, Location, Statement

STORES = """\
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_acl" "b" {
  bucket = aws_s3_bucket.b.id
  acl    = "public-read"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/b"
    }
    bucket_key_enabled = true
  }
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject" }] })
}
resource "aws_dynamodb_table" "sessions" {
  name = "sessions"
  ttl {
    attribute_name = "expires"
    enabled        = true
  }
  point_in_time_recovery {
    enabled = true
  }
  stream_view_type = "NEW_IMAGE"
}
resource "aws_kinesis_stream" "k" {
  name            = "k"
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"
}
resource "aws_elasticache_cluster" "memcached" {
  cluster_id = "m"
  engine     = "memcached"
}
resource "aws_sqs_queue" "q" {
  name                    = "q"
  sqs_managed_sse_enabled = true
  redrive_policy          = jsonencode({ deadLetterTargetArn = "arn:aws:sqs:eu-west-1:1:dlq", maxReceiveCount = 3 })
}
resource "aws_iam_role" "r" {
  name = "r"
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
}
resource "aws_iam_policy_attachment" "p" {
  name       = "p"
  roles      = [aws_iam_role.r.name]
  policy_arn = aws_iam_policy.p.arn
}
"""


def _app(tmp_path: Path) -> Application:
    (tmp_path / "main.tf").write_text(STORES)
    result = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions())
    assert result.issues == ()
    (app,) = result.applications
    return app


def _props(app: Application, address: str) -> tuple[str, dict[str, Any]]:
    resource = app.resource(address)
    assert resource is not None
    return resource.type, dict(resource.properties)


def test_bucket_with_split_out_resources(tmp_path: Path) -> None:
    app = _app(tmp_path)
    assert _props(app, "aws_s3_bucket.b") == (
        "AWS::S3::Bucket",
        {
            "BucketName": "b",
            "AccessControl": "PublicRead",
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": "alias/b",
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
        },
    )
    bucket = app.resource("aws_s3_bucket.b")
    assert bucket is not None
    assert bucket.line_of("AccessControl") == 4  # the aws_s3_bucket_acl block
    policy_type, policy = _props(app, "aws_s3_bucket_policy.b")
    assert (policy_type, policy["Bucket"]) == ("AWS::S3::BucketPolicy", "aws_s3_bucket.b")
    assert policy["PolicyDocument"] == {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]
    }


def test_table_stream_cache_and_queue(tmp_path: Path) -> None:
    app = _app(tmp_path)
    assert _props(app, "aws_dynamodb_table.sessions") == (
        "AWS::DynamoDB::Table",
        {
            "TableName": "sessions",
            "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        },
    )
    assert _props(app, "aws_kinesis_stream.k") == (
        "AWS::Kinesis::Stream",
        {"Name": "k", "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}},
    )
    assert _props(app, "aws_elasticache_cluster.memcached") == (
        "AWS::ElastiCache::CacheCluster",
        {"Engine": "memcached"},
    )
    assert _props(app, "aws_sqs_queue.q") == (
        "AWS::SQS::Queue",
        {
            "QueueName": "q",
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {
                "deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:dlq",
                "maxReceiveCount": 3,
            },
        },
    )


def test_policy_attachment_folds_the_policy_into_the_role(tmp_path: Path) -> None:
    (role,) = _app(tmp_path).roles
    assert (role.id, role.managed_policies) == ("aws_iam_role.r", ())
    assert role.statements == (
        Statement(
            "Allow", ("sqs:*",), Location("main.tf", 57), "aws_iam_policy.p", resources=("*",)
        ),
    )


def test_alarms_and_budgets(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_cloudwatch_metric_alarm" "throttles" {\n'
        '  namespace   = "AWS/Lambda"\n  metric_name = "Throttles"\n  threshold   = 1\n}\n'
        'resource "aws_budgets_budget" "monthly" {\n  budget_type = "COST"\n}\n'
    )
    (app,) = TerraformLoader().load(".", ScanFS(tmp_path), LoadOptions()).applications
    assert _props(app, "aws_cloudwatch_metric_alarm.throttles") == (
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/Lambda", "MetricName": "Throttles", "Threshold": 1},
    )
    assert _props(app, "aws_budgets_budget.monthly") == (
        "AWS::Budgets::Budget",
        {"Budget": {"BudgetType": "COST"}},
    )
