"""Public helper: CloudFormation ``Resources`` as model resources and roles.

Used by this package for every resource it does not model specially, and by the Serverless
loader for ``resources.Resources``::

    from faasguard.loaders.cloudformation.resources import convert_resources

    converted = convert_resources(
        resources,                 # Mapping[str, Any]: the Resources mapping, as parsed
        file="serverless.yml",     # POSIX path relative to the scan root, for locations
        resolver=None,             # a Resolver for the enclosing template (parameters,
                                   #   conditions, extra_resource_ids); built when None
        skip_types=(),             # resource types the caller models itself
        application="my-service",  # put on each LoadIssue
    )
    converted.resources  # tuple[Resource, ...]: every resource except AWS::IAM::Role
    converted.roles      # tuple[Role, ...]: AWS::IAM::Role, with AWS::IAM::Policy/ManagedPolicy
                         #   statements folded in; ``functions`` is empty (the caller knows
                         #   which functions use which role: ``dataclasses.replace`` them)
    converted.issues     # tuple[LoadIssue, ...]: malformed entries, unresolvable Properties,
                         #   and the resolver's issues when the resolver was built here

Resources whose ``Condition`` is decidably false are left out (they are not deployed); those
with an undecidable condition are kept. A ``Resource``'s ``properties`` are resolved
(:class:`~faasguard.model.Unknown` where they cannot be) and ``property_lines`` gives the line of
each top-level property.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from faasguard.loaders.cloudformation.context import LoadContext, RawResource
from faasguard.loaders.cloudformation.iam import attach_policy_resources, build_iam_roles
from faasguard.loaders.cloudformation.intrinsics import Resolver
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.yaml_safe import YamlMap, line_of
from faasguard.model import Location, Resource, Role

__all__ = [
    "ConvertedResources",
    "collect_resources",
    "convert_resources",
    "model_resources",
]


@dataclass(frozen=True, slots=True)
class ConvertedResources:
    """What :func:`convert_resources` returns."""

    resources: tuple[Resource, ...] = ()
    roles: tuple[Role, ...] = ()
    issues: tuple[LoadIssue, ...] = ()


#: Resource types whose absence behind a false condition is reported (see collect_resources).
_FUNCTION_TYPES = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})


def collect_resources(
    resources: Mapping[str, Any],
    *,
    file: str,
    resolver: Resolver,
    issues: list[LoadIssue],
    application: str | None = None,
) -> dict[str, RawResource]:
    """Validate the entries of ``Resources`` and drop those whose Condition is false.

    Malformed entries (not a mapping, no string ``Type``, ``Properties`` not a mapping) are
    reported as PARSE_ERROR issues with their line and skipped.
    """
    collected: dict[str, RawResource] = {}
    for logical_id, entry in resources.items():
        line = line_of(resources, logical_id)

        def bad(detail: str, at: int | None = line, rid: Any = logical_id) -> None:
            issues.append(
                LoadIssue(
                    IssueKind.PARSE_ERROR,
                    f"resource {rid!s}: {detail}; it was skipped",
                    Location(file, at),
                    application,
                )
            )

        if not isinstance(entry, dict):
            bad("is not a mapping")
            continue
        kind = entry.get("Type")
        if not isinstance(kind, str):
            bad("has no Type string", line_of(entry, "Type") or line)
            continue
        properties = entry.get("Properties")
        if properties is None:
            properties = YamlMap(line)
        elif not isinstance(properties, dict):
            bad("Properties is not a mapping", line_of(entry, "Properties") or line)
            continue
        condition = entry.get("Condition")
        if isinstance(condition, str) and resolver.condition(condition) is False:
            if kind in _FUNCTION_TYPES:
                # Not deployed with these parameters; said, so a missing function is explained.
                issues.append(
                    LoadIssue(
                        IssueKind.NOT_DEPLOYED,
                        f"function {logical_id!s} is not deployed: its condition {condition} is "
                        "false with the parameters given (pass others with --param to check it)",
                        Location(file, line_of(entry, "Condition") or line),
                        application,
                    )
                )
            continue
        metadata = entry.get("Metadata")
        collected[str(logical_id)] = RawResource(
            id=str(logical_id),
            type=kind,
            line=line,
            properties=properties,
            metadata=metadata if isinstance(metadata, dict) else {},
            ignore_globals=entry.get("IgnoreGlobals"),
        )
    return collected


def model_resources(ctx: LoadContext, *, skip_types: Collection[str]) -> list[Resource]:
    """Every collected resource not of ``skip_types``, as a model :class:`Resource`."""
    result: list[Resource] = []
    for res in ctx.resources.values():
        if res.type in skip_types:
            continue
        props = ctx.resolved(res)
        result.append(
            Resource(
                id=res.id,
                type=res.type,
                location=ctx.location(res.line),
                properties=props,
                property_lines=dict(getattr(res.properties, "key_lines", {})),
            )
        )
    return result


def convert_resources(
    resources: Mapping[str, Any],
    *,
    file: str,
    resolver: Resolver | None = None,
    skip_types: Collection[str] = (),
    application: str | None = None,
) -> ConvertedResources:
    """Convert a CloudFormation ``Resources`` mapping into model resources and roles.

    Args:
        resources: the ``Resources`` mapping as parsed (YamlMap keeps lines).
        file: the file it was read from, relative to the scan root.
        resolver: resolves intrinsics; by default one over ``{"Resources": resources}``.
        skip_types: resource types the caller models itself (e.g. ``AWS::Lambda::Function``).
        application: the application name put on issues.

    Returns:
        The resources, the IAM roles (with attached policies) and the issues met.
    """
    issues: list[LoadIssue] = []
    if not isinstance(resources, dict):
        issues.append(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "Resources is not a mapping; it was not read",
                Location(file, line_of(resources)),
                application,
            )
        )
        return ConvertedResources(issues=tuple(issues))
    own_resolver = resolver is None
    active = resolver or Resolver({"Resources": resources}, file=file)
    collected = collect_resources(
        resources, file=file, resolver=active, issues=issues, application=application
    )
    ctx = LoadContext(
        fs=None,
        file=file,
        template_dir=".",
        options=active.options,
        resolver=active,
        application=application or "",
        resources=collected,
        issues=issues,
    )
    build_iam_roles(ctx)
    attach_policy_resources(ctx)
    converted = model_resources(ctx, skip_types={"AWS::IAM::Role", *skip_types})
    if own_resolver:
        issues.extend(_with_application(active.issues, application))
    return ConvertedResources(
        resources=tuple(converted),
        roles=tuple(role.freeze() for role in ctx.roles.values()),
        issues=tuple(issues),
    )


def _with_application(issues: list[LoadIssue], application: str | None) -> list[LoadIssue]:
    return [LoadIssue(issue.kind, issue.message, issue.location, application) for issue in issues]
