"""The application while the Terraform loader builds it, and what its parts share.

A :class:`Draft` holds the loaded items by address and type and the model drafts (functions,
roles, APIs, resources); its lookups join a value to what it names: a reference first, then a
literal name or ARN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadIssue
from faasguard.loaders.terraform.convert import blocks, first, strings, text
from faasguard.loaders.terraform.modules import Item, Project
from faasguard.loaders.terraform.policy import statements_of
from faasguard.loaders.terraform.values import Ref, direct_ref
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import (
    Api,
    AuthKind,
    Cors,
    Function,
    Location,
    Resource,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)

__all__ = [
    "SERVICE_KINDS",
    "Draft",
    "cors_of",
    "deployed_name",
    "esm_properties",
    "policy_arns",
    "source_id",
    "stream_kind",
    "url_trigger",
]


@dataclass(slots=True)
class Draft:
    """The application while it is built: mutable drafts, frozen at the end."""

    project: Project
    fs: ScanFS
    items: dict[str, Item]
    functions: dict[str, Function] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    apis: dict[str, Api] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    by_type: dict[str, list[Item]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.items.values():
            self.by_type.setdefault(item.type, []).append(item)

    def of_type(self, *types: str) -> list[Item]:
        """Items of the given types, in declaration order (type by type)."""
        if len(types) == 1:
            return self.by_type.get(types[0], [])
        return [item for kind in types for item in self.by_type.get(kind, [])]

    def target(self, value: Any, *types: str) -> Item | None:
        """The item of one of ``types`` that ``value`` refers to (a reference, or a name)."""
        ref = direct_ref(value)
        if ref is not None:
            item = self.items.get(ref[0])
            return item if item is not None and (not types or item.type in types) else None
        if isinstance(value, str) and value:
            name = value.rsplit(":", 1)[-1] if value.startswith("arn:") else value
            for item in self.of_type(*(types or _NAMED_TYPES)):
                values = item.values
                if name in (values.get("name"), values.get("function_name"), values.get("bucket")):
                    return item
        return None

    def function_for(self, value: Any) -> str | None:
        """Key of the function ``value`` names: a reference, a module output, a name or ARN."""
        for ref in _refs(value):
            if ref in self.functions:
                return ref
            for key in self.functions:  # module.x.lambda_function_arn -> module.x.<function>
                if key.startswith(ref + "."):
                    return key
        if isinstance(value, str) and value:
            name = value.split(":function:", 1)[-1].split(":", 1)[0]
            name = name.rsplit("/", 1)[-1]
            for key, fn in self.functions.items():
                if name in (fn.name, deployed_name(self, key)):
                    return key
        return None

    def add_trigger(self, key: str, trigger: Trigger) -> None:
        """Append ``trigger`` to the function ``key``."""
        fn = self.functions[key]
        self.functions[key] = replace(fn, triggers=(*fn.triggers, trigger))

    def referenced(self, key: str, by: str) -> None:
        """Record that resource ``by`` names the function ``key``."""
        fn = self.functions[key]
        if by not in fn.referenced_by:
            self.functions[key] = replace(fn, referenced_by=(*fn.referenced_by, by))

    def location(self, item: Item, key: str | None = None) -> Location:
        """Where ``item`` (or its argument ``key``) is written."""
        line = line_of(item.values, key) if key else item.location.line
        return Location(item.location.file, line or item.location.line)

    def statements(self, policy: Any, *, item: Item, key: str, origin: str) -> list[Statement]:
        """Statements of a policy argument (JSON text, ``jsonencode()``, a rendered document)."""
        return statements_of(policy, where=self.location(item, key), origin=origin)


#: Types a literal name or ARN is matched against when the caller does not say which.
_NAMED_TYPES = (
    "aws_lambda_function",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_kinesis_stream",
    "aws_dynamodb_table",
    "aws_s3_bucket",
    "aws_iam_role",
    "aws_cloudwatch_event_rule",
    "aws_msk_cluster",
    "aws_mq_broker",
)


def _refs(value: Any) -> tuple[str, ...]:
    return value.refs if isinstance(value, Ref) else ()


def deployed_name(draft: Draft, key: str) -> str | None:
    """The literal ``function_name`` of function ``key``, when it has one."""
    item = draft.items.get(key)
    name = item.values.get("function_name") if item else None
    return name if isinstance(name, str) else None


def source_id(draft: Draft, value: Any) -> str | Unknown | None:
    """What an event source is: the address of the resource ``value`` names, else the value."""
    target = draft.target(value)
    if target is not None:
        return target.address
    return text(value)


_STREAM_TYPES = {
    "aws_sqs_queue": TriggerKind.SQS,
    "aws_kinesis_stream": TriggerKind.KINESIS,
    "aws_dynamodb_table": TriggerKind.DYNAMODB_STREAM,
    "aws_msk_cluster": TriggerKind.KAFKA,
    "aws_msk_serverless_cluster": TriggerKind.KAFKA,
    "aws_mq_broker": TriggerKind.MQ,
}


def stream_kind(draft: Draft, arn: Any) -> TriggerKind:
    """The trigger kind of an event source mapping, from the resource it names or its ARN."""
    target = draft.target(arn)
    if target is not None:
        return _STREAM_TYPES.get(target.type, TriggerKind.OTHER)
    if isinstance(arn, str) and arn.count(":") >= 5:
        service = arn.split(":")[2]
        return SERVICE_KINDS.get(service, TriggerKind.OTHER)
    return TriggerKind.OTHER


SERVICE_KINDS = {
    "s3": TriggerKind.S3,
    "sqs": TriggerKind.SQS,
    "sns": TriggerKind.SNS,
    "events": TriggerKind.EVENTBRIDGE,
    "scheduler": TriggerKind.SCHEDULE,
    "apigateway": TriggerKind.REST_API,
    "elasticloadbalancing": TriggerKind.ALB,
    "logs": TriggerKind.CLOUDWATCH_LOGS,
    "iot": TriggerKind.IOT,
    "cognito-idp": TriggerKind.COGNITO,
    "kinesis": TriggerKind.KINESIS,
    "dynamodb": TriggerKind.DYNAMODB_STREAM,
    "kafka": TriggerKind.KAFKA,
    "appsync": TriggerKind.APPSYNC,
    "alexa-appkit": TriggerKind.ALEXA,
}


_ESM_KEYS = {
    "batch_size": "BatchSize",
    "maximum_batching_window_in_seconds": "MaximumBatchingWindowInSeconds",
    "starting_position": "StartingPosition",
    "maximum_retry_attempts": "MaximumRetryAttempts",
    "bisect_batch_on_function_error": "BisectBatchOnFunctionError",
    "function_response_types": "FunctionResponseTypes",
    "enabled": "Enabled",
    "parallelization_factor": "ParallelizationFactor",
    "maximum_record_age_in_seconds": "MaximumRecordAgeInSeconds",
}


def esm_properties(v: Mapping[str, Any]) -> dict[str, Any]:
    """An event source mapping's settings, with CloudFormation's names (``BatchSize``...)."""
    props = {cfn: v[tf] for tf, cfn in _ESM_KEYS.items() if tf in v}
    destination = first(first(v.get("destination_config")).get("on_failure"))
    if destination.get("destination_arn") is not None:
        props["DestinationConfig"] = {"OnFailure": {"Destination": destination["destination_arn"]}}
    criteria = first(v.get("filter_criteria"))
    if criteria:
        props["FilterCriteria"] = {
            "Filters": [{"Pattern": f.get("pattern")} for f in blocks(criteria.get("filter"))]
        }
    return props


def cors_of(block: Mapping[str, Any], where: Location) -> Cors | None:
    """A ``cors`` block (function URL, lambda module) as the model's CORS settings."""
    if not block:
        return None
    origins = block.get("allow_origins")
    return Cors(
        strings(origins),
        allow_credentials=block.get("allow_credentials")
        if isinstance(block.get("allow_credentials"), (bool, Unknown))
        else None,
        location=where,
    )


def url_trigger(auth: str | Unknown | None, where: Location, cors: Cors | None) -> Trigger:
    """The trigger of a function URL whose ``authorization_type`` is ``auth``."""
    kind = auth.upper() if isinstance(auth, str) else None
    return Trigger(
        TriggerKind.FUNCTION_URL,
        where,
        auth=AuthKind.IAM
        if kind == "AWS_IAM"
        else AuthKind.NONE
        if kind == "NONE"
        else AuthKind.UNKNOWN,
        internet_reachable=True,
        cors=cors,
    )


def policy_arns(draft: Draft, arn: Any, statements: list[Statement], item: Item) -> list[Any]:
    """A policy ARN: a template ``aws_iam_policy`` adds its statements; others are managed."""
    policy = draft.target(arn, "aws_iam_policy")
    if policy is not None:
        statements.extend(
            draft.statements(
                policy.values.get("policy"), item=policy, key="policy", origin=policy.address
            )
        )
        return []
    got = text(arn)
    return [got] if got is not None else []
