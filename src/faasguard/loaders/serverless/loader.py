"""The Serverless Framework loader (v1 to v4): ``serverless.yml``/``.yaml``/``.json``.

Order of work, each step in its own module: parse safely (:mod:`~faasguard.loaders.yaml_safe`),
resolve variables (:mod:`.variables`), merge ``resources`` (:mod:`.resources`), assign roles
(:mod:`.iam`), translate events (:mod:`.events`), build functions (:mod:`.functions`, with
:mod:`.packaging`), the layers (:mod:`.layers`) and the implicit APIs (:mod:`.apis`). Bad input
never raises: it becomes a :class:`~faasguard.loaders.interface.LoadIssue`, and whatever could
be read is still returned.

``serverless.ts``/``.js`` are programs; running the scanned project's code is out of the question,
so they are reported as unsupported with the command that turns them into YAML.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.intrinsics import Resolver as CfnResolver
from faasguard.loaders.interface import (
    IssueKind,
    LoadIssue,
    LoadOptions,
    LoadResult,
    issue_from_error,
)
from faasguard.loaders.serverless.apis import build_apis
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.events import (
    api_settings,
    authorizer_references,
    triggers_for,
)
from faasguard.loaders.serverless.functions import FunctionBuilder
from faasguard.loaders.serverless.iam import assign_roles
from faasguard.loaders.serverless.layers import build_layers, merge_resources
from faasguard.loaders.serverless.naming import generated_ids, lambda_logical_id
from faasguard.loaders.serverless.resources import build_resources, collect_resources, referrers
from faasguard.loaders.serverless.values import EMPTY, as_map, as_text
from faasguard.loaders.serverless.variables import DEFAULT_REGION, Resolver
from faasguard.loaders.yaml_safe import ParsedDocument, line_of, parse_json, parse_yaml
from faasguard.model import AppFormat, Application, Location, Unknown

__all__ = ["DEFAULT_REGION", "SCRIPT_TEMPLATES", "ServerlessLoader"]

#: Template files that are programs, never executed by a scan.
SCRIPT_TEMPLATES: Final = (".ts", ".js", ".mjs", ".cjs")

_FunctionEntry = tuple[str, Mapping[str, Any], Any]


class ServerlessLoader:
    """Loads one Serverless Framework service (see the module docstring)."""

    name = "serverless"

    def load(self, template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
        """Load the template at POSIX path ``template`` (relative to the scan root).

        Returns:
            One application (or none when the file cannot be read as a service) and the
            problems met, each located in a file.
        """
        try:
            return _load(template, fs, options)
        except RecursionError:  # a last line of defence: every walk is already bounded
            return LoadResult(
                issues=(
                    LoadIssue(
                        IssueKind.PARSE_ERROR,
                        "the template nests too deeply to be read; it was not scanned",
                        Location(template),
                    ),
                )
            )


def _load(template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
    """Parse, resolve and build; every problem on the way becomes an issue."""
    if template.lower().endswith(SCRIPT_TEMPLATES):
        return LoadResult(issues=(_script_issue(template),))
    issues: list[LoadIssue] = []
    parsed = _parse(template, fs, issues)
    if parsed is None:
        return LoadResult(issues=tuple(issues))
    issues.extend(
        LoadIssue(IssueKind.DUPLICATE_KEY, message, Location(template, line))
        for line, message in parsed.warnings
    )
    data = parsed.data
    if not isinstance(data, dict):
        issues.append(_not_a_mapping(template, data))
        return LoadResult(issues=tuple(issues))
    raw_provider = as_map(data.get("provider"))
    if "variableSyntax" in raw_provider:
        issues.append(
            LoadIssue(
                IssueKind.UNSUPPORTED,
                "provider.variableSyntax (a custom variable syntax) is not supported; variables "
                "in that syntax stay unresolved",
                Location(template, line_of(raw_provider, "variableSyntax")),
            )
        )
    variables = Resolver(data, fs=fs, template=template, options=options)
    document = as_map(variables.resolve_document())
    app, later = _application(template, fs, options, variables, document, issues)
    all_issues = [*issues, *variables.issues, *later]
    unique = dict.fromkeys(replace(issue, application=app.name) for issue in all_issues)
    return LoadResult(applications=(app,), issues=tuple(unique))


def _parse(template: str, fs: ScanFS, issues: list[LoadIssue]) -> ParsedDocument | None:
    try:
        text = fs.read_text(template)
        if template.lower().endswith(".json"):
            return parse_json(text, template)
        return parse_yaml(text, template)
    except LoadError as exc:
        issues.append(issue_from_error(exc))
        return None


def _script_issue(template: str) -> LoadIssue:
    return LoadIssue(
        IssueKind.UNSUPPORTED,
        f"{template} is not supported statically, run `serverless print > serverless.yml` "
        "and scan the output (faasguard never runs the project's code)",
        Location(template),
    )


def _not_a_mapping(template: str, data: Any) -> LoadIssue:
    if data is None:
        detail = "the file is empty"
    else:
        kind = (
            "a list"
            if isinstance(data, list)
            else "a string"
            if isinstance(data, str)
            else "a scalar"
        )
        detail = f"the document is {kind}, not a mapping"
    return LoadIssue(
        IssueKind.PARSE_ERROR,
        f"{template} is not a Serverless service: {detail}",
        Location(template, 1),
    )


def _application(
    template: str,
    fs: ScanFS,
    options: LoadOptions,
    variables: Resolver,
    document: Mapping[str, Any],
    issues: list[LoadIssue],
) -> tuple[Application, list[LoadIssue]]:
    """Build the application; returns it with the issues found after variable resolution."""
    root = posixpath.dirname(template) or "."
    provider = as_map(document.get("provider"))
    name = _service_name(document, root)
    stage_value = variables.stage
    stage = stage_value if isinstance(stage_value, str) else None
    region: str | Unknown | None = _region(options, provider)
    provider_name = provider.get("name", "aws")
    if isinstance(provider_name, str) and provider_name != "aws":
        region = options.region or as_text(provider.get("region"))
        issues.append(
            LoadIssue(
                IssueKind.UNSUPPORTED,
                f"provider {provider_name} is not scanned with AWS rules; skipped",
                variables.location(provider, "name"),
            )
        )
        app = Application(name, AppFormat.SERVERLESS, template, root, provider_name, stage, region)
        return app, []
    entries = _functions(document, variables, issues)
    function_names = [entry[0] for entry in entries]
    resources, sections = collect_resources(document, variables, issues)
    cfn = CfnResolver(
        sections,
        file=template,
        options=LoadOptions(
            region=region if isinstance(region, str) else None, parameters=options.parameters
        ),
        extra_resource_ids=generated_ids(
            function_names, [str(layer) for layer in as_map(document.get("layers"))]
        ),
    )
    ctx = Context(
        fs=fs,
        options=options,
        template=template,
        root=root,
        variables=variables,
        cfn=cfn,
        document=document,
        resources=resources,
        function_names=frozenset(function_names),
    )
    configs = [(fn_name, as_map(config)) for fn_name, _, config in entries]
    role_of, roles = assign_roles(ctx, configs)
    settings = api_settings(ctx, configs)
    referenced = referrers(ctx, frozenset(lambda_logical_id(n) for n in function_names))
    authorizers = authorizer_references(configs, settings)
    builder = FunctionBuilder(ctx, application=name, stage=stage)
    functions = tuple(
        builder.build(
            fn_name,
            config,
            location=variables.location(container, fn_name),
            role=role_of.get(fn_name),
            triggers=triggers_for(ctx, settings, fn_name, as_map(config)),
            referenced_by=tuple(
                sorted(
                    {*referenced.get(lambda_logical_id(fn_name), ()), *authorizers.get(fn_name, ())}
                )
            ),
        )
        for fn_name, container, config in entries
    )
    app = Application(
        name=name,
        format=AppFormat.SERVERLESS,
        file=template,
        root=root,
        provider="aws",
        stage=stage,
        region=region,
        functions=functions,
        roles=roles,
        apis=build_apis(ctx, functions),
        resources=merge_resources(build_layers(ctx), build_resources(ctx)),
    )
    return app, [*ctx.issues, *cfn.issues]


def _service_name(document: Mapping[str, Any], root: str) -> str:
    """``service: name`` (v2+) or ``service: {name: ...}`` (v1); else the folder's name."""
    service = document.get("service")
    if isinstance(service, dict):
        service = service.get("name")
    text = as_text(service)
    if isinstance(text, str) and text:
        return text
    return posixpath.basename(root) if root != "." else "serverless"


def _region(options: LoadOptions, provider: Mapping[str, Any]) -> str | Unknown:
    if options.region:
        return options.region
    region = as_text(provider.get("region"))
    return region if region is not None else DEFAULT_REGION


def _functions(
    document: Mapping[str, Any], variables: Resolver, issues: list[LoadIssue]
) -> list[_FunctionEntry]:
    """The functions as (name, the mapping holding the key, resolved config).

    ``functions`` may also be a list of mappings (``- ${file(./functions/a.yml)}``), merged in
    order as Serverless does.
    """
    value = document.get("functions")
    blocks = value if isinstance(value, list) else [value]
    found: dict[str, _FunctionEntry] = {}
    for block in blocks:
        if block is None:
            continue
        if not isinstance(block, dict):
            reason = block.reason if isinstance(block, Unknown) else "not a mapping"
            issues.append(
                LoadIssue(
                    IssueKind.UNRESOLVED,
                    f"functions cannot be read ({reason}); the functions it defines are not "
                    "scanned",
                    variables.location(document, "functions"),
                )
            )
            continue
        for fn_name, config in block.items():
            found.pop(fn_name, None)
            found[fn_name] = (fn_name, block, config if config is not None else EMPTY)
    return list(found.values())
