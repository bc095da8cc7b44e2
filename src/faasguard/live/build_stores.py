"""Map the data stores read from an account into resources shaped as CloudFormation writes them.

The data rules (docs/rules/data.md) and the bucket surface rules read CloudFormation property
names (``SSESpecification``, ``BucketEncryption``, ``KmsMasterKeyId``...), so each API answer is
renamed into them here and the rules judge a deployed table exactly as a template's. Three
conventions carry the difference between "not configured" and "not known":

* AWS said the configuration does not exist (no default encryption, no TTL, no key): the
  property is left out, as a template that does not set it;
* the call was denied or failed: the property is :class:`~faasguard.model.Unknown`, which no
  rule reports (the reader's notice names the API);
* settings S3 ignores are left out: a public ACL on a bucket that ignores public ACLs
  (``IgnorePublicAcls``), a bucket policy on a bucket that restricts public policies
  (``RestrictPublicBuckets``), so the rules do not call a protected bucket public.

ElastiCache and DAX clusters come from their listings, which describe them in full; an
``AuthToken`` that is set is :class:`~faasguard.model.Unknown` (its value is never read).
Ids and locations are ARNs, as for the other live resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from faasguard.live.stores import ABSENT, Answer, BucketData, CacheData, StoresRead
from faasguard.model import Location, Resource, Unknown

__all__ = ["store_resources"]

_ALL_USERS: Final = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTHENTICATED: Final = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_ON: Final = frozenset({"ENABLED", "ENABLING", "UPDATING"})
#: S3 CORS rule keys -> CloudFormation's names for them.
_CORS_KEYS: Final = {
    "ID": "Id",
    "AllowedOrigins": "AllowedOrigins",
    "AllowedMethods": "AllowedMethods",
    "AllowedHeaders": "AllowedHeaders",
    "ExposeHeaders": "ExposedHeaders",
    "MaxAgeSeconds": "MaxAge",
}


def store_resources(stores: StoresRead) -> Iterator[Resource]:
    """Every table, bucket (and its policy), topic and stream read, in ARN order per kind."""
    yield from _tables(stores)
    for bucket in stores.buckets.values():
        yield from _bucket(bucket)
    yield from _topics(stores)
    yield from _streams(stores)
    yield from _caches(stores)


def _unknown(action: str, arn: str) -> Unknown:
    return Unknown(f"{action} ({arn})", "could not be read from the account (see the notices)")


def _tables(stores: StoresRead) -> Iterable[Resource]:
    for arn, data in stores.tables.items():
        if data.table is ABSENT:
            continue  # deleted between listing and reading
        props: dict[str, Any] = {"TableName": data.name}
        if data.table is None:
            props["SSESpecification"] = _unknown("dynamodb:DescribeTable", arn)
        else:
            sse = data.table.get("SSEDescription") or {}
            if sse.get("Status") in _ON:
                spec = {"SSEEnabled": True, "SSEType": str(sse.get("SSEType") or "KMS")}
                if sse.get("KMSMasterKeyArn"):
                    spec["KMSMasterKeyId"] = str(sse["KMSMasterKeyArn"])
                props["SSESpecification"] = spec
            billing = (data.table.get("BillingModeSummary") or {}).get("BillingMode")
            if billing:
                props["BillingMode"] = str(billing)
        if isinstance(data.ttl, dict):
            if data.ttl.get("TimeToLiveStatus") in _ON:
                props["TimeToLiveSpecification"] = {
                    "AttributeName": str(data.ttl.get("AttributeName", "")),
                    "Enabled": True,
                }
        elif data.ttl is None:
            props["TimeToLiveSpecification"] = _unknown("dynamodb:DescribeTimeToLive", arn)
        yield Resource(
            id=arn, type="AWS::DynamoDB::Table", location=Location(arn), properties=props
        )


def _bucket(data: BucketData) -> Iterable[Resource]:
    arn = data.arn
    props: dict[str, Any] = {"BucketName": data.name}
    encryption = _answer(data.encryption, "s3:GetEncryptionConfiguration", arn)
    if isinstance(encryption, Mapping):
        rules = (encryption.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
        props["BucketEncryption"] = {
            "ServerSideEncryptionConfiguration": [_encryption_rule(r) for r in rules]
        }
    elif encryption is not None:
        props["BucketEncryption"] = encryption
    block = _answer(data.public_access_block, "s3:GetBucketPublicAccessBlock", arn)
    flags: Mapping[str, Any] = {}
    if isinstance(block, Mapping):
        flags = dict(block.get("PublicAccessBlockConfiguration") or {})
        props["PublicAccessBlockConfiguration"] = {k: bool(v) for k, v in flags.items()}
    elif block is not None:
        props["PublicAccessBlockConfiguration"] = block
    acl = _answer(data.acl, "s3:GetBucketAcl", arn)
    if isinstance(acl, Mapping):
        canned = _canned_acl(acl.get("Grants") or [])
        if canned is not None and flags.get("IgnorePublicAcls") is not True:
            props["AccessControl"] = canned
    elif acl is not None:
        props["AccessControl"] = acl
    cors = _answer(data.cors, "s3:GetBucketCORS", arn)
    if isinstance(cors, Mapping):
        props["CorsConfiguration"] = {
            "CorsRules": [
                {_CORS_KEYS[k]: v for k, v in rule.items() if k in _CORS_KEYS}
                for rule in cors.get("CORSRules") or []
                if isinstance(rule, Mapping)
            ]
        }
    elif cors is not None:
        props["CorsConfiguration"] = cors
    yield Resource(id=arn, type="AWS::S3::Bucket", location=Location(arn), properties=props)
    policy = _answer(data.policy, "s3:GetBucketPolicy", arn)
    if isinstance(policy, Mapping) and flags.get("RestrictPublicBuckets") is True:
        # S3 ignores the public grants (nothing for FG6010), but Deny statements (FG4018's
        # TLS-only statement) still apply: keep those alone, and no policy when none is left.
        denies = [
            s for s in _statements(policy) if isinstance(s, Mapping) and s.get("Effect") == "Deny"
        ]
        policy = {**policy, "Statement": denies} if denies else None
    if policy is not None:  # an unreadable policy stays in the model as Unknown: no verdict
        yield Resource(
            id=f"{data.name}:bucket-policy",
            type="AWS::S3::BucketPolicy",
            location=Location(arn),
            properties={"Bucket": data.name, "PolicyDocument": policy},
        )


def _statements(policy: Mapping[str, Any]) -> list[Any]:
    statement = policy.get("Statement")
    return list(statement) if isinstance(statement, list) else [statement]


def _answer(answer: Answer, action: str, arn: str) -> Mapping[str, Any] | Unknown | None:
    """A read answer; None when absent (the property is left out), Unknown when unreadable."""
    if answer is ABSENT:
        return None
    if answer is None:
        return _unknown(action, arn)
    return answer


def _encryption_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    default = rule.get("ApplyServerSideEncryptionByDefault")
    if isinstance(default, Mapping):
        out["ServerSideEncryptionByDefault"] = dict(default)
    if "BucketKeyEnabled" in rule:
        out["BucketKeyEnabled"] = bool(rule["BucketKeyEnabled"])
    return out


def _canned_acl(grants: Iterable[Any]) -> str | None:
    """The canned ACL a template would write for the public grants, if any."""
    public: set[str] = set()
    authenticated: set[str] = set()
    for grant in grants:
        if not isinstance(grant, Mapping):
            continue
        uri = (grant.get("Grantee") or {}).get("URI")
        permission = str(grant.get("Permission", ""))
        if uri == _ALL_USERS:
            public.add(permission)
        elif uri == _AUTHENTICATED:
            authenticated.add(permission)
    if public & {"WRITE", "FULL_CONTROL"}:
        return "PublicReadWrite"
    if public & {"READ"}:
        return "PublicRead"
    if authenticated & {"READ", "WRITE", "FULL_CONTROL"}:
        return "AuthenticatedRead"
    return None


def _topics(stores: StoresRead) -> Iterable[Resource]:
    for arn, data in stores.topics.items():
        if data.attributes is ABSENT:
            continue
        props: dict[str, Any] = {"TopicName": data.name}
        if data.attributes is None:
            props["KmsMasterKeyId"] = _unknown("sns:GetTopicAttributes", arn)
        else:
            if data.attributes.get("KmsMasterKeyId"):
                props["KmsMasterKeyId"] = str(data.attributes["KmsMasterKeyId"])
            if data.attributes.get("FifoTopic") == "true":
                props["FifoTopic"] = True
        yield Resource(id=arn, type="AWS::SNS::Topic", location=Location(arn), properties=props)


def _streams(stores: StoresRead) -> Iterable[Resource]:
    for arn, data in stores.streams.items():
        if data.summary is ABSENT:
            continue
        props: dict[str, Any] = {"Name": data.name}
        if data.summary is None:
            props["StreamEncryption"] = _unknown("kinesis:DescribeStreamSummary", arn)
        else:
            if data.summary.get("EncryptionType") == "KMS":
                props["StreamEncryption"] = {
                    "EncryptionType": "KMS",
                    "KeyId": str(data.summary.get("KeyId", "")),
                }
            hours = data.summary.get("RetentionPeriodHours")
            if isinstance(hours, int):
                props["RetentionPeriodHours"] = hours
        yield Resource(
            id=arn, type="AWS::Kinesis::Stream", location=Location(arn), properties=props
        )


def _caches(stores: StoresRead) -> Iterable[Resource]:
    for arn, data in stores.caches.items():
        kind, props = _cache(data)
        yield Resource(id=arn, type=kind, location=Location(arn), properties=props)


def _cache(data: CacheData) -> tuple[str, dict[str, Any]]:
    """The CloudFormation type and properties of a cache, from its description."""
    desc = data.description
    if data.kind == "dax":
        sse = (desc.get("SSEDescription") or {}).get("Status")
        return "AWS::DAX::Cluster", {
            "ClusterName": data.name,
            "SSESpecification": {"SSEEnabled": sse in _ON},
            "ClusterEndpointEncryptionType": str(
                desc.get("ClusterEndpointEncryptionType") or "NONE"
            ),
        }
    props: dict[str, Any] = {}
    if desc.get("Engine"):
        props["Engine"] = str(desc["Engine"])
    props["TransitEncryptionEnabled"] = desc.get("TransitEncryptionEnabled") is True
    if desc.get("TransitEncryptionMode"):
        props["TransitEncryptionMode"] = str(desc["TransitEncryptionMode"])
    if data.kind == "cache-cluster":
        return "AWS::ElastiCache::CacheCluster", {"ClusterName": data.name, **props}
    props["AtRestEncryptionEnabled"] = desc.get("AtRestEncryptionEnabled") is True
    if desc.get("AuthTokenEnabled") is True:
        # The token itself is never read: only that one is set.
        props["AuthToken"] = Unknown("AuthToken", "set on the replication group; never read")
    if desc.get("UserGroupIds"):
        props["UserGroupIds"] = [str(g) for g in desc["UserGroupIds"]]
    return "AWS::ElastiCache::ReplicationGroup", {"ReplicationGroupId": data.name, **props}
