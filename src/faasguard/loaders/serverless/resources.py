"""``resources:``: the raw CloudFormation a Serverless service adds to its stack.

Serverless merges ``resources`` into the stack it compiles, so its entries are read as
CloudFormation: intrinsics are resolved (or made Unknown) by the CloudFormation loader's public
:class:`~faasguard.loaders.cloudformation.intrinsics.Resolver`, after Serverless variables. The
block may be one mapping or a list of mappings (usually ``- ${file(resources/x.yml)}``); lists are
merged in order, later entries winning, as Serverless does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from faasguard.loaders.cloudformation.intrinsics import referenced_resources
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.values import as_text, plain
from faasguard.loaders.serverless.variables import Resolver
from faasguard.model import Resource, Unknown

__all__ = ["CFN_SECTIONS", "RawResources", "build_resources", "collect_resources", "referrers"]

#: Top-level blocks of ``resources`` that the intrinsic resolver needs.
CFN_SECTIONS: Final = ("Resources", "Conditions", "Mappings", "Parameters")

RawResources = dict[str, tuple[Mapping[str, Any], Any]]


def collect_resources(
    document: Mapping[str, Any], variables: Resolver, issues: list[LoadIssue]
) -> tuple[RawResources, dict[str, dict[str, Any]]]:
    """Merge the ``resources`` block.

    Args:
        document: the resolved template.
        variables: the variable resolver, for the location of what is reported.
        issues: where problems are appended.

    Returns:
        The resources by logical id (with the mapping each was written in, for its location),
        and a CloudFormation-shaped template of the merged sections for the intrinsic resolver.
    """
    resources: RawResources = {}
    sections: dict[str, dict[str, Any]] = {name: {} for name in CFN_SECTIONS}
    value = document.get("resources")
    if value is None:
        return resources, sections
    blocks = value if isinstance(value, list) else [value]
    for index, block in enumerate(blocks):
        if isinstance(block, Unknown):
            where = (value, index) if isinstance(value, list) else (document, "resources")
            issues.append(
                LoadIssue(
                    IssueKind.UNRESOLVED,
                    f"resources {block.expression!r} cannot be resolved statically "
                    f"({block.reason}); the resources it adds are not scanned",
                    variables.location(*where),
                )
            )
            continue
        if not isinstance(block, dict):
            continue
        for name in CFN_SECTIONS:
            section = block.get(name)
            if isinstance(section, dict):
                sections[name].update(section)
        entries = block.get("Resources")
        if isinstance(entries, dict):
            for logical_id, body in entries.items():
                resources[logical_id] = (entries, body)
    return resources, sections


def build_resources(ctx: Context) -> tuple[Resource, ...]:
    """Turn every entry of ``resources.Resources`` into a model :class:`Resource`."""
    built: list[Resource] = []
    for logical_id, (container, body) in ctx.resources.items():
        location = ctx.loc(container, logical_id)
        if not isinstance(body, dict):
            reason = body.reason if isinstance(body, Unknown) else "not a mapping"
            ctx.issue(
                IssueKind.UNRESOLVED,
                f"resource {logical_id!r} cannot be read ({reason}); it is not scanned",
                location,
            )
            continue
        kind = as_text(body.get("Type"))
        raw_props = body.get("Properties")
        props = ctx.resolve_cfn(raw_props) if isinstance(raw_props, dict) else {}
        built.append(
            Resource(
                id=logical_id,
                type=kind if isinstance(kind, str) else (kind.expression if kind else ""),
                location=location,
                properties=plain(props) if isinstance(props, dict) else {},
                property_lines=dict(getattr(raw_props, "key_lines", {})),
            )
        )
    return tuple(built)


def referrers(ctx: Context, targets: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Return, for each of ``targets``, the resources whose properties refer to it.

    Used for ``Function.referenced_by``: a function no event triggers may still be wired up by
    hand (``AWS::Lambda::Permission``, a Step Functions definition, a custom resource).
    """
    found: dict[str, list[str]] = {}
    for logical_id, (_, body) in ctx.resources.items():
        if not isinstance(body, dict):
            continue
        for target in sorted(referenced_resources(body.get("Properties"), targets)):
            found.setdefault(target, []).append(logical_id)
    return {target: tuple(ids) for target, ids in found.items()}
