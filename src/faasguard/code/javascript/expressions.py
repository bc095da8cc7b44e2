"""Expressions and assignment targets of JavaScript and TypeScript.

Template literals and ``+`` with a string become :class:`~faasguard.code.ir.Concat`, operators
get the IR's kinds (guards read ``compare:==``, ``and``, ``or``), TypeScript casts disappear,
destructuring becomes :class:`~faasguard.code.ir.Pattern`, and an anonymous function takes the
name JavaScript gives it. Anything else is :class:`~faasguard.code.ir.Opaque`.
"""

from __future__ import annotations

from typing import Any

from faasguard.code import ir
from faasguard.code.javascript.base import (
    FUNCTIONS,
    MAX_DEPTH,
    REQUIRE_PREFIX,
    LoweringBase,
    name_of,
)
from faasguard.code.javascript.modules import spec_of
from faasguard.code.javascript.nodes import (
    child,
    escape_value,
    line,
    named,
    string_value,
    text,
    unwrap,
)

__all__ = ["ExpressionLowering"]

#: JavaScript comparison operators and the IR's spelling of them (``compare:<op>``; strict and
#: loose equality are the same test for a guard).
_COMPARE = {
    "==": "compare:==",
    "===": "compare:==",
    "!=": "compare:!=",
    "!==": "compare:!=",
    "<": "compare:<",
    ">": "compare:>",
    "<=": "compare:<=",
    ">=": "compare:>=",
    "instanceof": "compare:instanceof",
    "in": "compare:in",
}
_BOOL = {"&&": "and", "||": "or", "??": "bool"}


class ExpressionLowering(LoweringBase):
    """Expressions and assignment targets (one part of the lowering, see :mod:`.base`)."""

    def target(self, node: Any) -> ir.Target | None:
        """An assignment target: a name, a member, an index or a destructuring pattern."""
        node = unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            return ir.Name(text(node), line(node))
        if kind == "member_expression":
            obj = child(node, "object")
            prop = child(node, "property")
            if obj is None or prop is None:
                return None
            return ir.Attr(self.expr(obj), name_of(prop), line(node))
        if kind == "subscript_expression":
            obj = child(node, "object")
            index = child(node, "index")
            if obj is None or index is None:
                return None
            return ir.Index(self.expr(obj), self.expr(index), line(node))
        if kind == "assignment_pattern":
            return self.target(child(node, "left"))
        if kind == "object_pattern":
            elements: list[tuple[str | int, ir.Target]] = []
            rest: ir.Target | None = None
            for element in named(node):
                if element.type == "rest_pattern":
                    inner = named(element)
                    rest = self.target(inner[0]) if inner else None
                    continue
                bound = self.pattern_binding(element)
                if bound is not None:
                    elements.append(bound)
            return ir.Pattern(tuple(elements), rest)
        if kind == "array_pattern":
            return self.array_pattern(node)
        return None

    def pattern_binding(self, element: Any) -> tuple[str | int, ir.Target] | None:
        """One ``key: target`` of an object pattern."""
        kind = element.type
        if kind == "shorthand_property_identifier_pattern":
            return text(element), ir.Name(text(element), line(element))
        if kind == "object_assignment_pattern":
            left = child(element, "left")
            if left is None:
                return None
            return text(left), ir.Name(text(left), line(left))
        if kind == "pair_pattern":
            key = child(element, "key")
            value = child(element, "value")
            if key is None or value is None:
                return None
            target = self.target(value)
            if target is None:
                return None
            # A computed key (`{ [name]: v } = o`) reads a field chosen at run time: any field.
            return ("*" if key.type == "computed_property_name" else name_of(key)), target
        return None

    def array_pattern(self, node: Any) -> ir.Pattern:
        """``[a, , b, ...rest]``: elements keyed by their index (holes count)."""
        elements: list[tuple[str | int, ir.Target]] = []
        rest: ir.Target | None = None
        index = 0
        for part in node.children:
            if not part.is_named:
                if part.type == ",":
                    index += 1
                continue
            if part.type == "comment":
                continue
            if part.type == "rest_pattern":
                inner = named(part)
                rest = self.target(inner[0]) if inner else None
                continue
            target = self.target(part)
            if target is not None:
                elements.append((index, target))
        return ir.Pattern(tuple(elements), rest)

    def expr(self, node: Any) -> ir.Expr:
        """Lower an expression within the depth budget."""
        if self.depth >= MAX_DEPTH:
            self.truncated = True
            return ir.Opaque(line(node), "nested too deeply")
        self.depth += 1
        try:
            return self._expr(node)
        finally:
            self.depth -= 1

    def _expr(self, node: Any) -> ir.Expr:
        node = unwrap(node)
        kind: str = node.type
        at = line(node)
        if kind in ("identifier", "shorthand_property_identifier"):
            name = text(node)
            return ir.Lit(None, at) if name == "undefined" else ir.Name(name, at)
        if kind in ("this", "super"):
            return ir.Name(kind, at)
        if kind == "member_expression":
            obj = child(node, "object")
            prop = child(node, "property")
            if obj is None or prop is None:
                return ir.Opaque(at, kind)
            return ir.Attr(self.expr(obj), name_of(prop), at)
        if kind == "subscript_expression":
            obj = child(node, "object")
            index = child(node, "index")
            if obj is None or index is None:
                return ir.Opaque(at, kind)
            return ir.Index(self.expr(obj), self.expr(index), at)
        if kind == "call_expression":
            return self.call(node)
        if kind == "new_expression":
            ctor = child(node, "constructor")
            args = child(node, "arguments")
            func = self.expr(ctor) if ctor is not None else ir.Opaque(at, kind)
            return ir.Call(func, self.arguments(args), (), at, new=True)
        if kind in ("await_expression", "yield_expression"):
            inner = named(node)
            return ir.Await(self.expr(inner[0]), at) if inner else ir.Lit(None, at)
        if kind == "string":
            return ir.Lit(string_value(node), at)
        if kind == "template_string":
            return self.template(node)
        if kind == "number":
            return ir.Lit(_number(text(node)), at)
        if kind in ("true", "false"):
            return ir.Lit(kind == "true", at)
        if kind in ("null", "undefined"):
            return ir.Lit(None, at)
        if kind == "regex":
            return ir.Lit(text(node), at)
        if kind == "binary_expression":
            return self.binary(node)
        if kind == "unary_expression":
            return self.unary(node)
        if kind == "update_expression":
            inner = named(node)
            return ir.Op("arith", tuple(self.expr(c) for c in inner), at)
        if kind == "ternary_expression":
            branches = [child(node, "consequence"), child(node, "alternative")]
            return ir.Op("cond", tuple(self.expr(b) for b in branches if b is not None), at)
        if kind == "assignment_expression":
            produced = self.assignment(node)
            self.pending.extend(produced)
            last = produced[-1] if produced else None
            if isinstance(last, ir.Assign) and not isinstance(last.target, ir.Pattern):
                return last.target
            if isinstance(last, ir.Export):  # `exports.a = exports.b = fn`
                return last.value
            return ir.Opaque(at, kind)
        if kind == "augmented_assignment_expression":
            return self.augmented(node)
        if kind in FUNCTIONS:
            return ir.FuncExpr(self.function(node))
        if kind in ("class", "class_expression"):
            cls = self.class_def(node)
            self.pending.append(ir.ClassStmt(cls))
            return ir.Name(cls.name, at)
        if kind == "object":
            return self.object(node)
        if kind == "array":
            return ir.Seq(tuple(self.expr(c) for c in named(node)), at)
        if kind == "spread_element":
            inner = named(node)
            return ir.Spread(self.expr(inner[0]), at) if inner else ir.Opaque(at, kind)
        if kind == "sequence_expression":
            parts = named(node)
            for part in parts[:-1]:
                self.pending.extend(self.expression_statement(part))
            return self.expr(parts[-1]) if parts else ir.Opaque(at, kind)
        return ir.Opaque(at, kind)

    def named_value(self, node: Any, name: str) -> ir.Expr:
        """An expression whose anonymous function is named ``name``, as JavaScript names it.

        ``const f = () => {}`` and ``exports.f = function () {}`` define a function ``f``.
        """
        value = unwrap(node)
        if value is not None and value.type in FUNCTIONS and child(value, "name") is None:
            return ir.FuncExpr(self.function(value, name=name))
        return self.expr(node)

    def call(self, node: Any) -> ir.Expr:
        """A call, ``require()``/``import()`` of a module, or a tagged template."""
        at = line(node)
        spec = spec_of(node)
        if spec is not None:
            local = REQUIRE_PREFIX + spec
            self.pending.append(ir.Import(local, spec, None, 0, at))
            return ir.Name(local, at)
        fn = child(node, "function")
        args = child(node, "arguments")
        func = self.expr(fn) if fn is not None else ir.Opaque(at, "call")
        if fn is not None and fn.type == "member_expression":
            # A method call in a chain spread over lines (`db\n  .scan({...})\n  .promise()`) is
            # on the line of its method name, where a reader looks for it.
            method = child(fn, "property")
            if method is not None:
                at = line(method)
        if args is not None and args.type == "template_string":
            # A tagged template: the tag receives the literal parts, then each substitution.
            literal = ir.Seq(
                tuple(ir.Lit(p, at) for p in _template_literals(args)),
                at,
            )
            substitutions = [s for s in named(args) if s.type == "template_substitution"]
            values = tuple(self.expr(named(s)[0]) for s in substitutions if named(s))
            return ir.Call(func, (literal, *values), (), at)
        if self.enclosing or fn is None or args is None:
            return ir.Call(func, self.arguments(args), (), at)
        # A callback registered at module level (an Express route, an event listener) is named
        # after the call that registers it: there is no enclosing function to name it by.
        site = _call_site(fn, args)
        lowered: list[ir.Expr] = []
        for arg in named(args):
            value = unwrap(arg)
            if value.type in FUNCTIONS and child(value, "name") is None:
                lowered.append(ir.FuncExpr(self.function(value, name=f"<{site} callback>")))
            else:
                lowered.append(self.expr(arg))
        return ir.Call(func, tuple(lowered), (), at)

    def arguments(self, node: Any) -> tuple[ir.Expr, ...]:
        """A call's arguments (spread arguments stay :class:`~ir.Spread`)."""
        if node is None:
            return ()
        return tuple(self.expr(c) for c in named(node))

    def template(self, node: Any) -> ir.Expr:
        """A template literal: :class:`~ir.Concat` of its parts, or one literal."""
        at = line(node)
        parts: list[ir.Expr] = []
        buffer: list[str] = []
        for part in named(node):
            if part.type == "string_fragment":
                buffer.append(text(part))
            elif part.type == "escape_sequence":
                buffer.append(escape_value(text(part)))
            elif part.type == "template_substitution":
                if buffer:
                    parts.append(ir.Lit("".join(buffer), at))
                    buffer = []
                inner = named(part)
                if inner:
                    parts.append(self.expr(inner[0]))
        if buffer:
            parts.append(ir.Lit("".join(buffer), at))
        if not parts:
            return ir.Lit("", at)
        if len(parts) == 1 and isinstance(parts[0], ir.Lit):
            return parts[0]
        return ir.Concat(tuple(parts), at)

    def binary(self, node: Any) -> ir.Expr:
        """A binary operator: string ``+`` is a concatenation; tests get guard kinds."""
        at = line(node)
        operator_node = child(node, "operator")
        operator = operator_node.type if operator_node is not None else ""
        left_node = child(node, "left")
        right_node = child(node, "right")
        operands = tuple(self.expr(n) for n in (left_node, right_node) if n is not None)
        if operator == "+":
            if any(_is_stringy(o) for o in operands):
                parts: list[ir.Expr] = []
                for operand in operands:
                    parts.extend(operand.parts if isinstance(operand, ir.Concat) else (operand,))
                return ir.Concat(tuple(parts), at)
            return ir.Op("arith", operands, at)
        if operator in _COMPARE:
            return ir.Op(_COMPARE[operator], operands, at)
        if operator in _BOOL:
            return ir.Op(_BOOL[operator], operands, at)
        return ir.Op("arith", operands, at)

    def unary(self, node: Any) -> ir.Expr:
        """A unary operator (``!``, ``typeof``, ``-``...)."""
        at = line(node)
        operator_node = child(node, "operator")
        operator = operator_node.type if operator_node is not None else ""
        argument = child(node, "argument")
        operands = (self.expr(argument),) if argument is not None else ()
        if operator == "!":
            return ir.Op("not", operands, at)
        if operator == "typeof":
            return ir.Op("typeof", operands, at)
        if operator == "delete":
            return ir.Lit(True, at)  # a boolean, never input
        if operator == "void":
            return ir.Lit(None, at)
        return ir.Op("unary", operands, at)

    def augmented(self, node: Any) -> ir.Expr:
        """The value ``a op= b`` assigns: ``+=`` builds a string, ``??=`` picks one."""
        at = line(node)
        left = child(node, "left")
        right = child(node, "right")
        operator_node = child(node, "operator")
        operator = operator_node.type if operator_node is not None else ""
        operands = tuple(self.expr(n) for n in (left, right) if n is not None)
        value: ir.Expr
        if operator == "+=":
            value = ir.Concat(operands, at)
        elif operator in ("&&=", "||=", "??="):
            value = ir.Op("bool", operands, at)
        else:
            value = ir.Op("arith", operands, at)
        return value

    def object(self, node: Any) -> ir.Obj:
        """An object literal: keys, values, spreads (``None`` key) and methods."""
        at = line(node)
        keys: list[ir.Expr | None] = []
        values: list[ir.Expr] = []
        for member in named(node):
            kind = member.type
            if kind == "pair":
                key = child(member, "key")
                value = child(member, "value")
                if key is None or value is None:
                    continue
                lowered_key = self.key(key)
                keys.append(lowered_key)
                if isinstance(lowered_key, ir.Lit) and isinstance(lowered_key.value, str):
                    values.append(self.named_value(value, lowered_key.value))
                else:
                    values.append(self.expr(value))
            elif kind == "shorthand_property_identifier":
                keys.append(ir.Lit(text(member), line(member)))
                values.append(ir.Name(text(member), line(member)))
            elif kind == "spread_element":
                inner = named(member)
                if inner:
                    keys.append(None)
                    values.append(self.expr(inner[0]))
            elif kind == "method_definition":
                key = child(member, "name")
                if key is None:
                    continue
                keys.append(self.key(key))
                values.append(ir.FuncExpr(self.function(member, name=name_of(key))))
        return ir.Obj(tuple(keys), tuple(values), at)

    def key(self, node: Any) -> ir.Expr:
        """An object key: a literal name, or the expression of a computed key."""
        if node.type == "computed_property_name":
            inner = named(node)
            return self.expr(inner[0]) if inner else ir.Opaque(line(node), "computed key")
        return ir.Lit(name_of(node), line(node))


def _is_stringy(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Concat) or (isinstance(expr, ir.Lit) and isinstance(expr.value, str))


def _call_site(fn: Any, args: Any) -> str:
    """``app.post("/jobs")``: a short, readable name for a call (to name its callbacks)."""
    callee = " ".join(text(fn).split())
    if len(callee) > 60:
        callee = callee[:57] + "..."
    first = named(args)[:1]
    literal = f'"{string_value(first[0])[:60]}"' if first and first[0].type == "string" else ""
    return f"{callee}({literal})"


def _number(source: str) -> int | float | str:
    cleaned = source.replace("_", "").rstrip("n")
    try:
        return int(cleaned, 0)
    except ValueError:
        pass
    try:
        return float(cleaned)
    except ValueError:
        return source


def _template_literals(node: Any) -> list[str]:
    """The literal parts around a template's substitutions (one more than substitutions)."""
    parts: list[str] = [""]
    for part in named(node):
        if part.type == "template_substitution":
            parts.append("")
        elif part.type == "string_fragment":
            parts[-1] += text(part)
        elif part.type == "escape_sequence":
            parts[-1] += escape_value(text(part))
    return parts
