"""Lower a Python :mod:`ast` tree to the language-neutral program model.

Only what data flow needs is kept (see :mod:`faasguard.code.ir`); the rest becomes
:class:`~faasguard.code.ir.Opaque`. Nesting deeper than :data:`MAX_DEPTH` is cut and the module
is marked ``truncated``, so a hostile file cannot exhaust the stack.
"""

from __future__ import annotations

import ast

from faasguard.code import ir
from faasguard.code.interface import SourceFile

__all__ = ["MAX_DEPTH", "lower_module"]

_TRY_NODES = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)
#: Expression and statement nesting deeper than this is not lowered (reported as a cap).
MAX_DEPTH = 80


def lower_module(source: SourceFile) -> ir.Module:
    """Lower a parsed Python file (``source.tree`` must be an ``ast.Module``)."""
    lowering = _Lower()
    tree = source.tree
    body = lowering.block(tree.body, 0) if isinstance(tree, ast.Module) else ()
    return ir.Module(source.path, "python", body, source.line_offset, lowering.truncated)


class _Lower:
    def __init__(self) -> None:
        self.truncated = False

    # -- statements ----------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt], depth: int) -> tuple[ir.Stmt, ...]:
        out: list[ir.Stmt] = []
        if depth > MAX_DEPTH:
            self.truncated = True
            return ()
        for stmt in stmts:
            out.extend(self.stmt(stmt, depth + 1))
        return tuple(out)

    def stmt(self, node: ast.stmt, d: int) -> list[ir.Stmt]:
        line = node.lineno
        if isinstance(node, ast.Expr):
            return [ir.ExprStmt(self.expr(node.value, d), line)]
        if isinstance(node, ast.Assign):
            value = self.expr(node.value, d)
            return [ir.Assign(self.target(t, d), value, line) for t in node.targets]
        if isinstance(node, ast.AnnAssign):
            if node.value is None:
                return []
            return [ir.Assign(self.target(node.target, d), self.expr(node.value, d), line)]
        if isinstance(node, ast.AugAssign):
            current = self.expr(_as_load(node.target), d)
            other = self.expr(node.value, d)
            combined: ir.Expr
            if isinstance(node.op, (ast.Add, ast.Mod)):
                combined = ir.Concat((current, other), line)
            else:
                combined = ir.Op("arith", (current, other), line)
            return [ir.Assign(self.target(node.target, d), combined, line)]
        if isinstance(node, ast.Return):
            return [ir.Return(self.expr(node.value, d) if node.value else None, line)]
        if isinstance(node, ast.Raise):
            return [ir.Raise(self.expr(node.exc, d) if node.exc else None, line)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return [ir.Def(self.function(node, d))]
        if isinstance(node, ast.ClassDef):
            return [ir.ClassStmt(self.klass(node, d))]
        if isinstance(node, ast.If):
            # An elif chain is a list, not nesting: it must not count against the depth cap.
            orelse = (
                tuple(self.stmt(node.orelse[0], d))
                if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)
                else self.block(node.orelse, d)
            )
            return [ir.If(self.expr(node.test, d), self.block(node.body, d), orelse, line)]
        if isinstance(node, (ast.For, ast.AsyncFor)):
            loop = ir.Loop(
                self.target(node.target, d), self.expr(node.iter, d), self.block(node.body, d), line
            )
            return [loop, *self.block(node.orelse, d)]
        if isinstance(node, ast.While):
            return [
                ir.Loop(None, None, self.block(node.body, d), line),
                *self.block(node.orelse, d),
            ]
        if isinstance(node, (ast.With, ast.AsyncWith)):
            out: list[ir.Stmt] = []
            for item in node.items:
                ctx = self.expr(item.context_expr, d)
                if item.optional_vars is not None:
                    out.append(ir.Assign(self.target(item.optional_vars, d), ctx, line))
                else:
                    out.append(ir.ExprStmt(ctx, line))
            return out + list(self.block(node.body, d))
        if isinstance(node, _TRY_NODES):
            out = list(self.block(node.body, d))
            for handler in node.handlers:
                out.extend(self.block(handler.body, d))
            out.extend(self.block(node.orelse, d))
            out.extend(self.block(node.finalbody, d))
            return out
        if isinstance(node, ast.Match):
            subject = self.expr(node.subject, d)
            out = [ir.ExprStmt(subject, line)]
            for case in node.cases:
                out.extend(self.block(case.body, d))
            return out
        if isinstance(node, ast.Import):
            return [
                # `import a.b.c` binds `a` (module "a.b.c"); `import a.b as c` binds `c`.
                ir.Import(alias.asname or alias.name.split(".")[0], alias.name, None, 0, line)
                for alias in node.names
            ]
        if isinstance(node, ast.ImportFrom):
            return [
                ir.Import(
                    alias.asname or alias.name, node.module or "", alias.name, node.level, line
                )
                for alias in node.names
                if alias.name != "*"
            ]
        if isinstance(node, ast.Assert):
            return [ir.ExprStmt(self.expr(node.test, d), line)]
        if isinstance(node, ast.Delete):
            return []
        return []

    def function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, d: int
    ) -> ir.FunctionDef:
        args = node.args
        params: list[ir.Param] = []
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        for arg, default in zip(positional, defaults, strict=True):
            params.append(
                ir.Param(
                    arg.arg,
                    self.expr(default, d) if default is not None else None,
                    "positional",
                    _annotation(arg.annotation),
                )
            )
        if args.vararg is not None:
            params.append(ir.Param(args.vararg.arg, None, "varargs"))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            params.append(
                ir.Param(
                    arg.arg,
                    self.expr(kw_default, d) if kw_default is not None else None,
                    "keyword",
                    _annotation(arg.annotation),
                )
            )
        if args.kwarg is not None:
            params.append(ir.Param(args.kwarg.arg, None, "kwargs"))
        if isinstance(node, ast.Lambda):
            body: tuple[ir.Stmt, ...] = (ir.Return(self.expr(node.body, d), node.lineno),)
            return ir.FunctionDef("<lambda>", tuple(params), body, node.lineno)
        return ir.FunctionDef(
            node.name,
            tuple(params),
            self.block(node.body, d),
            node.lineno,
            tuple(self.expr(dec, d) for dec in node.decorator_list),
            isinstance(node, ast.AsyncFunctionDef),
        )

    def klass(self, node: ast.ClassDef, d: int) -> ir.ClassDef:
        methods: list[ir.FunctionDef] = []
        body: list[ir.Stmt] = []
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods.append(self.function(stmt, d + 1))
            else:
                body.extend(self.stmt(stmt, d + 1))
        return ir.ClassDef(
            node.name,
            tuple(self.expr(b, d) for b in node.bases),
            tuple(methods),
            tuple(body),
            node.lineno,
            tuple(self.expr(dec, d) for dec in node.decorator_list),
        )

    def target(self, node: ast.expr, d: int) -> ir.Target:
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            return ir.Name(node.id, line)
        if isinstance(node, ast.Attribute):
            return ir.Attr(self.expr(node.value, d), node.attr, line)
        if isinstance(node, ast.Subscript):
            return ir.Index(self.expr(node.value, d), self.expr(node.slice, d), line)
        if isinstance(node, (ast.Tuple, ast.List)):
            elements: list[tuple[str | int, ir.Target]] = []
            rest: ir.Target | None = None
            for i, elt in enumerate(node.elts):
                if isinstance(elt, ast.Starred):
                    rest = self.target(elt.value, d)
                else:
                    elements.append((i, self.target(elt, d)))
            return ir.Pattern(tuple(elements), rest)
        if isinstance(node, ast.Starred):
            return self.target(node.value, d)
        return ir.Name("_", line)

    # -- expressions ---------------------------------------------------------------------------

    def expr(self, node: ast.expr, d: int) -> ir.Expr:
        line = getattr(node, "lineno", 0)
        if d > MAX_DEPTH:
            self.truncated = True
            return ir.Opaque(line, "too deep")
        d += 1
        if isinstance(node, ast.Name):
            return ir.Name(node.id, line)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, (str, int, float, bool)) or value is None:
                return ir.Lit(value, line)
            if isinstance(value, bytes):
                return ir.Lit(value.decode("latin-1"), line)
            return ir.Opaque(line, "constant")
        if isinstance(node, ast.Attribute):
            return ir.Attr(self.expr(node.value, d), node.attr, line)
        if isinstance(node, ast.Subscript):
            return ir.Index(self.expr(node.value, d), self.expr(node.slice, d), line)
        if isinstance(node, ast.Call):
            return self.call(node, d)
        if isinstance(node, ast.JoinedStr):
            return ir.Concat(tuple(self.expr(v, d) for v in node.values), line)
        if isinstance(node, ast.FormattedValue):
            return self.expr(node.value, d)
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left, d), self.expr(node.right, d)
            if isinstance(node.op, ast.Mod) and _is_str(node.left):
                rights = right.items if isinstance(right, ir.Seq) else (right,)
                return ir.Concat((left, *rights), line)
            if isinstance(node.op, ast.Add) and (_is_stringy(left) or _is_stringy(right)):
                return ir.Concat((*_parts(left), *_parts(right)), line)
            return ir.Op("arith", (left, right), line)
        if isinstance(node, ast.BoolOp):
            kind = "and" if isinstance(node.op, ast.And) else "or"
            return ir.Op(kind, tuple(self.expr(v, d) for v in node.values), line)
        if isinstance(node, ast.Compare):
            return ir.Op(
                "compare:" + _COMPARE.get(type(node.ops[0]), "?"),
                (self.expr(node.left, d), *(self.expr(c, d) for c in node.comparators)),
                line,
            )
        if isinstance(node, ast.UnaryOp):
            kind = "not" if isinstance(node.op, ast.Not) else "unary"
            return ir.Op(kind, (self.expr(node.operand, d),), line)
        if isinstance(node, ast.IfExp):
            return ir.Op("cond", (self.expr(node.body, d), self.expr(node.orelse, d)), line)
        if isinstance(node, ast.Dict):
            keys = tuple(self.expr(k, d) if k is not None else None for k in node.keys)
            return ir.Obj(keys, tuple(self.expr(v, d) for v in node.values), line)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return ir.Seq(tuple(self.expr(e, d) for e in node.elts), line)
        if isinstance(node, ast.Starred):
            return ir.Spread(self.expr(node.value, d), line)
        if isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom)):
            inner = node.value
            return ir.Await(self.expr(inner, d) if inner is not None else ir.Lit(None, line), line)
        if isinstance(node, ast.Lambda):
            return ir.FuncExpr(self.function(node, d))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self.comprehension(node.elt, node.generators, line, d)
        if isinstance(node, ast.DictComp):
            return ir.Obj(
                (None,), (self.comprehension(node.value, node.generators, line, d),), line
            )
        if isinstance(node, ast.NamedExpr):
            return self.expr(node.value, d)
        if isinstance(node, ast.Slice):
            return ir.Opaque(line, "slice")
        return ir.Opaque(line, type(node).__name__)

    def comprehension(
        self, elt: ast.expr, generators: list[ast.comprehension], line: int, d: int
    ) -> ir.Expr:
        """``[f(x) for x in xs]`` as a call of a one-line function on the iterable's element."""
        params = []
        args = []
        for gen in generators:
            target = self.target(gen.target, d)
            name = target.id if isinstance(target, ir.Name) else ""
            pattern = target if isinstance(target, ir.Pattern) else None
            params.append(ir.Param(name, None, "positional", None, pattern))
            args.append(ir.Index(self.expr(gen.iter, d), ir.Opaque(line, "element"), line))
        fn = ir.FunctionDef(
            "<comprehension>", tuple(params), (ir.Return(self.expr(elt, d), line),), line
        )
        return ir.Seq((ir.Call(ir.FuncExpr(fn), tuple(args), (), line),), line)

    def call(self, node: ast.Call, d: int) -> ir.Expr:
        line = node.lineno
        func = node.func
        args = tuple(self.expr(a, d) for a in node.args)
        kwargs = tuple((k.arg or "**", self.expr(k.value, d)) for k in node.keywords)
        # "...".format(a, b) and "sep".join(items) build strings: Concat keeps literal parts.
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant):
            if isinstance(func.value.value, str) and func.attr == "format":
                return ir.Concat((self.expr(func.value, d), *args, *(v for _, v in kwargs)), line)
            if isinstance(func.value.value, str) and func.attr == "join" and args:
                return ir.Concat(
                    (self.expr(func.value, d), ir.Index(args[0], ir.Opaque(line), line)), line
                )
        return ir.Call(self.expr(func, d), args, kwargs, line)


_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Lt: "<",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.GtE: ">=",
}


def _annotation(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    try:
        return ast.unparse(node)
    except Exception:
        return None


def _as_load(node: ast.expr) -> ast.expr:
    return node


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, (ast.Constant, ast.JoinedStr)) and (
        not isinstance(node, ast.Constant) or isinstance(node.value, str)
    )


def _is_stringy(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Concat) or (isinstance(expr, ir.Lit) and isinstance(expr.value, str))


def _parts(expr: ir.Expr) -> tuple[ir.Expr, ...]:
    return expr.parts if isinstance(expr, ir.Concat) else (expr,)
