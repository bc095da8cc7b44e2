"""Pre-ES2015 classes: a constructor function and methods assigned to its prototype.

Older Node.js handlers (and code compiled to ES5) write classes as::

    function Repo(pool) { this.pool = pool; }
    Repo.prototype.find = function (id) { return this.pool.query(...); };
    Repo.prototype = { find: function (id) { ... } };

The engine knows classes, not prototypes, so a module's top-level constructor functions that
get prototype methods are rewritten into the :class:`~faasguard.code.ir.ClassDef` they stand for
(the function becomes the constructor). Everything else is left as written.
"""

from __future__ import annotations

from dataclasses import replace

from faasguard.code import ir

__all__ = ["prototype_classes"]


def prototype_classes(body: list[ir.Stmt]) -> list[ir.Stmt]:
    """``body`` with prototype-built classes turned into class statements."""
    functions = {stmt.fn.name: stmt for stmt in body if isinstance(stmt, ir.Def)}
    if not functions:
        return body
    methods: dict[str, list[ir.FunctionDef]] = {}
    used: set[int] = set()
    for index, stmt in enumerate(body):
        found = _prototype_methods(stmt, functions)
        if found is not None:
            name, defs = found
            methods.setdefault(name, []).extend(defs)
            used.add(index)
    if not methods:
        return body
    out: list[ir.Stmt] = []
    for index, stmt in enumerate(body):
        if index in used:
            continue
        if isinstance(stmt, ir.Def) and stmt.fn.name in methods:
            constructor = replace(stmt.fn, name="constructor")
            cls = ir.ClassDef(
                stmt.fn.name, (), (constructor, *methods[stmt.fn.name]), (), stmt.fn.line
            )
            out.append(ir.ClassStmt(cls))
        else:
            out.append(stmt)
    return out


def _prototype_methods(
    stmt: ir.Stmt, functions: dict[str, ir.Def]
) -> tuple[str, list[ir.FunctionDef]] | None:
    """``X.prototype.m = function`` or ``X.prototype = {m() {}}`` for a known function ``X``."""
    if not isinstance(stmt, ir.Assign) or not isinstance(stmt.target, ir.Attr):
        return None
    target = stmt.target
    if isinstance(target.obj, ir.Attr) and target.obj.attr == "prototype":
        owner = target.obj.obj
        known = isinstance(owner, ir.Name) and owner.id in functions
        if known and isinstance(owner, ir.Name) and isinstance(stmt.value, ir.FuncExpr):
            return owner.id, [replace(stmt.value.fn, name=target.attr)]
        return None
    owner = target.obj
    if target.attr != "prototype" or not isinstance(owner, ir.Name) or owner.id not in functions:
        return None
    if not isinstance(stmt.value, ir.Obj):
        return None
    defs = [
        replace(value.fn, name=key.value)
        for key, value in zip(stmt.value.keys, stmt.value.values, strict=True)
        if isinstance(key, ir.Lit) and isinstance(key.value, str)
        if isinstance(value, ir.FuncExpr)
    ]
    return (owner.id, defs) if defs else None
