"""Terraform plan JSON (``terraform show -json plan.out``) into the same resources as HCL.

A plan holds resolved values (variables, locals and module inputs already applied) and the
module tree, so no expression is evaluated here. Values only known after ``apply`` (an ARN) are
absent from ``planned_values``; the configuration's ``references`` say what they point at, and
become :class:`~.values.Ref` so functions still join their roles and triggers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from faasguard.errors import ParseError
from faasguard.fs import ScanFS
from faasguard.loaders.terraform.modules import Item, Project
from faasguard.loaders.terraform.values import R_ATTRIBUTE, Ref, TfMap
from faasguard.loaders.yaml_safe import YamlMap, YamlSeq, parse_json
from faasguard.model import Location

__all__ = ["is_plan", "load_plan"]

_INDEX = re.compile(r"\[[^\]]*\]")


def is_plan(data: Any) -> bool:
    """True for the output of ``terraform show -json`` on a plan."""
    return isinstance(data, Mapping) and "format_version" in data and "planned_values" in data


def load_plan(fs: ScanFS, path: str) -> Project:
    """Load the plan at ``path``.

    Raises:
        ParseError: when the file is not JSON, nests too deeply or is not a plan.
    """
    data = parse_json(fs.read_text(path), path).data
    if not is_plan(data):
        raise ParseError(path, 1, "not a Terraform plan (no format_version/planned_values)")
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    project = Project(root=folder, files=(path,))
    config = _configs(data.get("configuration"))
    seen: set[str] = set()
    for module in (
        data.get("planned_values", {}).get("root_module"),
        (data.get("prior_state") or {}).get("values", {}).get("root_module"),
    ):
        for resource in _resources(module):
            _add(project, resource, config, path=path, seen=seen)
    return project


def _resources(module: Any) -> Iterator[Mapping[str, Any]]:
    stack = [module]
    while stack:
        current = stack.pop()
        if not isinstance(current, Mapping):
            continue
        yield from (r for r in current.get("resources") or [] if isinstance(r, Mapping))
        stack.extend(reversed(current.get("child_modules") or []))


def _configs(configuration: Any) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Config expressions per address (module prefix, expressions)."""
    out: dict[str, tuple[str, Mapping[str, Any]]] = {}
    stack: list[tuple[str, Any]] = [("", (configuration or {}).get("root_module"))]
    while stack:
        prefix, module = stack.pop()
        if not isinstance(module, Mapping):
            continue
        for res in module.get("resources") or []:
            if isinstance(res, Mapping) and isinstance(res.get("address"), str):
                out[prefix + res["address"]] = (prefix, res.get("expressions") or {})
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, Mapping):
                stack.append((f"{prefix}module.{name}.", call.get("module")))
    return out


def _target(reference: str, prefix: str) -> str:
    parts = _INDEX.sub("", reference).split(".")
    if parts[0] == "data":
        return prefix + ".".join(parts[:3])
    if parts[0] == "module":
        return prefix + ".".join(parts[:2])
    return prefix + ".".join(parts[:2])


def _add(
    project: Project,
    resource: Mapping[str, Any],
    config: Mapping[str, tuple[str, Mapping[str, Any]]],
    *,
    path: str,
    seen: set[str],
) -> None:
    raw_address = resource.get("address")
    kind, name = resource.get("type"), resource.get("name")
    if not all(isinstance(v, str) for v in (raw_address, kind, name)):
        return
    address = _INDEX.sub("", str(raw_address))
    if address in seen:
        address = str(raw_address)
        if address in seen:
            return
    seen.add(address)
    module = address.rsplit(f".{kind}.", 1)[0] if address.startswith("module.") else ""
    if resource.get("mode") == "data":
        module = address.rsplit(f".data.{kind}.", 1)[0] if address.startswith("module.") else ""
    raw_values = resource.get("values")
    values = TfMap(getattr(resource, "line", None), path)
    if isinstance(raw_values, YamlMap):
        values.key_lines = raw_values.key_lines
    if isinstance(raw_values, Mapping):
        values.update(raw_values)
    prefix, expressions = config.get(address, ("", {}))
    for attr, expr in expressions.items():
        if attr in values and values[attr] is not None:
            continue
        refs = expr.get("references") if isinstance(expr, Mapping) else None
        if isinstance(refs, (list, YamlSeq)) and refs and isinstance(refs[0], str):
            values[attr] = Ref(refs[0], R_ATTRIBUTE, (_target(refs[0], prefix),))
    project.items.append(
        Item(
            address,
            str(kind),
            str(name),
            module,
            Location(path, getattr(resource, "line", None)),
            values,
            data=resource.get("mode") == "data",
            module_dir=project.root,
        )
    )
