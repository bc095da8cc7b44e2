"""Turn loaded Terraform resources into the function-centric model.

The rules read CloudFormation-shaped resources (``AWS::SQS::Queue`` with ``VisibilityTimeout``);
Terraform's data stores are translated to that shape here (:mod:`.stores`), so every rule family
works unchanged, while functions, roles, triggers and APIs are built straight into the model.
Resource ids are Terraform addresses, so findings name what the user wrote.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.handlers import find_manifests, resolve_handler
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.terraform.apis import build_apis
from faasguard.loaders.terraform.convert import first, number, strings, text
from faasguard.loaders.terraform.modules import Item, ModuleCall, Project
from faasguard.loaders.terraform.policy import statements_of, trusted_services
from faasguard.loaders.terraform.stores import build_stores
from faasguard.loaders.terraform.values import Ref, decode_json, direct_ref
from faasguard.loaders.yaml_safe import YamlMap, line_of
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    Function,
    FunctionUrl,
    Location,
    Resource,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

__all__ = ["Draft", "build_application"]


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
                if name in (fn.name, _deployed_name(self, key)):
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


def _deployed_name(draft: Draft, key: str) -> str | None:
    item = draft.items.get(key)
    name = item.values.get("function_name") if item else None
    return name if isinstance(name, str) else None


def build_application(
    project: Project, fs: ScanFS, *, name: str, file: str, fmt: AppFormat = AppFormat.TERRAFORM
) -> tuple[Application, list[LoadIssue]]:
    """Build the application of one root module (or plan)."""
    draft = Draft(project, fs, {item.address: item for item in project.items})
    for item in draft.of_type("aws_lambda_function"):
        draft.functions[item.address] = _function(draft, item, name)
    for call in project.lambda_modules:
        _lambda_module(draft, call, name)
    _roles(draft)
    _urls(draft)
    _event_source_mappings(draft)
    _invoke_configs(draft)
    _s3_notifications(draft)
    _sns_subscriptions(draft)
    _event_targets(draft)
    _schedules(draft)
    _service_triggers(draft)
    build_apis(draft)
    _permissions(draft)
    _log_groups(draft)
    _layers_and_aliases(draft)
    _references(draft)
    build_stores(draft)
    roles = tuple(draft.roles.values())
    app = Application(
        name=name,
        format=fmt,
        file=file,
        root=project.root or ".",
        functions=tuple(draft.functions.values()),
        roles=roles,
        apis=tuple(draft.apis.values()),
        resources=tuple(draft.resources),
    )
    return app, draft.issues


# -- functions -------------------------------------------------------------------------------


def _function_name(item: Item) -> str:
    if not item.module:
        return item.name
    return f"{item.module}.{item.name}"


def _env(item: Item, variables: Any, *, key: str) -> tuple[EnvVar, ...]:
    if not isinstance(variables, Mapping):
        return ()
    out: list[EnvVar] = []
    lines = getattr(variables, "key_lines", {})
    for var_name, value in variables.items():
        location = Location(item.location.file, lines.get(var_name) or line_of(item.values, key))
        got = text(value)
        raw = value.expression if isinstance(value, Unknown) else None
        out.append(
            EnvVar(str(var_name), got if got is not None else "", location, "function", raw=raw)
        )
    return tuple(out)


def _code(
    draft: Draft, item: Item, *, handler: Any, runtime: Any, source: Any, line: int | None
) -> dict[str, Any]:
    """Code root, handler file and manifests from an archive or a source path."""
    path: str | None = None
    single_file = False
    archive = draft.target(source, "archive_file")
    if archive is not None:
        src_dir, src_file = archive.values.get("source_dir"), archive.values.get("source_file")
        if isinstance(src_dir, str):
            path = src_dir
        elif isinstance(src_file, str):
            path, single_file = src_file, True
        line = archive.location.line
        where = archive.location.file
    elif isinstance(source, str) and source.endswith((".zip", ".jar")):
        return _artifact(draft, source, where=item.location.file, line=line)
    elif isinstance(source, str):
        path = source
        where = item.location.file
    else:
        return {}
    if path is None:
        return {}
    try:
        rel = draft.fs.join(draft.project.root, path, referrer=where, line=line)
    except LoadError as exc:
        draft.issues.append(LoadIssue(IssueKind.OUTSIDE_ROOT, exc.detail, Location(where, line)))
        return {}
    single_file = single_file or draft.fs.exists(rel)  # source_path may name one file
    code_root = posixpath.dirname(rel) if single_file else rel
    fields: dict[str, Any] = {"code_root": code_root or "."}
    if isinstance(handler, str):
        handler_file, handler_function = resolve_handler(
            draft.fs,
            code_root=code_root,
            handler=handler,
            runtime=runtime if isinstance(runtime, str) else None,
        )
        fields["handler_file"] = handler_file
        fields["handler_function"] = handler_function
    fields["dependency_manifests"] = find_manifests(draft.fs, code_root)
    return fields


def _artifact(draft: Draft, path: str, *, where: str, line: int | None) -> dict[str, Any]:
    """A committed deployment package (``filename = "build/fn.zip"``), read as the artifact."""
    try:
        rel = draft.fs.join(draft.project.root, path, referrer=where, line=line)
    except LoadError as exc:
        draft.issues.append(LoadIssue(IssueKind.OUTSIDE_ROOT, exc.detail, Location(where, line)))
        return {}
    return {"package_artifact": rel} if draft.fs.exists(rel) else {}


def _function(draft: Draft, item: Item, app: str) -> Function:
    v = item.values
    handler, runtime = v.get("handler"), v.get("runtime")
    code = _code(
        draft,
        item,
        handler=handler,
        runtime=runtime,
        source=v.get("filename"),
        line=line_of(v, "filename"),
    )
    vpc = first(v.get("vpc_config"))
    reserved = number(v.get("reserved_concurrent_executions"))
    tags = v.get("tags")
    return Function(
        name=_function_name(item),
        application=app,
        location=item.location,
        resource_id=item.address,
        runtime=text(runtime),
        handler=text(handler),
        package_type=str(v.get("package_type") or "Zip"),
        image_uri=text(v.get("image_uri")),
        memory=number(v.get("memory_size")),
        timeout=number(v.get("timeout")),
        reserved_concurrency=None if reserved == -1 else reserved,
        environment=_env(item, first(v.get("environment")).get("variables"), key="environment"),
        layers=strings(v.get("layers")),
        tracing=text(first(v.get("tracing_config")).get("mode")),
        dead_letter=text(first(v.get("dead_letter_config")).get("target_arn")),
        vpc=Vpc(strings(vpc.get("subnet_ids")), strings(vpc.get("security_group_ids")))
        if vpc
        else None,
        tags={str(k): text(t) or "" for k, t in tags.items()} if isinstance(tags, Mapping) else {},
        description=text(v.get("description")),
        architectures=tuple(a for a in strings(v.get("architectures")) if isinstance(a, str)),
        log_group=_log_group_name(first(v.get("logging_config")).get("log_group")),
        kms_key_arn=text(v.get("kms_key_arn")),
        **code,
    )


def _log_group_name(value: Any) -> str | None:
    ref = direct_ref(value)
    if ref is not None:
        return ref[0]
    return value if isinstance(value, str) else None


def _lambda_module(draft: Draft, call: ModuleCall, app: str) -> None:
    """A ``terraform-aws-modules/lambda/aws`` call: its function, role and triggers."""
    v = call.inputs
    if v.get("create") is False or v.get("create_function") is False or v.get("create_layer"):
        return  # the module builds a layer (or nothing), not a function
    item = Item(call.address, "module", call.name, "", call.location, v, module_dir=call.module_dir)
    key = f"{call.address}.aws_lambda_function.this"
    source = v.get("source_path")
    if isinstance(source, list) and source:
        entry = source[0]
        source = entry.get("path") if isinstance(entry, Mapping) else entry
    elif isinstance(source, Mapping):
        source = source.get("path")
    handler, runtime = v.get("handler"), v.get("runtime")
    code = _code(
        draft,
        item,
        handler=handler,
        runtime=runtime,
        source=source
        if v.get("create_package", True) is not False
        else v.get("local_existing_package"),
        line=line_of(v, "source_path"),
    )
    reserved = number(v.get("reserved_concurrent_executions"))
    retention = number(v.get("cloudwatch_logs_retention_in_days"))
    fn = Function(
        name=call.name if not call.address.count(".") > 1 else call.address,
        application=app,
        location=call.location,
        resource_id=key,
        runtime=text(runtime),
        handler=text(handler),
        package_type=str(v.get("package_type") or "Zip"),
        image_uri=text(v.get("image_uri")),
        memory=number(v.get("memory_size")),
        timeout=number(v.get("timeout")),
        reserved_concurrency=None if reserved == -1 else reserved,
        environment=_env(item, v.get("environment_variables"), key="environment_variables"),
        layers=strings(v.get("layers")),
        tracing=text(v.get("tracing_mode")),
        dead_letter=text(v.get("dead_letter_target_arn")),
        vpc=Vpc(strings(v.get("vpc_subnet_ids")), strings(v.get("vpc_security_group_ids")))
        if v.get("vpc_subnet_ids") is not None
        else None,
        tags={str(k): text(t) or "" for k, t in v["tags"].items()}
        if isinstance(v.get("tags"), Mapping)
        else {},
        description=text(v.get("description")),
        log_retention_days=retention,
        **code,
    )
    draft.functions[key] = fn
    _module_role(draft, item, key, fn.name)
    _module_url(draft, item, key)
    _module_triggers(draft, item, key)


def _module_role(draft: Draft, item: Item, key: str, fn_name: str) -> None:
    v = item.values
    if v.get("create_role") is False:
        role_value = v.get("lambda_role")
        role_id = role_value.expression if isinstance(role_value, Unknown) else str(role_value)
        target = draft.target(role_value, "aws_iam_role")
        role_id = target.address if target else role_id
        existing = draft.roles.get(role_id)
        if existing is None:
            draft.roles[role_id] = Role(
                role_id, item.location, functions=(fn_name,), external=target is None
            )
        else:
            draft.roles[role_id] = replace(existing, functions=(*existing.functions, fn_name))
        draft.functions[key] = replace(draft.functions[key], role=role_id)
        return
    role_id = f"{item.address}.aws_iam_role.lambda"
    statements: list[Statement] = []
    managed: list[str | Unknown] = []
    if v.get("attach_cloudwatch_logs_policy", True) is not False:
        statements.append(
            Statement(
                "Allow",
                ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
                item.location,
                "module default: attach_cloudwatch_logs_policy",
                resources=(Unknown(f"{item.address} log group", R_MODULE),),
            )
        )
    if v.get("attach_policy_statements") is True:
        raw = v.get("policy_statements")
        if isinstance(raw, Mapping):
            for sid, stmt in raw.items():
                if isinstance(stmt, Mapping):
                    statements.extend(
                        draft.statements(
                            {"Statement": [_module_statement(stmt, sid)]},
                            item=item,
                            key="policy_statements",
                            origin=f"{item.address}.policy_statements.{sid}",
                        )
                    )
    if v.get("attach_policy_json") is True:
        statements.extend(
            draft.statements(
                v.get("policy_json"), item=item, key="policy_json", origin="policy_json"
            )
        )
    if v.get("attach_policy_jsons") is True:
        for index, doc in enumerate(v.get("policy_jsons") or []):
            statements.extend(
                draft.statements(
                    doc, item=item, key="policy_jsons", origin=f"policy_jsons[{index}]"
                )
            )
    if v.get("attach_policy") is True and v.get("policy") is not None:
        managed.extend(_policy_arns(draft, v.get("policy"), statements, item))
    if v.get("attach_policies") is True:
        for arn in v.get("policies") or []:
            managed.extend(_policy_arns(draft, arn, statements, item))
    if v.get("attach_tracing_policy") is True:
        managed.append("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")
    if v.get("attach_network_policy") is True:
        managed.append("arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess")
    draft.roles[role_id] = Role(
        role_id,
        item.location,
        statements=tuple(statements),
        managed_policies=tuple(managed),
        functions=(fn_name,),
        permissions_boundary=text(v.get("role_permissions_boundary")),
        # The module's trust policy: Lambda, plus `trusted_entities` when given.
        trusted_services=(
            "lambda.amazonaws.com",
            *(s for s in strings(v.get("trusted_entities")) if isinstance(s, str)),
        ),
    )
    draft.functions[key] = replace(draft.functions[key], role=role_id)


R_MODULE = "created by the module"


def _module_statement(stmt: Mapping[str, Any], sid: Any) -> Any:
    from faasguard.loaders.terraform.values import TfMap

    out = TfMap(getattr(stmt, "line", None), getattr(stmt, "file", ""))
    out["Sid"] = str(sid)
    out["Effect"] = stmt.get("effect", "Allow")
    for tf, cfn in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if tf in stmt:
            out[cfn] = stmt[tf]
    return out


def _policy_arns(draft: Draft, arn: Any, statements: list[Statement], item: Item) -> list[Any]:
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


def _module_url(draft: Draft, item: Item, key: str) -> None:
    v = item.values
    if v.get("create_lambda_function_url") is not True:
        return
    auth = text(v.get("authorization_type", "NONE"))
    where = draft.location(item, "create_lambda_function_url")
    cors = _cors(first(v.get("cors")), where)
    draft.functions[key] = replace(
        draft.functions[key],
        url=FunctionUrl(auth or "NONE", where, cors, text(v.get("invoke_mode"))),
    )
    draft.add_trigger(key, _url_trigger(auth, where, cors))


def _url_trigger(auth: str | Unknown | None, where: Location, cors: Cors | None) -> Trigger:
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


def _cors(block: Mapping[str, Any], where: Location) -> Cors | None:
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


_SERVICE_KINDS = {
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


def _module_triggers(draft: Draft, item: Item, key: str) -> None:
    """``allowed_triggers`` (permissions) and ``event_source_mapping`` of the module."""
    v = item.values
    triggers = v.get("allowed_triggers")
    if isinstance(triggers, Mapping):
        for name, spec in triggers.items():
            if not isinstance(spec, Mapping):
                continue
            service = spec.get("service")
            principal = spec.get("principal") or (
                f"{service}.amazonaws.com" if isinstance(service, str) else None
            )
            where = Location(item.location.file, line_of(triggers, name) or item.location.line)
            props = {
                "Action": spec.get("action", "lambda:InvokeFunction"),
                "FunctionName": Ref(
                    f"{item.address}.lambda_function_name", R_MODULE, (item.address,)
                ),
                "Principal": principal,
                "SourceArn": spec.get("source_arn"),
                "SourceAccount": spec.get("source_account"),
                "PrincipalOrgID": spec.get("principal_org_id"),
            }
            res_id = f"{item.address}.aws_lambda_permission.triggers[{name}]"
            draft.resources.append(
                Resource(
                    res_id,
                    "AWS::Lambda::Permission",
                    where,
                    {k: val for k, val in props.items() if val is not None},
                    {k: where.line for k in props if where.line},
                )
            )
            draft.referenced(key, res_id)
            kind = _SERVICE_KINDS.get(str(service)) if service else None
            if isinstance(principal, str) and principal.endswith(".amazonaws.com"):
                kind = _SERVICE_KINDS.get(principal.split(".")[0], kind)
            if kind is not None and kind not in (TriggerKind.REST_API,):
                draft.add_trigger(
                    key,
                    Trigger(
                        kind,
                        where,
                        source=text(spec.get("source_arn")),
                        properties={"Permission": res_id},
                    ),
                )
            elif kind is TriggerKind.REST_API:
                draft.add_trigger(
                    key,
                    Trigger(
                        kind,
                        where,
                        auth=AuthKind.UNKNOWN,
                        internet_reachable=None,
                        source=text(spec.get("source_arn")),
                        properties={"Permission": res_id},
                    ),
                )
    mappings = v.get("event_source_mapping")
    if isinstance(mappings, Mapping):
        for name, spec in mappings.items():
            if not isinstance(spec, Mapping):
                continue
            where = Location(item.location.file, line_of(mappings, name) or item.location.line)
            arn = spec.get("event_source_arn")
            draft.add_trigger(
                key,
                Trigger(
                    _stream_kind(draft, arn),
                    where,
                    source=_source_id(draft, arn),
                    properties=_esm_properties(spec),
                ),
            )


# -- roles -----------------------------------------------------------------------------------


def _roles(draft: Draft) -> None:
    attached: dict[str, list[Statement]] = {}
    managed: dict[str, list[str | Unknown]] = {}

    def attach_policy(role_value: Any, arn: Any, item: Item) -> None:
        role = draft.target(role_value, "aws_iam_role")
        if role is None:
            return
        statements: list[Statement] = []
        arns = _policy_arns(draft, arn, statements, item)
        attached.setdefault(role.address, []).extend(statements)
        managed.setdefault(role.address, []).extend(arns)

    for item in draft.of_type("aws_iam_role_policy"):
        role = draft.target(item.values.get("role"), "aws_iam_role")
        if role is not None:
            attached.setdefault(role.address, []).extend(
                draft.statements(
                    item.values.get("policy"), item=item, key="policy", origin=item.address
                )
            )
    for item in draft.of_type("aws_iam_role_policy_attachment"):
        attach_policy(item.values.get("role"), item.values.get("policy_arn"), item)
    for item in draft.of_type("aws_iam_policy_attachment"):
        for role_value in item.values.get("roles") or []:
            attach_policy(role_value, item.values.get("policy_arn"), item)
    role_of = {
        key: draft.target(draft.items[key].values.get("role"), "aws_iam_role")
        for key in draft.functions
        if key in draft.items
    }
    for item in draft.of_type("aws_iam_role"):
        v = item.values
        statements: list[Statement] = []
        for index, inline in enumerate(v.get("inline_policy") or []):
            if isinstance(inline, YamlMap) and inline.get("policy") is not None:
                label = inline.get("name") if isinstance(inline.get("name"), str) else index
                statements.extend(
                    draft.statements(
                        inline.get("policy"),
                        item=Item(
                            item.address,
                            item.type,
                            item.name,
                            item.module,
                            Location(item.location.file, getattr(inline, "line", None)),
                            inline,
                        ),
                        key="policy",
                        origin=f"{item.address}.inline_policy[{label}]",
                    )
                )
        statements.extend(attached.get(item.address, []))
        arns: list[str | Unknown] = []
        raw_arns = v.get("managed_policy_arns")
        for arn in raw_arns if isinstance(raw_arns, list) else strings(raw_arns):
            # A template `aws_iam_policy` folds its statements in, as its attachments do.
            arns.extend(_policy_arns(draft, arn, statements, item))
        for arn in managed.get(item.address, []):
            if arn not in arns:
                arns.append(arn)
        functions = tuple(
            fn.name
            for key, fn in draft.functions.items()
            # a lambda module given this role as `lambda_role`, or a function's `role`
            if fn.role == item.address or role_of.get(key) is item
        )
        draft.roles[item.address] = Role(
            item.address,
            item.location,
            statements=tuple(statements),
            managed_policies=tuple(arns),
            functions=functions,
            permissions_boundary=text(v.get("permissions_boundary")),
            trusted_services=trusted_services(v.get("assume_role_policy")),
        )
    for key, fn in list(draft.functions.items()):
        fn_item = draft.items.get(key)
        if fn_item is None or fn.role is not None:
            continue
        raw = fn_item.values.get("role")
        role = draft.target(raw, "aws_iam_role")
        if role is not None:
            draft.functions[key] = replace(fn, role=role.address)
            continue
        if raw is None:
            continue
        role_id = raw.expression if isinstance(raw, Unknown) else str(raw)
        existing = draft.roles.get(role_id)
        draft.roles[role_id] = (
            replace(existing, functions=(*existing.functions, fn.name))
            if existing
            else Role(role_id, draft.location(fn_item, "role"), functions=(fn.name,), external=True)
        )
        draft.functions[key] = replace(fn, role=role_id)


# -- triggers --------------------------------------------------------------------------------


def _urls(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_function_url"):
        key = draft.function_for(item.values.get("function_name"))
        if key is None:
            continue
        auth = text(item.values.get("authorization_type"))
        cors = _cors(first(item.values.get("cors")), draft.location(item, "cors"))
        draft.functions[key] = replace(
            draft.functions[key],
            url=FunctionUrl(
                auth or "NONE", item.location, cors, text(item.values.get("invoke_mode"))
            ),
        )
        draft.referenced(key, item.address)
        draft.add_trigger(key, _url_trigger(auth, item.location, cors))


_STREAM_TYPES = {
    "aws_sqs_queue": TriggerKind.SQS,
    "aws_kinesis_stream": TriggerKind.KINESIS,
    "aws_dynamodb_table": TriggerKind.DYNAMODB_STREAM,
    "aws_msk_cluster": TriggerKind.KAFKA,
    "aws_msk_serverless_cluster": TriggerKind.KAFKA,
    "aws_mq_broker": TriggerKind.MQ,
}


def _stream_kind(draft: Draft, arn: Any) -> TriggerKind:
    target = draft.target(arn)
    if target is not None:
        return _STREAM_TYPES.get(target.type, TriggerKind.OTHER)
    if isinstance(arn, str) and arn.count(":") >= 5:
        service = arn.split(":")[2]
        return _SERVICE_KINDS.get(service, TriggerKind.OTHER)
    return TriggerKind.OTHER


def _source_id(draft: Draft, value: Any) -> str | Unknown | None:
    target = draft.target(value)
    if target is not None:
        return target.address
    return text(value)


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


def _esm_properties(v: Mapping[str, Any]) -> dict[str, Any]:
    props = {cfn: v[tf] for tf, cfn in _ESM_KEYS.items() if tf in v}
    destination = first(first(v.get("destination_config")).get("on_failure"))
    if destination.get("destination_arn") is not None:
        props["DestinationConfig"] = {"OnFailure": {"Destination": destination["destination_arn"]}}
    criteria = first(v.get("filter_criteria"))
    if criteria:
        props["FilterCriteria"] = {
            "Filters": [{"Pattern": f.get("pattern")} for f in criteria.get("filter") or []]
        }
    return props


def _event_source_mappings(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_event_source_mapping"):
        key = draft.function_for(item.values.get("function_name"))
        if key is None:
            continue
        v = item.values
        arn = v.get("event_source_arn")
        kind = TriggerKind.KAFKA if v.get("self_managed_event_source") else _stream_kind(draft, arn)
        draft.referenced(key, item.address)
        draft.add_trigger(
            key,
            Trigger(
                kind, item.location, source=_source_id(draft, arn), properties=_esm_properties(v)
            ),
        )


def _invoke_configs(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_function_event_invoke_config"):
        key = draft.function_for(item.values.get("function_name"))
        if key is None:
            continue
        destination = first(item.values.get("destination_config"))
        on_failure = first(destination.get("on_failure")).get("destination")
        if on_failure is not None:
            draft.functions[key] = replace(
                draft.functions[key], on_failure=_source_id(draft, on_failure)
            )


def _s3_notifications(draft: Draft) -> None:
    for item in draft.of_type("aws_s3_bucket_notification"):
        bucket = _source_id(draft, item.values.get("bucket"))
        for entry in item.values.get("lambda_function") or []:
            key = draft.function_for(entry.get("lambda_function_arn"))
            if key is None:
                continue
            props = {"Events": entry.get("events")}
            rules = [
                {"Name": name, "Value": entry[tf]}
                for tf, name in (("filter_prefix", "prefix"), ("filter_suffix", "suffix"))
                if entry.get(tf) is not None
            ]
            if rules:
                props["Filter"] = {"S3Key": {"Rules": rules}}
            where = Location(item.location.file, getattr(entry, "line", None) or item.location.line)
            draft.referenced(key, item.address)
            draft.add_trigger(key, Trigger(TriggerKind.S3, where, source=bucket, properties=props))


def _sns_subscriptions(draft: Draft) -> None:
    for item in draft.of_type("aws_sns_topic_subscription"):
        if item.values.get("protocol") != "lambda":
            continue
        key = draft.function_for(item.values.get("endpoint"))
        if key is None:
            continue
        props: dict[str, Any] = {}
        if item.values.get("filter_policy") is not None:
            props["FilterPolicy"] = decode_json(item.values.get("filter_policy"))
        draft.referenced(key, item.address)
        draft.add_trigger(
            key,
            Trigger(
                TriggerKind.SNS,
                item.location,
                source=_source_id(draft, item.values.get("topic_arn")),
                properties=props,
            ),
        )


def _event_targets(draft: Draft) -> None:
    for item in draft.of_type("aws_cloudwatch_event_target"):
        key = draft.function_for(item.values.get("arn"))
        if key is None:
            continue
        rule = draft.target(item.values.get("rule"), "aws_cloudwatch_event_rule")
        props: dict[str, Any] = {}
        kind = TriggerKind.EVENTBRIDGE
        source: str | Unknown | None = text(item.values.get("rule"))
        if rule is not None:
            source = rule.address
            schedule = rule.values.get("schedule_expression")
            if schedule is not None:
                kind = TriggerKind.SCHEDULE
                props["ScheduleExpression"] = schedule
            if rule.values.get("event_pattern") is not None:
                props["EventPattern"] = decode_json(rule.values.get("event_pattern"))
        dlq = first(item.values.get("dead_letter_config")).get("arn")
        if dlq is not None:
            props["DeadLetterConfig"] = {"Arn": dlq}
        draft.referenced(key, item.address)
        draft.add_trigger(key, Trigger(kind, item.location, source=source, properties=props))


def _schedules(draft: Draft) -> None:
    for item in draft.of_type("aws_scheduler_schedule"):
        target = first(item.values.get("target"))
        key = draft.function_for(target.get("arn"))
        if key is None:
            continue
        props = {"ScheduleExpression": item.values.get("schedule_expression")}
        draft.referenced(key, item.address)
        draft.add_trigger(
            key, Trigger(TriggerKind.SCHEDULE, item.location, source=item.address, properties=props)
        )


def _service_triggers(draft: Draft) -> None:
    """Cognito user pool triggers, IoT rules, log subscriptions, ALB targets, AppSync sources."""
    for item in draft.of_type("aws_cognito_user_pool"):
        config = first(item.values.get("lambda_config"))
        for hook, arn in config.items():
            key = draft.function_for(arn)
            if key is not None:
                where = Location(item.location.file, line_of(config, hook) or item.location.line)
                draft.add_trigger(
                    key,
                    Trigger(
                        TriggerKind.COGNITO,
                        where,
                        source=item.address,
                        properties={"Trigger": hook},
                    ),
                )
    for item in draft.of_type("aws_iot_topic_rule"):
        for action in item.values.get("lambda") or []:
            key = draft.function_for(action.get("function_arn"))
            if key is not None:
                props = {"Sql": item.values.get("sql")}
                draft.add_trigger(
                    key,
                    Trigger(TriggerKind.IOT, item.location, source=item.address, properties=props),
                )
    for item in draft.of_type("aws_cloudwatch_log_subscription_filter"):
        key = draft.function_for(item.values.get("destination_arn"))
        if key is not None:
            draft.add_trigger(
                key,
                Trigger(
                    TriggerKind.CLOUDWATCH_LOGS,
                    item.location,
                    source=text(item.values.get("log_group_name")),
                    properties={"FilterPattern": item.values.get("filter_pattern")},
                ),
            )
    for item in draft.of_type("aws_lb_target_group_attachment"):
        key = draft.function_for(item.values.get("target_id"))
        if key is not None:
            # Who reaches the load balancer (internal or not, listener rules, auth actions) is
            # not followed: unknown, as the CloudFormation loader says for ALB permissions.
            draft.add_trigger(
                key,
                Trigger(
                    TriggerKind.ALB,
                    item.location,
                    auth=AuthKind.UNKNOWN,
                    internet_reachable=None,
                    source=_source_id(draft, item.values.get("target_group_arn")),
                ),
            )
    for item in draft.of_type("aws_appsync_datasource"):
        config = first(item.values.get("lambda_config"))
        key = draft.function_for(config.get("function_arn"))
        if key is not None:
            draft.add_trigger(
                key,
                Trigger(
                    TriggerKind.APPSYNC,
                    item.location,
                    auth=AuthKind.UNKNOWN,
                    internet_reachable=None,
                    source=_source_id(draft, item.values.get("api_id")),
                ),
            )


_PRINCIPAL_KEYS = {
    "action": "Action",
    "principal": "Principal",
    "source_arn": "SourceArn",
    "source_account": "SourceAccount",
    "principal_org_id": "PrincipalOrgID",
    "event_source_token": "EventSourceToken",
    "function_url_auth_type": "FunctionUrlAuthType",
    "function_name": "FunctionName",
    "qualifier": "Qualifier",
}


def _permissions(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_permission"):
        v = item.values
        props = {cfn: v[tf] for tf, cfn in _PRINCIPAL_KEYS.items() if tf in v}
        lines = {
            cfn: line_of(v, tf) or item.location.line
            for tf, cfn in _PRINCIPAL_KEYS.items()
            if tf in v
        }
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Lambda::Permission",
                item.location,
                props,
                {key: line for key, line in lines.items() if line},
            )
        )
        key = draft.function_for(v.get("function_name"))
        if key is None:
            continue
        draft.referenced(key, item.address)
        principal = v.get("principal")
        kind = (
            _SERVICE_KINDS.get(principal.split(".")[0])
            if isinstance(principal, str) and principal.endswith(".amazonaws.com")
            else None
        )
        if kind is None:
            continue
        existing = draft.functions[key].triggers
        if kind is TriggerKind.REST_API:
            if any(t.kind.is_http for t in existing):
                continue  # routes describe these invocations precisely
            draft.add_trigger(
                key,
                Trigger(
                    kind,
                    item.location,
                    auth=AuthKind.UNKNOWN,
                    internet_reachable=None,
                    source=text(v.get("source_arn")),
                    properties={"Permission": item.address},
                ),
            )
            continue
        source = _source_id(draft, v.get("source_arn"))
        if any(t.kind in (kind, TriggerKind.SCHEDULE) for t in existing):
            continue  # the notification/subscription/target already says it
        draft.add_trigger(
            key,
            Trigger(kind, item.location, source=source, properties={"Permission": item.address}),
        )
    for item in draft.of_type("aws_lambda_layer_version_permission"):
        v = item.values
        props = {
            "Action": v.get("action"),
            "Principal": v.get("principal"),
            "OrganizationId": v.get("organization_id"),
            "LayerVersionArn": v.get("layer_name"),
        }
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Lambda::LayerVersionPermission",
                item.location,
                {k: val for k, val in props.items() if val is not None},
                {"Principal": line_of(v, "principal") or item.location.line or 0},
            )
        )


def _log_groups(draft: Draft) -> None:
    for item in draft.of_type("aws_cloudwatch_log_group"):
        v = item.values
        name = v.get("name")
        props: dict[str, Any] = {"LogGroupName": name}
        if "retention_in_days" in v:
            props["RetentionInDays"] = v["retention_in_days"]
        if "kms_key_id" in v:
            props["KmsKeyId"] = v["kms_key_id"]
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Logs::LogGroup",
                item.location,
                props,
                {"RetentionInDays": line_of(v, "retention_in_days") or item.location.line or 0},
            )
        )
        targets: set[str] = set()
        if isinstance(name, str) and name.startswith("/aws/lambda/"):
            deployed = name[len("/aws/lambda/") :]
            targets |= {
                k
                for k in draft.functions
                if deployed in (_deployed_name(draft, k), draft.functions[k].name)
            }
        elif isinstance(name, Ref) and "/aws/lambda/" in name.expression:
            targets |= {k for ref in name.refs for k in draft.functions if k == ref}
        for key, fn in draft.functions.items():
            if fn.log_group == item.address:
                targets.add(key)
        for key in targets:
            fn = draft.functions[key]
            if fn.log_retention_days is None:
                draft.functions[key] = replace(
                    fn,
                    log_retention_days=number(v.get("retention_in_days"))
                    if "retention_in_days" in v
                    else None,
                    log_group=fn.log_group or item.address,
                )


def _layers_and_aliases(draft: Draft) -> None:
    """Layer versions (with their content folder) and aliases, as CloudFormation resources."""
    root = draft.project.root or "."
    for item in draft.of_type("aws_lambda_layer_version"):
        v = item.values
        props: dict[str, Any] = {"LayerName": v.get("layer_name")}
        if v.get("compatible_runtimes") is not None:
            props["CompatibleRuntimes"] = v.get("compatible_runtimes")
        content = _layer_content(draft, item)
        if content is not None:
            # Relative to the application's folder, as the dependency analysis reads it.
            props["Content"] = posixpath.relpath(content, root)
        elif v.get("s3_bucket") is not None:
            props["Content"] = {"S3Bucket": v.get("s3_bucket"), "S3Key": v.get("s3_key")}
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Lambda::LayerVersion",
                item.location,
                props,
                {"Content": line_of(v, "filename") or item.location.line or 0},
            )
        )
    for item in draft.of_type("aws_s3control_object_lambda_access_point"):
        # S3 invokes the function with the caller's GetObject request (code analyses read it).
        config = first(item.values.get("configuration"))
        arns = [
            first(first(transformation.get("content_transformation")).get("aws_lambda")).get(
                "function_arn"
            )
            for transformation in config.get("transformation_configuration") or []
            if isinstance(transformation, Mapping)
        ]
        draft.resources.append(
            Resource(
                item.address,
                "AWS::S3ObjectLambda::AccessPoint",
                item.location,
                {"Name": item.values.get("name"), "FunctionArns": arns},
            )
        )
        for arn in arns:
            key = draft.function_for(arn)
            if key is not None:
                draft.referenced(key, item.address)
    for item in draft.of_type("aws_lambda_invocation"):
        # Invoked once by `terraform apply` with the configuration's own input, as
        # CloudFormation invokes a custom resource's handler.
        draft.resources.append(
            Resource(
                item.address,
                "Custom::TerraformLambdaInvocation",
                item.location,
                {"FunctionName": item.values.get("function_name")},
            )
        )
        key = draft.function_for(item.values.get("function_name"))
        if key is not None:
            draft.referenced(key, item.address)
    for item in draft.of_type("aws_lambda_alias"):
        v = item.values
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Lambda::Alias",
                item.location,
                {
                    "Name": v.get("name"),
                    "FunctionName": v.get("function_name"),
                    "FunctionVersion": v.get("function_version"),
                },
            )
        )
        key = draft.function_for(v.get("function_name"))
        if key is not None:
            draft.referenced(key, item.address)


def _layer_content(draft: Draft, item: Item) -> str | None:
    """The layer's source folder (``archive_file``) or zip, inside the scan root."""
    source = item.values.get("filename")
    archive = draft.target(source, "archive_file")
    path = source
    where = item.location
    if archive is not None:
        path = archive.values.get("source_dir") or archive.values.get("source_file")
        where = archive.location
    if not isinstance(path, str):
        return None
    try:
        rel = draft.fs.join(draft.project.root, path, referrer=where.file, line=where.line)
    except LoadError as exc:
        draft.issues.append(LoadIssue(IssueKind.OUTSIDE_ROOT, exc.detail, where))
        return None
    return rel if draft.fs.is_dir(rel) or draft.fs.exists(rel) else None


def _references(draft: Draft) -> None:
    """Every other resource whose arguments name a function is in its ``referenced_by``.

    As the CloudFormation loader does for ``!Ref``/``!GetAtt``: a state machine definition, a
    VPC Lattice target, another function's environment naming a function make it used. Read
    from the block's text (``aws_lambda_function.<name>`` or ``module.<name>.`` written in the
    same module), without evaluating anything.
    """
    names: dict[str, list[tuple[re.Pattern[bytes], str]]] = {}
    for key in draft.functions:
        item = draft.items.get(key)
        if item is not None:
            module, local = item.module, f"aws_lambda_function.{item.name}"
        else:  # a lambda module call: named as `module.<name>.<output>` in its parent
            module, _, call = key.removesuffix(".aws_lambda_function.this").rpartition(".module.")
            if not call:
                module, call = "", key.split(".")[1]
            local = f"module.{call}"
        pattern = re.compile(re.escape(local.encode()) + rb"(?![\w-])")
        names.setdefault(module, []).append((pattern, key))
    for item in draft.items.values():
        candidates = names.get(item.module)
        if not candidates or item.block is None:
            continue
        text = item.block.source()
        for pattern, key in candidates:
            if key != item.address and pattern.search(text):
                draft.referenced(key, item.address)
