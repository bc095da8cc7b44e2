"""``AWS::Serverless::Function`` and ``AWS::Serverless::SimpleTable`` as model objects.

A SAM function is read the way the SAM transform would expand it: Globals merged first, then
the Lambda settings, the triggers of its ``Events``, its URL, and either the role named by
``Role`` (``Policies`` are then ignored, as SAM ignores them) or the ``<Function>Role`` SAM
generates from ``Policies`` and the function's other settings.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from faasguard.loaders.cloudformation.context import (
    LoadContext,
    as_int,
    as_map,
    as_str,
    as_str_tuple,
    key_line,
)
from faasguard.loaders.cloudformation.events import sam_event_triggers
from faasguard.loaders.cloudformation.iam import (
    assign_role,
    sam_destination_default,
    sam_function_role,
)
from faasguard.loaders.cloudformation.lambda_ import (
    code_fields,
    code_uri_artifact,
    code_uri_root,
    environment,
    function_url,
    inline_code,
    tags_of,
    vpc_of,
)
from faasguard.loaders.cloudformation.sam_globals import SamGlobals
from faasguard.model import Function, Resource, Unknown

__all__ = ["build_sam_functions", "build_simple_tables"]


def _origin(local_vars: Mapping[str, Any], name: str) -> str:
    """A variable set on the function itself wins over (and hides) the Globals one."""
    return "function" if name in local_vars else "globals"


def _on_failure(fn: str, props: Any) -> str | Unknown | None:
    failure = as_map(as_map(as_map(props).get("DestinationConfig")).get("OnFailure"))
    if not failure:
        return None
    destination = failure.get("Destination")
    if destination is None:
        return sam_destination_default(fn, "OnFailure", failure.get("Type"))
    return as_str(destination)


def build_sam_functions(ctx: LoadContext, globals_: SamGlobals) -> None:
    """Load every ``AWS::Serverless::Function`` of the template."""
    for res in ctx.of_type("AWS::Serverless::Function"):
        raw = globals_.merge("Function", res.properties, res.ignore_globals)
        props = as_map(ctx.resolver.resolve(raw))
        fn = res.id
        local_vars = as_map(as_map(res.properties.get("Environment")).get("Variables"))
        runtime = as_str(props.get("Runtime"))
        handler = as_str(props.get("Handler"))
        image_uri = as_str(props.get("ImageUri"))
        package_type = props.get("PackageType")
        is_image = package_type == "Image" or (package_type is None and image_uri is not None)
        artifact = None
        if is_image or "InlineCode" in props:
            code_root = None
        else:
            code_line = key_line(raw, "CodeUri", res.line)
            code_root = code_uri_root(ctx, props.get("CodeUri"), line=code_line)
            artifact = code_uri_artifact(ctx, props.get("CodeUri"), line=code_line)
        url = None
        triggers = []
        if props.get("FunctionUrlConfig") is not None:
            url, url_trigger = function_url(
                ctx,
                props["FunctionUrlConfig"],
                line=key_line(raw, "FunctionUrlConfig", res.line),
            )
            triggers.append(url_trigger)
        triggers.extend(
            sam_event_triggers(
                ctx, globals_, fn, raw.get("Events"), line=key_line(raw, "Events", res.line)
            )
        )
        ctx.function_names[fn] = as_str(props.get("FunctionName"))
        ctx.log_group_refs[fn] = as_map(raw.get("LoggingConfig")).get("LogGroup")
        logging = as_map(props.get("LoggingConfig")).get("LogGroup")
        ctx.functions[fn] = Function(
            name=fn,
            application=ctx.application,
            location=ctx.location(res.line),
            resource_id=fn,
            runtime=runtime,
            handler=handler,
            package_type="Image" if is_image else "Zip",
            image_uri=image_uri,
            memory=as_int(props.get("MemorySize")),
            timeout=as_int(props.get("Timeout")),
            reserved_concurrency=as_int(props.get("ReservedConcurrentExecutions")),
            environment=environment(
                ctx,
                fn,
                raw.get("Environment"),
                props.get("Environment"),
                origin_of=functools.partial(_origin, local_vars),
            ),
            layers=as_str_tuple(props.get("Layers")),
            url=url,
            tracing=as_str(props.get("Tracing")),
            kms_key_arn=as_str(props.get("KmsKeyArn")),
            log_group=logging if isinstance(logging, str) else None,
            dead_letter=as_str(as_map(props.get("DeadLetterQueue")).get("TargetArn")),
            on_failure=_on_failure(fn, props.get("EventInvokeConfig")),
            vpc=vpc_of(props.get("VpcConfig")),
            tags=tags_of(props.get("Tags")),
            description=as_str(props.get("Description")),
            triggers=tuple(triggers),
            architectures=tuple(
                item for item in as_str_tuple(props.get("Architectures")) if isinstance(item, str)
            ),
            **code_fields(ctx, code_root, handler, runtime),
            package_artifact=artifact,
            inline_code=inline_code(ctx, raw, "InlineCode", props.get("InlineCode"), res.line),
            # Last, so the role's issues still follow the function's; in the constructor, not
            # set afterwards with dataclasses.replace (10 ms per 1,500 functions).
            role=_role(ctx, fn, raw=raw, props=props, line=res.line),
        )


def _role(
    ctx: LoadContext, fn: str, *, raw: Mapping[str, Any], props: Mapping[str, Any], line: int | None
) -> str:
    """The role named by ``Role`` (``Policies`` are then ignored), else the one SAM generates."""
    if props.get("Role") is not None:
        return assign_role(ctx, fn, raw["Role"], line=key_line(raw, "Role", line))
    return sam_function_role(ctx, fn, raw=raw, props=props, line=line)


def build_simple_tables(ctx: LoadContext, globals_: SamGlobals) -> list[Resource]:
    """``AWS::Serverless::SimpleTable`` resources, Globals merged, type kept as written."""
    tables: list[Resource] = []
    for res in ctx.of_type("AWS::Serverless::SimpleTable"):
        raw = globals_.merge("SimpleTable", res.properties, res.ignore_globals)
        props = as_map(ctx.resolver.resolve(raw))
        tables.append(
            Resource(
                id=res.id,
                type=res.type,
                location=ctx.location(res.line),
                properties=props,
                property_lines=dict(getattr(raw, "key_lines", {})),
            )
        )
    return tables
