"""The taint engine: an abstract interpreter over the program model.

It runs one Lambda function at a time: the handler is called with an abstract event whose
attacker-controlled fields (per trigger kind, :mod:`faasguard.code.models.events`) are tainted,
and every statement is interpreted with abstract values (:mod:`faasguard.code.taint.values`).
Calls into the project's own code are followed (across modules, into methods and closures,
with the actual arguments: context-sensitive, memoised per argument shape); calls into
libraries are looked up in the language's tables (sinks, sanitizers, validators, summaries,
sources, flags) and otherwise approximated (taint passes through, at medium confidence).

Everything is bounded: call depth, the number of function analyses per Lambda function, and
loop passes. A bound that is hit is reported, never silently ignored.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from faasguard.code import ir
from faasguard.code.codebase import CodeBase
from faasguard.code.imports import Resolver
from faasguard.code.interface import FunctionCode, Language, SourceFile
from faasguard.code.models.events import CHALICE_EVENT_FIELDS, EVENT_FIELDS
from faasguard.code.models.interface import FACTORIES, SinkModel
from faasguard.code.models.registry import ModelIndex, models_for
from faasguard.code.taint.values import (
    NO_LIT,
    ClassRef,
    EventPath,
    FuncRef,
    InstanceRef,
    ModuleRef,
    Origin,
    Taint,
    V,
    Wrapped,
    join,
    join_taint,
    meet,
)
from faasguard.findings import TraceStep
from faasguard.model import Function, TriggerKind

__all__ = ["MAX_ANALYSES", "MAX_DEPTH", "MAX_STATEMENTS", "Hit", "TaintEngine", "lower"]

#: Nested calls followed from the handler at most.
MAX_DEPTH = 14
#: Function analyses (distinct argument shapes) per Lambda function at most.
MAX_ANALYSES = 4000
#: Statements interpreted per Lambda function at most.
MAX_STATEMENTS = 300_000
#: Depth of nested containers looked into when deciding whether a value carries taint.
_DEEP = 4
#: Values looked at, at most, when deciding whether a value carries taint.
_VISITS = 256

_SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "zsh", "cmd", "cmd.exe", "powershell"})
_SHELL_FLAGS = frozenset({"-c", "/c", "-Command"})
_SAFE_YAML = re.compile(r"(^|\.)(SafeLoader|CSafeLoader|BaseLoader|CBaseLoader)$")
_ROUTE = re.compile(
    r"^(?P<app>flask\.Flask\(\)|flask\.Blueprint\(\)|fastapi\.FastAPI\(\)|fastapi\.APIRouter\(\)"
    r"|chalice\.Chalice\(\)|chalice\.Blueprint\(\)"
    r"|aws_lambda_powertools\.event_handler[\w.]*\(\))"
    r"\.(route|get|post|put|patch|delete|head|options|api_route|api|websocket)\(\)$"
)
_DISPATCH = re.compile(
    r"^(aws_lambda_powertools\.event_handler[\w.]*\(\)\.resolve"
    r"|serverless_wsgi\.handle_request|awsgi\.response|apig_wsgi\.make_lambda_handler.*"
    r"|mangum\.Mangum\(\)|chalice\.Chalice\(\))$"
)
_APP_OBJECT = re.compile(r"^(mangum\.Mangum\(\)|chalice\.Chalice\(\)|flask\.Flask\(\))$")
_CURRENT_EVENT = re.compile(r"^aws_lambda_powertools\.event_handler[\w.]*\(\)\.current_event$")
_SAFE_ANNOTATIONS = frozenset(
    {"int", "float", "bool", "UUID", "uuid.UUID", "datetime", "date", "Decimal", "condecimal"}
)
_PYDANTIC = ("pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.dataclasses.dataclass")
_STR_CLEAN_METHODS = frozenset(
    {
        "isdigit",
        "isnumeric",
        "isdecimal",
        "isalnum",
        "isalpha",
        "isidentifier",
        "startswith",
        "endswith",
        "count",
        "find",
        "rfind",
        "index",
        "__len__",
        "includes",
        "test",
        "has",
        "indexOf",
        "length",
    }
)
_GUARD_METHODS = frozenset(
    {"isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha", "isidentifier"}
)
_PROMISE_METHODS = frozenset({"then", "catch", "finally"})
_ARRAY_METHODS = frozenset(
    {"map", "flatMap", "filter", "forEach", "some", "every", "find", "reduce", "findIndex", "sort"}
)
_URL_PARTS = frozenset({"hostname", "host", "origin", "netloc", "scheme", "protocol"})
#: Caller kinds the analyzer derives for functions without a trigger (see CodeAnalyzer).
_CALLER_KINDS = frozenset({"cloudformation", "s3-object-lambda"})
_LOCAL_URL = re.compile(r"^https?://(localhost|127\.0\.0\.1|\[::1\])([:/]|$)", re.IGNORECASE)
_FIXED_HOST = re.compile(r"^[A-Za-z][\w+.-]*://[^/?#]+[/?#]")
_EVENT_GETTERS = {
    "get_query_string_value": "queryStringParameters",
    "get_multi_value_query_string_values": "multiValueQueryStringParameters",
    "get_header_value": "headers",
}
_CONTAINER_GET = frozenset({"get", "pop", "setdefault", "getlist", "get_all"})
_CONTAINER_VIEW = frozenset({"items", "values", "keys", "copy", "entries"})
_CONTAINER_ADD = frozenset({"append", "extend", "add", "insert", "push", "unshift", "update"})


@dataclass(frozen=True, slots=True)
class Hit:
    """Tainted data reaching a sink.

    Attributes:
        category: the sink's taxonomy category (``code.sql-injection``), or
            ``third-party.unvalidated-response`` for a third party's data reaching a sink or
            the caller.
        what: what the sink does ("SQL query run").
        callee: the callee as resolved (``sqlite3.connect().cursor().execute``).
        file: where the sink call is.
        line: its line.
        taint: the flow that reached it.
        exact: False when the sink row matched by method name only.
        code_function: the function (of the project's code) the sink call is in.
        fixed_host: the data only fills the path or query of a URL whose host is fixed.
    """

    category: str
    what: str
    callee: str
    file: str
    line: int
    taint: Taint
    exact: bool
    code_function: str
    fixed_host: bool = False


@dataclass(slots=True)
class _Module:
    """A module of the closure being interpreted."""

    source: SourceFile
    ir: ir.Module
    scope: _Scope
    exports: dict[str, V] = field(default_factory=dict)
    state: int = 0  # 0 new, 1 running, 2 done
    models: ModelIndex | None = None

    @property
    def path(self) -> str:
        return self.source.path

    def line(self, line: int) -> int:
        return line + self.ir.line_offset


class _Scope:
    __slots__ = ("module", "parent", "vars")

    def __init__(self, module: _Module | None, parent: _Scope | None) -> None:
        self.vars: dict[str, V] = {}
        self.module = module
        self.parent = parent

    def lookup(self, name: str) -> V | None:
        scope: _Scope | None = self
        while scope is not None:
            found = scope.vars.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


@dataclass(slots=True)
class _Frame:
    """One running function: its module, its name and the values it returns."""

    module: _Module
    name: str
    returns: list[tuple[V, int]] = field(default_factory=list)
    depth: int = 0
    loops: int = 0


class _BudgetSpentError(Exception):
    """Raised internally when the analysis budget is spent."""


def lower(cb: CodeBase, source: SourceFile) -> ir.Module | None:
    """The program model of a parsed file, lowered once per scan (cached in the code base)."""
    if source.tree is None:
        return None
    key = ("ir", f"{source.path}#{source.line_offset}" if source.inline else source.path)
    if key in cb.derived:
        cached: ir.Module | None = cb.derived[key]
        return cached
    module: ir.Module | None
    if source.language is Language.PYTHON:
        from faasguard.code.python.lower import lower_module

        module = lower_module(source)
    else:
        try:
            from faasguard.code.javascript.lower import lower_module as lower_js
        except ImportError:
            module = None
        else:
            module = lower_js(source)
    cb.derived[key] = module
    return module


class TaintEngine:
    """Interprets one Lambda function's code and collects the flows that reach sinks.

    Args:
        cb: the scan's code base.
        code: the function's own code.
        fn: the function (its triggers decide which event fields are tainted).
        resolver: the import resolver of its code root and layers.
    """

    def __init__(
        self,
        cb: CodeBase,
        code: FunctionCode,
        fn: Function,
        resolver: Resolver,
        *,
        callers: frozenset[str] = frozenset(),
        chalice: bool = False,
        sent: Taint | None = None,
        sent_clean: bool = False,
        probes: frozenset[tuple[str, int]] = frozenset(),
    ):
        self.cb = cb
        self.code = code
        self.fn = fn
        self.resolver = resolver
        self.hits: list[Hit] = []
        self.caps: list[str] = []
        self.routes: list[tuple[FuncRef, str, int]] = []
        self.js_routes: list[tuple[FuncRef, str, tuple[str, ...]]] = []
        self.dispatched = False
        self._modules: dict[str, _Module] = {}
        self._memo: dict[tuple[Any, ...], V] = {}
        self._stack: set[tuple[Any, ...]] = set()
        self._analyses = 0
        self._statements = 0
        self._seen_hits: set[tuple[str, str, int, str]] = set()
        self._kinds = {t.kind.value for t in fn.triggers}
        #: For a function invoked by another function's code: what the callers send
        #: (every field of the event is that data), or that they send only clean data.
        self._sent = sent if not fn.triggers else None
        self.probes = probes
        self.probed: dict[tuple[str, int], Taint | None] = {}
        if not fn.triggers:
            # Who invokes a function without a trigger, from the resources that reference it.
            self._kinds |= {kind for kind in callers if kind in _CALLER_KINDS}
            if sent is not None or sent_clean:
                self._kinds.add("function")
        self._unknown = (not fn.triggers and not self._kinds) or (
            TriggerKind.OTHER.value in self._kinds
        )
        self._http = self._unknown or any(t.kind.is_http for t in fn.triggers)
        rows = (*EVENT_FIELDS, *CHALICE_EVENT_FIELDS) if chalice else EVENT_FIELDS
        self._fields = [f for f in rows if self._kinds.intersection(f.kinds)]

    # ---- entry ---------------------------------------------------------------------------------

    def run(self) -> None:
        """Interpret the handler (and framework routes it dispatches to)."""
        handler = self.code.handler
        if handler is None:
            return
        module = self._module(handler)
        if module is None:
            return
        with contextlib.suppress(_BudgetSpentError):
            self._run_entry(module)

    def release(self) -> None:
        """Break the engine's reference cycles (scopes, modules, functions closing over them).

        A scan runs with the cyclic garbage collector paused (engine.gc_paused), so without
        this every function's interpreted program would stay in memory until the scan ends.
        """
        for module in self._modules.values():
            module.scope.vars.clear()
            module.exports.clear()
        self._modules.clear()
        self._memo.clear()
        self._stack.clear()
        self.routes.clear()
        self.js_routes.clear()

    def _run_entry(self, module: _Module) -> None:
        self._evaluate(module)
        name = self.code.entry or "handler"
        entry = module.exports.get(name) or module.scope.vars.get(name)
        if entry is None:
            return
        event = V(ref=EventPath(()))
        if isinstance(entry.ref, InstanceRef):
            # `handler = Handler()`: Lambda calls the instance, i.e. its __call__ method.
            call = self._class_member(entry.ref.cls, "__call__")
            if call is not None and isinstance(call.ref, FuncRef):
                bound = FuncRef(call.ref.fn, call.ref.scope, call.ref.module, entry, entry.ref.cls)
                entry = V(ref=bound)
        if isinstance(entry.ref, Wrapped):
            if entry.ref.validated:
                event = self._validated(event)
            entry = V(ref=entry.ref.func)
        if isinstance(entry.ref, FuncRef):
            if self._validated_by_decorator(entry.ref):
                event = self._validated(event)
            frame = _Frame(entry.ref.module, entry.ref.fn.name)
            self._call_own(entry.ref, [event, V()], {}, frame, top=True)
        elif (entry.path and _APP_OBJECT.match(entry.path)) or (
            entry.path and module.models and entry.path in module.models.dispatchers
        ):
            self.dispatched = True
        if self.dispatched:
            self._run_routes()

    def _validated(self, event: V) -> V:
        return event.copy(cleared=frozenset({"*"}))

    def _validated_by_decorator(self, ref: FuncRef) -> bool:
        models = ref.module.models
        for dec in ref.fn.decorators:
            value = self._eval(dec, ref.scope, _Frame(ref.module, "<decorator>"))
            path = (value.path or "").removesuffix("()")
            row = models.validators.get(path) if models else None
            if row is not None and row.decorator:
                return True
        return False

    def _run_routes(self) -> None:
        """Every route of the web framework app the handler dispatches to is an entry."""
        for source in self.code.files:
            module = self._module(source)
            if module is not None:
                self._evaluate(module)
        done: set[int] = set()
        for ref, route, _line in list(self.routes):
            if id(ref.fn) in done:
                continue
            done.add(id(ref.fn))
            args, kwargs = self._route_args(ref, route)
            frame = _Frame(ref.module, ref.fn.name)
            self._call_own(ref, args, kwargs, frame, top=True, route=route)
        for ref, route, paths in list(self.js_routes):
            if id(ref.fn) in done:
                continue
            done.add(id(ref.fn))
            values = [V(path=p) if self._http else V() for p in paths]
            frame = _Frame(ref.module, ref.fn.name)
            self._call_own(ref, values, {}, frame, top=True, route=route)

    def _route_args(self, ref: FuncRef, route: str) -> tuple[list[V], dict[str, V]]:
        """Tainted values for a route handler's parameters (path variables, query, body)."""
        kwargs: dict[str, V] = {}
        typed = {name: conv for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)}
        for param in ref.fn.params:
            if param.kind in ("varargs", "kwargs") or param.name in ("self", "request"):
                continue
            annotation = (param.annotation or "").split("[")[0].strip()
            if typed.get(param.name) in ("int", "float", "uuid"):
                continue
            if annotation in _SAFE_ANNOTATIONS:
                continue
            if annotation and self._is_model_annotation(ref, annotation):
                continue
            if annotation.endswith("Request"):
                continue
            if not self._http:
                continue
            origin = Origin(
                "http" if self._unknown else self._http_kind(),
                f"route parameter {param.name}",
                f"route parameter `{param.name}`",
                weak=self._unknown,
                event=False,
            )
            file = ref.module.path
            line = ref.module.line(ref.fn.line)
            taint = Taint(origin, ()).add(
                file, line, f"route parameter `{param.name}` of `{ref.fn.name}()` ({route})"
            )
            kwargs[param.name] = V(taint)
        return [], kwargs

    def _is_model_annotation(self, ref: FuncRef, annotation: str) -> bool:
        value = ref.scope.lookup(annotation.split(".")[-1])
        return value is not None and self._is_pydantic(value)

    def _http_kind(self) -> str:
        for trigger in self.fn.triggers:
            if trigger.kind.is_http:
                return trigger.kind.value
        return "http"

    # ---- modules -------------------------------------------------------------------------------

    def _module(self, source: SourceFile) -> _Module | None:
        key = f"{source.path}#{source.line_offset}" if source.inline else source.path
        found = self._modules.get(key)
        if found is not None:
            return found
        lowered = lower(self.cb, source)
        if lowered is None:
            return None
        if lowered.truncated:
            self._cap(
                f"{source.path}: nesting deeper than the analysis follows; the deepest "
                "code was not analysed"
            )
        module = _Module(source, lowered, _Scope(None, None))
        module.scope.module = module
        module.models = models_for(source.language.value)
        self._modules[key] = module
        return module

    def _module_at(self, path: str) -> _Module | None:
        source = self.cb.file(path)
        if source is None:
            return None
        module = self._module(source)
        if module is not None:
            self._evaluate(module)
        return module

    def _evaluate(self, module: _Module) -> None:
        """Run a module's top-level code once (definitions, imports, app objects)."""
        if module.state:
            return
        module.state = 1
        frame = _Frame(module, "<module>")
        self._exec(module.ir.body, module.scope, frame)
        module.state = 2

    def _import(self, stmt: ir.Import, scope: _Scope, frame: _Frame) -> V:
        module = frame.module
        if module.source.language is Language.PYTHON:
            return self._import_python(stmt, module)
        return self._import_js(stmt, module)

    def _import_python(self, stmt: ir.Import, module: _Module) -> V:
        file = module.path
        if stmt.member is None:
            parts = stmt.module.split(".")
            if len(parts) > 1 and stmt.name == parts[0]:
                return self._import_package_chain(file, parts)
            target = self.resolver.python(file, stmt.module, stmt.level)
            if target is not None:
                loaded = self._module_at(target)
                return V(ref=ModuleRef(loaded)) if loaded else V()
            return V(path=stmt.module) if not stmt.level else V()
        full = f"{stmt.module}.{stmt.member}" if stmt.module else stmt.member
        target = self.resolver.python(file, full, stmt.level)
        if target is not None:
            loaded = self._module_at(target)
            return V(ref=ModuleRef(loaded)) if loaded else V()
        if stmt.module or stmt.level:
            base = self.resolver.python(file, stmt.module, stmt.level)
            if base is not None:
                loaded = self._module_at(base)
                if loaded is None:
                    return V()
                return loaded.scope.vars.get(stmt.member) or V()
        return V(path=full) if not stmt.level else V()

    def _import_package_chain(self, file: str, parts: list[str]) -> V:
        """``import a.b.c`` binds ``a``, and ``a.b.c`` must then reach module c through b."""
        top: V | None = None
        parent: _Module | None = None
        for i in range(len(parts)):
            target = self.resolver.python(file, ".".join(parts[: i + 1]), 0)
            loaded = self._module_at(target) if target is not None else None
            if loaded is None:
                return top if top is not None else V(path=parts[0])
            if top is None:
                top = V(ref=ModuleRef(loaded))
            if parent is not None and parts[i] not in parent.scope.vars:
                parent.scope.vars[parts[i]] = V(ref=ModuleRef(loaded))
            parent = loaded
        return top if top is not None else V(path=parts[0])

    def _import_js(self, stmt: ir.Import, module: _Module) -> V:
        spec = stmt.module.removeprefix("node:")
        target = self.resolver.javascript(module.path, spec)
        if target is not None:
            loaded = self._module_at(target)
            if loaded is None:
                return V()
            if stmt.member is None:
                # CommonJS `module.exports = x` makes the module's value x itself.
                whole = loaded.exports.get("module.exports")
                return whole if whole is not None else V(ref=ModuleRef(loaded))
            if stmt.member == "default":
                return loaded.exports.get("default") or V(ref=ModuleRef(loaded))
            return self._module_member(loaded, stmt.member)
        if stmt.member is None or stmt.member == "default":
            return V(path=spec)
        return V(path=f"{spec}.{stmt.member}")

    def _module_member(self, module: _Module, name: str) -> V:
        if module.source.language is Language.PYTHON:
            return module.scope.vars.get(name) or V()
        found = module.exports.get(name)
        if found is not None:
            return found
        for key in ("default", "module.exports"):
            whole = module.exports.get(key)
            if whole is not None and whole.fields and name in whole.fields:
                return whole.fields[name]
        star = module.exports.get("*")  # `export * from "./x"`: a barrel re-exports x's names
        if (
            star is not None
            and isinstance(star.ref, ModuleRef)
            and star.ref.module is not None
            and star.ref.module is not module
        ):
            return self._module_member(star.ref.module, name)
        return module.scope.vars.get(name) or V()

    # ---- statements ----------------------------------------------------------------------------

    def _exec(self, body: Iterable[ir.Stmt], scope: _Scope, frame: _Frame) -> bool:
        """Run statements; True when every path through them returns or raises."""
        # Stops at the first statement that always exits: what follows it is dead code.
        return any(self._stmt(stmt, scope, frame) for stmt in body)

    def _stmt(self, stmt: ir.Stmt, scope: _Scope, frame: _Frame) -> bool:
        self._statements += 1
        if self._statements > MAX_STATEMENTS:
            self._cap(
                f"more than {MAX_STATEMENTS:,} statements interpreted for one Lambda function; "
                "the rest of its code was not analysed"
            )
            raise _BudgetSpentError
        if isinstance(stmt, ir.Assign):
            value = self._eval(stmt.value, scope, frame)
            self._bind(stmt.target, value, scope, frame, stmt.line)
        elif isinstance(stmt, ir.ExprStmt):
            self._eval(stmt.expr, scope, frame)
        elif isinstance(stmt, ir.Return):
            value = self._eval(stmt.value, scope, frame) if stmt.value is not None else V()
            frame.returns.append((value, stmt.line))
            return True
        elif isinstance(stmt, ir.Raise):
            if stmt.value is not None:
                self._eval(stmt.value, scope, frame)
            return True
        elif isinstance(stmt, ir.If):
            return self._if(stmt, scope, frame)
        elif isinstance(stmt, ir.Loop):
            self._loop(stmt, scope, frame)
        elif isinstance(stmt, ir.Import):
            scope.vars[stmt.name] = self._import(stmt, scope, frame)
        elif isinstance(stmt, ir.Export):
            value = self._eval(stmt.value, scope, frame)
            frame.module.exports[stmt.name] = value
        elif isinstance(stmt, ir.Def):
            scope.vars[stmt.fn.name] = self._define(stmt.fn, scope, frame)
        elif isinstance(stmt, ir.ClassStmt):
            scope.vars[stmt.cls.name] = self._define_class(stmt.cls, scope, frame)
        return False

    def _define(self, fn: ir.FunctionDef, scope: _Scope, frame: _Frame) -> V:
        ref = FuncRef(fn, scope, frame.module)
        for dec in fn.decorators:
            value = self._eval(dec, scope, frame)
            if value.path and _ROUTE.match(value.path):
                route = ""
                if isinstance(dec, ir.Call) and dec.args and isinstance(dec.args[0], ir.Lit):
                    route = str(dec.args[0].value)
                self.routes.append((ref, route, fn.line))
        return V(ref=ref)

    def _define_class(self, cls: ir.ClassDef, scope: _Scope, frame: _Frame) -> V:
        bases = tuple(self._eval(base, scope, frame) for base in cls.bases)
        ref = ClassRef(cls, scope, frame.module, bases)
        class_scope = _Scope(frame.module, scope)
        self._exec(cls.body, class_scope, frame)
        fields = dict(class_scope.vars)
        return V(ref=ref, fields=fields)

    def _bind(self, target: ir.Target, value: V, scope: _Scope, frame: _Frame, line: int) -> None:
        if isinstance(target, ir.Name):
            if value.taint is not None:
                value = value.copy(
                    taint=value.taint.add(
                        frame.module.path, frame.module.line(line), f"assigned to `{target.id}`"
                    )
                )
            scope.vars[target.id] = value
        elif isinstance(target, ir.Attr):
            obj = self._eval(target.obj, scope, frame)
            if isinstance(obj.ref, ModuleRef) and obj.ref.module is not None:
                obj.ref.module.scope.vars[target.attr] = value
            elif obj.fields is not None:
                obj.fields[target.attr] = value
        elif isinstance(target, ir.Index):
            obj = self._eval(target.obj, scope, frame)
            key = self._eval(target.key, scope, frame)
            if obj.fields is not None and isinstance(key.lit, (str, int)):
                obj.fields[str(key.lit)] = value
            elif obj.fields is not None:
                obj.elem = value if obj.elem is None else join(obj.elem, value)
        elif isinstance(target, ir.Pattern):
            for element_key, sub in target.elements:
                part = self._member(value, str(element_key), frame, line)
                self._bind(sub, part, scope, frame, line)
            if target.rest is not None:
                self._bind(target.rest, value, scope, frame, line)

    def _if(self, stmt: ir.If, scope: _Scope, frame: _Frame) -> bool:
        self._eval(stmt.test, scope, frame)
        positive, negative = self._guards(stmt.test, scope, frame)
        saved = dict(scope.vars)
        self._apply_guard(positive, scope)
        body_exits = self._exec(stmt.body, scope, frame)
        after_body = scope.vars
        scope.vars = dict(saved)
        self._apply_guard(negative, scope)
        else_exits = self._exec(stmt.orelse, scope, frame)
        after_else = scope.vars
        if body_exits and else_exits:
            scope.vars = after_else
            return True
        if body_exits:
            scope.vars = after_else
        elif else_exits:
            scope.vars = after_body
        else:
            merged = dict(after_body)
            for name, value in after_else.items():
                other = merged.get(name)
                merged[name] = value if other is None else join(other, value)
            scope.vars = merged
        return False

    def _apply_guard(self, guards: list[tuple[str, frozenset[str]]], scope: _Scope) -> None:
        for name, categories in guards:
            value = scope.lookup(name)
            if value is not None:
                scope.vars[name] = self._cleared(value, categories)

    def _cleared(self, value: V, categories: frozenset[str]) -> V:
        taint = value.taint.clear(categories) if value.taint is not None else None
        return value.copy(taint=taint, cleared=value.cleared | categories)

    def _guards(
        self, test: ir.Expr, scope: _Scope, frame: _Frame
    ) -> tuple[list[tuple[str, frozenset[str]]], list[tuple[str, frozenset[str]]]]:
        """Variables a branch test proves safe: (when true, when false)."""
        if isinstance(test, ir.Op) and test.kind == "not" and test.operands:
            pos, neg = self._guards(test.operands[0], scope, frame)
            return neg, pos
        if isinstance(test, ir.Op) and test.kind in ("and", "or"):
            parts = [self._guards(operand, scope, frame) for operand in test.operands]
            union_side = 0 if test.kind == "and" else 1
            union = [g for part in parts for g in part[union_side]]
            common = _intersect([part[1 - union_side] for part in parts])
            return (union, common) if test.kind == "and" else (common, union)
        if isinstance(test, ir.Op) and test.kind.startswith("compare:") and len(test.operands) == 2:
            op = test.kind.split(":", 1)[1]
            left, right = test.operands
            subject = self._guard_subject(left, scope, frame)
            if subject is None or not self._is_constant(right, scope, frame):
                return [], []
            if op in ("==", "is", "in"):
                return [subject], []
            if op in ("!=", "is not", "not in"):
                return [], [subject]
            return [], []
        if isinstance(test, ir.Call):
            return self._call_guard(test, scope, frame), []
        return [], []

    def _call_guard(
        self, test: ir.Call, scope: _Scope, frame: _Frame
    ) -> list[tuple[str, frozenset[str]]]:
        everything = frozenset({"*"})
        if isinstance(test.func, ir.Attr):
            method = test.func.attr
            receiver = test.func.obj
            if method in _GUARD_METHODS and _name_of(receiver):
                return [(_name_of(receiver) or "", everything)]
            if method in ("includes", "has", "__contains__") and test.args:
                subject = self._guard_subject(test.args[0], scope, frame)
                if subject and self._is_constant(receiver, scope, frame):
                    return [subject]
            if method in ("startswith", "is_relative_to", "startsWith") and _name_of(receiver):
                value = self._eval(receiver, scope, frame)
                if "resolved-path" in value.flags:
                    return [(_name_of(receiver) or "", frozenset({"code.path-traversal"}))]
        callee = self._eval(test.func, scope, frame)
        if callee.path in ("re.fullmatch", "re.match") and len(test.args) >= 2:
            name = _name_of(test.args[1])
            pattern = self._eval(test.args[0], scope, frame).lit
            if name and isinstance(pattern, str) and _anchored(pattern, callee.path):
                return [(name, everything)]
        if callee.path == "isinstance" and len(test.args) == 2:
            kind = self._eval(test.args[1], scope, frame).path
            name = _name_of(test.args[0])
            if name and kind in ("int", "float", "bool"):
                return [(name, everything)]
        models = frame.module.models
        row = models.validators.get(callee.path or "") if models and callee.path else None
        if row is not None and row.guard:
            target: ir.Expr | None = None
            if row.kwarg is not None:
                target = next((e for k, e in test.kwargs if k == row.kwarg), None)
            if target is None and 0 <= row.arg < len(test.args):
                target = test.args[row.arg]
            name = _name_of(target)
            if name:
                return [(name, everything)]
        return []

    def _guard_subject(
        self, expr: ir.Expr, scope: _Scope, frame: _Frame
    ) -> tuple[str, frozenset[str]] | None:
        """The variable a comparison constrains, and for which sinks.

        A name is constrained for every sink; the host of a URL (``url.hostname``,
        ``urlparse(url).hostname``) only for SSRF.
        """
        if isinstance(expr, ir.Name):
            return expr.id, frozenset({"*"})
        if isinstance(expr, ir.Attr) and expr.attr in _URL_PARTS:
            inner = expr.obj
            if isinstance(inner, ir.Call) and inner.args:
                inner = inner.args[0]
            name = _name_of(inner)
            if name:
                return name, frozenset({"code.ssrf"})
        return None

    def _is_constant(self, expr: ir.Expr, scope: _Scope, frame: _Frame) -> bool:
        """A literal, or a container of literals (an allowlist), tainted by nothing."""
        if isinstance(expr, ir.Lit):
            return True
        if isinstance(expr, ir.Seq):
            return all(isinstance(item, ir.Lit) for item in expr.items)
        if isinstance(expr, ir.Obj):
            return all(isinstance(k, ir.Lit) for k in expr.keys)
        value = self._eval(expr, scope, frame)
        if self._taint(value) is not None or isinstance(value.ref, EventPath):
            return False
        if value.lit is not NO_LIT:
            return True
        if value.fields is not None and value.ref is None:
            return all(v.lit is not NO_LIT for v in value.fields.values())
        return False

    def _loop(self, stmt: ir.Loop, scope: _Scope, frame: _Frame) -> None:
        element = None
        if stmt.iter is not None:
            iterable = self._eval(stmt.iter, scope, frame)
            element = self._element(iterable)
        # A second pass carries what one iteration assigns into the next; nested loops get one
        # pass each beyond the second level, so nesting cannot make the work exponential.
        frame.loops += 1
        try:
            for _ in range(2 if frame.loops <= 2 and frame.depth < 8 else 1):
                if stmt.target is not None and element is not None:
                    self._bind(stmt.target, element, scope, frame, stmt.line)
                self._exec(stmt.body, scope, frame)
        finally:
            frame.loops -= 1

    # ---- expressions ---------------------------------------------------------------------------

    def _eval(self, expr: ir.Expr, scope: _Scope, frame: _Frame) -> V:
        if isinstance(expr, ir.Name):
            found = scope.lookup(expr.id)
            if found is not None:
                return found
            return V(path=expr.id)
        if isinstance(expr, ir.Lit):
            value = expr.value
            return V(lit=value, prefix=value if isinstance(value, str) else None)
        if isinstance(expr, ir.Attr):
            base = self._eval(expr.obj, scope, frame)
            return self._member(base, expr.attr, frame, expr.line, attribute=True)
        if isinstance(expr, ir.Index):
            base = self._eval(expr.obj, scope, frame)
            key = self._eval(expr.key, scope, frame)
            if isinstance(key.lit, (str, int)) and not isinstance(key.lit, bool):
                return self._member(base, str(key.lit), frame, expr.line)
            return self._element(base, frame, expr.line)
        if isinstance(expr, ir.Call):
            return self._call(expr, scope, frame)
        if isinstance(expr, ir.Concat):
            return self._concat(expr, scope, frame)
        if isinstance(expr, ir.Obj):
            return self._object(expr, scope, frame)
        if isinstance(expr, ir.Seq):
            items = [self._eval(item, scope, frame) for item in expr.items]
            fields: dict[str, V] = {}
            elem: V | None = None
            for i, (item_expr, item) in enumerate(zip(expr.items, items, strict=True)):
                if isinstance(item_expr, ir.Spread):
                    inner = self._element(item)
                    elem = inner if elem is None else join(elem, inner)
                else:
                    fields[str(i)] = item
                    elem = item if elem is None else join(elem, item)
            return V(fields=fields, elem=elem)
        if isinstance(expr, ir.Spread):
            return self._eval(expr.value, scope, frame)
        if isinstance(expr, ir.Op):
            return self._op(expr, scope, frame)
        if isinstance(expr, ir.Await):
            return self._eval(expr.value, scope, frame)
        if isinstance(expr, ir.FuncExpr):
            return V(ref=FuncRef(expr.fn, scope, frame.module))
        return V()

    def _op(self, expr: ir.Op, scope: _Scope, frame: _Frame) -> V:
        values = [self._eval(operand, scope, frame) for operand in expr.operands]
        if expr.kind.startswith("compare") or expr.kind in ("not", "typeof"):
            return V()
        if expr.kind in ("and", "or", "bool", "cond"):
            result = values[0] if values else V()
            for value in values[1:]:
                result = join(result, value)
            return result
        taint = None
        for value in values:
            taint = join_taint(taint, self._taint(value))
        return V(taint)

    def _concat(self, expr: ir.Concat, scope: _Scope, frame: _Frame) -> V:
        taint = None
        prefix = None
        before = ""  # the text in front of the first tainted part ("x" for unknown clean parts)
        for i, part in enumerate(expr.parts):
            value = self._eval(part, scope, frame)
            if i == 0 and isinstance(value.lit, str):
                prefix = value.lit
            elif i == 0 and value.prefix:
                prefix = value.prefix
            part_taint = self._taint(value)
            if taint is None and part_taint is None:
                before += value.lit if isinstance(value.lit, str) else (value.prefix or "x")
            elif taint is None and part_taint is not None and value.prefix:
                before += value.prefix
            taint = join_taint(taint, part_taint)
        if taint is not None:
            taint = taint.add(
                frame.module.path, frame.module.line(expr.line), "built into a string"
            )
        result = V(taint, prefix=prefix)
        if taint is not None and _FIXED_HOST.match(before):
            result.flags = frozenset({"fixed-host"})
        return result

    def _object(self, expr: ir.Obj, scope: _Scope, frame: _Frame) -> V:
        fields: dict[str, V] = {}
        result = V(fields=fields)
        for key_expr, value_expr in zip(expr.keys, expr.values, strict=True):
            value = self._eval(value_expr, scope, frame)
            if key_expr is None:
                if value.fields is not None:
                    fields.update(value.fields)
                else:
                    result.taint = join_taint(result.taint, self._taint(value))
                continue
            key = self._eval(key_expr, scope, frame)
            if isinstance(key.lit, (str, int)):
                fields[str(key.lit)] = value
            else:
                result.elem = value if result.elem is None else join(result.elem, value)
        return result

    # ---- members -------------------------------------------------------------------------------

    def _member(
        self, base: V, name: str, frame: _Frame, line: int, *, attribute: bool = False
    ) -> V:
        ref = base.ref
        if isinstance(ref, EventPath):
            return self._event_member(base, name, frame, line)
        if isinstance(ref, ModuleRef):
            return self._module_member(ref.module, name) if ref.module else V()
        if isinstance(ref, InstanceRef):
            if base.fields is not None and name in base.fields:
                return self._inherit(base, base.fields[name])
            method = self._class_member(ref.cls, name)
            if method is not None:
                if isinstance(method.ref, FuncRef):
                    bound = FuncRef(
                        method.ref.fn, method.ref.scope, method.ref.module, base, ref.cls
                    )
                    return V(ref=bound)
                return method
            return self._inherit(base, V(self._taint(base.elem) if base.elem else None))
        if isinstance(ref, ClassRef):
            found = self._class_member(ref, name)
            return found if found is not None else V()
        if base.fields is not None and name in base.fields:
            return self._inherit(base, base.fields[name])
        if base.path is not None:
            path = f"{base.path}.{name}"
            value = V(base.taint, path=path, flags=base.flags, cleared=base.cleared)
            if _CURRENT_EVENT.match(path):
                return V(ref=EventPath(()))
            return self._source(value, path, frame, line, args=())
        if base.fields is not None and base.elem is not None and not attribute:
            return self._inherit(base, base.elem)
        taint = self._taint(base)
        if taint is not None:
            return V(taint, cleared=base.cleared)
        return V()

    def _inherit(self, base: V, value: V) -> V:
        if base.cleared and not value.cleared >= base.cleared:
            return self._cleared(value, base.cleared)
        return value

    def _class_member(self, cls: ClassRef, name: str, depth: int = 0) -> V | None:
        for method in cls.cls.methods:
            if method.name == name:
                return V(ref=FuncRef(method, cls.scope, cls.module, None, cls))
        if depth < 8:
            for base in cls.bases:
                if isinstance(base.ref, ClassRef):
                    found = self._class_member(base.ref, name, depth + 1)
                    if found is not None:
                        return found
        return None

    def _element(self, base: V, frame: _Frame | None = None, line: int = 0) -> V:
        if isinstance(base.ref, EventPath):
            if frame is None:
                return V(ref=EventPath((*base.ref.path, "*")), cleared=base.cleared)
            return self._event_member(base, "*", frame, line)
        if base.elem is not None:
            return self._inherit(base, base.elem)
        if base.fields:
            result: V | None = None
            for value in base.fields.values():
                result = value if result is None else join(result, value)
            if result is not None:
                return self._inherit(base, result)
        if base.path is not None:
            return V(base.taint, path=base.path + "[]")
        taint = self._taint(base)
        return V(taint, cleared=base.cleared) if taint is not None else V()

    def _event_member(self, base: V, name: str, frame: _Frame, line: int) -> V:
        assert isinstance(base.ref, EventPath)
        path = (*base.ref.path, name)
        value = V(ref=EventPath(path), cleared=base.cleared)
        if base.taint is not None:
            value.taint = base.taint
            return value
        origin = self._event_origin(path, exact=True)
        if origin is not None:
            start = self._sent.steps if self._sent is not None else ()
            taint = Taint(origin, start).add(
                frame.module.path,
                frame.module.line(line),
                f"event field `{origin.field}` read: {origin.label} ({origin.trigger})",
            )
            if base.cleared:
                taint = taint.clear(base.cleared)
            value.taint = taint
        return value

    def _event_origin(self, path: tuple[str, ...], *, exact: bool) -> Origin | None:
        """The source a read of ``path`` below the event reads (exact: at or under a field)."""
        if self._sent is not None:
            sent = self._sent.origin
            return Origin(
                sent.trigger,
                _dotted(path) or "event",
                sent.label,
                weak=sent.weak,
            )
        if self._unknown:
            return Origin(
                "unknown",
                _dotted(path) or "event",
                "event of a function with no known trigger",
                weak=True,
            )
        for row in self._fields:
            pattern = row.path
            n = min(len(path), len(pattern))
            if not all(
                p == "*" or q == "*" or p == q for p, q in zip(pattern[:n], path[:n], strict=True)
            ):
                continue
            if len(path) >= len(pattern) or not exact:
                kind = next(k for k in row.kinds if k in self._kinds)
                # A whole-event pattern (IoT) names the key actually read.
                shown = path[:1] if pattern == ("*",) and path else pattern
                return Origin(kind, _dotted(shown), row.label)
        return None

    def _source(
        self, value: V, path: str, frame: _Frame, line: int, *, args: list[V] | tuple[()]
    ) -> V:
        models = frame.module.models
        row = models.source_for(path) if models else None
        if row is None:
            return value
        steps: tuple[TraceStep, ...] = ()
        if row.requires_tainted_arg:
            given = next((t for t in (self._taint(a) for a in args) if t is not None), None)
            if given is None:
                return value
            steps = given.steps
        if row.kind == "third-party-response" and "local-endpoint" in value.flags:
            return value
        if row.kind == "http":
            if not self._http:
                return value
            kind = "http" if self._unknown else self._http_kind()
            origin = Origin(kind, row.field, row.field, weak=self._unknown, event=False)
        else:
            origin = Origin(row.kind, row.field, row.field, event=False)
        taint = Taint(origin, steps).add(
            frame.module.path,
            frame.module.line(line),
            f"`{_short(row.path)}` read: {row.field} ({origin.trigger})",
            last=True,
        )
        if value.taint is not None and value.taint.origin == origin:
            return value  # read further below the same source: keep where it was first read
        # The source's data replaces what the call returned (an S3 object's content is not its
        # key, even if the key was attacker-chosen too).
        return value.copy(taint=taint)

    # ---- taint ---------------------------------------------------------------------------------

    def _taint(
        self, value: V | None, depth: int = 0, budget: list[int] | None = None
    ) -> Taint | None:
        """The taint a value carries, itself or anywhere inside it.

        At most :data:`_DEEP` levels and :data:`_VISITS` values are looked at: a huge literal
        must not make every use of it expensive.
        """
        if value is None:
            return None
        if budget is None:
            budget = [_VISITS]
        budget[0] -= 1
        taint = value.taint
        if taint is None and isinstance(value.ref, EventPath):
            origin = self._event_origin(value.ref.path, exact=False)
            if origin is not None:
                taint = Taint(origin, ())
        if depth < _DEEP and budget[0] > 0:
            if value.fields:
                for item in value.fields.values():
                    if budget[0] <= 0:
                        break
                    if item is not value:
                        taint = join_taint(taint, self._taint(item, depth + 1, budget))
            if value.elem is not None and value.elem is not value:
                taint = join_taint(taint, self._taint(value.elem, depth + 1, budget))
        if taint is not None and value.cleared and not taint.cleared >= value.cleared:
            taint = taint.clear(value.cleared)
        return taint

    # ---- calls ---------------------------------------------------------------------------------

    def _call(self, call: ir.Call, scope: _Scope, frame: _Frame) -> V:
        receiver: V | None = None
        method = ""
        if isinstance(call.func, ir.Attr):
            receiver = self._eval(call.func.obj, scope, frame)
            method = call.func.attr
            callee = self._member(receiver, method, frame, call.line, attribute=True)
        else:
            callee = self._eval(call.func, scope, frame)
        args: list[V] = []
        for arg in call.args:
            value = self._eval(arg, scope, frame)
            args.append(self._element(value) if isinstance(arg, ir.Spread) else value)
        kwargs: dict[str, V] = {}
        for key, arg in call.kwargs:
            value = self._eval(arg, scope, frame)
            if key == "**" and value.fields is not None:
                kwargs.update(value.fields)
            else:
                kwargs[key] = value
        ref = callee.ref
        if (
            receiver is not None
            and isinstance(receiver.ref, FuncRef)
            and method
            in (
                "bind",
                "call",
                "apply",
            )
        ):
            return self._function_method(receiver.ref, method, args, frame, call.line)
        if isinstance(ref, FuncRef):
            return self._call_own(ref, args, kwargs, frame, line=call.line)
        if isinstance(ref, ClassRef):
            return self._instantiate(ref, callee, args, kwargs, frame, call.line)
        if isinstance(ref, Wrapped):
            return self._call_own(ref.func, args, kwargs, frame, line=call.line)
        if receiver is not None and (
            (callee.path is None and receiver.path is None)
            or (
                callee.path is not None
                and receiver.taint is not None
                and not self._modelled(frame, callee.path)
            )
        ):
            # A method on data (a string, a dict) rather than on a library object the tables
            # know: str.replace, dict.get...
            builtin = self._container_method(receiver, method, args, frame, call.line, kwargs)
            if builtin is not None:
                return builtin
        return self._external(call, callee, receiver, method, args, kwargs, scope, frame)

    def _function_method(
        self, ref: FuncRef, method: str, args: list[V], frame: _Frame, line: int
    ) -> V:
        """JavaScript's ``f.bind(obj)``, ``f.call(obj, a)`` and ``f.apply(obj, [a])``."""
        this = args[0] if args else None
        bound = ref
        if this is not None and isinstance(this.ref, InstanceRef):
            bound = FuncRef(ref.fn, ref.scope, ref.module, this, this.ref.cls)
        if method == "bind":
            return V(ref=bound)
        rest = args[1:]
        if method == "apply":
            rest = [self._element(rest[0])] if rest else []
        return self._call_own(bound, rest, {}, frame, line=line)

    def _modelled(self, frame: _Frame, path: str) -> bool:
        """True when a table row names this callee path (then the row decides, not guesses)."""
        models = frame.module.models
        if models is None:
            return False
        return bool(
            models.sinks_for(path)
            or path in models.sanitizers
            or path in models.summaries
            or path in models.validators
            or path in models.flags
            or models.source_for(path) is not None
        )

    def _container_method(
        self,
        receiver: V,
        method: str,
        args: list[V],
        frame: _Frame,
        line: int,
        kwargs: dict[str, V] | None = None,
    ) -> V | None:
        """Dict, list and string methods on values the code built or received."""
        if isinstance(receiver.ref, EventPath) and method in _EVENT_GETTERS:
            # Powertools' event classes: get_query_string_value(name="q") reads a field.
            part = self._event_member(receiver, _EVENT_GETTERS[method], frame, line)
            key = (kwargs or {}).get("name") or (args[0] if args else V())
            if isinstance(key.lit, str):
                return self._member(part, key.lit, frame, line)
            return part
        if method in _CONTAINER_GET and args and isinstance(args[0].lit, (str, int)):
            found = self._member(receiver, str(args[0].lit), frame, line)
            if len(args) > 1 and found.taint is None and not isinstance(found.ref, EventPath):
                return join(found, args[1])
            return found
        if method in _CONTAINER_VIEW:
            if isinstance(receiver.ref, EventPath):
                return V(self._taint(receiver), elem=self._element(receiver, frame, line))
            return receiver if method == "copy" else V(elem=self._element(receiver))
        if method in _CONTAINER_ADD and receiver.fields is not None:
            for arg in args:
                item = self._element(arg) if method in ("extend", "update") else arg
                receiver.elem = item if receiver.elem is None else join(receiver.elem, item)
            return V()
        if method in _STR_CLEAN_METHODS:
            return V()
        taint = self._taint(receiver)
        if taint is None:
            return None
        if method in ("split", "rsplit") and args and args[0].lit in ("/", "\\"):
            # Every part of a split on the separator is free of it: a file name.
            return V(elem=V(taint.clear(("code.path-traversal",))))
        if method in ("split", "splitlines", "rsplit", "partition", "findall", "match"):
            return V(elem=V(taint))
        if (
            method in ("replace", "replaceAll")
            and len(args) > 1
            and args[0].lit in ("/", "\\")
            and isinstance(args[1].lit, str)
            and "/" not in args[1].lit
        ):
            return V(taint.clear(("code.path-traversal",)))
        if method in ("then", "map", "forEach", "filter", "catch", "finally", "flatMap"):
            return None
        return V(taint, prefix=receiver.prefix if method in ("strip", "format") else None)

    def _instantiate(
        self,
        ref: ClassRef,
        callee: V,
        args: list[V],
        kwargs: dict[str, V],
        frame: _Frame,
        line: int,
    ) -> V:
        instance = V(ref=InstanceRef(ref), fields={})
        if self._is_pydantic(callee):
            assert instance.fields is not None
            for key, value in kwargs.items():
                instance.fields[key] = self._cleared(value, frozenset({"*"}))
            return instance.copy(cleared=frozenset({"*"}))
        init = self._class_member(ref, "__init__") or self._class_member(ref, "constructor")
        if init is not None and isinstance(init.ref, FuncRef):
            bound = FuncRef(init.ref.fn, init.ref.scope, init.ref.module, instance, ref)
            self._call_own(bound, args, kwargs, frame, line=line)
        else:
            assert instance.fields is not None
            instance.fields.update(kwargs)
            for arg in args:
                instance.elem = arg if instance.elem is None else join(instance.elem, arg)
        return instance

    def _is_pydantic(self, value: V, depth: int = 0) -> bool:
        if value.path in _PYDANTIC:
            return True
        if isinstance(value.ref, ClassRef) and depth < 8:
            return any(self._is_pydantic(b, depth + 1) for b in value.ref.bases)
        return False

    def _call_own(
        self,
        ref: FuncRef,
        args: list[V],
        kwargs: dict[str, V],
        frame: _Frame,
        *,
        line: int = 0,
        top: bool = False,
        route: str | None = None,
    ) -> V:
        fn = ref.fn
        depth = 0 if top else frame.depth + 1
        if depth > MAX_DEPTH:
            self._cap(
                f"calls nested deeper than {MAX_DEPTH} levels were not followed "
                f"(at `{fn.name}()` in {ref.module.path})"
            )
            return self._approximate(args, kwargs)
        key = (
            id(fn),
            id(ref.scope),
            self._shape(ref.self_value),
            tuple(self._shape(a) for a in args),
            tuple(sorted((k, self._shape(v)) for k, v in kwargs.items())),
        )
        if key in self._stack:
            return self._approximate(args, kwargs)
        if key in self._memo and not top:
            return self._memo[key]
        self._analyses += 1
        if self._analyses > MAX_ANALYSES:
            self._cap(
                f"more than {MAX_ANALYSES} function analyses for one Lambda function; "
                "the rest of its code was not analysed"
            )
            raise _BudgetSpentError
        module = ref.module
        scope = _Scope(module, ref.scope)
        callee_frame = _Frame(module, fn.name, depth=depth)
        params = list(fn.params)
        positional = list(args)
        if ref.self_value is not None:
            if module.source.language is Language.PYTHON and params:
                scope.vars[params[0].name] = ref.self_value
                params = params[1:]
            scope.vars["this"] = ref.self_value
        file = module.path
        for param in params:
            if param.kind == "varargs":
                rest = V(fields={}, elem=None)
                for value in positional:
                    rest.elem = value if rest.elem is None else join(rest.elem, value)
                positional = []
                value = rest
            elif param.kind == "kwargs":
                value = V(fields=dict(kwargs))
            elif param.kind != "keyword" and positional:
                value = positional.pop(0)
            elif param.name in kwargs:
                value = kwargs.pop(param.name)
            elif "**" in kwargs and param.kind != "varargs":
                # `f(**data)` with data of unknown keys: any keyword may come from it.
                value = V(self._taint(kwargs["**"]))
            elif param.default is not None:
                value = self._eval(param.default, ref.scope, callee_frame)
            else:
                value = V()
            if value.taint is not None and not top:
                value = value.copy(
                    taint=value.taint.add(
                        file,
                        module.line(fn.line),
                        f"passed to `{fn.name}()` as `{param.name or 'arg'}`",
                    )
                )
            if param.pattern is not None:
                self._bind(param.pattern, value, scope, callee_frame, fn.line)
            if param.name:
                scope.vars[param.name] = value
        self._stack.add(key)
        try:
            self._exec(fn.body, scope, callee_frame)
        finally:
            self._stack.discard(key)
        result = V()
        for value, ret_line in callee_frame.returns:
            if top:
                self._check_response(value, module, ret_line, fn.name, route)
            if value.taint is not None:
                value = value.copy(
                    taint=value.taint.add(
                        file, module.line(ret_line), f"returned from `{fn.name}()`"
                    )
                )
            result = (
                value
                if result.ref is None and result.taint is None and not result.fields
                else join(result, value)
            )
        self._memo[key] = result
        return result

    def _approximate(self, args: list[V], kwargs: dict[str, V]) -> V:
        taint = None
        for value in (*args, *kwargs.values()):
            taint = join_taint(taint, self._taint(value))
        return V(taint.approximate() if taint else None)

    def _shape(self, value: V | None) -> tuple[Any, ...]:
        if value is None:
            return ()
        taint = self._taint(value)
        ref = value.ref
        ref_key: Any = ref.path if isinstance(ref, EventPath) else id(ref) if ref else None
        return (
            (taint.origin, taint.cleared, taint.approx) if taint else None,
            ref_key,
            value.path,
            value.flags,
            value.lit if isinstance(value.lit, (str, int, float, bool)) else None,
            id(value.fields) if value.fields is not None and ref is not None else None,
        )

    # ---- library calls -------------------------------------------------------------------------

    def _external(
        self,
        call: ir.Call,
        callee: V,
        receiver: V | None,
        method: str,
        args: list[V],
        kwargs: dict[str, V],
        scope: _Scope,
        frame: _Frame,
    ) -> V:
        module = frame.module
        models = module.models or ModelIndex()
        base = callee.path
        if base is None:
            base = f"?.{method}" if method else "?"
        if base in FACTORIES and args and isinstance(args[0].lit, str):
            result_path = f"{base}({args[0].lit})"
        elif (
            base.endswith((".client", ".resource"))
            and "kwargs" not in base
            and (
                kwargs.get("service_name") is not None
                and isinstance(kwargs["service_name"].lit, str)
            )
        ):
            result_path = f"{base}({kwargs['service_name'].lit})"
        else:
            result_path = f"{base}()"
        line = module.line(call.line)
        if (module.path, line) in self.probes:
            # What this call sends to another function of the application (its payload).
            sent = None
            for part in (receiver, *args, *kwargs.values()):
                sent = join_taint(sent, self._taint(part))
            self.probed[(module.path, line)] = join_taint(
                self.probed.get((module.path, line)), sent
            )
        if _DISPATCH.match(base) or _DISPATCH.match(result_path):
            self.dispatched = True
        # sinks
        for row, exact in models.sinks_for(base):
            self._check_sink(row, exact, base, receiver, args, kwargs, frame, call.line)
        # sanitizers
        sanitizer = models.sanitizers.get(base)
        if sanitizer is not None:
            subject = args[0] if args else receiver or V()
            taint = self._taint(subject)
            if taint is not None:
                taint = taint.clear(sanitizer.clears).add(module.path, line, sanitizer.what)
            flags = self._flags(models, base, receiver, args, kwargs)
            return V(taint, path=result_path, flags=flags)
        # validators
        validator = models.validators.get(base)
        if validator is not None and validator.guard:
            return V(path=result_path)
        if validator is not None and not validator.decorator:
            arg_expr: ir.Expr | None = None
            if validator.kwarg is not None:
                arg_expr = next((e for k, e in call.kwargs if k == validator.kwarg), None)
            if arg_expr is None and 0 <= validator.arg < len(call.args):
                arg_expr = call.args[validator.arg]
            name = _name_of(arg_expr) if arg_expr is not None else None
            if name:
                current = scope.lookup(name)
                if current is not None:
                    scope.vars[name] = self._cleared(current, frozenset({"*"}))
            return V(path=result_path, cleared=frozenset({"*"}))
        if validator is not None and validator.decorator:
            return V(path=result_path)
        flags = self._flags(models, base, receiver, args, kwargs)
        target = args[0] if args else kwargs.get("url")
        if target is not None and _LOCAL_URL.match(
            target.lit if isinstance(target.lit, str) else target.prefix or ""
        ):
            # A Lambda extension or sidecar on this host (the Secrets Manager extension on
            # localhost:2773): what it returns is not a third party's data.
            flags = flags | {"local-endpoint"}
        # callbacks: own functions handed to a library are called with what it would pass
        wrapped: FuncRef | None = None
        callback_result: V | None = None
        route_row = models.route_for(base) if models.routes else None
        registers = route_row is not None
        for arg in args if not registers else ():
            if isinstance(arg.ref, FuncRef):
                wrapped = wrapped or arg.ref
                if receiver is not None and method in _PROMISE_METHODS:
                    feed = receiver
                elif receiver is not None:
                    feed = self._element(receiver, frame, call.line)
                else:
                    feed = V()
                returned = self._call_own(arg.ref, [feed], {}, frame, line=call.line)
                if method in _PROMISE_METHODS:
                    callback_result = returned
                elif method in _ARRAY_METHODS:
                    callback_result = V(elem=returned)
        # route registrations (JS web frameworks)
        if route_row is not None and args:
            handler = (
                args[route_row.handler_arg]
                if -len(args) <= route_row.handler_arg < len(args)
                else None
            )
            if handler is not None and isinstance(handler.ref, FuncRef):
                route = str(args[0].lit) if isinstance(args[0].lit, str) else ""
                self.js_routes.append((handler.ref, route, route_row.param_paths))
            return V(path=result_path)
        if base in models.dispatchers or result_path in models.dispatchers:
            self.dispatched = True
        # summaries
        summary = models.summaries.get(base)
        value: V
        if summary is not None and summary.alias and summary.args:
            index = summary.args[0]
            if index < len(args):
                return args[index]
        if summary is not None:
            taint = None
            for index in summary.args:
                source = receiver if index == -1 else args[index] if index < len(args) else None
                taint = join_taint(taint, self._taint(source))
            for key in summary.kwargs:
                taint = join_taint(taint, self._taint(kwargs.get(key)))
            if taint is not None:
                taint = taint.add(module.path, line, summary.what)
            value = V(taint, path=result_path, flags=flags)
        else:
            taint = self._taint(receiver) if receiver is not None else None
            for arg in (*args, *kwargs.values()):
                if isinstance(arg.ref, FuncRef):
                    continue
                arg_taint = self._taint(arg)
                if arg_taint is not None:
                    taint = join_taint(taint, arg_taint.approximate())
            if taint is not None:
                taint = taint.add(module.path, line, f"passed through `{_short(base)}()`")
            value = V(taint, path=result_path, flags=flags)
        if callback_result is not None:
            return callback_result
        if wrapped is not None and receiver is None:
            value.ref = Wrapped(wrapped)
        elif receiver is not None and isinstance(receiver.ref, Wrapped):
            validated = receiver.ref.validated or any(
                (models.validators.get((a.path or "").removesuffix("()")) or _NO_ROW).decorator
                for a in args
            )
            value.ref = Wrapped(receiver.ref.func, validated)
        return self._source(value, result_path, frame, call.line, args=[*args, *kwargs.values()])

    def _flags(
        self, models: ModelIndex, base: str, receiver: V | None, args: list[V], kwargs: dict[str, V]
    ) -> frozenset[str]:
        flags: set[str] = set()
        for row in models.flags.get(base, ()):
            if row.kwarg is not None:
                given = kwargs.get(row.kwarg)
                for arg in args:
                    if given is None and arg.fields and arg.ref is None:
                        given = arg.fields.get(row.kwarg)
            elif row.arg is not None:
                given = args[row.arg] if row.arg < len(args) else None
            else:
                given = V()
            if given is None:
                continue
            if row.value is not None and given.lit != row.value and given.path != row.value:
                continue
            if row.on_receiver and receiver is not None:
                receiver.flags = receiver.flags | {row.flag}
            else:
                flags.add(row.flag)
        return frozenset(flags)

    def _check_sink(
        self,
        row: SinkModel,
        exact: bool,
        callee: str,
        receiver: V | None,
        args: list[V],
        kwargs: dict[str, V],
        frame: _Frame,
        line: int,
    ) -> None:
        condition = row.condition
        subjects: list[V] = []
        if condition == "shell-argv":
            argv = args[0] if args else kwargs.get("args")
            if argv is None or not argv.fields:
                return
            first, flag = argv.fields.get("0"), argv.fields.get("1")
            if first is None or flag is None or first.lit not in _SHELLS:
                return
            if flag.lit not in _SHELL_FLAGS:
                return
            subjects = [v for k, v in argv.fields.items() if k not in ("0", "1")]
        else:
            for index in row.args:
                if index == -1:
                    if receiver is not None:
                        subjects.append(receiver)
                elif index < len(args):
                    subjects.append(args[index])
            subjects.extend(kwargs[k] for k in row.kwargs if k in kwargs)
            # JS option objects: the row's keyword names are keys of an object argument.
            for arg in args:
                if arg.fields and arg.ref is None:
                    subjects.extend(arg.fields[k] for k in row.kwargs if k in arg.fields)
        if condition == "shell" and not self._shell(args, kwargs):
            return
        if condition == "unsafe-yaml-loader":
            loader = kwargs.get("Loader") or (args[1] if len(args) > 1 else None)
            if loader is not None and _SAFE_YAML.search(loader.path or ""):
                return
        if condition is not None and condition.startswith("flag:"):
            wanted = condition[5:]
            models = frame.module.models or ModelIndex()
            own = self._flags(models, callee, receiver, args, kwargs)
            parsers = [*args[1:], *(kwargs[k] for k in ("parser",) if k in kwargs)]
            if receiver is not None:
                parsers.append(receiver)
            if wanted not in own and not any(wanted in p.flags for p in parsers):
                return
        for subject in subjects:
            if condition == "whole":
                taint = (
                    subject.taint
                    if not isinstance(subject.ref, EventPath)
                    else self._taint(subject)
                )
                if subject.fields is not None and subject.taint is None:
                    taint = None
            elif condition == "where-key":
                where = (subject.fields or {}).get("$where")
                taint = self._taint(where) if where is not None else None
            else:
                taint = self._taint(subject)
            if taint is None or taint.clears(row.category):
                continue
            self._hit(row, exact, callee, taint, frame, line, "fixed-host" in subject.flags)
            return

    def _shell(self, args: list[V], kwargs: dict[str, V]) -> bool:
        shell = kwargs.get("shell")
        if shell is not None and shell.lit not in (False, None, 0, NO_LIT):
            return True
        for arg in args[1:]:
            option = (arg.fields or {}).get("shell")
            if option is not None and option.lit not in (False, None, 0, NO_LIT):
                return True
        return False

    def _hit(
        self,
        row: SinkModel,
        exact: bool,
        callee: str,
        taint: Taint,
        frame: _Frame,
        line: int,
        fixed_host: bool = False,
    ) -> None:
        module = frame.module
        file_line = module.line(line)
        category = row.category
        if taint.origin.trigger == "third-party-response":
            category = "third-party.unvalidated-response"
        key = (category, module.path, file_line, taint.origin.field)
        if key in self._seen_hits:
            return
        self._seen_hits.add(key)
        what = (
            f"returned as the response: {row.what}"
            if callee == "return"
            else f"reaches `{_short(callee)}()`: {row.what}"
        )
        final = taint.add(module.path, file_line, what, last=True)
        self.hits.append(
            Hit(
                category,
                row.what,
                callee,
                module.path,
                file_line,
                final,
                exact,
                frame.name,
                fixed_host,
            )
        )

    def _check_response(
        self, value: V, module: _Module, line: int, function: str, route: str | None
    ) -> None:
        """An HTML response built from input (XSS), or a third party's data returned as is."""
        body: V | None = None
        html = False
        if value.fields is not None and "body" in value.fields:
            body = value.fields["body"]
            headers = value.fields.get("headers")
            for key, header in (headers.fields or {}).items() if headers else ():
                if key.lower() == "content-type" and isinstance(header.lit, str):
                    html = "html" in header.lit.lower()
            if body.prefix and body.prefix.lstrip().startswith("<"):
                html = True
        elif route is not None and value.fields is None and value.ref is None:
            body = value  # Flask sends a returned string as text/html
            html = self._is_flask_route(module)
        if body is not None and html:
            taint = self._taint(body)
            if taint is not None and not taint.clears("code.xss"):
                row = SinkModel("<response>", "code.xss", "HTML response built from input")
                self._hit(row, True, "return", taint, _Frame(module, function), line)
                return
        taint = self._taint(value)
        if (
            taint is not None
            and taint.origin.trigger == "third-party-response"
            and not taint.clears("third-party.unvalidated-response")
        ):
            row = SinkModel(
                "<response>",
                "third-party.unvalidated-response",
                "third-party data returned to the caller unchecked",
            )
            self._hit(row, True, "return", taint, _Frame(module, function), line)

    def _is_flask_route(self, module: _Module) -> bool:
        return any(
            v.path in ("flask.Flask()", "flask.Blueprint()") for v in module.scope.vars.values()
        )

    def _cap(self, message: str) -> None:
        if message not in self.caps:
            self.caps.append(message)


class _NoRow:
    decorator = False


_NO_ROW = _NoRow()


def _intersect(
    groups: list[list[tuple[str, frozenset[str]]]],
) -> list[tuple[str, frozenset[str]]]:
    """Guards every group agrees on (a name proven safe whichever operand decided)."""
    if not groups:
        return []
    result: dict[str, frozenset[str]] = dict(groups[0])
    for group in groups[1:]:
        found = dict(group)
        result = {name: meet(cats, found[name]) for name, cats in result.items() if name in found}
    return [(name, cats) for name, cats in result.items() if cats]


def _name_of(expr: ir.Expr | None) -> str | None:
    return expr.id if isinstance(expr, ir.Name) else None


def _anchored(pattern: str, how: str | None) -> bool:
    """A regular expression that matches the whole value with a restricted alphabet."""
    ends = pattern.endswith(("$", r"\Z")) and (pattern.startswith("^") or how == "re.match")
    whole = how == "re.fullmatch" or ends
    return whole and ".*" not in pattern and ".+" not in pattern


def _dotted(path: tuple[str, ...]) -> str:
    out = ""
    for part in path:
        if part == "*":
            out += "[*]"
        else:
            out += f".{part}" if out else part
    return out


def _short(path: str) -> str:
    """The last two segments of a callee path, for messages (``cursor().execute``)."""
    parts = path.replace("?.", "").split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 else parts[0]
