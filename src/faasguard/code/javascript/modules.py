"""Imports and exports of JavaScript and TypeScript, in all their spellings.

CommonJS (``require``, ``exports.f =``, ``module.exports = ...``), ES modules (``import``,
``export``, re-exports and barrels) and TypeScript's ``import x = require()`` / ``export =``
all become :class:`~faasguard.code.ir.Import` and :class:`~faasguard.code.ir.Export`, so the
engine resolves one shape whatever the project wrote.
"""

from __future__ import annotations

from typing import Any

from faasguard.code import ir
from faasguard.code.javascript.base import (
    CLASSES,
    DECLARATIONS,
    FUNCTION_DECLARATIONS,
    REQUIRE_PREFIX,
    LoweringBase,
    name_of,
)
from faasguard.code.javascript.nodes import child, line, named, string_value, text, unwrap

__all__ = ["ModuleLowering", "spec_of"]


def _is_relative(spec: str) -> bool:
    return spec.startswith((".", "/"))


def spec_of(node: Any) -> str | None:
    """The module a ``require("m")`` or ``import("m")`` call loads, or None for other nodes."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "await_expression":
        inner = named(node)
        return spec_of(inner[0]) if inner else None
    if node.type != "call_expression":
        return None
    fn = child(node, "function")
    args = child(node, "arguments")
    if fn is None or args is None or args.type != "arguments":
        return None
    if not ((fn.type == "identifier" and text(fn) == "require") or fn.type == "import"):
        return None
    first = named(args)
    if len(first) != 1 or first[0].type != "string":
        return None
    return string_value(first[0])


class ModuleLowering(LoweringBase):
    """Imports and exports (one part of the lowering, see :mod:`.base`)."""

    def bind_module(self, name: Any, spec: str, member: str | None, at: int) -> list[ir.Stmt]:
        """``const x = require(spec)`` and ``const {a, b: c} = require(spec)``."""
        if name.type == "identifier":
            return [ir.Import(text(name), spec, member, 0, at)]
        local = REQUIRE_PREFIX + spec
        out: list[ir.Stmt] = []
        if name.type == "object_pattern":
            for element in named(name):
                if element.type == "rest_pattern":
                    inner = named(element)
                    rest = self.target(inner[0]) if inner else None
                    if rest is not None:
                        out.append(ir.Assign(ir.Pattern((), rest), ir.Name(local, at), at))
                    continue
                bound = self.pattern_binding(element)
                if bound is None:
                    continue
                key, bound_target = bound
                if isinstance(bound_target, ir.Name) and isinstance(key, str):
                    out.append(ir.Import(bound_target.id, spec, key, 0, at))
                else:
                    pattern = ir.Pattern(((key, bound_target),))
                    out.append(ir.Assign(pattern, ir.Name(local, at), at))
            if any(isinstance(s, ir.Assign) for s in out):
                out.insert(0, ir.Import(local, spec, member, 0, at))
            return out
        target = self.target(name)
        if target is not None:
            out.append(ir.Import(local, spec, member, 0, at))
            out.append(ir.Assign(target, ir.Name(local, at), at))
        return out

    @staticmethod
    def export_target(left: Any) -> str | None:
        """``module.exports`` -> ``""``; ``exports.f`` / ``module.exports.f`` -> ``"f"``."""
        source = text(left)
        if source == "module.exports":
            return ""
        if left.type != "member_expression":
            return None
        obj = child(left, "object")
        prop = child(left, "property")
        if obj is None or prop is None:
            return None
        if text(obj) in ("exports", "module.exports"):
            return text(prop)
        return None

    def commonjs_export(self, name: str, right: Any, at: int) -> list[ir.Stmt]:
        """``exports.f = v`` and ``module.exports = ...`` as exports."""
        if name:
            return [ir.Export(name, self.named_value(right, name), at)]
        value = unwrap(right)
        if value.type == "object":
            obj = self.expr(value)
            out: list[ir.Stmt] = []
            if isinstance(obj, ir.Obj):
                for key, item in zip(obj.keys, obj.values, strict=True):
                    if isinstance(key, ir.Lit) and isinstance(key.value, str):
                        out.append(ir.Export(key.value, item, at))
            return out
        lowered = self.expr(right)
        return [ir.Export("default", lowered, at), ir.Export("module.exports", lowered, at)]

    def import_statement(self, node: Any) -> list[ir.Stmt]:
        """An ES ``import`` (type-only imports are dropped)."""
        if any(c.type == "type" for c in node.children if not c.is_named):
            return []
        at = line(node)
        source = child(node, "source")
        out: list[ir.Stmt] = []
        for part in named(node):
            if part.type == "import_require_clause":  # TypeScript `import x = require("m")`
                names = [c for c in named(part) if c.type == "identifier"]
                spec_node = child(part, "source")
                if names and spec_node is not None:
                    out.append(ir.Import(text(names[0]), string_value(spec_node), None, 0, at))
        if source is None:
            return out
        spec = string_value(source)
        clause = next((c for c in named(node) if c.type == "import_clause"), None)
        if clause is None:
            return out
        for part in named(clause):
            if part.type == "identifier":
                # A package's default export is its module object under CommonJS interop.
                member = "default" if _is_relative(spec) else None
                out.append(ir.Import(text(part), spec, member, 0, at))
            elif part.type == "namespace_import":
                ids = [c for c in named(part) if c.type == "identifier"]
                if ids:
                    out.append(ir.Import(text(ids[0]), spec, None, 0, at))
            elif part.type == "named_imports":
                for specifier in named(part):
                    if specifier.type != "import_specifier" or any(
                        c.type == "type" for c in specifier.children if not c.is_named
                    ):
                        continue
                    imported = child(specifier, "name")
                    alias = child(specifier, "alias")
                    if imported is None:
                        continue
                    member = name_of(imported)
                    local = text(alias) if alias is not None else member
                    out.append(ir.Import(local, spec, member, 0, at))
        return out

    def export_statement(self, node: Any) -> list[ir.Stmt]:
        """An ES ``export`` in any form (declarations, lists, re-exports)."""
        at = line(node)
        is_default = any(c.type == "default" for c in node.children if not c.is_named)
        declaration = child(node, "declaration")
        if declaration is not None:
            out = self.statement(declaration)
            names = _declared_names(declaration)
            if is_default and names:
                out.append(ir.Export("default", ir.Name(names[0], at), at))
            else:
                out.extend(ir.Export(n, ir.Name(n, at), at) for n in names)
            return out
        value = child(node, "value")
        if value is not None:
            return [ir.Export("default", self.named_value(value, "default"), at)]
        source = child(node, "source")
        spec = string_value(source) if source is not None else None
        clause = next((c for c in named(node) if c.type == "export_clause"), None)
        out = []
        if clause is not None:
            for specifier in named(clause):
                if specifier.type != "export_specifier":
                    continue
                local_node = child(specifier, "name")
                alias = child(specifier, "alias")
                if local_node is None:
                    continue
                local = name_of(local_node)
                exported = name_of(alias) if alias is not None else local
                if spec is not None:
                    bound = f"{REQUIRE_PREFIX}{spec}:{local}"
                    out.append(ir.Import(bound, spec, local, 0, at))
                    out.append(ir.Export(exported, ir.Name(bound, at), at))
                else:
                    out.append(ir.Export(exported, ir.Name(local, at), at))
            return out
        if spec is not None and clause is None:
            # `export * from "./m"` (a barrel file) and `export * as ns from "./m"`.
            bound = f"{REQUIRE_PREFIX}{spec}:*"
            namespace = next((c for c in named(node) if c.type == "namespace_export"), None)
            names = (
                [c for c in named(namespace) if c.type in ("identifier", "string")]
                if (namespace is not None)
                else []
            )
            exported_as = name_of(names[0]) if names else "*"
            return [
                ir.Import(bound, spec, None, 0, at),
                ir.Export(exported_as, ir.Name(bound, at), at),
            ]
        if spec is None:
            # TypeScript `export = value`.
            rest = [c for c in named(node) if c.type not in ("comment", "decorator")]
            if rest:
                lowered = self.expr(rest[0])
                out = [ir.Export("default", lowered, at), ir.Export("module.exports", lowered, at)]
        return out


def _declared_names(node: Any) -> list[str]:
    """Names a declaration binds (``export const a = 1, {b} = c`` -> ``a``, ``b``)."""
    if node.type in FUNCTION_DECLARATIONS or node.type in CLASSES:
        name = child(node, "name")
        return [text(name)] if name is not None else []
    if node.type in DECLARATIONS:
        names: list[str] = []
        for declarator in named(node):
            target = child(declarator, "name")
            if target is not None:
                names.extend(_pattern_names(target))
        return names
    return []


def _pattern_names(node: Any) -> list[str]:
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [text(node)]
    out: list[str] = []
    for part in named(node):
        if part.type == "pair_pattern":
            value = child(part, "value")
            if value is not None:
                out.extend(_pattern_names(value))
        elif part.type in ("object_assignment_pattern", "assignment_pattern"):
            left = child(part, "left")
            if left is not None:
                out.extend(_pattern_names(left))
        else:
            out.extend(_pattern_names(part))
    return out
