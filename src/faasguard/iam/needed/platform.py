"""What a function's role needs without any code: logs, tracing, VPC, polling, failure sends.

Lambda itself uses the execution role for these, so a least-privilege role must keep them:

* CloudWatch Logs, to write the function's own log group;
* X-Ray segments when tracing is active;
* the ENI actions when the function is in a VPC;
* polling of SQS queues, Kinesis streams and DynamoDB streams by event source mappings;
* sends to the dead-letter queue or topic and to on-failure destinations;
* ``kms:Decrypt`` of the environment when it is encrypted with a customer key.

The action lists follow the AWS managed policies Lambda documents for each case
(``AWSLambdaBasicExecutionRole``, ``AWSLambdaSQSQueueExecutionRole``, ...), scoped to the
function's own resources where the template says which.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.iam.needed.interface import Need, NeedSource
from faasguard.iam.needed.scope import (
    Target,
    arns_for,
    function_ids,
    resources_of,
    target_of_expression,
)
from faasguard.model import AppFormat, Application, Function, Trigger, TriggerKind, Unknown

__all__ = ["platform_needs"]

_LOGS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
_XRAY = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
_VPC = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:UnassignPrivateIpAddresses",
)
#: Event source mapping pollers: trigger kind -> (IAM prefix, actions that take the source's
#: ARN, actions that accept only "*").
_POLLERS: dict[TriggerKind, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    TriggerKind.SQS: (
        "sqs",
        ("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"),
        (),
    ),
    TriggerKind.KINESIS: (
        "kinesis",
        (
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "kinesis:SubscribeToShard",
        ),
        ("kinesis:ListStreams",),
    ),
    TriggerKind.DYNAMODB_STREAM: (
        "dynamodb",
        ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
        ("dynamodb:ListStreams",),
    ),
}
#: Destination service (from its ARN or resource type) -> the action that sends to it.
_SENDS = {
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
}
_SEND_TYPES = {
    "AWS::SQS::Queue": "sqs",
    "AWS::SNS::Topic": "sns",
    "AWS::Lambda::Function": "lambda",
    "AWS::Serverless::Function": "lambda",
    "AWS::Events::EventBus": "events",
}


def platform_needs(fn: Function, app: Application) -> tuple[list[Need], list[str]]:
    """Every need the platform implies for ``fn`` (source ``platform`` or ``trigger``).

    Returns:
        The needs, and what could not be decided (a destination of unknown type).
    """
    unknown: list[str] = []
    needs = list(_platform(fn, app, unknown))
    return needs, unknown


def _platform(fn: Function, app: Application, unknown: list[str]) -> Iterator[Need]:
    yield from _logs(fn, app)
    if isinstance(fn.tracing, str) and fn.tracing.lower() == "active":
        for action in _XRAY:
            yield Need(
                action,
                ("*",),
                NeedSource.PLATFORM,
                f"{fn.location} tracing: Active",
                None,
                "tracing",
            )
    if fn.vpc is not None:
        for action in _VPC:
            yield Need(
                action, ("*",), NeedSource.PLATFORM, f"{fn.location} VPC attachment", None, "vpc"
            )
    for trigger in fn.triggers:
        yield from _poller(trigger, app)
    sends = (
        ("dead-letter target", "dead-letter", fn.dead_letter),
        ("on-failure destination", "destination", fn.on_failure),
    )
    for label, feature, value in sends:
        if value is not None:
            yield from _send(label, feature, value, fn, app, unknown)
    kms = fn.kms_key_arn
    if kms is not None:
        resources, note = _resources("kms", "kms:Decrypt", kms, app)
        yield Need(
            "kms:Decrypt",
            resources,
            NeedSource.PLATFORM,
            f"{fn.location} environment encrypted with a customer key",
            note,
            "kms",
        )


def _logs(fn: Function, app: Application) -> Iterator[Need]:
    region = "${AWS::Region}"
    if app.format is AppFormat.SERVERLESS and fn.log_group == (
        f"/aws/lambda/{app.name}-{app.stage}-{fn.name}"
    ):
        # Serverless names it <service>-<stage>-<function>: keep the stage a variable so the
        # policy holds for every stage the service is deployed to.
        group = "/aws/lambda/${self:service}-${sls:stage}-" + fn.name
    elif fn.log_group and fn.log_group.startswith("/"):
        group = fn.log_group
    elif fn.resource_id:
        # Ref of a function is its deployed name; Lambda logs to /aws/lambda/<name>.
        group = "/aws/lambda/${" + fn.resource_id + "}"
    else:
        group = f"/aws/lambda/{fn.name}"
    arn = f"arn:aws:logs:{region}:${{AWS::AccountId}}:log-group:{group}:*"
    for action in _LOGS:
        yield Need(
            action, (arn,), NeedSource.PLATFORM, f"{fn.location} CloudWatch Logs", None, "logs"
        )


def _poller(trigger: Trigger, app: Application) -> Iterator[Need]:
    spec = _POLLERS.get(trigger.kind)
    if spec is None:
        return
    prefix, scoped, star = spec
    evidence = f"{trigger.location} {trigger.kind.value} event source mapping"
    target = _source_target(trigger, app)
    for action in scoped:
        resources, note = _resources(prefix, action, target, app, stream=trigger.kind)
        yield Need(action, resources, NeedSource.TRIGGER, evidence, note, "poller")
    for action in star:
        yield Need(action, ("*",), NeedSource.TRIGGER, evidence, None, "poller")


def _source_target(trigger: Trigger, app: Application) -> Target:
    source = trigger.source
    if source is None:
        return Target(reason="the trigger names no source")
    if isinstance(source, Unknown):
        found = target_of_expression(source)
        return found or Target(reason=f"the trigger's source is {source.expression}")
    if resources_of(app).get(source) is not None:
        return Target(ref=source)
    return Target(literal=source)


def _resources(
    prefix: str,
    action: str,
    value: str | Unknown | Target,
    app: Application,
    *,
    stream: TriggerKind | None = None,
) -> tuple[tuple[str, ...], str | None]:
    target = value if isinstance(value, Target) else _value_target(value, app)
    if stream is TriggerKind.DYNAMODB_STREAM:
        # Stream ARNs: a table reference polls that table's streams.
        if target.ref and resources_of(app).get(target.ref) is not None:
            return ("${" + target.ref + ".StreamArn}",), None
        if target.literal and target.literal.startswith("arn:"):
            return (target.literal,), None
        return ("*",), target.reason or "the stream is not known before deploy"
    if stream is TriggerKind.KINESIS and target.ref:
        return ("${" + target.ref + ".Arn}",), None
    types = {"sqs": ("queue",), "kinesis": ("stream",), "kms": ("key",), "sns": ("topic",)}
    fallback = types.get(prefix, ())
    return arns_for(prefix, action, target, app, types=fallback or None)


def _value_target(value: str | Unknown, app: Application) -> Target:
    if isinstance(value, Unknown):
        return target_of_expression(value) or Target(reason=f"{value.expression} ({value.reason})")
    if resources_of(app).get(value) is not None:
        return Target(ref=value)
    return Target(literal=value)


def _send(
    label: str,
    feature: str,
    value: str | Unknown,
    fn: Function,
    app: Application,
    unknown: list[str],
) -> Iterator[Need]:
    target = _value_target(value, app)
    service: str | None = None
    if target.ref:
        res = resources_of(app).get(target.ref)
        service = _SEND_TYPES.get(res.type) if res else None
        if res is None and (target.ref in function_ids(app)):
            service = "lambda"
    elif target.literal and target.literal.startswith("arn:"):
        parts = target.literal.split(":")
        service = parts[2] if len(parts) > 2 else None
    evidence = f"{fn.location} {label}"
    if service not in _SENDS:
        unknown.append(f"{evidence}: cannot tell what service {value} is")
        return
    action = _SENDS[str(service)]
    types = {
        "sqs": ("queue",),
        "sns": ("topic",),
        "lambda": ("function",),
        "events": ("event-bus",),
    }
    resources, note = arns_for(str(service), action, target, app, types=types[str(service)])
    yield Need(action, resources, NeedSource.PLATFORM, evidence, note, feature)
