"""Every event-field row and every summary row of the tables, exercised from the table itself.

Event fields: for each row and each trigger kind it lists, a function with only that trigger
reads the field into a shell: the finding names the row's label and kind. A twin reads a field
AWS sets (`requestContext`) and is clean (except for IoT, whose event is the message). Summaries: data passed through a summarised call
stays tainted, at high confidence (the flow is exact, not approximated).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.code.models.events import EVENT_FIELDS
from faasguard.code.models.interface import EventField, SummaryModel
from faasguard.code.models.python import MODELS
from tests.code.support import analyze

#: A SAM event block per trigger kind (the ones SAM can declare on a function).
EVENTS = {
    "rest-api": "Type: Api\n          Properties: {Path: /x, Method: get}",
    "http-api": "Type: HttpApi",
    "s3": "Type: S3\n          Properties: {Bucket: !Ref B, Events: 's3:ObjectCreated:*'}",
    "sqs": "Type: SQS\n          Properties: {Queue: arn:aws:sqs:us-east-1:1:q}",
    "sns": "Type: SNS\n          Properties: {Topic: arn:aws:sns:us-east-1:1:t}",
    "dynamodb-stream": "Type: DynamoDB\n          Properties: {Stream: arn:aws:dynamodb:us-east-1:1:"
    "table/t/stream/1, StartingPosition: LATEST}",
    "kinesis": "Type: Kinesis\n          Properties: {Stream: arn:aws:kinesis:us-east-1:1:stream/s, "
    "StartingPosition: LATEST}",
    "eventbridge": "Type: EventBridgeRule\n          Properties: {Pattern: {source: [x]}}",
    "cognito": "Type: Cognito\n          Properties: {UserPool: !Ref P, Trigger: PreSignUp}",
    "iot": "Type: IoTRule\n          Properties: {Sql: SELECT * FROM 't'}",
    "kafka": "Type: MSK\n          Properties: {Stream: arn:aws:kafka:us-east-1:1:cluster/c/1, "
    "StartingPosition: LATEST, Topics: [t]}",
    "mq": "Type: MQ\n          Properties: {Broker: arn:aws:mq:us-east-1:1:broker:b, Queues: [q], "
    "SourceAccessConfigurations: [{Type: BASIC_AUTH, URI: arn:aws:secretsmanager:us-east-1:1:"
    "secret:s}]}",
    "alexa": "Type: AlexaSkill",
}


def _read(path: tuple[str, ...]) -> str:
    return "event" + "".join(
        "[0]" if p == "*" and i else '["k"]' if p == "*" else f'["{p}"]' for i, p in enumerate(path)
    )


def _cases() -> list[tuple[str, EventField, str]]:
    cases = []
    for i, row in enumerate(EVENT_FIELDS):
        for kind in row.kinds:
            if kind in EVENTS:
                cases.append((f"Field{i}{re.sub(r'[^A-Za-z]', '', kind.title())}", row, kind))
    return cases


CASES = _cases()
SUMMARIES = [(f"Summary{i}", row) for i, row in enumerate(MODELS.summaries) if not row.alias]


def _function(lines: list[str], template: list[str], name: str, body: str, event: str) -> None:
    lines += ["", f"def {name.lower()}(event, context):", f"    {body}"]
    template += [
        f"  {name}:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Runtime: python3.12",
        "      CodeUri: src/",
        f"      Handler: app.{name.lower()}",
        "      Events:",
        "        Trigger:",
        f"          {event}",
    ]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str, str]]]:
    root: Path = tmp_path_factory.mktemp("sources")
    (root / "src").mkdir()
    lines = [
        "import os",
        *(
            f"import {m}"
            for m in sorted(
                {row.callee.split(".")[0] for _, row in SUMMARIES} - {"str", "dict", "list"}
            )
        ),
    ]
    template = [
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        "  B:\n    Type: AWS::S3::Bucket",
        "  P:\n    Type: AWS::Cognito::UserPool",
    ]
    for name, row, kind in CASES:
        _function(lines, template, name, f"os.system(str({_read(row.path)}))", EVENTS[kind])
        _function(
            lines, template, name + "Aws", 'os.system(str(event["requestContext"]))', EVENTS[kind]
        )
    for name, row in SUMMARIES:
        args = ", ".join(['event["body"]'] * (max(row.args) + 1)) if row.args else ""
        kwargs = ", ".join(f'{k}=event["body"]' for k in row.kwargs if not row.args)
        call = f"{row.callee}({', '.join(a for a in (args, kwargs) if a)})"
        _function(lines, template, name, f"os.system(str({call}))", EVENTS["http-api"])
    (root / "src" / "app.py").write_text("\n".join(lines) + "\n")
    (root / "template.yaml").write_text("\n".join(template) + "\n")
    found, _issues = analyze(root)
    result: dict[str, list[tuple[str, str, str]]] = {}
    for finding in found:
        assert finding.source is not None
        result.setdefault(finding.function or "", []).append(
            (finding.source.trigger, finding.source.label, finding.confidence.value)
        )
    return result


@pytest.mark.parametrize(("name", "row", "kind"), CASES, ids=[c[0] for c in CASES])
def test_event_field_is_attacker_data_for_its_trigger(
    findings: dict[str, list[tuple[str, str, str]]], name: str, row: EventField, kind: str
) -> None:
    assert findings.get(name) == [(kind, row.label, "high")]
    if kind != "iot":  # an IoT rule sends the message itself: every key is the publisher's
        assert findings.get(name + "Aws") is None


@pytest.mark.parametrize(("name", "row"), SUMMARIES, ids=[r.callee for _, r in SUMMARIES])
def test_summary_keeps_the_taint_exactly(
    findings: dict[str, list[tuple[str, str, str]]], name: str, row: SummaryModel
) -> None:
    assert findings.get(name) == [("http-api", "request body", "high")]
