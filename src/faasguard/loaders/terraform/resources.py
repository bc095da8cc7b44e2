"""Log groups, layers, aliases and the other resources that name a function."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from faasguard.errors import LoadError
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.terraform.convert import blocks, first, number
from faasguard.loaders.terraform.draft import Draft, deployed_name
from faasguard.loaders.terraform.modules import Item
from faasguard.loaders.terraform.values import Ref
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import Resource

__all__ = ["attach_log_groups", "build_layers_and_aliases", "record_references"]


def attach_log_groups(draft: Draft) -> None:
    """Log groups as resources; a group named for a function gives it its retention."""
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
                if deployed in (deployed_name(draft, k), draft.functions[k].name)
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


def build_layers_and_aliases(draft: Draft) -> None:
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
            for transformation in blocks(config.get("transformation_configuration"))
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


def record_references(draft: Draft) -> None:
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
