"""Data rules (FG4xxx): each rule alone, on functions and resources built from model objects.

Fake credentials are assembled at run time so this file does not trip secret scanners.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from builders_permissions import FILE, Brief, app, brief, env, fn, res, run_app, run_resource

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import Unknown
from faasguard.rules.data import (
    RULES,
    DaxWithoutEncryption,
    DynamoDbTableAwsOwnedKey,
    ElastiCacheWithoutEncryption,
    HardcodedSecretInEnvironment,
    HardcodedSecretInTemplate,
    KinesisStreamWithoutEncryption,
    S3BucketPublicAccess,
    S3BucketWithoutEncryptionConfig,
    SessionTableWithoutTtl,
    SnsTopicWithoutEncryption,
    SqsQueueWithoutEncryption,
)

STRIPE = "sk_live_" + "51H8cXbGz0Mq2Jm4Xy7Wv9Ab"
AWS_KEY_ID = "AKIA" + "Z7VXQ2LMNOPQ" + "WXYZ"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzXAMPLEKEY"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
SSM = Unknown("${ssm:/shop/stripe-key}", "ssm parameter")


def _no_secret_leaks(findings: list[Finding], *secrets: str) -> None:
    for finding in findings:
        text = " ".join(str(v) for v in dataclasses.asdict(finding).values())
        for secret in secrets:
            assert secret not in text


# --------------------------------------------------------------------------- FG4001


def test_env_known_format_is_critical() -> None:
    a = app(functions=[fn("charge", env("STRIPE_KEY", STRIPE, line=31))])
    found = run_app(HardcodedSecretInEnvironment, a)
    assert [brief(f) for f in found] == [
        Brief("FG4001", "charge", "ChargeLambdaFunction", FILE, 31, Severity.CRITICAL)
    ]
    [f] = found
    assert f.confidence is Confidence.HIGH
    assert f.evidence == "STRIPE_KEY=sk_l************v9Ab (Stripe live key)"
    assert "hard-coded Stripe live key" in f.message
    assert "Secrets Manager" in f.remediation and "STRIPE_KEY_SECRET_ARN" in f.remediation
    _no_secret_leaks(found, STRIPE)


def test_env_provider_variable_is_reported_once_for_all_functions() -> None:
    shared = env("GITHUB_TOKEN", GITHUB, line=8, origin="provider")
    a = app(functions=[fn("api", shared), fn("worker", shared), fn("other")])
    [f] = run_app(HardcodedSecretInEnvironment, a)
    assert brief(f) == Brief("FG4001", None, None, FILE, 8, Severity.CRITICAL)
    assert "set in `provider`, inherited by `api`, `worker`" in f.message
    _no_secret_leaks([f], GITHUB)


def test_env_aws_key_pair() -> None:
    a = app(
        functions=[
            fn("api", env("KEY", AWS_KEY_ID, line=30), env("BACKUP_VALUE", AWS_SECRET, line=31))
        ]
    )
    found = run_app(HardcodedSecretInEnvironment, a)
    assert [(brief(f), f.evidence) for f in found] == [
        (
            Brief("FG4001", "api", "ApiLambdaFunction", FILE, 30, Severity.CRITICAL),
            "KEY=AKIA************WXYZ (AWS access key id)",
        ),
        (
            Brief("FG4001", "api", "ApiLambdaFunction", FILE, 31, Severity.CRITICAL),
            "BACKUP_VALUE=wJal************EKEY (AWS secret access key)",
        ),
    ]
    assert all("Deactivate and delete this access key" in f.remediation for f in found)
    _no_secret_leaks(found, AWS_KEY_ID, AWS_SECRET)


def test_env_entropy_and_weak_formats_are_high() -> None:
    a = app(
        functions=[fn("api", env("DB_PASSWORD", "S3cr3t!P@ss", line=30), env("ANON", JWT, line=31))]
    )
    found = run_app(HardcodedSecretInEnvironment, a)
    assert [(brief(f), f.confidence, f.evidence) for f in found] == [
        (
            Brief("FG4001", "api", "ApiLambdaFunction", FILE, 30, Severity.HIGH),
            Confidence.MEDIUM,
            "DB_PASSWORD=******** (high-entropy value)",
        ),
        (
            Brief("FG4001", "api", "ApiLambdaFunction", FILE, 31, Severity.HIGH),
            Confidence.HIGH,
            "ANON=eyJh************sR8U (JSON Web Token)",
        ),
    ]
    _no_secret_leaks(found, "S3cr3t!P@ss", JWT)


def test_env_self_reference_is_a_literal_in_the_project() -> None:
    var = env("STRIPE_KEY", STRIPE, raw="${self:custom.stripeKey}")
    [f] = run_app(HardcodedSecretInEnvironment, app(functions=[fn("api", var)]))
    assert brief(f) == Brief("FG4001", "api", "ApiLambdaFunction", FILE, 30, Severity.CRITICAL)


@pytest.mark.parametrize(
    "var",
    [
        env("STRIPE_KEY", SSM, raw="${ssm:/shop/stripe-key}"),
        env("STRIPE_KEY", STRIPE, raw="${ssm:/shop/stripe-key}"),  # resolved, still a reference
        env("STRIPE_KEY", STRIPE, raw="${env:STRIPE_KEY}"),
        env("DB_PASSWORD", "{{resolve:secretsmanager:db:SecretString:password}}"),
        env(
            "DB_PASSWORD",
            Unknown('{"Ref": "DbPassword"}', "parameter"),
            raw='{"Ref": "DbPassword"}',
        ),
        env("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
        env("API_KEY_PARAM", "/shop/api-key"),
        env("AUTH_URL", "https://auth.example.com/oauth2/token"),
        env("HANDLER", "src/handlers/auth.handler"),
        env("TABLE", "shop-orders-prod"),
        env("DB_PASSWORD", "changeme"),
    ],
)
def test_env_pass_and_unknown(var: Any) -> None:
    assert run_app(HardcodedSecretInEnvironment, app(functions=[fn("api", var)])) == []


# --------------------------------------------------------------------------- FG4002


def test_template_password_property_literal() -> None:
    db = res(
        "Database",
        "AWS::RDS::DBInstance",
        {"MasterUsername": "admin", "MasterUserPassword": "hunter2"},
        line=70,
        lines={"MasterUserPassword": 74},
    )
    found = run_app(HardcodedSecretInTemplate, app(resources=[db]))
    assert [(brief(f), f.confidence, f.evidence) for f in found] == [
        (
            Brief("FG4002", None, "Database", FILE, 74, Severity.HIGH),
            Confidence.HIGH,
            "MasterUserPassword=******** (password)",
        )
    ]
    assert "ManageMasterUserPassword: true" in found[0].remediation
    _no_secret_leaks(found, "hunter2")


def test_template_nested_and_listed_password_properties() -> None:
    broker = res(
        "Broker",
        "AWS::MQ::Broker",
        {"Users": [{"Username": "app", "Password": "Tr0ub4dor&3x"}]},
        lines={"Users": 81},
    )
    cache = res("Cache", "AWS::ElastiCache::ReplicationGroup", {"AuthToken": GITHUB}, line=90)
    found = run_app(HardcodedSecretInTemplate, app(resources=[broker, cache]))
    assert [(brief(f), f.evidence) for f in found] == [
        (
            Brief("FG4002", None, "Broker", FILE, 81, Severity.HIGH),
            "Users[0].Password=******** (password)",
        ),
        (
            Brief("FG4002", None, "Cache", FILE, 90, Severity.CRITICAL),
            "AuthToken=ghp_************q7R8 (GitHub token)",
        ),
    ]
    assert "{{resolve:secretsmanager:" in found[0].remediation
    _no_secret_leaks(found, "Tr0ub4dor&3x", GITHUB)


def test_template_name_value_pairs_and_known_formats_anywhere() -> None:
    task = res(
        "Task",
        "AWS::ECS::TaskDefinition",
        {
            "ContainerDefinitions": [
                {"Environment": [{"Name": "API_TOKEN", "Value": "Zq8fT2mW9xLp4RvB"}]}
            ]
        },
        line=100,
    )
    param = res("Param", "AWS::SSM::Parameter", {"Type": "String", "Value": STRIPE}, line=110)
    found = run_app(HardcodedSecretInTemplate, app(resources=[task, param]))
    assert [(brief(f), f.confidence, f.evidence) for f in found] == [
        (
            Brief("FG4002", None, "Task", FILE, 100, Severity.HIGH),
            Confidence.MEDIUM,
            "ContainerDefinitions[0].Environment[0].Value=******** (high-entropy value)",
        ),
        (
            Brief("FG4002", None, "Param", FILE, 110, Severity.CRITICAL),
            Confidence.HIGH,
            "Value=sk_l************v9Ab (Stripe live key)",
        ),
    ]


@pytest.mark.parametrize(
    "resource",
    [
        res(
            "Database",
            "AWS::RDS::DBInstance",
            {"MasterUserPassword": "{{resolve:secretsmanager:db:SecretString:password}}"},
        ),
        res("Database", "AWS::RDS::DBInstance", {"MasterUserPassword": Unknown("!Ref P", "param")}),
        res("Database", "AWS::RDS::DBInstance", {"ManageMasterUserPassword": True}),
        res(
            "Secret",
            "AWS::SecretsManager::Secret",
            {"GenerateSecretString": {"PasswordLength": 32}},
        ),
        res("Fn", "AWS::Lambda::Function", {"Environment": {"Variables": {"KEY": STRIPE}}}),
        res(
            "Pool",
            "AWS::Cognito::UserPoolClient",
            {"AccessTokenValidity": 60, "GenerateSecret": True},
        ),
        res("Url", "AWS::Lambda::Url", {"AuthType": "NONE"}),
    ],
)
def test_template_pass_and_unknown(resource: Any) -> None:
    assert run_app(HardcodedSecretInTemplate, app(resources=[resource])) == []


# --------------------------------------------------------------------------- FG4010


def test_elasticache_replication_group_defaults() -> None:
    r = res("Cache", "AWS::ElastiCache::ReplicationGroup", {"Engine": "redis"}, line=120)
    [f] = run_resource(ElastiCacheWithoutEncryption, r)
    assert brief(f) == Brief("FG4010", None, "Cache", FILE, 120, Severity.HIGH)
    assert f.evidence == "AtRestEncryptionEnabled=not set; TransitEncryptionEnabled=not set"
    assert "TransitEncryptionEnabled: true" in f.remediation
    assert "AtRestEncryptionEnabled: true" in f.remediation
    assert "AuthToken" in f.remediation and "Secrets Manager" in f.remediation


def test_elasticache_replication_group_explicit_false_points_at_the_property() -> None:
    r = res(
        "Cache",
        "AWS::ElastiCache::ReplicationGroup",
        {"AtRestEncryptionEnabled": "false", "TransitEncryptionEnabled": True},
        line=120,
        lines={"AtRestEncryptionEnabled": 124, "TransitEncryptionEnabled": 125},
    )
    [f] = run_resource(ElastiCacheWithoutEncryption, r)
    assert brief(f) == Brief("FG4010", None, "Cache", FILE, 124, Severity.HIGH)
    assert f.evidence == "AtRestEncryptionEnabled=false; AuthToken=not set"


@pytest.mark.parametrize(
    ("props", "evidence"),
    [
        (
            {"AtRestEncryptionEnabled": True, "TransitEncryptionEnabled": True},
            "AuthToken=not set",
        ),
        (
            {
                "AtRestEncryptionEnabled": True,
                "TransitEncryptionEnabled": True,
                "TransitEncryptionMode": "preferred",
                "UserGroupIds": ["g"],
            },
            "TransitEncryptionMode=preferred",
        ),
    ],
)
def test_elasticache_auth_and_mode_problems_are_medium(
    props: dict[str, Any], evidence: str
) -> None:
    r = res("Cache", "AWS::ElastiCache::ReplicationGroup", props, line=120)
    [f] = run_resource(ElastiCacheWithoutEncryption, r)
    assert brief(f) == Brief("FG4010", None, "Cache", FILE, 120, Severity.MEDIUM)
    assert f.evidence == evidence


def test_elasticache_redis_cache_cluster_cannot_encrypt() -> None:
    r = res("Cache", "AWS::ElastiCache::CacheCluster", {"Engine": "redis"}, lines={"Engine": 131})
    [f] = run_resource(ElastiCacheWithoutEncryption, r)
    assert brief(f) == Brief("FG4010", None, "Cache", FILE, 131, Severity.HIGH)
    assert "cannot encrypt data at rest or in transit" in f.message
    assert "AWS::ElastiCache::ServerlessCache" in f.remediation


def test_elasticache_memcached_cache_cluster_needs_tls() -> None:
    r = res("Cache", "AWS::ElastiCache::CacheCluster", {"Engine": "memcached"}, line=140)
    [f] = run_resource(ElastiCacheWithoutEncryption, r)
    assert brief(f) == Brief("FG4010", None, "Cache", FILE, 140, Severity.HIGH)
    assert f.evidence == "TransitEncryptionEnabled=not set"


@pytest.mark.parametrize(
    "resource",
    [
        res(
            "Cache",
            "AWS::ElastiCache::ReplicationGroup",
            {
                "AtRestEncryptionEnabled": True,
                "TransitEncryptionEnabled": "true",
                "AuthToken": "{{resolve:secretsmanager:cache:SecretString:token}}",
            },
        ),
        res(
            "Cache",
            "AWS::ElastiCache::ReplicationGroup",
            {
                "AtRestEncryptionEnabled": Unknown("!If [Enc, true, false]", "condition"),
                "TransitEncryptionEnabled": Unknown("!Ref Tls", "parameter"),
            },
        ),
        res(
            "Cache",
            "AWS::ElastiCache::CacheCluster",
            {"Engine": "memcached", "TransitEncryptionEnabled": True},
        ),
        res(
            "Cache",
            "AWS::ElastiCache::CacheCluster",
            {"Engine": Unknown("!Ref Engine", "parameter")},
        ),
    ],
)
def test_elasticache_pass_and_unknown(resource: Any) -> None:
    assert run_resource(ElastiCacheWithoutEncryption, resource) == []


def test_elasticache_serverless_cache_is_not_checked() -> None:
    assert "AWS::ElastiCache::ServerlessCache" not in ElastiCacheWithoutEncryption.resource_types


# --------------------------------------------------------------------------- FG4011


def test_dax_without_encryption() -> None:
    r = res("Dax", "AWS::DAX::Cluster", {"NodeType": "dax.t3.small"}, line=150)
    [f] = run_resource(DaxWithoutEncryption, r)
    assert brief(f) == Brief("FG4011", None, "Dax", FILE, 150, Severity.HIGH)
    assert f.evidence == "SSESpecification=not set; ClusterEndpointEncryptionType=not set"
    assert "ClusterEndpointEncryptionType: TLS" in f.remediation


def test_dax_pass_and_unknown() -> None:
    good = {"SSESpecification": {"SSEEnabled": True}, "ClusterEndpointEncryptionType": "TLS"}
    assert run_resource(DaxWithoutEncryption, res("Dax", "AWS::DAX::Cluster", good)) == []
    unknown = {
        "SSESpecification": Unknown("!If [C, x, y]", "condition"),
        "ClusterEndpointEncryptionType": Unknown("!Ref T", "parameter"),
    }
    assert run_resource(DaxWithoutEncryption, res("Dax", "AWS::DAX::Cluster", unknown)) == []


# --------------------------------------------------------------------------- FG4012-FG4017


def test_sqs_queue_explicitly_unencrypted_is_high() -> None:
    r = res(
        "Jobs",
        "AWS::SQS::Queue",
        {"SqsManagedSseEnabled": False},
        lines={"SqsManagedSseEnabled": 163},
    )
    [f] = run_resource(SqsQueueWithoutEncryption, r)
    assert brief(f) == Brief("FG4012", None, "Jobs", FILE, 163, Severity.HIGH)
    assert f.evidence == "SqsManagedSseEnabled=false"


def test_sqs_queue_relying_on_the_default_is_low() -> None:
    [f] = run_resource(SqsQueueWithoutEncryption, res("Jobs", "AWS::SQS::Queue", line=160))
    assert brief(f) == Brief("FG4012", None, "Jobs", FILE, 160, Severity.LOW)
    assert "October 2022" in f.message


@pytest.mark.parametrize(
    "props",
    [
        {"KmsMasterKeyId": "alias/aws/sqs"},
        {"KmsMasterKeyId": Unknown("!Ref Key", "parameter"), "SqsManagedSseEnabled": False},
        {"SqsManagedSseEnabled": True},
        {"SqsManagedSseEnabled": Unknown("!Ref Sse", "parameter")},
    ],
)
def test_sqs_pass_and_unknown(props: dict[str, Any]) -> None:
    assert run_resource(SqsQueueWithoutEncryption, res("Jobs", "AWS::SQS::Queue", props)) == []


def test_sns_topic() -> None:
    [f] = run_resource(SnsTopicWithoutEncryption, res("Events", "AWS::SNS::Topic", line=170))
    assert brief(f) == Brief("FG4013", None, "Events", FILE, 170, Severity.MEDIUM)
    assert "alias/aws/sns" in f.remediation
    for key in ("alias/aws/sns", Unknown("!Ref Key", "parameter")):
        topic = res("Events", "AWS::SNS::Topic", {"KmsMasterKeyId": key})
        assert run_resource(SnsTopicWithoutEncryption, topic) == []


def test_s3_bucket_encryption_config() -> None:
    [f] = run_resource(S3BucketWithoutEncryptionConfig, res("Uploads", "AWS::S3::Bucket", line=180))
    assert brief(f) == Brief("FG4014", None, "Uploads", FILE, 180, Severity.LOW)
    assert "aws:kms" in f.remediation
    values: list[Any] = [{"ServerSideEncryptionConfiguration": []}, Unknown("!If [C, x, y]", "c")]
    for value in values:
        bucket = res("Uploads", "AWS::S3::Bucket", {"BucketEncryption": value})
        assert run_resource(S3BucketWithoutEncryptionConfig, bucket) == []


_BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}


def test_s3_bucket_public_acl_is_critical() -> None:
    r = res(
        "Exports",
        "AWS::S3::Bucket",
        {"AccessControl": "PublicRead", "PublicAccessBlockConfiguration": _BLOCK_ALL},
        lines={"AccessControl": 192},
    )
    [f] = run_resource(S3BucketPublicAccess, r)
    assert brief(f) == Brief("FG4015", None, "Exports", FILE, 192, Severity.CRITICAL)
    assert f.evidence == "AccessControl=PublicRead"
    assert "grants access to anyone" in f.message


def test_s3_bucket_partial_public_access_block_is_high() -> None:
    r = res(
        "Exports",
        "AWS::S3::Bucket",
        {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": "false"}},
        lines={"PublicAccessBlockConfiguration": 195},
    )
    [f] = run_resource(S3BucketPublicAccess, r)
    assert brief(f) == Brief("FG4015", None, "Exports", FILE, 195, Severity.HIGH)
    assert "BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets" in f.message


def test_s3_bucket_without_public_access_block_is_low() -> None:
    [f] = run_resource(S3BucketPublicAccess, res("Exports", "AWS::S3::Bucket", line=190))
    assert brief(f) == Brief("FG4015", None, "Exports", FILE, 190, Severity.LOW)
    assert "April 2023" in f.message


@pytest.mark.parametrize(
    "props",
    [
        {"PublicAccessBlockConfiguration": _BLOCK_ALL, "AccessControl": "Private"},
        {"PublicAccessBlockConfiguration": Unknown("!If [C, x, y]", "condition")},
        {
            "PublicAccessBlockConfiguration": {
                **_BLOCK_ALL,
                "BlockPublicPolicy": Unknown("!Ref B", "parameter"),
            },
            "AccessControl": Unknown("!Ref Acl", "parameter"),
        },
    ],
)
def test_s3_public_access_pass_and_unknown(props: dict[str, Any]) -> None:
    assert run_resource(S3BucketPublicAccess, res("Exports", "AWS::S3::Bucket", props)) == []


@pytest.mark.parametrize("rtype", ["AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"])
def test_dynamodb_aws_owned_key_is_info(rtype: str) -> None:
    [f] = run_resource(DynamoDbTableAwsOwnedKey, res("Orders", rtype, line=200))
    assert brief(f) == Brief("FG4016", None, "Orders", FILE, 200, Severity.INFO)
    assert "SSEEnabled: true" in f.remediation


@pytest.mark.parametrize(
    "props",
    [
        {"SSESpecification": {"SSEEnabled": True}},
        {"SSESpecification": {"SSEEnabled": Unknown("!Ref Sse", "parameter")}},
        {"SSESpecification": Unknown("!If [C, x, y]", "condition")},
    ],
)
def test_dynamodb_pass_and_unknown(props: dict[str, Any]) -> None:
    table = res("Orders", "AWS::DynamoDB::Table", props)
    assert run_resource(DynamoDbTableAwsOwnedKey, table) == []


def test_kinesis_stream() -> None:
    [f] = run_resource(
        KinesisStreamWithoutEncryption, res("Clicks", "AWS::Kinesis::Stream", line=210)
    )
    assert brief(f) == Brief("FG4017", None, "Clicks", FILE, 210, Severity.MEDIUM)
    assert "alias/aws/kinesis" in f.remediation
    for value in ({"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}, Unknown("x", "y")):
        stream = res("Clicks", "AWS::Kinesis::Stream", {"StreamEncryption": value})
        assert run_resource(KinesisStreamWithoutEncryption, stream) == []


# --------------------------------------------------------------------------- FG4020


def test_session_table_by_logical_id() -> None:
    r = res("SessionsTable", "AWS::DynamoDB::Table", {"BillingMode": "PAY_PER_REQUEST"}, line=220)
    [f] = run_resource(SessionTableWithoutTtl, r)
    assert brief(f) == Brief("FG4020", None, "SessionsTable", FILE, 220, Severity.MEDIUM)
    assert f.confidence is Confidence.MEDIUM
    assert "looks like a sessions store (its logical id is `SessionsTable`)" in f.message
    assert "TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}" in f.remediation


def test_cache_table_by_table_name_is_low() -> None:
    r = res("Store", "AWS::DynamoDB::Table", {"TableName": "shop-idempotency-prod"}, line=225)
    [f] = run_resource(SessionTableWithoutTtl, r)
    assert brief(f) == Brief("FG4020", None, "Store", FILE, 225, Severity.LOW)
    assert "TableName is `shop-idempotency-prod`" in f.message


def test_ttl_disabled_points_at_the_property() -> None:
    r = res(
        "OtpCodes",
        "AWS::DynamoDB::Table",
        {"TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": False}},
        lines={"TimeToLiveSpecification": 233},
    )
    [f] = run_resource(SessionTableWithoutTtl, r)
    assert brief(f) == Brief("FG4020", None, "OtpCodes", FILE, 233, Severity.MEDIUM)


@pytest.mark.parametrize(
    "var",
    [
        env(
            "SESSION_TABLE",
            Unknown('{"Ref": "AppTable"}', "deploy-time"),
            raw='{"Ref": "AppTable"}',
        ),
        env("SESSION_TABLE", Unknown('{"Ref": "AppTable"}', "deploy-time")),
        env("SESSION_TABLE", "shop-app-prod"),
    ],
)
def test_table_used_as_session_store_through_an_env_var(var: Any) -> None:
    table = res("AppTable", "AWS::DynamoDB::Table", {"TableName": "shop-app-prod"}, line=240)
    a = app(functions=[fn("login", var)], resources=[table])
    [f] = run_resource(SessionTableWithoutTtl, table, a)
    assert brief(f) == Brief("FG4020", None, "AppTable", FILE, 240, Severity.MEDIUM)
    assert "function `login` reads it from `SESSION_TABLE`" in f.message


def test_simple_table_cannot_expire_items() -> None:
    r = res("Sessions", "AWS::Serverless::SimpleTable", line=250)
    [f] = run_resource(SessionTableWithoutTtl, r)
    assert brief(f) == Brief("FG4020", None, "Sessions", FILE, 250, Severity.MEDIUM)
    assert "cannot expire items" in f.message
    assert "Replace the `AWS::Serverless::SimpleTable`" in f.remediation


@pytest.mark.parametrize(
    "resource",
    [
        res("OrdersTable", "AWS::DynamoDB::Table"),
        res("Clocks", "AWS::DynamoDB::Table"),
        res("Footprints", "AWS::DynamoDB::Table"),
        res(
            "SessionsTable",
            "AWS::DynamoDB::Table",
            {"TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": "true"}},
        ),
        res(
            "SessionsTable",
            "AWS::DynamoDB::Table",
            {
                "TimeToLiveSpecification": {
                    "AttributeName": "exp",
                    "Enabled": Unknown("!Ref T", "p"),
                }
            },
        ),
        res(
            "SessionsTable", "AWS::DynamoDB::Table", {"TimeToLiveSpecification": Unknown("x", "y")}
        ),
    ],
)
def test_ttl_pass_and_unknown(resource: Any) -> None:
    unrelated = fn("api", env("ORDERS_TABLE", Unknown('{"Ref": "OrdersTable"}', "deploy-time")))
    a = app(functions=[unrelated], resources=[resource])
    assert run_resource(SessionTableWithoutTtl, resource, a) == []


def test_rules_tuple_lists_every_rule_in_id_order() -> None:
    ids = [r.id for r in RULES]
    assert ids == sorted(ids) and len(ids) == 13  # FG4021 (secrets in code) included
    assert all(r.category.startswith("data.") for r in RULES)


def test_family_doc_lists_every_rule() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules" / "data.md").read_text(
        encoding="utf-8"
    )
    for rule in RULES:
        assert f"| {rule.id} | `{rule.name}` | `{rule.category}` |" in text, rule.id
