"""A call of the ``terraform-aws-modules/lambda/aws`` module, read from its inputs alone.

The module is never downloaded: its documented inputs say what it creates (the function, its
role and policies, a function URL, permissions and event source mappings), named as the module
names them (``module.<name>.aws_lambda_function.this``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from faasguard.loaders.terraform.convert import first, number, strings, text
from faasguard.loaders.terraform.draft import (
    SERVICE_KINDS,
    Draft,
    cors_of,
    esm_properties,
    policy_arns,
    source_id,
    stream_kind,
    url_trigger,
)
from faasguard.loaders.terraform.functions import code_fields, environment_of
from faasguard.loaders.terraform.modules import Item, ModuleCall
from faasguard.loaders.terraform.values import Ref, TfMap
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import (
    AuthKind,
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

__all__ = ["R_MODULE", "build_lambda_module"]


def build_lambda_module(draft: Draft, call: ModuleCall, app: str) -> None:
    """A ``terraform-aws-modules/lambda/aws`` call: its function, role and triggers."""
    v = call.inputs
    if (
        v.get("create") is False
        or v.get("create_function") is False
        or v.get("create_layer") is True
    ):
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
    code = code_fields(
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
        # `ingest` at the root; the full address inside a local module (unique in the app)
        name=call.name if call.address.count(".") == 1 else call.address,
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
        environment=environment_of(
            item, v.get("environment_variables"), key="environment_variables"
        ),
        layers=strings(v.get("layers")),
        tracing=text(v.get("tracing_mode")),
        dead_letter=text(v.get("dead_letter_target_arn")),
        on_failure=source_id(draft, v.get("destination_on_failure"))
        if v.get("destination_on_failure") is not None
        else None,
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
        managed.extend(policy_arns(draft, v.get("policy"), statements, item))
    if v.get("attach_policies") is True:
        for arn in v.get("policies") or []:
            managed.extend(policy_arns(draft, arn, statements, item))
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


def _module_url(draft: Draft, item: Item, key: str) -> None:
    v = item.values
    if v.get("create_lambda_function_url") is not True:
        return
    auth = text(v.get("authorization_type", "NONE"))
    where = draft.location(item, "create_lambda_function_url")
    cors = cors_of(first(v.get("cors")), where)
    draft.functions[key] = replace(
        draft.functions[key],
        url=FunctionUrl(auth or "NONE", where, cors, text(v.get("invoke_mode"))),
    )
    draft.add_trigger(key, url_trigger(auth, where, cors))


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
            kind = SERVICE_KINDS.get(str(service)) if service else None
            if isinstance(principal, str) and principal.endswith(".amazonaws.com"):
                kind = SERVICE_KINDS.get(principal.split(".")[0], kind)
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
                    stream_kind(draft, arn),
                    where,
                    source=source_id(draft, arn),
                    properties=esm_properties(spec),
                ),
            )
