"""Scoping: the ARNs a call's actions need, from where the resource name comes from.

A table, bucket, queue, topic, secret, parameter, function, stream, state machine, delivery
stream, event bus or key named in code by an environment variable is followed into the template:
``!Ref OrdersTable``, ``!GetAtt Queue.Arn``, ``${self:custom.tableName}`` or a literal becomes
that resource's ARN, with the sub-resources the action works on (``/index/*`` for a query,
``/*`` for objects). ARNs keep deploy-time parts in CloudFormation ``Fn::Sub`` syntax
(``arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}``) so the fix can write
them back as ``!Sub``. What cannot be known is ``*``, with a note saying why (house style 4:
unknown is neither pass nor fail).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from faasguard.iam.needed.interface import Name, NameKind
from faasguard.model import Application, Function, Resource, Role, Unknown

__all__ = [
    "Target",
    "arns_for",
    "function_ids",
    "resolve_name",
    "resources_of",
    "role_of",
    "target_of_expression",
    "terraform_spelling",
]

_REGION = "${AWS::Region}"
_ACCOUNT = "${AWS::AccountId}"
_SHORT_TAG = re.compile(r"^!(Ref|GetAtt)\s+([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?$")
#: A CloudFormation reference inside a literal name: not a name faasguard can scope. (Serverless
#: variables, ``${sls:stage}``, ``${ssm:/x}``, are kept: the framework resolves them when it
#: packages the service, so an ARN written back with them holds for every stage.)
_DEPLOY_TIME = re.compile(r"\$\{[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?\}")
#: A Terraform reference as the Terraform loader renders an unresolved value.
_TF_REFERENCE = re.compile(r"^((?:module\.[\w-]+\.)*(?:data\.)?aws_\w+\.[\w-]+)\.(\w+)$")
_TF_IN_ARN = re.compile(
    r"\$\{((?:module\.[\w-]+\.)*(?:data\.)?aws_\w+\.[\w-]+)(?:\.(Arn|StreamArn))?\}"
)
_TF_ATTRIBUTES = {"arn": "Arn", "stream_arn": "StreamArn", "url": "QueueUrl"}
_TF_SPELLING = {"Arn": "arn", "StreamArn": "stream_arn"}
_QUEUE_URL = re.compile(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(\d{12})/(.+)$")

#: IAM resource type (per prefix) -> ARN suffix appended to the resource's base ARN.
_SUFFIXES: dict[str, dict[str, str]] = {
    "dynamodb": {"table": "", "index": "/index/*", "stream": "/stream/*"},
    "s3": {"bucket": "", "object": "/*"},
    "sqs": {"queue": ""},
    "sns": {"topic": ""},
    "secretsmanager": {"Secret": ""},
    "ssm": {"parameter": ""},
    "lambda": {"function": ""},
    "kinesis": {"stream": ""},
    "states": {"statemachine": ""},
    "firehose": {"deliverystream": ""},
    "events": {"event-bus": ""},
    "kms": {"key": ""},
}

#: What ``Ref`` returns for each resource type: the name, or already the ARN.
_REF_IS_ARN = frozenset(
    {
        "AWS::SNS::Topic",
        "AWS::SecretsManager::Secret",
        "AWS::StepFunctions::StateMachine",
        "AWS::Serverless::StateMachine",
    }
)

#: The resource types each IAM prefix's calls can act on (to check a reference's type).
_TYPES: dict[str, frozenset[str]] = {
    "dynamodb": frozenset({"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"}),
    "s3": frozenset({"AWS::S3::Bucket"}),
    "sqs": frozenset({"AWS::SQS::Queue"}),
    "sns": frozenset({"AWS::SNS::Topic"}),
    "secretsmanager": frozenset({"AWS::SecretsManager::Secret"}),
    "ssm": frozenset({"AWS::SSM::Parameter"}),
    "lambda": frozenset({"AWS::Lambda::Function", "AWS::Serverless::Function"}),
    "kinesis": frozenset({"AWS::Kinesis::Stream"}),
    "states": frozenset({"AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"}),
    "firehose": frozenset({"AWS::KinesisFirehose::DeliveryStream"}),
    "events": frozenset({"AWS::Events::EventBus"}),
    "kms": frozenset({"AWS::KMS::Key"}),
}


@dataclass(frozen=True, slots=True)
class Target:
    """The resource a call acts on, as far as the template tells.

    Exactly one of ``ref`` (a logical id, with the ``GetAtt`` attribute if any), ``literal``
    (a name, ARN or URL) or ``reason`` (why it is unknown) is set.
    """

    ref: str | None = None
    attr: str | None = None
    literal: str | None = None
    reason: str | None = None
    via: str | None = None  # the environment variable it came through, for notes


def resolve_name(name: Name | None, fn: Function, *, keep_variables: bool = False) -> Target:
    """Follow a name written in code (an env var, a literal) to a template value.

    Args:
        name: the name as the code gives it.
        fn: the function (its environment).
        keep_variables: for Serverless, keep a value written as ``${self:custom.table}``
            unresolved, so a policy written back into serverless.yml follows the stage it is
            deployed to instead of the one faasguard resolved.
    """
    if name is None:
        return Target(reason="the call names no resource")
    if name.kind is NameKind.LITERAL:
        return Target(literal=name.value)
    if name.kind is NameKind.UNKNOWN:
        return Target(reason=f"the resource name is computed in code ({name.value})")
    var = fn.env(name.value)
    if var is None:
        return Target(reason=f"environment variable {name.value} is not set in the template")
    target = _from_raw(var.raw) if var.raw else None
    if target is not None and target.ref and isinstance(var.value, str) and not target.attr:
        # `!Ref Param`: a template parameter the loader resolved (its default, or --param)
        # is the name itself; a resource's Ref never resolves to a string.
        target = Target(literal=var.value)
    if target is None and isinstance(var.value, Unknown):
        target = target_of_expression(var.value.expression)
        if target is None:
            return Target(
                reason=f"environment variable {name.value} is {var.value.expression} "
                f"({var.value.reason})",
                via=name.value,
            )
    if (
        target is None
        and keep_variables
        and var.raw
        and "${" in var.raw
        and not var.raw.startswith("{")
    ):
        target = Target(literal=var.raw)
    if target is None:
        target = Target(literal=str(var.value))
    return Target(target.ref, target.attr, target.literal, target.reason, via=name.value)


def target_of_expression(expression: str | Unknown | None) -> Target | None:
    """A target from an intrinsic as the loaders render it (``!Ref X``, ``!GetAtt X.Arn``)."""
    if expression is None:
        return None
    if isinstance(expression, Unknown):
        expression = expression.expression
    match = _SHORT_TAG.match(expression.strip())
    if match is None:
        terraform = _TF_REFERENCE.match(expression.strip())
        if terraform is None:
            return None
        address, attribute = terraform.groups()
        return Target(ref=address, attr=_TF_ATTRIBUTES.get(attribute))
    kind, ref, attr = match.groups()
    return Target(ref=ref, attr=attr if kind == "GetAtt" else None)


def terraform_spelling(arn: str) -> str:
    """An ARN with Terraform references as Terraform writes them.

    The scoper writes references CloudFormation's way (``${Ref}``, ``${Ref.Arn}``); for a
    Terraform address, ``id`` is the attribute that plays ``Ref``'s part (a table's or bucket's
    name, a queue's URL, a topic's ARN), and ``arn``/``stream_arn`` the attributes.
    """

    def spell(match: re.Match[str]) -> str:
        address, attr = match.groups()
        return "${" + address + "." + _TF_SPELLING.get(attr or "", "id") + "}"

    return _TF_IN_ARN.sub(spell, arn)


def resources_of(app: Application) -> dict[str, Resource]:
    """The application's resources by logical id (built once per application).

    ``Application.resource()`` scans a tuple; with 4,000 SDK calls in 200 functions each
    asking about its table, that scan was a tenth of the needed-permissions time.
    """
    cached = _BY_APP.get(id(app))
    if cached is not None and cached[0] is app:
        return cached[1]
    if len(_BY_APP) > 64:
        _BY_APP.clear()
    found = {res.id: res for res in app.resources}
    functions = {fn.resource_id or fn.name for fn in app.functions} | {
        fn.name for fn in app.functions
    }
    _BY_APP[id(app)] = (app, found, functions)
    return found


def role_of(app: Application, role_id: str | None) -> Role | None:
    """``app.role(role_id)`` from an index built once per application.

    A scan asks once per function: with 15,000 functions each on its own role, scanning the
    roles tuple each time was quadratic.
    """
    cached = _ROLES.get(id(app))
    if cached is None or cached[0] is not app:
        if len(_ROLES) > 64:
            _ROLES.clear()
        cached = _ROLES[id(app)] = (app, {role.id: role for role in app.roles})
    return cached[1].get(role_id) if role_id is not None else None


_ROLES: dict[int, tuple[Application, dict[str, Role]]] = {}


def function_ids(app: Application) -> set[str]:
    """Logical ids (and names) of the application's functions, built once per application."""
    resources_of(app)
    return _BY_APP[id(app)][2]


_BY_APP: dict[int, tuple[Application, dict[str, Resource], set[str]]] = {}


@functools.cache
def _from_raw(raw: str) -> Target | None:
    if not raw.startswith("{"):
        return None
    try:
        value: Any = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((key, arg),) = value.items()
    if key == "Ref" and isinstance(arg, str):
        return Target(ref=arg)
    if key == "Fn::GetAtt":
        parts = arg.split(".", 1) if isinstance(arg, str) else arg
        if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
            return Target(ref=parts[0], attr=parts[1])
    return None


def arns_for(
    prefix: str, action: str, target: Target, app: Application, *, types: tuple[str, ...] | None
) -> tuple[tuple[str, ...], str | None]:
    """The ARNs ``action`` needs on ``target``, and a note when that is ``*``.

    Args:
        prefix: the action's IAM prefix.
        action: the IAM action.
        target: the resource the call acts on.
        app: the application (resource types, region).
        types: the action's IAM resource types; ``()`` when it accepts only ``*``, None when
            faasguard does not scope this service.
    """
    if types is None:
        return ("*",), f"faasguard does not scope {prefix} resources"
    if not types:
        return ("*",), None  # the action accepts only "*": nothing to scope
    suffixes = _SUFFIXES.get(prefix, {})
    wanted = [suffixes[t] for t in types if t in suffixes]
    if not wanted:
        return ("*",), f"{action} does not act on the resource the call names"
    base, note = _base(prefix, target, app)
    if base is None:
        return ("*",), note
    return tuple(sorted({base + s for s in wanted})), None


def _base(prefix: str, target: Target, app: Application) -> tuple[str | None, str | None]:
    if target.reason:
        return None, target.reason
    region = _REGION  # the template may be deployed to any region: never the one resolved
    if target.ref:
        return _base_of_ref(prefix, target, app)
    literal = target.literal or ""
    if literal.startswith("arn:"):
        return _arn_base(prefix, literal), None
    if prefix == "sqs":
        match = _QUEUE_URL.match(literal)
        if match:
            return f"arn:aws:sqs:{match.group(1)}:{match.group(2)}:{match.group(3)}", None
    if not literal or _DEPLOY_TIME.search(literal):
        return None, f"the resource name {literal!r} is not known before deploy"
    return _arn_from_name(prefix, literal, region), None


def _arn_base(prefix: str, arn: str) -> str:
    if prefix == "s3":
        # arn:aws:s3:::bucket/key... -> the bucket ARN; object suffixes are added by the action.
        head, _, _rest = arn.partition("/")
        return head
    if prefix == "dynamodb" and "/index/" in arn:
        return arn.split("/index/")[0]
    return arn


def _arn_from_name(prefix: str, name: str, region: str) -> str:
    acct = _ACCOUNT
    if prefix == "dynamodb":
        return f"arn:aws:dynamodb:{region}:{acct}:table/{name}"
    if prefix == "s3":
        return f"arn:aws:s3:::{name}"
    if prefix == "sqs":
        return f"arn:aws:sqs:{region}:{acct}:{name}"
    if prefix == "sns":
        return f"arn:aws:sns:{region}:{acct}:{name}"
    if prefix == "secretsmanager":
        # Secret ARNs end in a random 6-character suffix.
        return f"arn:aws:secretsmanager:{region}:{acct}:secret:{name}-??????"
    if prefix == "ssm":
        return f"arn:aws:ssm:{region}:{acct}:parameter/{name.lstrip('/')}"
    if prefix == "lambda":
        return f"arn:aws:lambda:{region}:{acct}:function:{name}"
    if prefix == "kinesis":
        return f"arn:aws:kinesis:{region}:{acct}:stream/{name}"
    if prefix == "states":
        return f"arn:aws:states:{region}:{acct}:stateMachine:{name}"
    if prefix == "firehose":
        return f"arn:aws:firehose:{region}:{acct}:deliverystream/{name}"
    if prefix == "events":
        return f"arn:aws:events:{region}:{acct}:event-bus/{name}"
    if prefix == "kms":
        if name.startswith("alias/"):
            return f"arn:aws:kms:{region}:{acct}:{name}"
        return f"arn:aws:kms:{region}:{acct}:key/{name}"
    return name


def _base_of_ref(prefix: str, target: Target, app: Application) -> tuple[str | None, str | None]:
    ref = target.ref or ""
    resource = resources_of(app).get(ref)
    res_type = resource.type if resource else None
    if resource is None and ref not in function_ids(app):
        return None, f"{ref} is not a resource of this template"
    if resource is None:
        res_type = "AWS::Lambda::Function"
    allowed = _TYPES.get(prefix, frozenset())
    if res_type not in allowed:
        return None, f"{ref} is a {res_type}, not a resource this call acts on"
    if target.attr and target.attr not in ("Arn", "TopicArn", "QueueUrl", "QueueName", "Name"):
        return None, f"!GetAtt {ref}.{target.attr} does not name the resource"
    if target.attr in ("Arn", "TopicArn") or res_type in _REF_IS_ARN:
        return "${" + ref + (".Arn" if res_type not in _REF_IS_ARN else "") + "}", None
    if prefix == "sqs":
        # Ref of a queue is its URL; its ARN is an attribute.
        return "${" + ref + ".Arn}", None
    name_prop = _name_property(resource.properties if resource else {}, prefix)
    if prefix == "ssm" and isinstance(name_prop, str):
        return _arn_from_name("ssm", name_prop, _REGION), None
    return _arn_from_name(prefix, "${" + ref + "}", _REGION), None


def _name_property(properties: Any, prefix: str) -> object:
    if prefix == "ssm":
        return properties.get("Name")
    return None
