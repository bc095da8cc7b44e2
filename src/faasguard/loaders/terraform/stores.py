"""Data stores and secrets, translated to the CloudFormation shape the data rules read.

One row per Terraform argument: ``(terraform argument, CloudFormation property, converter)``.
S3's split-out resources (``aws_s3_bucket_public_access_block``, ``_acl``,
``_server_side_encryption_configuration``, ``_versioning``, ``_policy``) are folded into their
bucket, as CloudFormation writes them, so the S3 rules see one bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from faasguard.loaders.terraform.convert import blocks, first
from faasguard.loaders.terraform.values import decode_json
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import Resource, Unknown

if TYPE_CHECKING:
    from faasguard.loaders.terraform.draft import Draft
    from faasguard.loaders.terraform.modules import Item

__all__ = ["build_stores"]

Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _block(mapping: Mapping[str, str]) -> Convert:
    """A nested block (first instance) renamed key by key."""

    def convert(value: Any) -> Any:
        block = first(value)
        return {cfn: block[tf] for tf, cfn in mapping.items() if tf in block}

    return convert


def _acl(value: Any) -> Any:
    """``public-read`` -> ``PublicRead`` (the canned ACL as CloudFormation spells it)."""
    if not isinstance(value, str):
        return value
    return "".join(part.capitalize() for part in value.split("-"))


def _sse(value: Any) -> Any:
    rule = first(first(value).get("rule"))
    default = first(rule.get("apply_server_side_encryption_by_default"))
    by_default = {
        cfn: default[tf]
        for tf, cfn in (("sse_algorithm", "SSEAlgorithm"), ("kms_master_key_id", "KMSMasterKeyID"))
        if tf in default
    }
    entry: dict[str, Any] = {"ServerSideEncryptionByDefault": by_default}
    if "bucket_key_enabled" in rule:
        entry["BucketKeyEnabled"] = rule["bucket_key_enabled"]
    return {"ServerSideEncryptionConfiguration": [entry]}


def _schema(attribute: Any) -> Any:
    """One ``schema`` block as a CloudFormation ``SchemaAttribute``."""
    if not isinstance(attribute, Mapping):
        return attribute
    names = {"name": "Name", "attribute_data_type": "AttributeDataType", "mutable": "Mutable"}
    return {cfn: attribute[tf] for tf, cfn in names.items() if tf in attribute}


def _cors_rules(rules: Any) -> Any:
    """``cors_rule`` blocks as ``CorsConfiguration.CorsRules``."""
    names = {
        "allowed_origins": "AllowedOrigins",
        "allowed_methods": "AllowedMethods",
        "allowed_headers": "AllowedHeaders",
        "expose_headers": "ExposedHeaders",
        "max_age_seconds": "MaxAge",
    }
    out = [{cfn: rule[tf] for tf, cfn in names.items() if tf in rule} for rule in blocks(rules)]
    return {"CorsRules": out}


def _kinesis_encryption(values: Mapping[str, Any]) -> Any:
    if values.get("encryption_type") in (None, "NONE"):
        return None
    return {"EncryptionType": values.get("encryption_type"), "KeyId": values.get("kms_key_id")}


_TABLES: dict[str, tuple[str, tuple[tuple[str, str, Convert], ...]]] = {
    "aws_s3_bucket": (
        "AWS::S3::Bucket",
        (
            ("bucket", "BucketName", _same),
            ("acl", "AccessControl", _acl),
            ("server_side_encryption_configuration", "BucketEncryption", _sse),
            ("cors_rule", "CorsConfiguration", _cors_rules),
        ),
    ),
    "aws_dynamodb_table": (
        "AWS::DynamoDB::Table",
        (
            ("name", "TableName", _same),
            (
                "server_side_encryption",
                "SSESpecification",
                _block({"enabled": "SSEEnabled", "kms_key_arn": "KMSMasterKeyId"}),
            ),
            (
                "ttl",
                "TimeToLiveSpecification",
                _block({"attribute_name": "AttributeName", "enabled": "Enabled"}),
            ),
            (
                "point_in_time_recovery",
                "PointInTimeRecoverySpecification",
                _block({"enabled": "PointInTimeRecoveryEnabled"}),
            ),
            ("stream_view_type", "StreamSpecification", lambda v: {"StreamViewType": v}),
        ),
    ),
    "aws_sqs_queue": (
        "AWS::SQS::Queue",
        (
            ("name", "QueueName", _same),
            ("kms_master_key_id", "KmsMasterKeyId", _same),
            ("sqs_managed_sse_enabled", "SqsManagedSseEnabled", _same),
            ("visibility_timeout_seconds", "VisibilityTimeout", _same),
            ("message_retention_seconds", "MessageRetentionPeriod", _same),
            ("redrive_policy", "RedrivePolicy", decode_json),
            ("fifo_queue", "FifoQueue", _same),
        ),
    ),
    "aws_sns_topic": (
        "AWS::SNS::Topic",
        (("name", "TopicName", _same), ("kms_master_key_id", "KmsMasterKeyId", _same)),
    ),
    "aws_kinesis_stream": (
        "AWS::Kinesis::Stream",
        (("name", "Name", _same), ("retention_period", "RetentionPeriodHours", _same)),
    ),
    "aws_elasticache_replication_group": (
        "AWS::ElastiCache::ReplicationGroup",
        (
            ("engine", "Engine", _same),
            ("at_rest_encryption_enabled", "AtRestEncryptionEnabled", _same),
            ("transit_encryption_enabled", "TransitEncryptionEnabled", _same),
            ("auth_token", "AuthToken", _same),
        ),
    ),
    "aws_elasticache_cluster": (
        "AWS::ElastiCache::CacheCluster",
        (
            ("engine", "Engine", _same),
            ("transit_encryption_enabled", "TransitEncryptionEnabled", _same),
        ),
    ),
    "aws_elasticache_serverless_cache": (
        "AWS::ElastiCache::ServerlessCache",
        (("engine", "Engine", _same),),
    ),
    "aws_secretsmanager_secret": (
        "AWS::SecretsManager::Secret",
        (("name", "Name", _same), ("kms_key_id", "KmsKeyId", _same)),
    ),
    "aws_db_instance": (
        "AWS::RDS::DBInstance",
        (
            ("password", "MasterUserPassword", _same),
            ("storage_encrypted", "StorageEncrypted", _same),
        ),
    ),
    "aws_rds_cluster": (
        "AWS::RDS::DBCluster",
        (
            ("master_password", "MasterUserPassword", _same),
            ("storage_encrypted", "StorageEncrypted", _same),
        ),
    ),
    "aws_api_gateway_api_key": ("AWS::ApiGateway::ApiKey", (("value", "Value", _same),)),
    "aws_cognito_user_pool": (
        "AWS::Cognito::UserPool",
        (
            ("name", "UserPoolName", _same),
            (
                "password_policy",
                "Policies",
                lambda v: {
                    "PasswordPolicy": _block(
                        {
                            "minimum_length": "MinimumLength",
                            "require_lowercase": "RequireLowercase",
                            "require_uppercase": "RequireUppercase",
                            "require_numbers": "RequireNumbers",
                            "require_symbols": "RequireSymbols",
                        }
                    )(v)
                },
            ),
            (
                "admin_create_user_config",
                "AdminCreateUserConfig",
                _block({"allow_admin_create_user_only": "AllowAdminCreateUserOnly"}),
            ),
            ("schema", "Schema", lambda v: [_schema(a) for a in v] if isinstance(v, list) else v),
            ("username_attributes", "UsernameAttributes", _same),
            ("alias_attributes", "AliasAttributes", _same),
            ("auto_verified_attributes", "AutoVerifiedAttributes", _same),
        ),
    ),
    "aws_cloudwatch_metric_alarm": (
        "AWS::CloudWatch::Alarm",
        (
            ("namespace", "Namespace", _same),
            ("metric_name", "MetricName", _same),
            ("metric_query", "Metrics", _same),
            ("threshold", "Threshold", _same),
        ),
    ),
    "aws_budgets_budget": (
        "AWS::Budgets::Budget",
        (
            ("budget_type", "Budget", lambda v: {"BudgetType": v}),
            ("notification", "NotificationsWithSubscribers", _same),
        ),
    ),
    "aws_cognito_user_pool_client": (
        "AWS::Cognito::UserPoolClient",
        (("write_attributes", "WriteAttributes", _same),),
    ),
}

#: Split-out S3 resources: (type, bucket property, converter of the whole resource's values).
_S3_PARTS: dict[str, tuple[str, Callable[[Mapping[str, Any]], Any]]] = {
    "aws_s3_bucket_public_access_block": (
        "PublicAccessBlockConfiguration",
        lambda v: {
            cfn: v[tf]
            for tf, cfn in (
                ("block_public_acls", "BlockPublicAcls"),
                ("block_public_policy", "BlockPublicPolicy"),
                ("ignore_public_acls", "IgnorePublicAcls"),
                ("restrict_public_buckets", "RestrictPublicBuckets"),
            )
            if tf in v
        },
    ),
    "aws_s3_bucket_acl": ("AccessControl", lambda v: _acl(v.get("acl"))),
    "aws_s3_bucket_server_side_encryption_configuration": ("BucketEncryption", lambda v: _sse([v])),
    "aws_s3_bucket_cors_configuration": (
        "CorsConfiguration",
        lambda v: _cors_rules(v.get("cors_rule")),
    ),
    "aws_s3_bucket_versioning": (
        "VersioningConfiguration",
        lambda v: _block({"status": "Status"})(v.get("versioning_configuration")),
    ),
}


def build_stores(draft: Draft) -> None:
    """Add every data store and secret as a CloudFormation-shaped resource."""
    buckets: dict[str, tuple[dict[str, Any], dict[str, int]]] = {}
    for kind, (cfn_type, rows) in _TABLES.items():
        for item in draft.of_type(kind):
            props, lines = _translate(item, rows)
            if kind == "aws_kinesis_stream":
                encryption = _kinesis_encryption(item.values)
                if encryption is not None:
                    props["StreamEncryption"] = encryption
                    lines["StreamEncryption"] = line_of(item.values, "encryption_type") or 0
            if kind == "aws_secretsmanager_secret":
                _secret_value(draft, item, props, lines)
            if kind == "aws_cognito_user_pool_client":
                pool = draft.target(item.values.get("user_pool_id"), "aws_cognito_user_pool")
                props["UserPoolId"] = pool.address if pool else item.values.get("user_pool_id")
            if kind == "aws_s3_bucket":
                buckets[item.address] = (props, lines)
            draft.resources.append(Resource(item.address, cfn_type, item.location, props, lines))
    for kind, (prop, convert) in _S3_PARTS.items():
        for item in draft.of_type(kind):
            bucket = draft.target(item.values.get("bucket"), "aws_s3_bucket")
            if bucket is None or bucket.address not in buckets:
                continue
            props, lines = buckets[bucket.address]
            props[prop] = convert(item.values)
            # A Resource has one file: a part written in another file points at the bucket.
            same_file = item.location.file == bucket.location.file
            lines[prop] = (item.location.line if same_file else bucket.location.line) or 0
    for item in draft.of_type("aws_s3_bucket_policy"):
        bucket = draft.target(item.values.get("bucket"), "aws_s3_bucket")
        draft.resources.append(
            Resource(
                item.address,
                "AWS::S3::BucketPolicy",
                item.location,
                {
                    "Bucket": bucket.address if bucket else item.values.get("bucket"),
                    "PolicyDocument": decode_json(item.values.get("policy")),
                },
                {"PolicyDocument": line_of(item.values, "policy") or 0},
            )
        )


def _translate(
    item: Item, rows: tuple[tuple[str, str, Convert], ...]
) -> tuple[dict[str, Any], dict[str, int]]:
    props: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for tf, cfn, convert in rows:
        if tf not in item.values:
            continue
        value = item.values[tf]
        converted = convert(value) if not isinstance(value, Unknown) else value
        if converted in ({}, None):
            continue
        props[cfn] = converted
        lines[cfn] = line_of(item.values, tf) or item.location.line or 0
    return props, lines


def _secret_value(draft: Draft, secret: Item, props: dict[str, Any], lines: dict[str, int]) -> None:
    """A ``aws_secretsmanager_secret_version`` literal becomes the secret's ``SecretString``."""
    for version in draft.of_type("aws_secretsmanager_secret_version"):
        if draft.target(version.values.get("secret_id"), "aws_secretsmanager_secret") is secret:
            value = version.values.get("secret_string")
            if value is not None:
                props["SecretString"] = value
                lines["SecretString"] = line_of(version.values, "secret_string") or 0
