"""FG4018 on a live account: bucket policies read with GetBucketPolicy from a moto server.

A bucket whose policy refuses plain HTTP passes, also when `RestrictPublicBuckets` makes S3
ignore its public grants (the Deny statements are kept); a bucket without that statement is
reported at its ARN; a policy that cannot be read gives no verdict.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from estate_services import MotoServer
from live_seed import client, function, role

from faasguard.config import Config
from faasguard.live.build_stores import store_resources
from faasguard.live.scan import scan_account
from faasguard.live.stores import ABSENT, BucketData, StoresRead
from faasguard.live.target import AccountTarget
from faasguard.model import Unknown

pytestmark = pytest.mark.aws

REGION = "us-east-1"
TARGET = AccountTarget(profile=None, regions=(REGION,), text=f"aws://{REGION}")


def _deny_http(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _public_read(bucket: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }


def _bucket(name: str, *statements: dict[str, Any], restrict: bool = False) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    if statements:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(document))
    if restrict:
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )


def test_live_buckets_are_judged_on_their_bucket_policy(aws: MotoServer) -> None:
    _bucket("tls-enforced", _deny_http("tls-enforced"))
    _bucket("no-policy")
    _bucket("grants-only", _public_read("grants-only"))
    # S3 ignores the public grant (RestrictPublicBuckets), and still applies the Deny.
    _bucket("restricted", _public_read("restricted"), _deny_http("restricted"), restrict=True)
    _bucket("restricted-open", _public_read("restricted-open"), restrict=True)
    _bucket("unused")  # no function uses it: never judged
    used = ["tls-enforced", "no-policy", "grants-only", "restricted", "restricted-open"]
    function("api", role("api-role"), Environment={"Variables": {"BUCKETS": ",".join(used)}})

    result = scan_account(TARGET, Config())

    assert result.notices == ()
    found = sorted(
        (f.rule_id, f.severity.value, f.file, f.line, f.resource, f.function, f.evidence)
        for f in result.findings
        if f.rule_id in {"FG4018", "FG6010"}
    )
    assert found == sorted(
        [
            *(
                (
                    "FG4018",
                    "medium",
                    f"arn:aws:s3:::{name}",
                    None,
                    f"arn:aws:s3:::{name}",
                    None,
                    "no bucket policy",
                )
                for name in ("no-policy", "restricted-open")
            ),
            (
                "FG4018",
                "medium",
                "arn:aws:s3:::grants-only",
                None,
                "arn:aws:s3:::grants-only",
                None,
                "AWS::S3::BucketPolicy grants-only:bucket-policy: no statement denies requests "
                "where `aws:SecureTransport` is false",
            ),
            (
                "FG6010",
                "high",
                "arn:aws:s3:::grants-only",
                None,
                "grants-only:bucket-policy",
                None,
                "Statement[0]: Principal *, read, no Condition",
            ),
        ]
    )
    [no_policy] = [
        f
        for f in result.findings
        if f.rule_id == "FG4018" and f.resource == "arn:aws:s3:::no-policy"
    ]
    assert no_policy.remediation == (
        "Add to the bucket's policy (`aws s3api put-bucket-policy`) the statement "
        '`{"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*", '
        '"Resource": ["arn:aws:s3:::no-policy", "arn:aws:s3:::no-policy/*"], '
        '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}`, so S3 refuses every '
        "request that does not use TLS (keep any statement that already grants access)."
    )
    [app] = result.applications
    restricted = app.resource("restricted:bucket-policy")
    assert restricted is not None
    assert restricted.properties["PolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [_deny_http("restricted")],
    }
    assert app.resource("restricted-open:bucket-policy") is None


def test_an_unreadable_bucket_policy_gives_no_verdict() -> None:
    from faasguard.engine import scan_applications
    from faasguard.model import AppFormat, Application

    stores = StoresRead()
    for name, policy in (("denied", None), ("missing", ABSENT)):
        stores.buckets[f"arn:aws:s3:::{name}"] = BucketData(
            f"arn:aws:s3:::{name}",
            name,
            REGION,
            encryption=ABSENT,
            public_access_block=ABSENT,
            acl=ABSENT,
            policy=policy,
            cors=ABSENT,
        )
    resources = tuple(store_resources(stores))
    denied = next(r for r in resources if r.id == "denied:bucket-policy")
    assert denied.properties["PolicyDocument"] == Unknown(
        "s3:GetBucketPolicy (arn:aws:s3:::denied)",
        "could not be read from the account (see the notices)",
    )
    app = Application(
        name=REGION,
        format=AppFormat.CLOUDFORMATION,
        file=TARGET.text,
        root=TARGET.text,
        resources=resources,
    )
    result = scan_applications([app], Config(), root=TARGET.text)
    assert [(f.rule_id, f.resource) for f in result.findings if f.rule_id == "FG4018"] == [
        ("FG4018", "arn:aws:s3:::missing")
    ]
