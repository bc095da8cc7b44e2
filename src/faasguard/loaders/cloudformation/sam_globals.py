"""SAM ``Globals``: merged into each resource exactly as the SAM transform merges them.

The rules are those of ``samtranslator/plugins/globals/globals.py`` (``GlobalProperties``):
mappings are merged key by key (local wins), lists are concatenated (global first), scalars and
intrinsic functions are replaced by the local value, and a type mismatch keeps the local value.
``Function.Architectures`` is replaced, not concatenated (SAM's ``CUSTOM_STRATEGIES``). A
resource's ``IgnoreGlobals`` attribute (``"*"`` or a list of property names) is honoured.

Merging happens on the raw template, before intrinsics are resolved, as SAM does: SAM cannot
resolve ``!If`` either, and treats it as an opaque scalar. Line numbers survive the merge, so an
inherited environment variable still points at the line in ``Globals``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from faasguard.loaders.cloudformation.context import LoadContext, as_map
from faasguard.loaders.interface import IssueKind
from faasguard.loaders.yaml_safe import YamlMap, YamlSeq, line_of

__all__ = ["SECTIONS", "SamGlobals"]

#: ``Globals`` sections and the resource type each applies to.
SECTIONS: Final = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
}
_REPLACE: Final = {"Function": frozenset({"Architectures"})}


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def _token(value: Any) -> str:
    if isinstance(value, dict) and not _is_intrinsic(value):
        return "dict"
    if isinstance(value, list):
        return "list"
    return "primitive"


class SamGlobals:
    """The ``Globals`` section of one SAM template."""

    def __init__(self, ctx: LoadContext, raw: Any) -> None:
        self.sections: dict[str, Mapping[str, Any]] = {}
        if raw is None:
            return
        if not isinstance(raw, dict):
            ctx.issue(
                IssueKind.PARSE_ERROR, "Globals must be a mapping; it was ignored", line_of(raw)
            )
            return
        for name, section in raw.items():
            if name not in SECTIONS:
                continue  # sections this loader does not model (StateMachine, LayerVersion...)
            if not isinstance(section, dict):
                ctx.issue(
                    IssueKind.PARSE_ERROR,
                    f"Globals.{name} must be a mapping; it was ignored",
                    line_of(raw, name),
                )
                continue
            self.sections[name] = section

    def section(self, name: str) -> Mapping[str, Any]:
        """The raw global properties of one section (empty when absent)."""
        return self.sections.get(name, {})

    def merge(self, name: str, local: Any, ignore: Any = None) -> YamlMap:
        """Return ``local`` (a resource's raw Properties) with section ``name`` merged in.

        Args:
            name: the Globals section (``Function``, ``Api``, ``HttpApi``, ``SimpleTable``).
            local: the resource's raw ``Properties``.
            ignore: the resource's ``IgnoreGlobals`` attribute.
        """
        local_map = as_map(local)
        section = self.section(name)
        if ignore == "*":
            section = {}
        elif isinstance(ignore, list):
            section = {k: v for k, v in section.items() if k not in ignore}
        merged = _merge(section, local_map, "", _REPLACE.get(name, frozenset()))
        if isinstance(merged, YamlMap):
            if merged.line is None:
                merged.line = getattr(local, "line", None)
            return merged
        return YamlMap(getattr(local, "line", None))  # pragma: no cover - both are dicts


def _merge(global_value: Any, local_value: Any, path: str, replace: frozenset[str]) -> Any:
    shape = _token(global_value)
    if shape != _token(local_value) or shape == "primitive" or path in replace:
        return local_value
    if shape == "list":
        seq = YamlSeq(getattr(local_value, "line", None))
        for source in (global_value, local_value):
            seq.extend(source)
            lines = getattr(source, "item_lines", [])
            seq.item_lines.extend(lines[i] if i < len(lines) else None for i in range(len(source)))
        return seq
    result = YamlMap(getattr(local_value, "line", None) or getattr(global_value, "line", None))
    global_lines = getattr(global_value, "key_lines", {})
    local_lines = getattr(local_value, "key_lines", {})
    for key, value in global_value.items():
        result[key] = value
        if key in global_lines:
            result.key_lines[key] = global_lines[key]
    for key, value in local_value.items():
        child = f"{path}.{key}" if path else key
        result[key] = (
            _merge(global_value[key], value, child, replace) if key in (global_value) else value
        )
        if key in local_lines:
            result.key_lines[key] = local_lines[key]
    return result
