"""Plain ``AWS::Lambda::Function`` resources, and the function fields SAM shares with them.

SAM functions become Lambda functions at deploy time, so most settings (environment, VPC,
logging, URL, code location) read the same way for both; the helpers here are used by
:mod:`.sam` too. Code is located without running anything from the project: a SAM ``CodeUri``
folder, or for CDK output the ``asset.<hash>`` folder named by ``aws:asset:path`` metadata or by
the ``S3Key``; both must lie inside the scan root.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.apis import cors_from_config
from faasguard.loaders.cloudformation.context import (
    LoadContext,
    RawResource,
    as_int,
    as_map,
    as_str,
    as_str_tuple,
    key_line,
)
from faasguard.loaders.cloudformation.iam import assign_role
from faasguard.loaders.handlers import find_manifests, resolve_handler
from faasguard.loaders.interface import IssueKind
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import (
    AuthKind,
    EnvVar,
    Function,
    FunctionUrl,
    InlineCode,
    Location,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

__all__ = [
    "build_lambda_functions",
    "cdk_asset_root",
    "code_fields",
    "code_uri_root",
    "environment",
    "function_url",
    "inline_code",
    "tags_of",
    "vpc_of",
]

R_DYNAMIC_REFERENCE: Final = "dynamic reference"


def _env_var(
    name: str, raw: Any, resolved: Any, *, file: str, line: int | None, origin: str
) -> EnvVar:
    """One variable; ``raw`` keeps what was written whenever it is not a plain literal."""
    location = Location(file, line)
    if isinstance(raw, (str, int, float, bool)):
        text = raw if isinstance(raw, str) else str(as_str(raw))
        if "{{resolve:" in text:
            return EnvVar(name, Unknown(text, R_DYNAMIC_REFERENCE), location, origin, raw=text)
        return EnvVar(name, text, location, origin)
    if raw is None:
        return EnvVar(name, "", location, origin)
    raw_text = json.dumps(raw, default=str, ensure_ascii=False)
    value = as_str(resolved)
    if value is None:
        value = ""
    if isinstance(value, str) and "{{resolve:" in value:
        value = Unknown(value, R_DYNAMIC_REFERENCE)
    return EnvVar(name, value, location, origin, raw=raw_text)


def environment(
    ctx: LoadContext,
    fn: str,
    raw_env: Any,
    resolved_env: Any,
    *,
    origin_of: Callable[[str], str],
) -> tuple[EnvVar, ...]:
    """The variables of an ``Environment`` property.

    Args:
        ctx: the load context.
        fn: the function, for messages.
        raw_env: the raw ``Environment`` mapping (Globals merged for SAM).
        resolved_env: the same, resolved.
        origin_of: gives each variable's origin (``function``, ``globals``).
    """
    raw_vars = as_map(raw_env).get("Variables")
    resolved_vars = as_map(resolved_env).get("Variables")
    if raw_vars is None:
        return ()
    if not isinstance(resolved_vars, dict):
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"{fn}: Environment.Variables cannot be resolved statically; its variables "
            "are not known",
            line_of(raw_env, "Variables"),
        )
        return ()
    raw_map = as_map(raw_vars)
    return tuple(
        _env_var(
            str(name),
            raw_map.get(name),
            value,
            file=ctx.file,
            line=line_of(raw_map, name),
            origin=origin_of(name),
        )
        for name, value in resolved_vars.items()
    )


def vpc_of(value: Any) -> Vpc | None:
    """A resolved ``VpcConfig``; an unresolvable one is a VPC attachment with unknown ids."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return Vpc(subnet_ids=(value,), security_group_ids=(value,))
    config = as_map(value)
    if not config:
        return None
    return Vpc(
        subnet_ids=as_str_tuple(config.get("SubnetIds")),
        security_group_ids=as_str_tuple(config.get("SecurityGroupIds")),
    )


def tags_of(value: Any) -> dict[str, str | Unknown]:
    """Tags written as a mapping (SAM) or as ``[{Key, Value}]`` (CloudFormation)."""
    tags: dict[str, str | Unknown] = {}
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = [(as_map(item).get("Key"), as_map(item).get("Value")) for item in value]
    else:
        items = []
    for key, tag in items:
        text = as_str(tag)
        if isinstance(key, str) and text is not None:
            tags[key] = text
    return tags


def function_url(ctx: LoadContext, config: Any, *, line: int | None) -> tuple[FunctionUrl, Trigger]:
    """A function URL and its trigger, from ``FunctionUrlConfig`` or ``AWS::Lambda::Url``.

    A URL is reachable from the internet whatever its auth type: ``AWS_IAM`` only means the
    caller must sign the request.
    """
    settings = as_map(config)
    auth_type = as_str(settings.get("AuthType"))
    if auth_type is None:
        auth_type = Unknown("(missing)", "AuthType not set")
    cors = cors_from_config(
        settings.get("Cors"), file=ctx.file, line=key_line(settings, "Cors", line)
    )
    auth = {"NONE": AuthKind.NONE, "AWS_IAM": AuthKind.IAM}.get(
        auth_type if isinstance(auth_type, str) else "", AuthKind.UNKNOWN
    )
    url = FunctionUrl(
        auth_type=auth_type,
        location=ctx.location(line),
        cors=cors,
        invoke_mode=as_str(settings.get("InvokeMode")),
    )
    trigger = Trigger(
        kind=TriggerKind.FUNCTION_URL,
        location=ctx.location(line),
        auth=auth,
        internet_reachable=True,
        cors=cors,
        properties={
            k: v for k, v in settings.items() if k not in ("AuthType", "Cors", "TargetFunctionArn")
        },
    )
    return url, trigger


def code_fields(
    ctx: LoadContext, code_root: str | None, handler: Any, runtime: Any
) -> dict[str, Any]:
    """Handler file, handler function and dependency manifests for a code folder."""
    fields: dict[str, Any] = {"code_root": code_root}
    if code_root is None or ctx.fs is None:
        return fields
    if isinstance(handler, str):
        handler_file, handler_function = resolve_handler(
            ctx.fs,
            code_root=code_root,
            handler=handler,
            runtime=runtime if isinstance(runtime, str) else None,
        )
        fields["handler_file"] = handler_file
        fields["handler_function"] = handler_function
    if code_root not in ctx.manifests:
        ctx.manifests[code_root] = find_manifests(ctx.fs, code_root)
    fields["dependency_manifests"] = ctx.manifests[code_root]
    return fields


def cdk_asset_root(ctx: LoadContext, res: RawResource, code: Mapping[str, Any]) -> str | None:
    """The folder of a CDK code asset (``cdk.out/asset.<hash>``) when it exists in the root."""
    asset = res.metadata.get("aws:asset:path")
    candidates: list[tuple[str, int | None]] = []
    # An absolute asset path is where CDK staged the asset on the author's machine: not ours.
    absolute = isinstance(asset, str) and (
        asset.startswith(("/", "\\")) or (len(asset) > 1 and asset[1] == ":")
    )
    if (
        isinstance(asset, str)
        and not absolute
        and res.metadata.get("aws:asset:property", "Code") == "Code"
    ):
        candidates.append((asset, line_of(res.metadata, "aws:asset:path")))
    key = code.get("S3Key")
    if isinstance(key, str) and key.endswith(".zip") and "/" not in key:
        candidates.append(("asset." + key[: -len(".zip")], None))
    for path, line in candidates:
        folder = ctx.join(path, line=line or res.line)
        if folder is not None and ctx.fs is not None and ctx.fs.is_dir(folder):
            return folder
    return None


def _log_group(value: Any) -> str | None:
    group = as_map(value).get("LogGroup")
    return group if isinstance(group, str) else None


def inline_code(
    ctx: LoadContext, container: Any, key: str, value: Any, fallback: int | None
) -> InlineCode | None:
    """Handler code written in the template (``Code.ZipFile``, SAM ``InlineCode``).

    The location is the template line of the code's first line: the line after the key for a
    YAML block scalar (``ZipFile: |``), else the key's own line (a JSON or quoted string,
    whose later lines cannot be mapped exactly).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    line = key_line(container, key, fallback)
    fs = ctx.fs
    if line is not None and fs is not None:
        # Read and split once per template, not once per inline function.
        lines = fs.derived(("template-lines", ctx.file), lambda: _template_lines(fs, ctx.file))
        if 0 < line <= len(lines) and lines[line - 1].rstrip().endswith(
            ("|", "|-", "|+", ">", ">-")
        ):
            line += 1
    return InlineCode(value, ctx.location(line))


def _template_lines(fs: ScanFS, file: str) -> list[str]:
    """The lines of ``file`` (none when it cannot be read)."""
    try:
        return fs.read_text(file).splitlines()
    except LoadError:
        return []


def build_lambda_functions(ctx: LoadContext) -> None:
    """Load every ``AWS::Lambda::Function`` of the template."""
    for res in ctx.of_type("AWS::Lambda::Function"):
        props = ctx.resolved(res)
        code = as_map(props.get("Code"))
        runtime = as_str(props.get("Runtime"))
        handler = as_str(props.get("Handler"))
        package_type = props.get("PackageType")
        image_uri = as_str(code.get("ImageUri"))
        if "ZipFile" in code or image_uri is not None:
            code_root = None
        else:
            code_root = cdk_asset_root(ctx, res, code)
        fields = code_fields(ctx, code_root, handler, runtime)
        raw_code = res.properties.get("Code")
        inline = inline_code(ctx, raw_code, "ZipFile", code.get("ZipFile"), res.line)
        ctx.function_names[res.id] = as_str(props.get("FunctionName"))
        ctx.log_group_refs[res.id] = as_map(res.properties.get("LoggingConfig")).get("LogGroup")
        function = Function(
            name=res.id,
            application=ctx.application,
            location=ctx.location(res.line),
            resource_id=res.id,
            runtime=runtime,
            handler=handler,
            package_type=(
                package_type
                if isinstance(package_type, str)
                else "Image"
                if image_uri is not None
                else "Zip"
            ),
            image_uri=image_uri,
            memory=as_int(props.get("MemorySize")),
            timeout=as_int(props.get("Timeout")),
            reserved_concurrency=as_int(props.get("ReservedConcurrentExecutions")),
            environment=environment(
                ctx,
                res.id,
                res.properties.get("Environment"),
                props.get("Environment"),
                origin_of=lambda _name: "function",
            ),
            layers=as_str_tuple(props.get("Layers")),
            tracing=as_str(as_map(props.get("TracingConfig")).get("Mode")),
            kms_key_arn=as_str(props.get("KmsKeyArn")),
            dead_letter=as_str(as_map(props.get("DeadLetterConfig")).get("TargetArn")),
            vpc=vpc_of(props.get("VpcConfig")),
            tags=tags_of(props.get("Tags")),
            description=as_str(props.get("Description")),
            architectures=tuple(
                item for item in as_str_tuple(props.get("Architectures")) if isinstance(item, str)
            ),
            log_group=_log_group(props.get("LoggingConfig")),
            inline_code=inline,
            **fields,
        )
        ctx.functions[res.id] = function
        role = res.properties.get("Role")
        if role is not None:
            ctx.update_function(
                res.id,
                role=assign_role(
                    ctx, res.id, role, line=key_line(res.properties, "Role", res.line)
                ),
            )


def code_uri_root(ctx: LoadContext, code_uri: Any, *, line: int | None) -> str | None:
    """The code folder of a SAM ``CodeUri``: a local path inside the root, else None."""
    if code_uri is None:
        return ctx.template_dir
    if not isinstance(code_uri, str) or code_uri.startswith(("s3://", "https://", "http://")):
        return None  # {Bucket, Key}, an S3 URL or an intrinsic: code is not in the repository
    folder = ctx.join(code_uri, line=line)
    if folder is None or ctx.fs is None:
        return None
    # A zip or jar next to the template, or a folder not in the repository: no source to read.
    return folder if ctx.fs.is_dir(folder) else None


def code_uri_artifact(ctx: LoadContext, code_uri: Any, *, line: int | None) -> str | None:
    """The local zip a ``CodeUri`` (or a plain function's ``Code``) names, when it exists.

    Such a zip is the deployment package itself: the dependency analysis reads it as the
    function's artifact instead of passing over it without a word.
    """
    if not isinstance(code_uri, str) or not code_uri.lower().endswith(".zip"):
        return None
    if code_uri.startswith(("s3://", "https://", "http://")) or ctx.fs is None:
        return None
    path = ctx.join(code_uri, line=line)
    return path if path is not None and ctx.fs.exists(path) else None
