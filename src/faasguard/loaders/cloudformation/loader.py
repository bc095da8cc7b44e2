"""The ``cloudformation`` loader: SAM, plain CloudFormation and CDK output (``cdk.out``).

One loader reads the three because they are one format: SAM is CloudFormation plus a transform
(a template with ``AWS::Serverless::*`` resources is SAM even without its ``Transform`` line,
since ``sam deploy`` adds it), and ``cdk synth`` writes plain CloudFormation JSON whose only
extras are metadata (``aws:cdk:path``, ``aws:asset:path``) and asset folders next to it.

The loader never raises for bad input: a file that is not a template, a malformed resource,
an unresolvable value or a reference outside the scan root becomes a :class:`LoadIssue`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from faasguard.errors import LoadError, ParseError
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.apis import (
    IMPLICIT_HTTP_API,
    IMPLICIT_REST_API,
    build_cfn_apis,
    build_sam_apis,
)
from faasguard.loaders.cloudformation.attachments import attach_all
from faasguard.loaders.cloudformation.context import LoadContext
from faasguard.loaders.cloudformation.iam import attach_policy_resources, build_iam_roles
from faasguard.loaders.cloudformation.intrinsics import Resolver, referenced_resources, render
from faasguard.loaders.cloudformation.lambda_ import build_lambda_functions
from faasguard.loaders.cloudformation.openapi import attach_openapi_routes
from faasguard.loaders.cloudformation.resources import collect_resources, model_resources
from faasguard.loaders.cloudformation.sam import build_sam_functions, build_simple_tables
from faasguard.loaders.cloudformation.sam_globals import SamGlobals
from faasguard.loaders.discovery import template_structure
from faasguard.loaders.interface import (
    IssueKind,
    LoadIssue,
    LoadOptions,
    LoadResult,
    issue_from_error,
)
from faasguard.loaders.yaml_safe import ParsedDocument, line_of, parse_json, parse_yaml
from faasguard.model import AppFormat, Application, Function, Location

__all__ = ["SAM_TRANSFORM", "CloudFormationLoader"]

SAM_TRANSFORM: Final = "AWS::Serverless-2016-10-31"
#: Transforms whose effect this loader reproduces (the language extensions only in part).
_KNOWN_TRANSFORMS: Final = frozenset({SAM_TRANSFORM, "AWS::LanguageExtensions"})
#: Types turned into functions, roles and APIs rather than plain resources.
_MODELLED_TYPES: Final = frozenset(
    {
        "AWS::Serverless::Function",
        "AWS::Lambda::Function",
        "AWS::IAM::Role",
        "AWS::Serverless::Api",
        "AWS::Serverless::HttpApi",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGatewayV2::Api",
        "AWS::Serverless::SimpleTable",
    }
)
_CDK_SUFFIX: Final = ".template.json"


class CloudFormationLoader:
    """Loads SAM, CloudFormation and CDK-synthesised templates (see the module docstring)."""

    name = "cloudformation"

    def load(self, template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
        """Load the template at POSIX path ``template`` (relative to the scan root)."""
        try:
            return _load(template, fs, options)
        except LoadError as exc:
            return LoadResult(issues=(issue_from_error(exc),))
        except RecursionError:
            return LoadResult(
                issues=(
                    LoadIssue(
                        IssueKind.PARSE_ERROR,
                        "the template nests too deeply to be read",
                        Location(template),
                    ),
                )
            )


def _parse(template: str, fs: ScanFS) -> ParsedDocument:
    text = fs.read_text(template)
    if template.endswith(".json") or text.lstrip().startswith("{"):
        return parse_json(text, template)
    return parse_yaml(text, template)


def _is_cdk(template: str, resources: Mapping[str, Any]) -> bool:
    folders = template.split("/")[:-1]
    if template.endswith(_CDK_SUFFIX) and "cdk.out" in folders:
        return True
    return any(
        isinstance(entry, dict)
        and isinstance(entry.get("Metadata"), dict)
        and "aws:cdk:path" in entry["Metadata"]
        for entry in resources.values()
    )


def _is_sam(data: Mapping[str, Any], resources: Mapping[str, Any]) -> bool:
    transform = data.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if SAM_TRANSFORM in transforms:
        return True
    return any(
        isinstance(entry, dict)
        and isinstance(entry.get("Type"), str)
        and entry["Type"].startswith("AWS::Serverless::")
        for entry in resources.values()
    )


def _names(template: str, fs: ScanFS, *, cdk: bool) -> tuple[str, str]:
    """The application name and root folder.

    For CDK output the name is the stack (``MyStack.template.json`` gives ``MyStack``) and the
    root is the CDK project holding ``cdk.out``; otherwise the template's folder names both.
    """
    folder = posixpath.dirname(template)
    if cdk:
        name = posixpath.basename(template)
        name = name[: -len(_CDK_SUFFIX)] if name.endswith(_CDK_SUFFIX) else name.rsplit(".", 1)[0]
        parts = folder.split("/") if folder else []
        if "cdk.out" in parts:
            parts = parts[: len(parts) - 1 - parts[::-1].index("cdk.out")]
        return name, "/".join(parts) or "."
    name = posixpath.basename(folder) if folder else fs.real_root.name
    return name or "template", folder or "."


def _load(template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
    document = _parse(template, fs)
    issues = [
        LoadIssue(IssueKind.DUPLICATE_KEY, message, Location(template, line))
        for line, message in document.warnings
    ]
    data = document.data
    reason = template_structure(data)
    if reason is not None:
        # Decided by structure, not by a word in the file: seed data, a JSON schema or an SDK
        # model is not a broken template (the engine drops this for files it discovered).
        not_template = LoadIssue(
            IssueKind.NOT_A_TEMPLATE,
            f"not a CloudFormation template: {reason}",
            Location(template, line_of(data) or 1),
        )
        return LoadResult(issues=(not_template,))
    assert isinstance(data, dict)  # template_structure() accepts mappings only
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        detail = (
            "not a CloudFormation template: it has no Resources section"
            if resources is None
            else "Resources must be a mapping of logical ids to resources"
        )
        issues.append(
            issue_from_error(ParseError(template, line_of(data, "Resources") or 1, detail))
        )
        return LoadResult(issues=tuple(issues))

    cdk = _is_cdk(template, resources)
    app_format = (
        AppFormat.CDK
        if cdk
        else AppFormat.SAM
        if _is_sam(data, resources)
        else AppFormat.CLOUDFORMATION
    )
    name, root = _names(template, fs, cdk=cdk)
    issues = [LoadIssue(i.kind, i.message, i.location, name) for i in issues]
    resolver = Resolver(
        data, file=template, options=options, extra_resource_ids=_sam_generated_ids(resources)
    )
    ctx = LoadContext(
        fs=fs,
        file=template,
        template_dir=posixpath.dirname(template) or ".",
        options=options,
        resolver=resolver,
        application=name,
        resources={},
        issues=issues,
    )
    ctx.resources = collect_resources(
        resources, file=template, resolver=resolver, issues=issues, application=name
    )
    _macro_issues(ctx, data)
    application = _build(ctx, data, app_format=app_format, root=root)
    issues.extend(LoadIssue(i.kind, i.message, i.location, name) for i in resolver.issues)
    return LoadResult(applications=(application,), issues=tuple(issues))


def _macro_issues(ctx: LoadContext, data: Mapping[str, Any]) -> None:
    """Report template-level macros: what they generate at deploy time is not scanned."""
    transform = data.get("Transform")
    for item in transform if isinstance(transform, list) else [transform]:
        name = item.get("Name") if isinstance(item, dict) else item
        if name is None:
            continue
        label = name if isinstance(name, str) else render(name)
        if label in _KNOWN_TRANSFORMS:
            continue
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"Transform {label[:80]!r} is a macro expanded at deploy time; the resources "
            "it adds or changes are not scanned",
            line_of(data, "Transform"),
        )


def _sam_generated_ids(resources: Mapping[str, Any]) -> set[str]:
    """Logical ids SAM generates, so ``!Ref MyFunctionRole`` is a resource reference."""
    ids = {IMPLICIT_REST_API, IMPLICIT_HTTP_API}
    for logical_id, entry in resources.items():
        if isinstance(entry, dict) and entry.get("Type") == "AWS::Serverless::Function":
            ids.add(f"{logical_id}Role")
    return ids


def _build(
    ctx: LoadContext, data: Mapping[str, Any], *, app_format: AppFormat, root: str
) -> Application:
    globals_ = SamGlobals(ctx, data.get("Globals"))
    build_iam_roles(ctx)
    build_sam_apis(ctx, globals_)
    build_cfn_apis(ctx)
    build_lambda_functions(ctx)
    build_sam_functions(ctx, globals_)
    attach_policy_resources(ctx)
    attach_openapi_routes(ctx)  # before permissions: routes first, then what else invokes
    attach_all(ctx)
    order = {logical_id: index for index, logical_id in enumerate(ctx.resources)}
    resources = build_simple_tables(ctx, globals_) + model_resources(
        ctx, skip_types=_MODELLED_TYPES
    )
    resources.sort(key=lambda res: order.get(res.id, len(order)))
    functions = sorted(ctx.functions.values(), key=lambda fn: order.get(fn.name, len(order)))
    referenced = _referenced_by(ctx, globals_)
    return Application(
        name=ctx.application,
        format=app_format,
        file=ctx.file,
        root=root,
        region=ctx.options.region,
        functions=tuple(_with_references(fn, referenced) for fn in functions),
        roles=tuple(role.freeze() for role in ctx.roles.values()),
        apis=tuple(draft.freeze() for draft in ctx.apis.values()),
        resources=tuple(resources),
    )


def _with_references(fn: Function, referenced: Mapping[str, list[str]]) -> Function:
    refs = referenced.get(fn.name)
    if not refs:
        return fn
    return replace(fn, referenced_by=tuple(refs))


def _referenced_by(ctx: LoadContext, globals_: SamGlobals) -> dict[str, list[str]]:
    """Logical ids of the resources whose properties reference each function.

    Global settings reference on behalf of what they apply to: ``Globals.Function`` for every
    SAM function, ``Globals.Api``/``HttpApi`` for the implicit APIs.
    """
    functions = set(ctx.functions)
    referenced: dict[str, list[str]] = {fn: [] for fn in functions}

    def add(referrer: str, value: Any) -> None:
        for fn in sorted(referenced_resources(value, functions)):
            if fn != referrer and referrer not in referenced[fn]:
                referenced[fn].append(referrer)

    for res in ctx.resources.values():
        add(res.id, res.properties)
        if res.type == "AWS::Serverless::Function":
            add(res.id, globals_.section("Function"))
    for api_id, section in ((IMPLICIT_REST_API, "Api"), (IMPLICIT_HTTP_API, "HttpApi")):
        if api_id in ctx.apis and ctx.apis[api_id].api.implicit:
            add(api_id, globals_.section(section))
    return referenced
