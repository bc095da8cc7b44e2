"""A function's needed permissions: SDK calls of its code, its triggers, and the platform.

This is the one place that puts the pieces together: the shared code layer gives the function's
parsed files (never parsed again here), the extractors find the SDK calls, the SDK table maps
operations to actions, the scoper turns resource names into ARNs, and the platform module adds
what Lambda itself does with the role.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from faasguard.code.interface import FunctionCode, Language
from faasguard.iam.needed.interface import FunctionNeeds, Need, NeedSource, SdkCall, Unresolved
from faasguard.iam.needed.js_sdk import JsModule, calls_in_javascript
from faasguard.iam.needed.platform import platform_needs
from faasguard.iam.needed.python_sdk import PythonModule, calls_in_python
from faasguard.iam.needed.scope import (
    Target,
    arns_for,
    resolve_name,
    resources_of,
    terraform_spelling,
)
from faasguard.iam.needed.sdk_map import SdkMap, sdk_map
from faasguard.model import AppFormat, Application, Function, Resource, Unknown

__all__ = ["code_calls", "needs_for"]

_GUESS_NOTE = "action named after the operation; no mapping source knows this operation"


def code_calls(
    code: FunctionCode | None,
    *,
    table: SdkMap | None = None,
    cache: dict[Any, Any] | None = None,
) -> tuple[list[SdkCall], list[Unresolved]]:
    """The SDK calls of a function's own code (Python and JavaScript/TypeScript files).

    ``cache`` is a scan-wide dict (the code base's ``derived`` slot) so that files shared by
    several functions are analysed once.
    """
    if code is None:
        return [], []
    table = table or sdk_map()
    python: list[PythonModule] = []
    scripts: list[JsModule] = []
    for source in code.files:
        if source.tree is None:
            continue
        if source.language is Language.PYTHON and isinstance(source.tree, ast.Module):
            python.append(PythonModule(source.path, source.tree, source.line_offset))
        elif source.language in (Language.JAVASCRIPT, Language.TYPESCRIPT):
            scripts.append(JsModule(source.path, source.tree, source.line_offset))
    calls: list[SdkCall] = []
    unresolved: list[Unresolved] = []
    if python:
        entry = (
            code.entry if code.handler is not None and python[0].path == code.handler.path else None
        )
        found, missed = calls_in_python(tuple(python), entry=entry, table=table, cache=cache)
        calls += found
        unresolved += missed
    if scripts:
        entry = (
            code.entry
            if code.handler is not None and scripts[0].path == code.handler.path
            else None
        )
        found, missed = calls_in_javascript(tuple(scripts), table=table, entry=entry, cache=cache)
        calls += found
        unresolved += missed
    return calls, unresolved


def needs_for(
    app: Application,
    fn: Function,
    code: FunctionCode | None,
    *,
    table: SdkMap | None = None,
    cache: dict[Any, Any] | None = None,
) -> FunctionNeeds:
    """Everything ``fn`` needs: from its code, its triggers and the platform.

    Args:
        app: the function's application.
        fn: the function.
        code: its own code from the shared code layer (None when there is none to read).
        table: the SDK table (the shipped one by default).
        cache: a scan-wide dict for per-file results (see :func:`code_calls`).
    """
    table = table or sdk_map()
    unknown: list[str] = []
    if fn.package_type == "Image":
        unknown.append(f"{fn.location} container image: its code is not in the project")
    elif code is None or code.handler is None:
        handler = fn.handler_file or (fn.handler if isinstance(fn.handler, str) else None)
        unknown.append(f"{fn.location} handler code not found ({handler or 'no handler'})")
    elif code.handler.tree is None:
        reasons = "; ".join(i.message for i in code.handler.issues) or "not parsed"
        unknown.append(f"{code.handler.path} could not be analysed: {reasons}")
    calls, unresolved = code_calls(code, table=table, cache=cache)
    needs: list[Need] = []
    for call in calls:
        needs.extend(_call_needs(call, fn, app, table))
    unknown.extend(str(u) for u in unresolved)
    platform, undecided = platform_needs(fn, app)
    needs.extend(platform)
    unknown.extend(undecided)
    if app.format is AppFormat.TERRAFORM:
        needs = [replace(n, resources=tuple(map(terraform_spelling, n.resources))) for n in needs]
    return FunctionNeeds(fn.name, app.name, tuple(needs), tuple(unknown))


def _call_needs(call: SdkCall, fn: Function, app: Application, table: SdkMap) -> list[Need]:
    svc = table.service(call.service)
    if svc is None:
        return []
    target = resolve_name(call.target, fn, keep_variables=app.format is AppFormat.SERVERLESS)
    key = _customer_key(target, app)
    needs: list[Need] = []
    for op in call.operations:
        actions, guessed = table.actions(svc, op)
        for action in actions:
            prefix = action.partition(":")[0]
            resources, note = arns_for(
                prefix, action, target, app, types=table.resource_types(action)
            )
            if guessed:
                note = f"{note}; {_GUESS_NOTE}" if note else _GUESS_NOTE
            needs.append(Need(action, resources, NeedSource.CODE, call.evidence, note))
            if key is not None:
                needs.extend(_forward(action, key, call, target, table, app))
    return needs


def _forward(
    action: str, key: str | Unknown, call: SdkCall, target: Target, table: SdkMap, app: Application
) -> list[Need]:
    """KMS actions the service performs with the caller's credentials on encrypted data."""
    out: list[Need] = []
    key_target = _key_target(key, app)
    for extra in table.forward_actions(action):
        resources, note = arns_for("kms", extra, key_target, app, types=("key",))
        evidence = (
            f"{call.evidence}; {target.ref or target.literal} is encrypted with a customer key"
        )
        out.append(Need(extra, resources, NeedSource.CODE, evidence, note))
    return out


def _key_target(key: str | Unknown, app: Application) -> Target:
    from faasguard.iam.needed.scope import target_of_expression

    if isinstance(key, Unknown):
        return target_of_expression(key) or Target(reason=f"the key is {key.expression}")
    if resources_of(app).get(key) is not None:
        return Target(ref=key)
    return Target(literal=key)


def _customer_key(target: Target, app: Application) -> str | Unknown | None:
    """The customer-managed KMS key a template resource is encrypted with, if any."""
    if not target.ref:
        return None
    res = resources_of(app).get(target.ref)
    return _key_of(res) if res is not None else None


def _key_of(res: Resource) -> str | Unknown | None:
    props: Any = res.properties
    if res.type == "AWS::S3::Bucket":
        config = _get(props, "BucketEncryption", "ServerSideEncryptionConfiguration")
        for rule in config if isinstance(config, list) else []:
            default = _get(rule, "ServerSideEncryptionByDefault")
            if _get(default, "SSEAlgorithm") in ("aws:kms", "aws:kms:dsse"):
                return _as_key(_get(default, "KMSMasterKeyID"))
        return None
    if res.type == "AWS::DynamoDB::Table":
        spec = _get(props, "SSESpecification")
        if _get(spec, "SSEType") == "KMS":
            return _as_key(_get(spec, "KMSMasterKeyId"))
        return None
    if res.type in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
        key = _as_key(_get(props, "KmsMasterKeyId"))
        return None if isinstance(key, str) and key.startswith("alias/aws/") else key
    if res.type == "AWS::SecretsManager::Secret":
        return _as_key(_get(props, "KmsKeyId"))
    if res.type == "AWS::Kinesis::Stream":
        return _as_key(_get(props, "StreamEncryption", "KeyId"))
    return None


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict) and not hasattr(value, "get"):
            return None
        value = value.get(key)
    return value


def _as_key(value: Any) -> str | Unknown | None:
    if isinstance(value, (str, Unknown)):
        return value
    return None
