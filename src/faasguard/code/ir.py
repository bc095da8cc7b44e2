"""A small, language-neutral program model that every language front-end lowers to.

The taint engine (:mod:`faasguard.code.taint`) reads only this model, so one engine serves
Python and JavaScript/TypeScript, and adding a language is a lowering, not a new analysis. The
model keeps exactly what data flow needs: bindings, calls, attribute and index reads, string
building, containers, returns, branches (for guards) and functions with their closures and
classes. Everything else is :class:`Opaque` or dropped.

Conventions for front-ends:

* Lines are 1-based lines of the parsed text (the engine adds ``SourceFile.line_offset``).
* Names are as written; imports are explicit :class:`Import` statements that bind a local name
  (``import x``, ``from m import a as b``, ``const b = require('m').a``,
  ``import {a as b} from 'm'``, ``const {a} = require('m')``). The engine resolves them.
* A method call is ``Call(Attr(receiver, name), ...)``; ``new C(...)`` is ``Call(..., new=True)``.
* String building (f-strings, template literals, ``+`` with a string literal side, ``%``,
  ``str.format``, ``"".join``) is :class:`Concat`, with literal parts as :class:`Lit`.
* Loops become :class:`Loop` (``for x of xs``: target ``x``, iter ``xs``; ``while``: no target);
  ``try`` blocks are flattened into the enclosing body (handlers included); ``with a as b`` is
  ``Assign(b, a)``; JS ``return x`` inside an arrow body without braces is ``Return``.
* JavaScript exports are :class:`Export` statements (``export function f``, ``exports.f = ...``,
  ``module.exports = {f}`` -> one per key, ``export default x`` -> name ``default``). Python
  modules export every top-level binding; Python front-ends emit no Export.
* A callback (arrow function, ``function`` expression, lambda) is :class:`FuncExpr`. Promise
  chains need nothing special: ``p.then(cb)`` is a call whose callback the engine invokes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "Assign",
    "Attr",
    "Await",
    "Call",
    "ClassDef",
    "ClassStmt",
    "Concat",
    "Def",
    "Export",
    "Expr",
    "ExprStmt",
    "FuncExpr",
    "FunctionDef",
    "If",
    "Import",
    "Index",
    "Lit",
    "Loop",
    "Module",
    "Name",
    "Obj",
    "Op",
    "Opaque",
    "Param",
    "Pattern",
    "Raise",
    "Return",
    "Seq",
    "Spread",
    "Stmt",
    "Target",
]

# ---- expressions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """A variable read (``x``)."""

    id: str
    line: int


@dataclass(frozen=True, slots=True)
class Attr:
    """An attribute or property read (``obj.name``; JS optional chaining too)."""

    obj: Expr
    attr: str
    line: int


@dataclass(frozen=True, slots=True)
class Index:
    """A subscript (``obj[key]``). Constant keys are :class:`Lit` (``event["body"]``)."""

    obj: Expr
    key: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Call:
    """A call.

    ``args`` may hold :class:`Spread` (``*a``, ``...a``); ``kwargs`` are Python keyword
    arguments (``**kw`` is a ``("**", expr)`` pair). ``new`` marks a JS constructor call.
    """

    func: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    line: int
    new: bool = False


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: string, number, boolean or None/null/undefined."""

    value: str | int | float | bool | None
    line: int


@dataclass(frozen=True, slots=True)
class Concat:
    """A string built from parts (f-string, template literal, ``+``, ``%``, ``format``)."""

    parts: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Obj:
    """A dict or JS object literal.

    A ``None`` key is a spread (``**d``, ``...o``); computed keys are expressions, constant
    keys :class:`Lit`.
    """

    keys: tuple[Expr | None, ...]
    values: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Seq:
    """A list, tuple, set or array literal (items may be :class:`Spread`)."""

    items: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Spread:
    """``*x`` / ``...x`` inside a call or a literal."""

    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Op:
    """Any other operator.

    ``kind`` is ``"compare:<op>"`` (result carries no taint; ``<op>`` is one of ``==``,
    ``!=``, ``in``, ``not in``, ``is``, ``is not``, ``<``, ``>``, ``<=``, ``>=``, ``instanceof``;
    JS ``===``/``!==`` are ``==``/``!=``; a chain ``a < b < c`` keeps only its first operator),
    ``"bool"`` (``and``/``or``/``??``: either operand; ``"and"``/``"or"`` when the guard logic
    matters), ``"cond"`` (ternary: operands are the two branches, the test left out),
    ``"arith"``, ``"unary"``, ``"not"`` (logical negation, one operand), ``"typeof"``.
    """

    kind: str
    operands: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Await:
    """``await x`` (also ``yield``): the value of ``x`` once resolved."""

    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class FuncExpr:
    """A function used as a value: lambda, arrow function, function expression."""

    fn: FunctionDef


@dataclass(frozen=True, slots=True)
class Opaque:
    """Something the front-end does not model; it carries no taint of its own."""

    line: int
    what: str = ""


Expr: TypeAlias = (
    Name | Attr | Index | Call | Lit | Concat | Obj | Seq | Spread | Op | Await | FuncExpr | Opaque
)

# ---- statements -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pattern:
    """A destructuring target.

    ``a, b = ...`` has keys 0, 1; ``const {a, b: c} = ...`` keys ``"a"``, ``"b"``; an optional
    rest target takes ``*rest`` / ``...rest``. Defaults are dropped.
    """

    elements: tuple[tuple[str | int, Target], ...]
    rest: Target | None = None


Target: TypeAlias = Name | Attr | Index | Pattern


@dataclass(frozen=True, slots=True)
class Assign:
    """``target = value`` (also augmented ``+=``: value is then ``Op``/``Concat`` of both)."""

    target: Target
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class ExprStmt:
    """An expression evaluated for its effect (usually a call)."""

    expr: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Return:
    """``return value`` (None for a bare return)."""

    value: Expr | None
    line: int


@dataclass(frozen=True, slots=True)
class Raise:
    """``raise``/``throw``: the path ends here (guards use this)."""

    value: Expr | None
    line: int


@dataclass(frozen=True, slots=True)
class If:
    """A branch.

    The test is kept whole: the engine recognises guards in it (allowlists, membership tests,
    validators) that clear taint on one side.
    """

    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop. ``for target in iter``: target gets an element of iter; while loops: None."""

    target: Target | None
    iter: Expr | None
    body: tuple[Stmt, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Import:
    """An import binding ``name`` in the current scope.

    Attributes:
        name: the local name bound.
        module: the module as written (``os.path``, ``./lib/db``, ``@aws-sdk/client-s3``).
        member: the member imported from it (``from m import a`` -> ``"a"``; JS default import
            -> ``"default"``); None when the module object itself is bound.
        level: Python relative-import level (``from ..x import y`` -> 2); 0 otherwise.
        line: the import's line.
    """

    name: str
    module: str
    member: str | None
    level: int
    line: int


@dataclass(frozen=True, slots=True)
class Export:
    """A JavaScript export: ``name`` is what importers see (``default`` for the default)."""

    name: str
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter.

    Attributes:
        name: its name ("" when the parameter is only a destructuring pattern).
        default: its default value, if any.
        kind: ``"positional"``, ``"varargs"`` (``*a``/``...a``), ``"kwargs"`` (``**k``),
            ``"keyword"`` (keyword-only).
        annotation: the type annotation as written (``int``, ``Item``, ``str``), or None.
        pattern: a destructuring pattern bound from the argument (``({body}) => ...``).
    """

    name: str
    default: Expr | None = None
    kind: str = "positional"
    annotation: str | None = None
    pattern: Pattern | None = None


@dataclass(frozen=True, slots=True)
class FunctionDef:
    """A function or method.

    Attributes:
        name: its name ("<lambda>"/"<arrow>" for anonymous ones).
        params: its parameters, ``self``/``this`` excluded for JS, included for Python methods.
        body: its statements.
        line: the line of its definition.
        decorators: decorator expressions (Python), outermost first.
        is_async: an ``async`` function.
    """

    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    line: int
    decorators: tuple[Expr, ...] = ()
    is_async: bool = False


@dataclass(frozen=True, slots=True)
class ClassDef:
    """A class: its bases, methods and class-level assignments."""

    name: str
    bases: tuple[Expr, ...]
    methods: tuple[FunctionDef, ...]
    body: tuple[Stmt, ...]
    line: int
    decorators: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class Def:
    """A function declaration statement (binds ``fn.name`` in the current scope)."""

    fn: FunctionDef


@dataclass(frozen=True, slots=True)
class ClassStmt:
    """A class declaration statement (binds ``cls.name`` in the current scope)."""

    cls: ClassDef


Stmt: TypeAlias = Assign | ExprStmt | Return | Raise | If | Loop | Import | Export | Def | ClassStmt


@dataclass(frozen=True, slots=True)
class Module:
    """One lowered source file.

    Attributes:
        path: the file's path relative to the scan root (as in ``SourceFile.path``).
        language: ``"python"``, ``"javascript"`` or ``"typescript"``.
        body: its top-level statements, in order.
        line_offset: added to every line to get the file line (inline template code).
        truncated: True when the front-end dropped code over its nesting-depth cap.
    """

    path: str
    language: str
    body: tuple[Stmt, ...]
    line_offset: int = 0
    truncated: bool = False
