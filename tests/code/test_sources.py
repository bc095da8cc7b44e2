"""Sources per trigger kind (issue 7 section 3).

Fixture: tests/fixtures/code/python/sources: one function per trigger kind, each sending the
field its trigger lets an attacker write to os.system. A schedule and AWS-set fields are clean;
a function with no trigger is tainted at medium confidence.
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "RestBody": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            9,
            "RestBody",
            "high",
            (
                "src/sources.py:9 event field `body` read: request body (rest-api)",
                "src/sources.py:9 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "HttpQuery": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            13,
            "HttpQuery",
            "high",
            (
                "src/sources.py:13 event field `queryStringParameters` read: query string (http-api)",
                "src/sources.py:13 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "UrlHeaders": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            17,
            "UrlHeaders",
            "high",
            (
                "src/sources.py:17 event field `headers` read: headers (function-url)",
                "src/sources.py:17 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "AlbPath": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            21,
            "AlbPath",
            "high",
            (
                "src/sources.py:21 event field `path` read: request path (alb)",
                "src/sources.py:21 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "WebsocketBody": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            25,
            "WebsocketBody",
            "high",
            (
                "src/sources.py:25 event field `body` read: request body (websocket)",
                "src/sources.py:25 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "S3Key": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            30,
            "S3Key",
            "high",
            (
                "src/sources.py:30 event field `Records[*].s3.object.key` read: S3 object key (s3)",
                "src/sources.py:30 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "SqsBody": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            35,
            "SqsBody",
            "high",
            (
                "src/sources.py:35 event field `Records[*].body` read: SQS message body (sqs)",
                "src/sources.py:35 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "SqsAttributes": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            40,
            "SqsAttributes",
            "high",
            (
                "src/sources.py:39 event field `Records[*].messageAttributes` read: SQS message attributes (sqs)",
                "src/sources.py:40 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "SnsMessage": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            44,
            "SnsMessage",
            "high",
            (
                "src/sources.py:44 event field `Records[*].Sns.Message` read: SNS message (sns)",
                "src/sources.py:44 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "DynamodbImage": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            49,
            "DynamodbImage",
            "high",
            (
                "src/sources.py:49 event field `Records[*].dynamodb` read: DynamoDB stream record (dynamodb-stream)",
                "src/sources.py:49 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "KinesisData": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            54,
            "KinesisData",
            "high",
            (
                "src/sources.py:54 event field `Records[*].kinesis.data` read: Kinesis record data (kinesis)",
                "src/sources.py:54 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "EventbridgeDetail": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            58,
            "EventbridgeDetail",
            "high",
            (
                "src/sources.py:58 event field `detail` read: EventBridge detail (eventbridge)",
                "src/sources.py:58 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "CognitoAttributes": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            62,
            "CognitoAttributes",
            "high",
            (
                "src/sources.py:62 event field `request.userAttributes` read: Cognito user attributes (cognito)",
                "src/sources.py:62 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "IotPayload": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            66,
            "IotPayload",
            "high",
            (
                "src/sources.py:66 event field `device` read: IoT message payload (iot)",
                "src/sources.py:66 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "ScheduleSafe": [],
    "AwsFieldsSafe": [],
    "CustomResourceSafe": [],
    "NoTrigger": [
        (
            "FG2001",
            "code.command-injection",
            "src/sources.py",
            79,
            "NoTrigger",
            "medium",
            (
                "src/sources.py:79 event field `name` read: event of a function with no known trigger (unknown)",
                "src/sources.py:79 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "sources")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)
