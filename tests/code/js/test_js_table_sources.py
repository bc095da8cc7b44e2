"""Every event-field row read from JavaScript, and every JavaScript summary row, from the tables.

Event fields: for each row and each trigger kind SAM can declare, a Node.js function with only
that trigger reads the field (``event["Records"][0]["s3"]...``) into a shell: the finding names the
row's label and kind; a twin reads ``requestContext`` (set by AWS) and is clean, except for IoT
whose event is the message itself. Summaries: the request body passed through a summarised call
stays tainted at high confidence (the flow is exact, not approximated).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.models.events import EVENT_FIELDS
from faasguard.code.models.interface import EventField, SummaryModel
from faasguard.code.models.javascript import MODELS
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

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
_GLOBALS = ("JSON.", "Buffer.", "Object.", "Array.", "Promise.")
_SHELL = 'require("child_process").exec(String({v}));'


def _read(path: tuple[str, ...]) -> str:
    """``("Records", "*", "body")`` -> ``event["Records"][0]["body"]`` (a leading ``*``: a key)."""
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


def _summary_call(row: SummaryModel, value: str) -> str:
    """A call of a summary row's callee with ``value`` at every argument it summarises."""
    path = row.callee
    if row.args == (-1,):  # a method of what a call returned: the value goes into that call
        head, _, method = path.rpartition(".")
        return _summary_call(SummaryModel(head.removesuffix("()"), ""), value) + f".{method}()"
    args = ", ".join([value] * (max(row.args) + 1))
    if "." not in path and "(" not in path and path[:1].isupper():
        return f"new {path}({args})"  # URL, URLSearchParams, Request, String...
    if path.startswith(_GLOBALS) or path in ("atob", "decodeURIComponent", "decodeURI", "unescape"):
        return f"{path}({args})"
    start = path.index("/") if path.startswith("@") else 0
    cut = min((i for i in (path.find(".", start), path.find("(", start)) if i >= 0), default=-1)
    module, rest = (path, "") if cut < 0 else (path[:cut], path[cut:])
    return f'require("{module}"){rest}({args})'


CASES = _cases()
SUMMARIES = [(f"Summary{i}", row) for i, row in enumerate(MODELS.summaries) if not row.alias]


def _function(lines: list[str], template: list[str], name: str, body: str, event: str) -> None:
    lines.append(f"exports.{name.lower()} = async (event) => {{ {body} }};")
    template += [
        f"  {name}:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Runtime: nodejs22.x",
        "      CodeUri: src/",
        f"      Handler: app.{name.lower()}",
        "      Events:",
        "        Trigger:",
        f"          {event}",
    ]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str, str]]]:
    root: Path = tmp_path_factory.mktemp("js-sources")
    (root / "src").mkdir()
    lines: list[str] = []
    template = [
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        "  B:\n    Type: AWS::S3::Bucket",
        "  P:\n    Type: AWS::Cognito::UserPool",
    ]
    for name, row, kind in CASES:
        _function(lines, template, name, _SHELL.format(v=_read(row.path)), EVENTS[kind])
        aws_set = _SHELL.format(v='event["requestContext"]')
        _function(lines, template, name + "Aws", aws_set, EVENTS[kind])
    for name, row in SUMMARIES:
        call = _summary_call(row, 'event["body"]')
        _function(lines, template, name, _SHELL.format(v=f"await {call}"), EVENTS["http-api"])
    (root / "src" / "app.js").write_text("\n".join(lines) + "\n")
    (root / "template.yaml").write_text("\n".join(template) + "\n")
    result = scan(root, Config(), load_options=LoadOptions(), analyzers=[CodeAnalyzer()])
    assert [f.rule_id for f in result.findings if f.rule_id in ("FG0001", "FG0003")] == []
    found: dict[str, list[tuple[str, str, str]]] = {}
    for finding in result.findings:
        if finding.category != "code.command-injection":
            continue
        assert finding.source is not None
        found.setdefault(finding.function or "", []).append(
            (finding.source.trigger, finding.source.label, finding.confidence.value)
        )
    return found


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


def test_summary_calls_become_javascript() -> None:
    assert _summary_call(SummaryModel("path.join", "", args=(0, 1)), "v") == (
        'require("path").join(v, v)'
    )
    assert _summary_call(SummaryModel("Buffer.from().toString", "", args=(-1,)), "v") == (
        "Buffer.from(v).toString()"
    )
    assert _summary_call(SummaryModel("URLSearchParams", ""), "v") == "new URLSearchParams(v)"
