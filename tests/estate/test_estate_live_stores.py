"""The data stores functions use, read from a local AWS emulator (moto server), never AWS.

Each store is seeded unsafe next to a safe twin, plus stores no function uses; the data rules
must judge the used ones exactly as they judge a template's, and say nothing of the others.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from estate_services import MotoServer
from live_seed import ACCOUNT, REGION, client, function, role

from faasguard.config import Config
from faasguard.live.build import build_application
from faasguard.live.reader import RegionSnapshot, RoleData, read_region
from faasguard.live.scan import scan_account
from faasguard.live.stores import StoreRef, used_stores
from faasguard.live.target import AccountTarget
from faasguard.model import Application, Unknown

pytestmark = pytest.mark.aws

TARGET = AccountTarget(profile=None, regions=(REGION,), text=f"aws://{REGION}")
#: Every rule that judges a data store or a bucket's exposure.
STORE_RULES = frozenset(
    {"FG4010", "FG4011", "FG4012", "FG4013", "FG4014", "FG4015", "FG4016", "FG4017", "FG4020"}
    | {"FG6010", "FG6011"}
)
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:"
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/"
DAX = f"arn:aws:dax:{REGION}:{ACCOUNT}:cache/"
GROUP = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:"
CLUSTER = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b6c1e5e-1111-2222-3333-444455556666"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::{bucket}/*",
        }
    ],
}
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _session() -> Any:
    import boto3

    return boto3.Session()


def _table(name: str, **extra: Any) -> None:
    client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


def _bucket(name: str, *, public: bool, safe: bool) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    if public:
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
        policy = json.dumps(PUBLIC_READ).replace("{bucket}", name)
        s3.put_bucket_policy(Bucket=name, Policy=policy)
    if public and not safe:
        s3.put_bucket_cors(
            Bucket=name,
            CORSConfiguration={
                "CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"]}]
            },
        )
    if safe:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": KEY,
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_BLOCKED)


def _queue(name: str, **attributes: str) -> tuple[str, str]:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return str(url), str(arn)


def seed_stores() -> dict[str, str]:
    """One function using an unsafe and a safe store of each kind, and stores nobody uses."""
    _table("sessions")  # AWS-owned key, no TTL, named like a session store
    _table(
        "tokens-safe",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY},
    )
    client("dynamodb").update_time_to_live(
        TableName="tokens-safe",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"},
    )
    _table("orders", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY})
    _table("analytics")  # unsafe, but no function uses it
    _bucket("uploads-raw", public=True, safe=False)
    # A public ACL and policy S3 ignores: IgnorePublicAcls and RestrictPublicBuckets are on.
    _bucket("uploads-safe", public=True, safe=True)
    _bucket("cloudtrail-logs", public=False, safe=False)  # no function uses it
    sns = client("sns")
    alerts = sns.create_topic(Name="alerts")["TopicArn"]
    sns.create_topic(Name="alerts-safe", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    sns.create_topic(Name="billing")  # no function uses it
    outbox_url, outbox = _queue("outbox", SqsManagedSseEnabled="false")
    safe_url, _ = _queue("outbox-safe", KmsMasterKeyId="alias/aws/sqs")
    _, dead = _queue("outbox-dlq", SqsManagedSseEnabled="false")
    client("sqs").set_queue_attributes(
        QueueUrl=safe_url,
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead, "maxReceiveCount": 3})
        },
    )
    _queue("other", SqsManagedSseEnabled="false")  # no function uses it
    kinesis = client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    kinesis.create_stream(StreamName="clicks-safe", ShardCount=1)
    kinesis.start_stream_encryption(
        StreamName="clicks-safe", EncryptionType="KMS", KeyId="alias/aws/kinesis"
    )
    cache = _caches()
    grants = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "dax:GetItem", "Resource": f"{DAX}orders-dax"},
            {"Effect": "Allow", "Action": "dax:GetItem", "Resource": f"{DAX}orders-dax-safe"},
            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": f"{TABLE}orders"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::uploads-*/*"},
            # Wildcards alone say nothing about which stores the function uses.
            {
                "Effect": "Allow",
                "Action": "dynamodb:Scan",
                "Resource": "arn:aws:dynamodb:*:*:table/*",
            },
            {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::*"},
            {"Effect": "Deny", "Action": "sns:*", "Resource": f"{TOPIC}billing"},
        ],
    }
    arn = role("store-role", inline={"stores": grants})
    function(
        "api",
        arn,
        Environment={
            "Variables": {
                "SESSIONS_TABLE": "sessions",
                "TOKENS_TABLE": f"{TABLE}tokens-safe",
                "TOPICS": f"{alerts}, {TOPIC}alerts-safe",
                "OUTBOX_URL": outbox_url,
                "SAFE_OUTBOX_URL": safe_url,
                "MODE": "full",
                "CACHE_URL": f"rediss://{cache['sessions-cache']}:6379/0",
                "SAFE_CACHE": f"{cache['safe-cache']}:6379",
                "COUNTERS": "counters",
            }
        },
    )
    clicks = kinesis.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    client("lambda").create_event_source_mapping(
        EventSourceArn=clicks, FunctionName="api", StartingPosition="LATEST"
    )
    client("lambda").create_event_source_mapping(
        EventSourceArn=f"{STREAM}clicks-safe", FunctionName="api", StartingPosition="LATEST"
    )
    return {"alerts": alerts, "outbox": outbox, "dead": dead}


def _caches() -> dict[str, str]:
    """Caches: two replication groups, a Memcached cluster, two DAX clusters, one unused group."""
    elasticache = client("elasticache")
    for name, safe in (("sessions-cache", False), ("safe-cache", True), ("reports-cache", False)):
        extra: dict[str, Any] = (
            {
                "AtRestEncryptionEnabled": True,
                "TransitEncryptionEnabled": True,
                "AuthToken": "a-long-enough-auth-token-0123456789",
            }
            if safe
            else {}
        )
        elasticache.create_replication_group(
            ReplicationGroupId=name,
            ReplicationGroupDescription=name,
            Engine="redis",
            CacheNodeType="cache.t4g.micro",
            **extra,
        )
    elasticache.create_cache_cluster(
        CacheClusterId="counters",
        Engine="memcached",
        CacheNodeType="cache.t4g.micro",
        NumCacheNodes=1,
    )
    dax = client("dax")
    for name, safe in (("orders-dax", False), ("orders-dax-safe", True)):
        dax.create_cluster(
            ClusterName=name,
            NodeType="dax.t3.small",
            ReplicationFactor=1,
            IamRoleArn=f"arn:aws:iam::{ACCOUNT}:role/dax",
            **(
                {"SSESpecification": {"Enabled": True}, "ClusterEndpointEncryptionType": "TLS"}
                if safe
                else {}
            ),
        )
    return {
        group["ReplicationGroupId"]: group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
        for group in elasticache.describe_replication_groups()["ReplicationGroups"]
    }


def _store_findings(app_findings: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (f.rule_id, f.severity.value, f.file, f.resource, f.function, f.message)
        for f in app_findings
        if f.rule_id in STORE_RULES
    )


SESSIONS_TTL = (
    "FG4020",
    "medium",
    f"{TABLE}sessions",
    f"{TABLE}sessions",
    None,
    f"DynamoDB table `{TABLE}sessions` looks like a sessions store (its logical id is "
    f"`{TABLE}sessions`), but items never expire (no `TimeToLiveSpecification` enabled).",
)
BUCKET_PUBLIC = (
    "FG4015",
    "critical",
    "arn:aws:s3:::uploads-raw",
    "arn:aws:s3:::uploads-raw",
    None,
    "S3 bucket `arn:aws:s3:::uploads-raw`: the bucket ACL `PublicRead` grants access to anyone; "
    "Block Public Access is not set; the bucket relies on the default applied to buckets "
    "created since April 2023.",
)


def test_the_stores_functions_use_are_judged_like_a_templates(aws: MotoServer) -> None:
    ids = seed_stores()
    result = scan_account(TARGET, Config())
    assert result.notices == ()
    assert _store_findings(result.findings) == sorted(
        [
            (
                "FG4016",
                "info",
                f"{TABLE}sessions",
                f"{TABLE}sessions",
                None,
                f"DynamoDB table `{TABLE}sessions`: data is encrypted with an AWS-owned key that "
                "you cannot restrict or audit.",
            ),
            SESSIONS_TTL,
            (
                "FG4014",
                "low",
                "arn:aws:s3:::uploads-raw",
                "arn:aws:s3:::uploads-raw",
                None,
                "S3 bucket `arn:aws:s3:::uploads-raw`: no encryption configuration; objects get "
                "the SSE-S3 default, with no KMS key to restrict and log reads.",
            ),
            BUCKET_PUBLIC,
            (
                "FG6010",
                "high",
                "arn:aws:s3:::uploads-raw",
                "uploads-raw:bucket-policy",
                None,
                "Bucket policy `uploads-raw:bucket-policy` (bucket `uploads-raw`) lets anyone on "
                "the internet read the bucket: statement 1 allows `Principal: *` with no "
                "condition.",
            ),
            (
                "FG6011",
                "medium",
                "arn:aws:s3:::uploads-raw",
                "arn:aws:s3:::uploads-raw",
                None,
                "Bucket `arn:aws:s3:::uploads-raw` CORS rule 1 lets scripts on any web site use "
                "it (GET, PUT) from a visitor's browser.",
            ),
            (
                "FG4013",
                "medium",
                ids["alerts"],
                ids["alerts"],
                None,
                f"SNS topic `{ids['alerts']}`: messages are stored unencrypted (no KMS key).",
            ),
            *(
                (
                    "FG4012",
                    "high",
                    arn,
                    arn,
                    None,
                    f"SQS queue `{arn}`: server-side encryption is turned off and no KMS key "
                    "is set.",
                )
                for arn in (ids["outbox"], ids["dead"])
            ),
            (
                "FG4017",
                "medium",
                f"{STREAM}clicks",
                f"{STREAM}clicks",
                None,
                f"Kinesis stream `{STREAM}clicks`: records are stored unencrypted.",
            ),
            (
                "FG4010",
                "high",
                f"{GROUP}sessions-cache",
                f"{GROUP}sessions-cache",
                None,
                f"ElastiCache replication group `{GROUP}sessions-cache`: data at rest is not "
                "encrypted; connections are not encrypted (no TLS).",
            ),
            (
                "FG4010",
                "high",
                f"{CLUSTER}counters",
                f"{CLUSTER}counters",
                None,
                f"ElastiCache Memcached cluster `{CLUSTER}counters`: connections are not "
                "encrypted (no TLS).",
            ),
            (
                "FG4011",
                "high",
                f"{DAX}orders-dax",
                f"{DAX}orders-dax",
                None,
                f"DAX cluster `{DAX}orders-dax`: data at rest is not encrypted; the cluster "
                "endpoint does not use TLS.",
            ),
        ]
    )
    [app] = result.applications
    stores = {(r.type, r.id) for r in app.resources if r.type != "AWS::Lambda::Permission"}
    assert stores == {
        ("AWS::DynamoDB::Table", f"{TABLE}{name}") for name in ("orders", "sessions", "tokens-safe")
    } | {
        ("AWS::S3::Bucket", "arn:aws:s3:::uploads-raw"),
        ("AWS::S3::Bucket", "arn:aws:s3:::uploads-safe"),
        ("AWS::S3::BucketPolicy", "uploads-raw:bucket-policy"),
        ("AWS::SNS::Topic", ids["alerts"]),
        ("AWS::SNS::Topic", f"{TOPIC}alerts-safe"),
        ("AWS::SQS::Queue", ids["outbox"]),
        ("AWS::SQS::Queue", f"{QUEUE}outbox-safe"),
        ("AWS::SQS::Queue", ids["dead"]),
        ("AWS::Kinesis::Stream", f"{STREAM}clicks"),
        ("AWS::Kinesis::Stream", f"{STREAM}clicks-safe"),
        ("AWS::ElastiCache::ReplicationGroup", f"{GROUP}sessions-cache"),
        ("AWS::ElastiCache::ReplicationGroup", f"{GROUP}safe-cache"),
        ("AWS::ElastiCache::CacheCluster", f"{CLUSTER}counters"),
        ("AWS::DAX::Cluster", f"{DAX}orders-dax"),
        ("AWS::DAX::Cluster", f"{DAX}orders-dax-safe"),
    }
    safe_cache = app.resource(f"{GROUP}safe-cache")
    assert safe_cache is not None and dict(safe_cache.properties) == {
        "ReplicationGroupId": "safe-cache",
        "Engine": "redis",
        "TransitEncryptionEnabled": True,
        "AtRestEncryptionEnabled": True,
        "AuthToken": Unknown("AuthToken", "set on the replication group; never read"),
    }
    safe_table = app.resource(f"{TABLE}tokens-safe")
    assert safe_table is not None and dict(safe_table.properties) == {
        "TableName": "tokens-safe",
        "BillingMode": "PAY_PER_REQUEST",
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY},
        "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
    }
    safe_bucket = app.resource("arn:aws:s3:::uploads-safe")
    assert safe_bucket is not None and dict(safe_bucket.properties) == {
        "BucketName": "uploads-safe",
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {
                    "ServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": KEY,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
        "PublicAccessBlockConfiguration": ALL_BLOCKED,
        # the public ACL and policy are ignored by S3, so not described
    }


def test_why_each_store_counts_as_used(aws: MotoServer) -> None:
    ids = seed_stores()
    snap = read_region(_session(), REGION)
    assert snap.stores.used_by == {
        f"{TABLE}orders": (f"role store-role: {TABLE}orders",),
        f"{TABLE}sessions": ("function api: environment SESSIONS_TABLE",),
        f"{TABLE}tokens-safe": ("function api: environment TOKENS_TABLE",),
        "arn:aws:s3:::uploads-raw": ("role store-role: arn:aws:s3:::uploads-*/*",),
        "arn:aws:s3:::uploads-safe": ("role store-role: arn:aws:s3:::uploads-*/*",),
        ids["alerts"]: ("function api: environment TOPICS",),
        f"{TOPIC}alerts-safe": ("function api: environment TOPICS",),
        ids["outbox"]: ("function api: environment OUTBOX_URL",),
        f"{QUEUE}outbox-safe": ("function api: environment SAFE_OUTBOX_URL",),
        ids["dead"]: (f"dead-letter queue of a used queue ({ids['dead']})",),
        f"{STREAM}clicks": ("event source mapping",),
        f"{STREAM}clicks-safe": ("event source mapping",),
        f"{GROUP}sessions-cache": ("function api: environment CACHE_URL",),
        f"{GROUP}safe-cache": ("function api: environment SAFE_CACHE",),
        f"{CLUSTER}counters": ("function api: environment COUNTERS",),
        f"{DAX}orders-dax": (f"role store-role: {DAX}orders-dax",),
        f"{DAX}orders-dax-safe": (f"role store-role: {DAX}orders-dax-safe",),
    }


def _snapshot(**roles: list[str]) -> RegionSnapshot:
    snap = RegionSnapshot(region=REGION)
    for name, resources in roles.items():
        snap.roles[name] = RoleData(
            arn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
            name=name,
            inline={
                "p": {"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": resources}]}
            },
        )
    return snap


HOST = "master.sessions-cache.abc123.use1.cache.amazonaws.com"
LISTED = [
    StoreRef("table", "orders", f"{TABLE}orders"),
    StoreRef("table", "orders-archive", f"{TABLE}orders-archive"),
    StoreRef("bucket", "uploads-raw", "arn:aws:s3:::uploads-raw"),
    StoreRef(
        "queue", "outbox", f"{QUEUE}outbox", f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/outbox"
    ),
    StoreRef("topic", "alerts", f"{TOPIC}alerts"),
    StoreRef("stream", "clicks", f"{STREAM}clicks"),
    StoreRef("replication-group", "sessions-cache", f"{GROUP}sessions-cache", hosts=(HOST,)),
    StoreRef("dax", "orders-dax", f"{DAX}orders-dax"),
]


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("*", []),
        ("arn:aws:s3:::*", []),
        ("arn:aws:s3:::*/*", []),
        ("arn:aws:dynamodb:*:*:table/*", []),
        ("arn:aws:sqs:*:*:*", []),
        (f"{TABLE}*/index/*", []),
        ("arn:aws:s3:::uploads-*/*", ["arn:aws:s3:::uploads-raw"]),
        ("arn:aws:s3:::uploads-raw/reports/*", ["arn:aws:s3:::uploads-raw"]),
        (f"{TABLE}orders", [f"{TABLE}orders"]),
        (f"{TABLE}orders/index/*", [f"{TABLE}orders"]),
        (f"{TABLE}orders*", [f"{TABLE}orders", f"{TABLE}orders-archive"]),
        ("arn:aws:dynamodb:*:*:table/orders", [f"{TABLE}orders"]),
        ("arn:aws:dynamodb:eu-west-1:*:table/orders", []),  # another region's table
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:out*", [f"{QUEUE}outbox"]),
        (f"arn:aws:sns:*:{ACCOUNT}:alerts", [f"{TOPIC}alerts"]),
        (f"{STREAM}clicks/consumer/*", [f"{STREAM}clicks"]),
        (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:*", []),
        (f"{GROUP}sessions-*", [f"{GROUP}sessions-cache"]),
        ("arn:aws:elasticache:*:*:replicationgroup:*", []),
        (f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:sessions-cache", []),  # not a group
        (f"{DAX}*", []),
        (f"{DAX}orders-dax", [f"{DAX}orders-dax"]),
    ],
)
def test_a_role_statement_names_a_store_only_beyond_wildcards(
    resource: str, expected: list[str]
) -> None:
    used = used_stores(_snapshot(r=[resource]), LISTED)
    assert sorted(used) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("orders", [f"{TABLE}orders"]),
        (f"{TABLE}orders/stream/2026-01-01T00:00:00.000", [f"{TABLE}orders"]),
        ("s3://uploads-raw/incoming/", ["arn:aws:s3:::uploads-raw"]),
        (f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/outbox", [f"{QUEUE}outbox"]),
        (f"{TOPIC}alerts,{STREAM}clicks", [f"{STREAM}clicks", f"{TOPIC}alerts"]),
        ("order", []),
        ("uploads", []),
        ("https://example.com/outbox", []),
        (f"rediss://{HOST}:6379/0", [f"{GROUP}sessions-cache"]),
        (f"{HOST.upper()}:6379", [f"{GROUP}sessions-cache"]),
        ("other.cache.amazonaws.com:6379", []),
    ],
)
def test_an_environment_value_names_a_store_exactly(value: str, expected: list[str]) -> None:
    snap = RegionSnapshot(region=REGION)
    snap.functions.append(
        {"Configuration": {"FunctionName": "f", "Environment": {"Variables": {"V": value}}}}
    )
    assert sorted(used_stores(snap, LISTED)) == expected


def _fail_some(session: Any, decide: Any) -> list[str]:
    """Answer chosen requests with an AWS error instead of sending them (botocore hook).

    As tests/estate/test_estate_live.py's helper, with the error in each protocol's own shape.
    """
    from botocore.awsrequest import AWSResponse

    seen: list[str] = []
    count = {"n": 0}

    def before_send(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        count["n"] += 1
        service = event_name.split(".")[1]
        operation = event_name.split(".")[2] if event_name.count(".") >= 2 else ""
        verdict = decide(count["n"], service, operation)
        if verdict is None:
            return None
        status, code = verdict
        seen.append(f"{service}.{operation}:{code}")
        xml = service in ("iam", "sns", "s3", "sts")
        body = (
            (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                "<Message>emulated</Message></Error><RequestId>1</RequestId></ErrorResponse>"
            )
            if xml
            else json.dumps({"__type": code, "message": "emulated"})
        ).encode()
        headers = {
            "x-amzn-ErrorType": code,
            "Content-Type": "text/xml" if xml else "application/x-amz-json-1.0",
        }
        raw: Any = type("Raw", (), {"stream": lambda self, **k: iter([body])})()
        return AWSResponse(request.url, status, headers, raw)

    session.events.register("before-send", before_send)
    return seen


def _stores(app: Application) -> list[Any]:
    return [r for r in app.resources if r.type != "AWS::Lambda::Permission"]


def test_denied_store_reads_are_notices_and_the_rest_is_judged(aws: MotoServer) -> None:
    seed_stores()
    session = _session()
    denied = {("dynamodb", "DescribeTable"), ("s3", "GetBucketEncryption")}
    _fail_some(
        session,
        lambda n, service, op: (
            (403, "AccessDeniedException" if service != "s3" else "AccessDenied")
            if (service, op) in denied
            else None
        ),
    )
    snap = read_region(session, REGION)
    hint = "what it would show is missing from the scan; grant it (docs/policies/faasguard-live-readonly.json)"
    assert sorted(snap.notices) == sorted(
        [
            *(
                f"aws://us-east-1: dynamodb:DescribeTable denied (table {name}): {hint}"
                for name in ("orders", "sessions", "tokens-safe")
            ),
            *(
                f"aws://us-east-1: s3:GetEncryptionConfiguration denied (bucket {name}): {hint}"
                for name in ("uploads-raw", "uploads-safe")
            ),
        ]
    )
    app = build_application(snap)
    sessions = app.resource(f"{TABLE}sessions")
    raw = app.resource("arn:aws:s3:::uploads-raw")
    assert sessions is not None and raw is not None
    assert isinstance(sessions.properties["SSESpecification"], Unknown)
    assert isinstance(raw.properties["BucketEncryption"], Unknown)
    from faasguard.engine import scan_applications

    result = scan_applications([app], Config(), root=TARGET.text)
    found = {(f.rule_id, f.resource) for f in result.findings if f.rule_id in STORE_RULES}
    # not reported: FG4016 of the tables, FG4014 of the bucket (unknown, not missing)
    assert found == {
        ("FG4020", f"{TABLE}sessions"),  # TTL was readable
        ("FG4015", "arn:aws:s3:::uploads-raw"),
        ("FG6010", "uploads-raw:bucket-policy"),
        ("FG6011", "arn:aws:s3:::uploads-raw"),
        ("FG4013", f"{TOPIC}alerts"),
        ("FG4012", f"{QUEUE}outbox"),
        ("FG4012", f"{QUEUE}outbox-dlq"),
        ("FG4017", f"{STREAM}clicks"),
        ("FG4010", f"{GROUP}sessions-cache"),
        ("FG4010", f"{CLUSTER}counters"),
        ("FG4011", f"{DAX}orders-dax"),
    }


def test_throttled_store_reads_are_retried_and_nothing_is_lost(aws: MotoServer) -> None:
    seed_stores()
    calm = read_region(_session(), REGION)
    session = _session()
    throttled = _fail_some(
        session,
        # S3 throttles with 503 SlowDown, the JSON services with 400 ThrottlingException.
        lambda n, service, op: (
            ((503, "SlowDown") if service == "s3" else (400, "ThrottlingException"))
            if n % 10 == 0
            else None
        ),
    )
    snap = read_region(session, REGION)
    assert snap.notices == []
    assert any(t.split(".")[0] in ("dynamodb", "s3", "sns", "sqs", "kinesis") for t in throttled)
    assert _stores(build_application(snap)) == _stores(build_application(calm))
    assert snap.stores.used_by == calm.stores.used_by


def test_tables_and_queues_are_read_past_the_first_page(
    aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faasguard.live.stores

    monkeypatch.setattr(faasguard.live.stores, "QUEUE_PAGE_SIZE", 2)
    for i in range(101):  # ListTables returns 100 names a page
        _table(f"t{i:03d}")
    urls = [_queue(f"q{i}", SqsManagedSseEnabled="false")[0] for i in range(5)]
    function(
        "reader",
        role("pages-role"),
        Environment={"Variables": {"TABLES": "t000,t100", "QUEUES": " ".join(urls)}},
    )
    app = build_application(read_region(_session(), REGION))
    assert sorted(r.id for r in _stores(app)) == sorted(
        [f"{TABLE}t000", f"{TABLE}t100", *(f"{QUEUE}q{i}" for i in range(5))]
    )


def test_answers_that_moto_does_not_give_map_as_a_template_would_write_them() -> None:
    from faasguard.live.build_stores import store_resources
    from faasguard.live.stores import ABSENT, BucketData, StoresRead, TableData, TopicData

    def grant(group: str, permission: str) -> dict[str, Any]:
        uri = f"http://acs.amazonaws.com/groups/global/{group}"
        return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}

    stores = StoresRead()
    stores.tables[f"{TABLE}gone"] = TableData(f"{TABLE}gone", "gone", ABSENT, ABSENT)
    stores.tables[f"{TABLE}otp"] = TableData(
        f"{TABLE}otp",
        "otp",
        {"SSEDescription": {"Status": "DISABLED"}},
        {"TimeToLiveStatus": "ENABLING", "AttributeName": "ttl"},
    )
    for name, grants in (
        ("writable", [grant("AllUsers", "READ"), grant("AllUsers", "WRITE")]),
        ("any-account", [grant("AuthenticatedUsers", "READ")]),
    ):
        stores.buckets[f"arn:aws:s3:::{name}"] = BucketData(
            f"arn:aws:s3:::{name}",
            name,
            REGION,
            encryption=ABSENT,
            public_access_block={
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": False,
                    "IgnorePublicAcls": False,
                }
            },
            acl={"Grants": grants},
            policy=None,  # unreadable: a policy resource whose document is Unknown (FG4018)
            cors=None,
        )
    stores.topics[f"{TOPIC}gone"] = TopicData(f"{TOPIC}gone", "gone", ABSENT)
    assert [(r.type, r.id, dict(r.properties)) for r in store_resources(stores)] == [
        (
            "AWS::DynamoDB::Table",
            f"{TABLE}otp",
            {
                "TableName": "otp",
                "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
            },
        ),
        (
            "AWS::S3::Bucket",
            "arn:aws:s3:::writable",
            {
                "BucketName": "writable",
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": False,
                    "IgnorePublicAcls": False,
                },
                "AccessControl": "PublicReadWrite",
                "CorsConfiguration": Unknown(
                    "s3:GetBucketCORS (arn:aws:s3:::writable)",
                    "could not be read from the account (see the notices)",
                ),
            },
        ),
        (
            "AWS::S3::BucketPolicy",
            "writable:bucket-policy",
            {
                "Bucket": "writable",
                "PolicyDocument": Unknown(
                    "s3:GetBucketPolicy (arn:aws:s3:::writable)",
                    "could not be read from the account (see the notices)",
                ),
            },
        ),
        (
            "AWS::S3::Bucket",
            "arn:aws:s3:::any-account",
            {
                "BucketName": "any-account",
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": False,
                    "IgnorePublicAcls": False,
                },
                "AccessControl": "AuthenticatedRead",
                "CorsConfiguration": Unknown(
                    "s3:GetBucketCORS (arn:aws:s3:::any-account)",
                    "could not be read from the account (see the notices)",
                ),
            },
        ),
        (
            "AWS::S3::BucketPolicy",
            "any-account:bucket-policy",
            {
                "Bucket": "any-account",
                "PolicyDocument": Unknown(
                    "s3:GetBucketPolicy (arn:aws:s3:::any-account)",
                    "could not be read from the account (see the notices)",
                ),
            },
        ),
    ]


def test_a_bucket_policy_that_is_not_json_is_a_notice(aws: MotoServer) -> None:
    client("s3").create_bucket(Bucket="odd-policy")
    client("s3").put_bucket_policy(Bucket="odd-policy", Policy="{not json")
    function("odd", role("odd-role"), Environment={"Variables": {"BUCKET": "odd-policy"}})
    snap = read_region(_session(), REGION)
    assert snap.notices == [
        "aws://us-east-1: bucket odd-policy: its bucket policy is not a JSON object; it is not judged"
    ]
    assert [(r.type, r.id) for r in _stores(build_application(snap))] == [
        ("AWS::S3::Bucket", "arn:aws:s3:::odd-policy"),
        ("AWS::S3::BucketPolicy", "odd-policy:bucket-policy"),  # its document is Unknown
    ]


def test_a_bucket_of_another_region_is_judged_once_in_its_own_region(aws: MotoServer) -> None:
    client("s3", "eu-west-1").create_bucket(
        Bucket="eu-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    function(
        "exporter", role("exporter-role"), Environment={"Variables": {"OUT": "s3://eu-data/x"}}
    )

    def judged(target: AccountTarget) -> list[tuple[str | None, str | None, str]]:
        result = scan_account(target, Config())
        return [
            (f.rule_id, f.resource, f.application)
            for f in result.findings
            if f.rule_id in ("FG4014", "FG4015")
        ]

    # Its region is not scanned: the region whose function uses it judges it.
    assert judged(TARGET) == [
        ("FG4014", "arn:aws:s3:::eu-data", "aws://us-east-1"),
        ("FG4015", "arn:aws:s3:::eu-data", "aws://us-east-1"),
    ]
    both = AccountTarget(None, (REGION, "eu-west-1"), "aws://us-east-1,eu-west-1")
    assert judged(both) == [
        ("FG4014", "arn:aws:s3:::eu-data", "aws://eu-west-1"),
        ("FG4015", "arn:aws:s3:::eu-data", "aws://eu-west-1"),
    ]


def test_settling_keeps_one_copy_of_each_bucket_across_regions() -> None:
    from faasguard.live.stores import BucketData, settle_buckets

    def snap(region: str, *buckets: tuple[str, str]) -> RegionSnapshot:
        read = RegionSnapshot(region=region)
        for name, where in buckets:
            arn = f"arn:aws:s3:::{name}"
            read.stores.buckets[arn] = BucketData(arn, name, where)
            read.stores.used_by[arn] = (f"function in {region}",)
        return read

    east = snap("us-east-1", ("west-data", "us-west-2"), ("nowhere", "ap-south-1"))
    west = snap("us-west-2", ("west-data", "us-west-2"), ("nowhere", "ap-south-1"))
    euro = snap("eu-west-1", ("west-data", "us-west-2"), ("east-only", "us-east-1"))
    settle_buckets([east, west, euro])
    assert {s.region: sorted(s.stores.buckets) for s in (east, west, euro)} == {
        # in ap-south-1, not scanned: kept by the first region scanned that uses it
        "us-east-1": ["arn:aws:s3:::east-only", "arn:aws:s3:::nowhere"],
        "us-west-2": ["arn:aws:s3:::west-data"],
        "eu-west-1": [],
    }
    assert west.stores.used_by["arn:aws:s3:::west-data"] == (
        "function in eu-west-1 (in aws://eu-west-1)",
        "function in us-east-1 (in aws://us-east-1)",
        "function in us-west-2",
    )
