"""``aws_lambda_function`` resources into model functions, with their code.

Code is located without running anything: an ``archive_file`` data source gives the folder (or
file) a function ships, inside the scan root; a committed ``.zip`` is the function's artifact.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from faasguard.errors import LoadError
from faasguard.loaders.handlers import find_manifests, resolve_handler
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.terraform.convert import first, number, strings, text
from faasguard.loaders.terraform.draft import Draft
from faasguard.loaders.terraform.modules import Item
from faasguard.loaders.terraform.values import direct_ref
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import EnvVar, Function, Location, Unknown, Vpc

__all__ = ["build_function", "code_fields", "environment_of", "function_name_of"]


def function_name_of(item: Item) -> str:
    """The function's name in findings: its label, prefixed by its module path."""
    if not item.module:
        return item.name
    return f"{item.module}.{item.name}"


def environment_of(item: Item, variables: Any, *, key: str) -> tuple[EnvVar, ...]:
    """Environment variables; ``raw`` keeps the expression of a value only known at apply."""
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


def code_fields(
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


def build_function(draft: Draft, item: Item, app: str) -> Function:
    """The model function of one ``aws_lambda_function``."""
    v = item.values
    handler, runtime = v.get("handler"), v.get("runtime")
    code = code_fields(
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
        name=function_name_of(item),
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
        environment=environment_of(
            item, first(v.get("environment")).get("variables"), key="environment"
        ),
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
