"""Lowering of JavaScript and TypeScript syntax trees into the language-neutral IR.

The taint engine reads only :mod:`faasguard.code.ir`, so everything JavaScript-specific about
data flow is decided here, once: CommonJS and ESM imports become :class:`~ir.Import`, the many
spellings of an export (``exports.f =``, ``module.exports = {f}``, ``export const f``) become
:class:`~ir.Export`, template literals and ``+`` with a string become :class:`~ir.Concat`,
TypeScript's type syntax disappears, and callbacks are plain function values. Constructs that
cannot carry data flow (types, ``debugger``, labels) are dropped; an expression the lowering does
not know is :class:`~ir.Opaque`, never an exception.

The lowering works on tree-sitter's partial trees too: an ``ERROR`` node's children are lowered
like the statements or expressions they most likely are, so a syntax error late in a file does not
hide a flow early in it. Nesting deeper than :data:`MAX_DEPTH` is cut (``Module.truncated``), so
a hostile file cannot exhaust the stack.

This module lowers statements, functions and classes and is the entry point; expressions are in
:mod:`.expressions`, imports and exports in :mod:`.modules`, pre-ES2015 prototype classes in
:mod:`.prototypes`, and the state they share in :mod:`.base`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from faasguard.code import ir
from faasguard.code.interface import SourceFile
from faasguard.code.javascript.base import (
    CLASSES,
    DECLARATIONS,
    FUNCTION_DECLARATIONS,
    MAX_DEPTH,
    REQUIRE_PREFIX,
    name_of,
)
from faasguard.code.javascript.expressions import ExpressionLowering
from faasguard.code.javascript.modules import ModuleLowering, spec_of
from faasguard.code.javascript.nodes import TYPE_ONLY, child, line, named, text, unwrap
from faasguard.code.javascript.prototypes import prototype_classes

__all__ = ["MAX_DEPTH", "REQUIRE_PREFIX", "lower_module"]

_NOTHING = frozenset(
    {
        "empty_statement",
        "debugger_statement",
        "break_statement",
        "continue_statement",
        "comment",
        "hash_bang_line",
        "enum_declaration",
        "decorator",
        "function_signature",
    }
)


def lower_module(source: SourceFile) -> ir.Module:
    """Lower one parsed JavaScript/TypeScript file into an :class:`ir.Module`.

    Args:
        source: the file; its ``tree`` is a ``tree_sitter.Tree`` (partial trees included) or
            None, which gives an empty module.

    Returns:
        The module, with lines of the parsed text (the engine adds ``line_offset``).
    """
    language = source.language.value
    if source.tree is None:
        return ir.Module(source.path, language, (), source.line_offset)
    lowering = _Lowering()
    body = prototype_classes(lowering.statements(named(source.tree.root_node)))
    return ir.Module(source.path, language, tuple(body), source.line_offset, lowering.truncated)


class _Lowering(ModuleLowering, ExpressionLowering):
    """Statements, functions and classes; imports and expressions come from the other parts."""

    def statements(self, nodes: list[Any]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for node in nodes:
            out.extend(self.statement(node))
        return out

    def block(self, node: Any) -> tuple[ir.Stmt, ...]:
        """A statement or a ``{...}`` block as a tuple of statements."""
        if node is None:
            return ()
        if node.type == "statement_block":
            return tuple(self.statements(named(node)))
        return tuple(self.statement(node))

    def statement(self, node: Any) -> list[ir.Stmt]:
        if self.depth >= MAX_DEPTH:
            self.truncated = True
            return []
        self.depth += 1
        try:
            produced = self._statement(node)
        finally:
            self.depth -= 1
        if self.pending:
            produced = [*self.pending, *produced]
            self.pending = []
        return produced

    def _statement(self, node: Any) -> list[ir.Stmt]:
        kind: str = node.type
        if kind in _NOTHING or kind in TYPE_ONLY:
            return []
        if kind == "expression_statement":
            inner = named(node)
            return self.expression_statement(inner[0]) if inner else []
        if kind in DECLARATIONS:
            out: list[ir.Stmt] = []
            for declarator in named(node):
                if declarator.type == "variable_declarator":
                    out.extend(self.declarator(declarator))
            return out
        if kind in FUNCTION_DECLARATIONS:
            return [ir.Def(self.function(node))]
        if kind in CLASSES:
            return [ir.ClassStmt(self.class_def(node))]
        if kind == "return_statement":
            inner = named(node)
            value = self.expr(inner[0]) if inner else None
            return [ir.Return(value, line(node))]
        if kind == "throw_statement":
            inner = named(node)
            return [ir.Raise(self.expr(inner[0]) if inner else None, line(node))]
        if kind == "if_statement":
            return [self.if_statement(node)]
        if kind == "switch_statement":
            return self.switch(node)
        if kind == "for_in_statement":
            return [self.for_in(node)]
        if kind in ("for_statement", "while_statement", "do_statement"):
            return self.loop(node)
        if kind == "try_statement":
            return self.try_statement(node)
        if kind == "statement_block":
            return self.statements(named(node))
        if kind == "labeled_statement":
            return list(self.block(child(node, "body")))
        if kind == "import_statement":
            return self.import_statement(node)
        if kind == "export_statement":
            return self.export_statement(node)
        if kind == "ERROR":
            # A partial tree: keep whatever parsed inside the broken region.
            return self.statements(named(node))
        if kind.endswith(("_declaration", "_statement", "_clause")) or kind == "program":
            return self.statements(named(node))
        return [ir.ExprStmt(self.expr(node), line(node))]

    def expression_statement(self, node: Any) -> list[ir.Stmt]:
        node = unwrap(node)
        if node.type == "assignment_expression":
            return self.assignment(node)
        if node.type == "augmented_assignment_expression":
            target = self.target(child(node, "left"))
            value = self.expr(node)
            return [ir.Assign(target, value, line(node))] if target is not None else []
        if node.type == "sequence_expression":
            return self.statements(named(node))
        return [ir.ExprStmt(self.expr(node), line(node))]

    def declarator(self, node: Any) -> list[ir.Stmt]:
        name = child(node, "name")
        value = child(node, "value")
        if name is None or value is None:
            return []
        spec = spec_of(value)
        if spec is not None:
            return self.bind_module(name, spec, None, line(node))
        member_of = unwrap(value)
        if member_of.type == "member_expression" and name.type == "identifier":
            obj = child(member_of, "object")
            prop = child(member_of, "property")
            inner_spec = spec_of(obj) if obj is not None else None
            if inner_spec is not None and prop is not None:
                return [ir.Import(text(name), inner_spec, text(prop), 0, line(node))]
        target = self.target(name)
        if target is None:
            return []
        if value.type in ("class", "class_expression") and isinstance(target, ir.Name):
            return [ir.ClassStmt(self.class_def(value, name=target.id))]
        if isinstance(target, ir.Name):
            return [ir.Assign(target, self.named_value(value, target.id), line(node))]
        return [ir.Assign(target, self.expr(value), line(node))]

    def assignment(self, node: Any) -> list[ir.Stmt]:
        left = unwrap(child(node, "left"))
        right = child(node, "right")
        if left is None or right is None:
            return []
        at = line(node)
        exported = self.export_target(left)
        if exported is not None:
            return self.commonjs_export(exported, right, at)
        spec = spec_of(right)
        if spec is not None:
            return self.bind_module(left, spec, None, at)
        target = self.target(left)
        if target is None:
            return [ir.ExprStmt(self.expr(right), at)]
        if isinstance(target, ir.Name):
            return [ir.Assign(target, self.named_value(right, target.id), at)]
        if isinstance(target, ir.Attr):
            return [ir.Assign(target, self.named_value(right, target.attr), at)]
        return [ir.Assign(target, self.expr(right), at)]

    def if_statement(self, node: Any) -> ir.If:
        test = child(node, "condition")
        condition = self.expr(test) if test is not None else ir.Lit(True, line(node))
        pre = self.flush()
        body = self.block(child(node, "consequence"))
        orelse: tuple[ir.Stmt, ...] = ()
        alternative = child(node, "alternative")
        if alternative is not None:
            inner = named(alternative) if alternative.type == "else_clause" else [alternative]
            orelse = tuple(s for part in inner for s in self.statement(part))
        self.pending = pre
        return ir.If(condition, body, orelse, line(node))

    def switch(self, node: Any) -> list[ir.Stmt]:
        value = child(node, "value")
        body = child(node, "body")
        subject = self.expr(value) if value is not None else ir.Opaque(line(node))
        out: list[ir.Stmt] = self.flush()
        for case in named(body) if body is not None else []:
            case_value = child(case, "value")
            if case_value is not None:
                case_test = (subject, self.expr(case_value))
                test: ir.Expr = ir.Op("compare:==", case_test, line(case))
            else:
                test = ir.Lit(True, line(case))
            out.extend(self.flush())
            parts = case.children_by_field_name("body")
            statements = tuple(s for part in parts for s in self.statement(part))
            out.append(ir.If(test, statements, (), line(case)))
        return out

    def for_in(self, node: Any) -> ir.Loop:
        left = child(node, "left")
        right = child(node, "right")
        target = self.target(left) if left is not None else None
        iterable = self.expr(right) if right is not None else None
        pre = self.flush()
        body = self.block(child(node, "body"))
        self.pending = pre
        return ir.Loop(target, iterable, body, line(node))

    def loop(self, node: Any) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        initializer = child(node, "initializer")
        if initializer is not None:
            out.extend(self.statement(initializer))
        out.append(ir.Loop(None, None, self.block(child(node, "body")), line(node)))
        return out

    def try_statement(self, node: Any) -> list[ir.Stmt]:
        out = list(self.block(child(node, "body")))
        handler = child(node, "handler")
        if handler is not None:
            parameter = child(handler, "parameter")
            if parameter is not None:
                target = self.target(parameter)
                if target is not None:
                    caught = ir.Opaque(line(handler), "caught error")
                    out.append(ir.Assign(target, caught, line(handler)))
            out.extend(self.block(child(handler, "body")))
        finalizer = child(node, "finalizer")
        if finalizer is not None:
            out.extend(self.block(child(finalizer, "body")))
        return out

    def function(self, node: Any, *, name: str | None = None) -> ir.FunctionDef:
        saved, self.pending = self.pending, []
        self.depth += 1
        try:
            return self._function(node, name)
        finally:
            self.depth -= 1
            self.pending = saved

    def _function(self, node: Any, name: str | None) -> ir.FunctionDef:
        name_node = child(node, "name")
        anonymous = False
        if name is None:
            if name_node is not None:
                name = name_of(name_node)
            else:
                anonymous = True
                name = f"<callback in {self.enclosing[-1]}>" if self.enclosing else "<callback>"
        if not anonymous:
            self.enclosing.append(name)
        try:
            return self._function_body(node, name)
        finally:
            if not anonymous:
                self.enclosing.pop()

    def _function_body(self, node: Any, name: str) -> ir.FunctionDef:
        is_async = any(c.type == "async" for c in node.children if not c.is_named)
        params, prologue = self.parameters(node)
        body_node = child(node, "body")
        body: list[ir.Stmt] = list(prologue)
        if body_node is None:
            pass
        elif body_node.type == "statement_block":
            body.extend(self.statements(named(body_node)))
        else:  # an arrow function's expression body
            value = self.expr(body_node)
            body.extend(self.flush())
            body.append(ir.Return(value, line(body_node)))
        decorators = tuple(self.decorator(d) for d in named(node) if d.type == "decorator")
        return ir.FunctionDef(name, params, tuple(body), line(node), decorators, is_async)

    def parameters(self, node: Any) -> tuple[tuple[ir.Param, ...], list[ir.Stmt]]:
        """The parameters, and ``this.x = x`` for TypeScript parameter properties."""
        single = child(node, "parameter")
        if single is not None:
            return (ir.Param(text(single)),), []
        formal = child(node, "parameters")
        if formal is None:
            return (), []
        params: list[ir.Param] = []
        prologue: list[ir.Stmt] = []
        for item in named(formal):
            param = self.parameter(item)
            if param is None:
                continue
            params.append(param)
            if param.name and any(c.type == "accessibility_modifier" for c in named(item)):
                at = line(item)
                this_attr = ir.Attr(ir.Name("this", at), param.name, at)
                prologue.append(ir.Assign(this_attr, ir.Name(param.name, at), at))
        return tuple(params), prologue

    def parameter(self, node: Any) -> ir.Param | None:
        kind = node.type
        annotation: str | None = None
        default: ir.Expr | None = None
        if kind in ("required_parameter", "optional_parameter"):
            type_node = child(node, "type")
            if type_node is not None:
                annotation = text(type_node).lstrip(":").strip() or None
            value = child(node, "value")
            if value is not None:
                default = self.expr(value)
            pattern = child(node, "pattern")
            if pattern is None:
                return None
            node, kind = pattern, pattern.type
        if kind == "this":
            return None
        if kind == "assignment_pattern":
            right = child(node, "right")
            default = self.expr(right) if right is not None else default
            node = child(node, "left")
            if node is None:
                return None
            kind = node.type
        if kind == "identifier":
            return ir.Param(text(node), default, "positional", annotation)
        if kind == "rest_pattern":
            inner = named(node)
            name = text(inner[0]) if inner and inner[0].type == "identifier" else ""
            return ir.Param(name, None, "varargs", annotation)
        if kind in ("object_pattern", "array_pattern"):
            pattern_target = self.target(node)
            if isinstance(pattern_target, ir.Pattern):
                return ir.Param("", default, "positional", annotation, pattern_target)
        return None

    def class_def(self, node: Any, *, name: str | None = None) -> ir.ClassDef:
        self.depth += 1
        saved, self.pending = self.pending, []
        try:
            return self._class_def(node, name)
        finally:
            self.depth -= 1
            self.pending = saved

    def _class_def(self, node: Any, name: str | None) -> ir.ClassDef:
        name_node = child(node, "name")
        if name is None:
            name = text(name_node) if name_node is not None else "<class>"
        bases: list[ir.Expr] = []
        for part in named(node):
            if part.type == "class_heritage":
                for base in named(part):
                    if base.type == "extends_clause":
                        value = child(base, "value")
                        if value is not None:
                            bases.append(self.expr(value))
                    elif base.type != "implements_clause":
                        bases.append(self.expr(base))
        methods: list[ir.FunctionDef] = []
        body: list[ir.Stmt] = []
        class_body = child(node, "body")
        waiting: list[ir.Expr] = []  # decorators written before the member they decorate
        for member in named(class_body) if class_body is not None else []:
            if member.type == "decorator":
                waiting.append(self.decorator(member))
                continue
            if member.type == "method_definition":
                member_name = child(member, "name")
                method = self.function(member, name=name_of(member_name) if member_name else None)
                if waiting:
                    method = replace(method, decorators=(*waiting, *method.decorators))
                methods.append(method)
            elif member.type in ("field_definition", "public_field_definition"):
                key = child(member, "property") or child(member, "name")
                value = child(member, "value")
                if key is None or value is None:
                    continue
                at = line(member)
                field = name_of(key)
                target = ir.Attr(ir.Name("this", at), field, at)
                body.append(ir.Assign(target, self.named_value(value, field), at))
                body.extend(self.flush())
            waiting = []
        decorators = tuple(self.decorator(d) for d in named(node) if d.type == "decorator")
        return ir.ClassDef(name, tuple(bases), tuple(methods), tuple(body), line(node), decorators)

    def decorator(self, node: Any) -> ir.Expr:
        """The expression of a ``@decorator`` (``@parser({ schema })`` -> the call)."""
        inner = named(node)
        return self.expr(inner[0]) if inner else ir.Opaque(line(node), "decorator")
