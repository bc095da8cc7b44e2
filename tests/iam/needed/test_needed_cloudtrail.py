"""CloudTrail: log files (gzipped, folders), lookup-events output, attribution, time window, bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from faasguard.iam.cloudtrail import (
    CloudTrailError,
    attribute,
    observed_needs,
    parse_time,
    read_events,
)
from faasguard.iam.needed.interface import NeedSource
from tests.iam.needed.conftest import Loaded

ACCOUNT = "123456789012"


def record(
    session: str,
    source: str,
    name: str,
    time: str,
    *,
    params: dict[str, Any] | None = None,
    resources: list[dict[str, str]] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """A CloudTrail record as the service writes it (only the fields faasguard reads, and more)."""
    item: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/shop-dev-role/{session}",
            "accountId": ACCOUNT,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "arn": f"arn:aws:iam::{ACCOUNT}:role/shop-dev-role",
                    "userName": "shop-dev-role",
                }
            },
        },
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "3.3.3.3",
        "userAgent": "Boto3/1.34",
        "requestParameters": params or {},
        "responseElements": None,
        "eventID": f"id-{name}-{time}",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT,
    }
    if resources is not None:
        item["resources"] = resources
    if error:
        item["errorCode"] = error
    return item


RECORDS = [
    record(
        "shop-dev-getOrder",
        "dynamodb.amazonaws.com",
        "GetItem",
        "2026-11-02T10:00:00Z",
        params={"tableName": "shop-orders-dev"},
    ),
    record(
        "shop-dev-createOrder",
        "lambda.amazonaws.com",
        "Invoke",
        "2026-11-03T10:00:00Z",
        resources=[
            {
                "ARN": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:mailer",
                "type": "AWS::Lambda::Function",
            }
        ],
    ),
    record(
        "shop-dev-createOrder",
        "s3.amazonaws.com",
        "HeadObject",
        "2026-11-04T10:00:00Z",
        params={"bucketName": "receipts", "key": "a.png"},
        error="AccessDenied",
    ),
    record("someone-else", "sts.amazonaws.com", "GetCallerIdentity", "2026-11-04T11:00:00Z"),
]


def _write(folder: Path) -> None:
    (folder / "2026" / "11").mkdir(parents=True)
    plain = folder / "2026" / "11" / f"{ACCOUNT}_CloudTrail_eu-west-1_20261102T1000Z_a.json"
    plain.write_text(json.dumps({"Records": RECORDS[:2]}))
    zipped = folder / "2026" / "11" / f"{ACCOUNT}_CloudTrail_eu-west-1_20261104T1000Z_b.json.gz"
    zipped.write_bytes(gzip.compress(json.dumps({"Records": RECORDS[2:]}).encode()))
    (folder / "2026" / "README.txt").write_text("not a trail file")


def test_folder_of_plain_and_gzipped_files_attributed_by_session(
    tmp_path: Path, fixture_app: Callable[[str], Loaded]
) -> None:
    _write(tmp_path)
    app, _ = fixture_app("serverless_shop")
    events = read_events(tmp_path)
    assert [(e.session, e.name, e.index) for e in events] == [
        ("shop-dev-getOrder", "GetItem", 0),
        ("shop-dev-createOrder", "Invoke", 1),
        ("shop-dev-createOrder", "HeadObject", 0),
        ("someone-else", "GetCallerIdentity", 1),
    ]
    by_function, unattributed = attribute(events, [app])
    assert sorted(by_function) == [("shop", "createOrder"), ("shop", "getOrder")]
    assert [e.session for e in unattributed] == ["someone-else"]
    needs = observed_needs(by_function[("shop", "createOrder")])
    zipped = tmp_path / "2026" / "11" / f"{ACCOUNT}_CloudTrail_eu-west-1_20261104T1000Z_b.json.gz"
    plain = tmp_path / "2026" / "11" / f"{ACCOUNT}_CloudTrail_eu-west-1_20261102T1000Z_a.json"
    assert [(n.action, n.resources, n.source, n.evidence, n.note) for n in needs] == [
        (
            "lambda:InvokeFunction",
            (f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:mailer",),
            NeedSource.OBSERVED,
            f"CloudTrail {plain} record 1: lambda:Invoke at 2026-11-03T10:00:00Z",
            None,
        ),
        (
            "s3:GetObject",
            ("arn:aws:s3:::receipts/a.png",),
            NeedSource.OBSERVED,
            f"CloudTrail {zipped} record 0: s3:HeadObject at 2026-11-04T10:00:00Z, failed: AccessDenied",
            "the call failed (AccessDenied)",
        ),
    ]
    get = observed_needs(by_function[("shop", "getOrder")])
    assert [(n.action, n.resources) for n in get] == [
        ("dynamodb:GetItem", (f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/shop-orders-dev",)),
    ]


def test_time_window(tmp_path: Path) -> None:
    _write(tmp_path)
    since = parse_time("2026-11-03", what="--since")
    until = parse_time("2026-11-04T10:30:00+00:00", what="--until")
    events = read_events(tmp_path, since=since, until=until)
    assert [e.name for e in events] == ["Invoke", "HeadObject"]
    assert since == dt.datetime(2026, 11, 3, tzinfo=dt.timezone.utc)


def test_lookup_events_output(tmp_path: Path) -> None:
    out = tmp_path / "lookup.json"
    out.write_text(
        json.dumps(
            {
                "Events": [
                    {
                        "EventId": "e1",
                        "EventName": "GetItem",
                        "EventTime": "2026-11-02T10:00:00+00:00",
                        "Username": "shop-dev-getOrder",
                        "Resources": [],
                        "CloudTrailEvent": json.dumps(RECORDS[0]),
                    }
                ]
            }
        )
    )
    (event,) = read_events(out)
    assert (event.session, event.source, event.name, event.role) == (
        "shop-dev-getOrder",
        "dynamodb.amazonaws.com",
        "GetItem",
        "shop-dev-role",
    )


def test_cloudformation_generated_names_are_attributed(
    fixture_app: Callable[[str], Loaded], tmp_path: Path
) -> None:
    app, _ = fixture_app("sam_orders")
    out = tmp_path / "t.json"
    out.write_text(
        json.dumps(
            {
                "Records": [
                    record(
                        "orders-stack-ReaderFunction-AbC123xYz",
                        "dynamodb.amazonaws.com",
                        "GetItem",
                        "2026-11-02T10:00:00Z",
                    )
                ]
            }
        )
    )
    by_function, unattributed = attribute(read_events(out), [app])
    assert list(by_function) == [("sam_orders", "ReaderFunction")] and unattributed == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON"),
        (b'{"Records": [{"eventTime": "2026-11-02T10:00:00Z"}]}', "record 0 has no userIdentity"),
        (b'{"Records": "x"}', "not a CloudTrail file"),
        (b'{"Events": [{"EventId": "e"}]}', "event 0 has no CloudTrailEvent string"),
        # mtime fixed: the test id holds the bytes, and xdist workers must collect equal ids.
        (gzip.compress(b"[1, 2]", mtime=0), "not a CloudTrail file"),
        (b"\x1f\x8b broken gzip", "cannot read"),
    ],
)
def test_bad_input_is_an_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(CloudTrailError) as info:
        read_events(tmp_path)
    assert str(info.value).startswith(str(bad)) and message in str(info.value)


def test_bad_time_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CloudTrailError, match=r"--since: 'yesterday' is not an ISO 8601"):
        parse_time("yesterday", what="--since")
    with pytest.raises(CloudTrailError, match="no such file or folder"):
        read_events(tmp_path / "missing")


def test_folder_walk_skips_symlinks(tmp_path: Path) -> None:
    import os

    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"Records": RECORDS[:1]}))
    trail = tmp_path / "trail"
    (trail / "a").mkdir(parents=True)
    (trail / "a" / "real.json").write_text(json.dumps({"Records": RECORDS[1:2]}))
    os.symlink(outside, trail / "a" / "link.json")
    os.symlink(trail, trail / "a" / "loop")
    assert [e.name for e in read_events(trail)] == ["Invoke"]
