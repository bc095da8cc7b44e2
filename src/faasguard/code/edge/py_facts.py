"""Facts of a Python file, read from the ``ast.Module`` the code layer parsed.

Two passes over the tree: the first records imports and the names bound by assignment, so the
second can name every call by what it really is (``s.get`` after ``s = requests.Session()`` is
``requests.Session().get``). Names are resolved within the file; a name imported from another
module of the project stays a ``name`` value the analyses resolve against that module's
constants.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Final

from faasguard.code.edge.values import (
    OTHER,
    AssignFact,
    CallFact,
    EventField,
    FileFacts,
    HandlerFacts,
    StringFact,
    Val,
)
from faasguard.code.interface import Language

__all__ = ["python_facts"]

#: How deep a value is followed through names and nested expressions.
_MAX_DEPTH: Final = 12
#: Items of a list literal kept in a value (a hostile file may hold millions).
_MAX_ITEMS: Final = 64
#: Qualified names whose mere mention matters (TLS verification turned off).
_INTERESTING: Final = frozenset(
    {"ssl.CERT_NONE", "ssl._create_unverified_context", "ssl.create_default_context"}
)
#: Callees that return an environment variable given its name as first argument.
_ENV_GETTERS: Final = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})


class _Resolver:
    """Imports and single assignments of one module, to name callees and read constants."""

    def __init__(self, tree: ast.Module, nodes: list[ast.AST], offset: int) -> None:
        self.offset = offset
        self.aliases: dict[str, str] = {}
        self.bound: dict[str, list[ast.expr]] = {}
        self.imports: set[str] = set()
        self.top_level: set[str] = set()
        self._single: dict[str, ast.expr | None] = {}
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.imports.add(alias.name)
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                self.imports.add(module)
                for alias in node.names:
                    if alias.name != "*":
                        qualified = f"{module}.{alias.name}" if module else alias.name
                        self.aliases[alias.asname or alias.name] = qualified.lstrip(".")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.bound.setdefault(target.id, []).append(node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
                target = node.target
                if isinstance(target, ast.Name) and node.value is not None:
                    self.bound.setdefault(target.id, []).append(node.value)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    var = item.optional_vars
                    if isinstance(var, ast.Name):
                        self.bound.setdefault(var.id, []).append(item.context_expr)
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                self.top_level.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                self.top_level.add(stmt.target.id)

    def line(self, node: ast.AST) -> int:
        return int(getattr(node, "lineno", 0)) + self.offset

    def single(self, name: str) -> ast.expr | None:
        """The one expression ``name`` is bound to, or None when bound several ways."""
        if name in self._single:
            return self._single[name]
        values = self.bound.get(name)
        found: ast.expr | None = None
        if values:
            first = ast.dump(values[0]) if len(values) > 1 else ""
            if all(ast.dump(v) == first for v in values[1:]):
                found = values[0]
        self._single[name] = found
        return found

    def qualify(self, node: ast.expr, depth: int = 0) -> str | None:
        """The qualified name of a callee or receiver, or None when it has none."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            bound = self.single(node.id)
            if isinstance(bound, (ast.Call, ast.Attribute, ast.Name)) and bound is not node:
                inner = self.qualify(bound, depth + 1)
                if inner is not None:
                    return inner
            return node.id
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value, depth + 1)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self.qualify(node.func, depth + 1)
            if base is None:
                return None
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                kind = first.value if len(first.value) <= 40 else ""
                return f"{base}({kind})"
            service = next(
                (k.value for k in node.keywords if k.arg == "service_name"),
                None,
            )
            if isinstance(service, ast.Constant) and isinstance(service.value, str):
                return f"{base}({service.value})"
            return f"{base}()"
        if isinstance(node, ast.Await):
            return self.qualify(node.value, depth + 1)
        return None

    def value(self, node: ast.expr | None, depth: int = 0) -> Val:
        """The abstract value of an expression."""
        if node is None or depth > _MAX_DEPTH:
            return OTHER
        line = self.line(node)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                return Val("bool", "true" if v else "false", line=line)
            if isinstance(v, str):
                return Val("str", v, line=line)
            if isinstance(v, (int, float)):
                return Val("num", str(v), line=line)
            if v is None:
                return Val("none", line=line)
            return OTHER
        if isinstance(node, ast.JoinedStr):
            return Val(
                "concat", parts=tuple(self.value(p, depth + 1) for p in node.values), line=line
            )
        if isinstance(node, ast.FormattedValue):
            return self.value(node.value, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            left = self.value(node.left, depth + 1)
            right = self.value(node.right, depth + 1) if isinstance(node.op, ast.Add) else OTHER
            return Val("concat", parts=(left, right), line=line)
        if isinstance(node, ast.Subscript):
            base = self.qualify(node.value)
            key = node.slice
            if base in ("os.environ", "environ") and isinstance(key, ast.Constant):
                return Val("env", str(key.value), line=line)
            return OTHER
        if isinstance(node, ast.Call):
            return self._call_value(node, depth, line)
        if isinstance(node, ast.Dict):
            items = tuple(
                (k.value, self.value(v, depth + 1))
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            )
            return Val("object", items=items, line=line)
        if isinstance(node, (ast.List, ast.Tuple)):
            elements = node.elts[:_MAX_ITEMS]
            return Val("array", parts=tuple(self.value(e, depth + 1) for e in elements), line=line)
        if isinstance(node, ast.BoolOp) and node.values:
            first = self.value(node.values[0], depth + 1)
            if first.kind == "env" and len(node.values) > 1:
                return Val("env", first.text, (self.value(node.values[1], depth + 1),), line=line)
            return first
        if isinstance(node, ast.Name):
            bound = self.single(node.id)
            if node.id not in self.aliases and bound is not None:
                return self.value(bound, depth + 1)
            return Val("name", self.aliases.get(node.id, node.id), line=line)
        if isinstance(node, ast.Attribute):
            qualified = self.qualify(node)
            return Val("name", qualified, line=line) if qualified else OTHER
        if isinstance(node, ast.Await):
            return self.value(node.value, depth + 1)
        return OTHER

    def _call_value(self, node: ast.Call, depth: int, line: int) -> Val:
        callee = self.qualify(node.func) or ""
        first = node.args[0] if node.args else None
        if (
            callee in (*_ENV_GETTERS, "environ.get", "getenv")
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            default = (self.value(node.args[1], depth + 1),) if len(node.args) > 1 else ()
            return Val("env", first.value, default, line=line)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            receiver = self.value(node.func.value, depth + 1)
            if receiver.kind == "str":
                head = receiver.text.split("{", 1)[0]
                return Val("concat", parts=(Val("str", head, line=line), OTHER), line=line)
        return Val("call", self.qualify(node) or callee, line=line)


def python_facts(path: str, tree: ast.Module, *, line_offset: int = 0) -> FileFacts:
    """Collect the facts of one parsed Python module (no I/O, nothing executed).

    The tree is walked once (:func:`_walk_scoped`); every pass below reads that list, which
    took the facts of the serverless-patterns corpus's Python files from 5 walks to 1.
    """
    scoped = list(_walk_scoped(tree))
    nodes = [node for node, _ in scoped]
    by_scope: dict[str | None, list[ast.AST]] = {}
    for node, scope in scoped:
        by_scope.setdefault(scope, []).append(node)
    resolver = _Resolver(tree, nodes, line_offset)
    calls: list[CallFact] = []
    strings: list[StringFact] = []
    assigns: list[AssignFact] = []
    references: list[tuple[str, int]] = []
    handlers: dict[str, HandlerFacts] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            handlers[stmt.name] = _handler(resolver, stmt, by_scope.get(stmt.name, []))
        elif isinstance(stmt, ast.ClassDef):
            for item in stmt.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    key = f"{stmt.name}.{item.name}"
                    handlers[key] = _handler(resolver, item, by_scope.get(key, []), name=key)
    for node, scope in scoped:
        if isinstance(node, ast.Call):
            calls.append(_call(resolver, node, scope))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if len(node.value) >= 2:
                strings.append(StringFact(node.value, resolver.line(node)))
        elif isinstance(node, ast.Attribute):
            qualified = resolver.qualify(node)
            if qualified in _INTERESTING:
                references.append((qualified, resolver.line(node)))
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    name = resolver.qualify(target) or target.attr
                    assigns.append(
                        AssignFact(name, resolver.value(node.value), resolver.line(node), scope)
                    )
    named = _named_strings(nodes, resolver)
    strings = [StringFact(s.value, s.line, named.get((s.line, s.value))) for s in strings]
    constants = {}
    for name in resolver.top_level:
        bound = resolver.single(name)
        if bound is not None:
            constants[name] = resolver.value(bound)
    return FileFacts(
        path=path,
        language=Language.PYTHON,
        calls=tuple(calls),
        strings=tuple(strings),
        assigns=tuple(assigns),
        constants=constants,
        references=tuple(references),
        imports=frozenset(resolver.imports),
        handlers=handlers,
    )


def _children(node: ast.AST) -> list[ast.AST]:
    """The child nodes, without the ``Load``/``Store`` context markers every name carries.

    ``ast.iter_child_nodes`` is a generator that also yields those markers (a third of all
    nodes); this list-building loop over ``_fields`` took the walk of the serverless-patterns
    corpus's Python from 1.1 s to 0.5 s.
    """
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            found.extend(v for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
            found.append(value)
    return found


def _walk_scoped(tree: ast.Module) -> Iterator[tuple[ast.AST, str | None]]:
    """Every node, in source order, with the top-level function (or ``Class.method``) it is in."""
    stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
    while stack:
        node, scope = stack.pop()
        yield node, scope
        children = _children(node)
        if isinstance(node, ast.Module):
            stack.extend((c, _scope_of(c, None)) for c in reversed(children))
        elif scope is None and isinstance(node, ast.ClassDef):
            stack.extend((c, _scope_of(c, node.name)) for c in reversed(children))
        else:
            stack.extend((c, scope) for c in reversed(children))


def _scope_of(node: ast.AST, class_name: str | None) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return f"{class_name}.{node.name}" if class_name else node.name
    return None


def _call(resolver: _Resolver, node: ast.Call, scope: str | None) -> CallFact:
    callee = resolver.qualify(node.func) or _fallback_name(node.func)
    args = tuple(resolver.value(a) for a in node.args if not isinstance(a, ast.Starred))
    kwargs = tuple((k.arg, resolver.value(k.value)) for k in node.keywords if k.arg is not None)
    return CallFact(callee, resolver.line(node), args, kwargs, scope)


def _fallback_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"?.{node.attr}"
    return "?"


def _named_strings(nodes: list[ast.AST], resolver: _Resolver) -> dict[tuple[int, str], str]:
    """The name each string literal is stored under: variable, attribute, dict key, keyword."""
    named: dict[tuple[int, str], str] = {}

    def note(value: ast.expr | None, name: str) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            named[(resolver.line(value), value.value)] = name

    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                name = _target_name(target)
                if name:
                    note(node.value, name)
        elif isinstance(node, ast.AnnAssign):
            name = _target_name(node.target)
            if name:
                note(node.value, name)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    note(value, key.value)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg:
                    note(keyword.value, keyword.arg)
            qualified = resolver.qualify(node.func) or ""
            if qualified.endswith(("environ.setdefault", "putenv")) and len(node.args) > 1:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    note(node.args[1], first.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[-len(args.defaults) :], args.defaults, strict=False):
                note(default, arg.arg)
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                note(kw_default, arg.arg)
    return named


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _handler(
    resolver: _Resolver,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    body: list[ast.AST],
    *,
    name: str | None = None,
) -> HandlerFacts:
    decorators = tuple(
        resolver.qualify(d.func if isinstance(d, ast.Call) else d) or "?"
        for d in node.decorator_list
    )
    params = [
        a.arg for a in (*node.args.posonlyargs, *node.args.args) if a.arg not in ("self", "cls")
    ]
    fields: list[EventField] = []
    if params:
        fields = _event_fields(resolver, body, params[0])
    key = name or node.name
    return HandlerFacts(key, resolver.line(node), decorators, tuple(fields), key)


def _event_fields(resolver: _Resolver, body: list[ast.AST], event: str) -> list[EventField]:
    """Field paths read from the parameter ``event`` (and names bound to parts of it).

    ``body`` is every node of the function, in source order.
    """
    roots: dict[str, str] = {event: ""}
    for node in body:
        # ``body = event["body"]`` makes ``body["x"]`` the field ``body.x``.
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            path = _access_path(node.value, roots)
            if isinstance(target, ast.Name) and path:
                roots.setdefault(target.id, path)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            # ``for record in event["Records"]`` makes ``record["s3"]`` the field ``Records[].s3``.
            path = _access_path(node.iter, roots)
            if isinstance(node.target, ast.Name) and path:
                roots.setdefault(node.target.id, path + "[]")
    found: dict[str, int] = {}
    for node in body:
        if not isinstance(node, (ast.Subscript, ast.Attribute, ast.Call)):
            continue
        path = _access_path(node, roots)
        if path and path not in found:
            found[path] = resolver.line(node)
    # Keep the longest paths: ``body.id`` says more than ``body``.
    paths = [p for p in found if not any(o != p and o.startswith(p + ".") for o in found)]
    return [EventField(p, found[p]) for p in sorted(paths, key=lambda p: (found[p], p))]


def _access_path(node: ast.expr, roots: dict[str, str]) -> str | None:
    """``event["a"]["b"]`` / ``event.get("a")`` -> ``a.b``; None when not rooted at the event."""
    keys: list[str] = []
    current: ast.expr = node
    for _ in range(_MAX_DEPTH):
        if isinstance(current, ast.Subscript):
            key = current.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.append(key.value)
            elif isinstance(key, ast.Constant) and isinstance(key.value, int):
                keys.append("[]")
            else:
                return None
            current = current.value
        elif (
            isinstance(current, ast.Call)
            and isinstance(current.func, ast.Attribute)
            and current.func.attr == "get"
            and current.args
            and isinstance(current.args[0], ast.Constant)
            and isinstance(current.args[0].value, str)
        ):
            keys.append(current.args[0].value)
            current = current.func.value
        elif isinstance(current, ast.Name):
            if current.id not in roots:
                return None
            base = roots[current.id]
            parts = [base] if base else []
            parts += [k for k in reversed(keys)]
            text = ".".join(parts).replace(".[]", "[]")
            return text or None
        else:
            return None
    return None
