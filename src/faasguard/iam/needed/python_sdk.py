"""AWS SDK calls in Python code: boto3 clients, resources, paginators, waiters, helpers, Powertools.

The analysis is a small abstract interpretation of each file's ``ast`` (never compiled, never
run): names and ``self.x`` attributes are bound to abstract values (the boto3 module, a client of
a service, a resource of a type, a paginator, an environment variable...), flow-insensitively, and
every call on such a value is looked up in the SDK table (:mod:`faasguard.iam.needed.sdk_map`).
Names imported from another file of the function's closure (``from db import table``) take that
file's binding.

In the handler file only what the entry point can reach counts: module-level code, the handler
and the local functions it names (transitively). A module imported from elsewhere counts whole,
as any of its functions may be called.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faasguard.iam.needed.interface import Name, NameKind, SdkCall, Unresolved
from faasguard.iam.needed.sdk_map import SdkMap

__all__ = ["MAX_DEPTH", "PythonModule", "calls_in_python"]

#: Deepest expression nesting analysed (an SDK call is a few levels deep).
MAX_DEPTH = 64
_BOTO3 = "boto3"
#: Where boto3's S3 transfer helpers take the bucket when it is passed by position.
_BUCKET_ARGUMENT = {
    "upload_file": 1,
    "upload_fileobj": 1,
    "copy": 1,
    "download_file": 0,
    "download_fileobj": 0,
}
_STDLIB = ("os.", "typing.", "json.", "logging.")
_COLLECTION_METHODS = frozenset({"all", "filter", "limit", "page_size", "pages"})
_POWERTOOLS = "aws_lambda_powertools.utilities.parameters"
_POWERTOOLS_PROVIDERS = {
    "SSMProvider": "ssm",
    "SecretsProvider": "secretsmanager",
    "DynamoDBProvider": "dynamodb",
    "AppConfigProvider": "appconfigdata",
}
_PROVIDER_OPS: dict[str, dict[str, tuple[str, ...]]] = {
    "ssm": {"get": ("GetParameter",), "get_multiple": ("GetParametersByPath",)},
    "secretsmanager": {"get": ("GetSecretValue",)},
    "dynamodb": {"get": ("GetItem",), "get_multiple": ("Query",)},
    "appconfigdata": {"get": ("StartConfigurationSession", "GetLatestConfiguration")},
}


@dataclass(frozen=True, slots=True)
class _Module:
    """The boto3 module (or ``boto3.session``)."""

    name: str


@dataclass(frozen=True, slots=True)
class _Session:
    pass


@dataclass(frozen=True, slots=True)
class _Factory:
    """``boto3.client`` / ``boto3.resource`` imported by name."""

    kind: str


@dataclass(frozen=True, slots=True)
class _Client:
    service: str


@dataclass(frozen=True, slots=True)
class _Resource:
    service: str
    type: str
    target: Name | None = None


@dataclass(frozen=True, slots=True)
class _Collection:
    service: str
    type: str
    name: str
    target: Name | None


@dataclass(frozen=True, slots=True)
class _Paged:
    """A paginator or waiter: calling ``paginate``/``wait`` performs the operation."""

    service: str
    operation: str
    kind: str


@dataclass(frozen=True, slots=True)
class _Powertools:
    """A Powertools parameters function or provider instance."""

    qualified: str


@dataclass(frozen=True, slots=True)
class _Value:
    """A string value: an environment variable, a literal, or unknown text."""

    name: Name


@dataclass(frozen=True, slots=True)
class _ModuleRef:
    """A module imported by name (``import os``, ``from x import parameters``)."""

    qualified: str


_Abstract = (
    _Module
    | _Session
    | _Factory
    | _Client
    | _Resource
    | _Collection
    | _Paged
    | _Powertools
    | _Value
    | _ModuleRef
)


@dataclass(slots=True)
class _Scope:
    """A module's top level, or one function body: the names it references and its calls."""

    names: set[str] = field(default_factory=set)
    calls: list[ast.Call] = field(default_factory=list)


@dataclass(slots=True)
class _Index:
    module: _Scope
    scopes: list[_Scope]
    defs: dict[str, list[_Scope]]
    binders: list[ast.AST]


@dataclass(frozen=True, slots=True)
class PythonModule:
    """A parsed Python file of a function's closure, as the extractor needs it."""

    path: str
    tree: ast.Module
    line_offset: int = 0


def calls_in_python(
    modules: tuple[PythonModule, ...],
    *,
    entry: str | None,
    table: SdkMap,
    cache: dict[Any, Any] | None = None,
) -> tuple[list[SdkCall], list[Unresolved]]:
    """Every SDK call the function's Python code can make.

    Args:
        modules: the handler file first, then the rest of its import closure.
        entry: the handler function's name in the first module (None: the whole file counts).
        table: the SDK table.
        cache: a scan-wide dict (the code base's ``derived`` slot): each file's bindings are
            then worked out once for every function that shares it.

    Returns:
        The calls, in file then line order, and the calls that could not be resolved.
    """
    by_module = {_module_name(m.path): m for m in modules}
    analyses: dict[Any, Any] = cache if cache is not None else {}

    def analysis(mod: PythonModule) -> _FileAnalysis:
        found: _FileAnalysis | None = analyses.get(("iam.needed.python", mod.path))
        if found is None:
            found = _FileAnalysis(mod, table, lambda name: lookup(name))
            analyses[("iam.needed.python", mod.path)] = found
            found.bind()
        return found

    def lookup(qualified: str) -> _Abstract | None:
        module, _, attr = qualified.rpartition(".")
        for key, mod in by_module.items():
            if key == module or key.endswith("." + module):
                known = analyses.get(("iam.needed.python", mod.path))
                if known is not None and not known.bound:
                    return None  # an import cycle: stop here
                return analysis(mod).bindings.get(attr)
        return None

    calls: list[SdkCall] = []
    unresolved: list[Unresolved] = []
    for index, mod in enumerate(modules):
        found = analysis(mod)
        nodes = found.reachable(entry if index == 0 else None)
        found.collect(nodes, calls, unresolved)
    calls.sort(key=lambda c: (c.file, c.line, c.code))
    unresolved.sort(key=lambda u: (u.file, u.line, u.reason))
    return calls, unresolved


def _module_name(path: str) -> str:
    stem = path[:-3] if path.endswith(".py") else path
    stem = stem.removesuffix("/__init__")
    return stem.replace("/", ".")


class _FileAnalysis:
    """Bindings and calls of one file."""

    def __init__(
        self, mod: PythonModule, table: SdkMap, external: Callable[[str], _Abstract | None]
    ) -> None:
        self.mod = mod
        self.table = table
        self.external = external
        self.bindings: dict[str, _Abstract] = {}
        self.bound = False
        self._indexed: _Index | None = None
        self.depth = 0
        self.too_deep = False

    # -- binding ------------------------------------------------------------------------

    def bind(self) -> None:
        """Bind names to abstract values; repeated so a use before its definition resolves."""
        binders = self._index().binders
        # The walk is depth-first from the end: put the binders back in source order.
        binders.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        for _ in range(3):
            before = dict(self.bindings)
            for node in binders:
                try:
                    self._bind_node(node)
                except RecursionError:
                    continue  # an expression nested beyond Python's stack: not a binding we use
            if before == self.bindings:
                break
        self.bound = True

    def _bind_node(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == _BOTO3 or alias.name.startswith(_BOTO3 + "."):
                    if alias.asname:
                        self.bindings[alias.asname] = _Module(alias.name)
                    else:
                        self.bindings[_BOTO3] = _Module(_BOTO3)
                else:
                    self.bindings[alias.asname or alias.name.split(".")[0]] = _ModuleRef(
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                value = self._imported(node.module, alias.name, node.level)
                if value is not None:
                    self.bindings[local] = value
                elif node.level == 0 or node.module:
                    # `from pkg import db`: db may be a module of the closure (db.table).
                    self.bindings.setdefault(local, _ModuleRef(f"{node.module}.{alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:  # `from . import db`
                self.bindings[alias.asname or alias.name] = _ModuleRef(alias.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = self.eval(node.value)
            if value is None:
                return
            for target in targets:
                key = _target_key(target)
                if key:
                    self.bindings[key] = value
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            value = self.eval(node.context_expr)
            key = _target_key(node.optional_vars)
            if value is not None and key:
                self.bindings[key] = value

    def _imported(self, module: str, name: str, level: int) -> _Abstract | None:
        if level == 0 and (module == _BOTO3 or module.startswith(_BOTO3 + ".")):
            if name in ("client", "resource"):
                return _Factory(name)
            if name in ("Session", "session"):
                return _Module("boto3.session") if name == "session" else _Factory("Session")
            return None
        qualified = f"{module}.{name}"
        if module == _POWERTOOLS or module.startswith(_POWERTOOLS):
            return _Powertools(f"{_POWERTOOLS}.{name}")
        if qualified == _POWERTOOLS:
            return _ModuleRef(_POWERTOOLS)
        if level == 0 and module.split(".")[0] in ("os", "typing", "json", "logging"):
            return _ModuleRef(qualified)
        return self.external(qualified)

    # -- evaluation ---------------------------------------------------------------------

    def eval(self, node: ast.AST) -> _Abstract | None:
        """The abstract value of an expression, or None when it is not one faasguard tracks.

        None too past :data:`MAX_DEPTH` nested levels: every SDK expression is a few levels
        deep, and a hostile file nesting thousands would cost quadratic time and the stack.
        """
        if self.depth >= MAX_DEPTH:
            self.too_deep = True
            return None
        self.depth += 1
        try:
            return self._eval(node)
        finally:
            self.depth -= 1

    def _eval(self, node: ast.AST) -> _Abstract | None:
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return _Value(Name(NameKind.LITERAL, node.value))
        if isinstance(node, ast.Attribute):
            key = _target_key(node)
            if key and key in self.bindings:
                return self.bindings[key]
            base = self.eval(node.value)
            if isinstance(base, _ModuleRef):
                qualified = f"{base.qualified}.{node.attr}"
                if not qualified.startswith(_STDLIB):
                    # `import db` ... `db.table`: the binding of a module of the closure.
                    found = self.external(qualified)
                    if found is not None:
                        return found
                return _ModuleRef(qualified)
            if isinstance(base, _Module) and node.attr == "session":
                return _Module("boto3.session")
            if isinstance(base, _Resource):
                model = self.table.boto3_resource(base.service, base.type) or {}
                if node.attr in model.get("methods", {}):
                    return _Collection(base.service, base.type, node.attr, base.target)
            return None
        if isinstance(node, ast.Subscript):
            base = self.eval(node.value)
            if isinstance(base, _ModuleRef) and base.qualified == "os.environ":
                index = self.eval(node.slice)
                if isinstance(index, _Value) and index.name.kind is NameKind.LITERAL:
                    return _Value(Name(NameKind.ENV, index.name.value))
            return None
        if isinstance(node, ast.Await):
            return self.eval(node.value)
        if isinstance(node, ast.Call):
            return self._eval_call(node)
        if isinstance(node, (ast.JoinedStr, ast.BinOp)):
            return _Value(Name(NameKind.UNKNOWN, _short(node)))
        return None

    def _eval_call(self, node: ast.Call) -> _Abstract | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            base = self.eval(func.value)
            attr = func.attr
            if isinstance(base, (_Module, _Session)):
                if attr in ("client", "resource"):
                    return self._factory(attr, node)
                if attr == "Session":
                    return _Session()
                return None
            if isinstance(base, _ModuleRef):
                qualified = f"{base.qualified}.{attr}"
                if qualified in ("os.environ.get", "os.getenv"):
                    return self._env_arg(node)
                return None
            if isinstance(base, _Client):
                svc = self.table.service(base.service)
                if svc is None:
                    return None
                arg = _first_string(node)
                if attr == "get_paginator" and arg:
                    op = svc.operation(arg)
                    return _Paged(base.service, op, "paginator") if op else None
                if attr == "get_waiter" and arg:
                    op = svc.waiter(arg)
                    return _Paged(base.service, op, "waiter") if op else None
                return None
            if isinstance(base, _Resource):
                model = self.table.boto3_resource(base.service, base.type) or {}
                sub = model.get("has", {}).get(attr)
                if sub is not None:
                    return _Resource(base.service, sub, base.target or self._target_arg(node))
                return None
            if isinstance(base, _Collection) and attr in _COLLECTION_METHODS:
                return base
            return None
        if isinstance(func, ast.Name):
            base = self.bindings.get(func.id)
            if isinstance(base, _Factory):
                if base.kind == "Session":
                    return _Session()
                return self._factory(base.kind, node)
            if isinstance(base, _Powertools) and base.qualified.rsplit(".", 1)[1] in (
                _POWERTOOLS_PROVIDERS
            ):
                return _Powertools(base.qualified + "()")
            if isinstance(base, _ModuleRef) and base.qualified == "os.getenv":
                return self._env_arg(node)  # from os import getenv
        return None

    def _factory(self, kind: str, node: ast.Call) -> _Abstract | None:
        service = _first_string(node) or _keyword_string(node, "service_name")
        if service is None:
            return None
        if kind == "client":
            return _Client(service)
        return _Resource(service, "ServiceResource")

    def _dynamic_factory(self, node: ast.Call, line: int, unresolved: list[Unresolved]) -> None:
        """``boto3.client(name)`` with a name computed at run time: any service, any call."""
        if _first_string(node) is None and _keyword_string(node, "service_name") is None:
            unresolved.append(
                Unresolved(
                    self.mod.path, line, f"{_short(node)}: the service is chosen at run time"
                )
            )

    def _env_arg(self, node: ast.Call) -> _Abstract | None:
        if node.args:
            key = self.eval(node.args[0])
            if isinstance(key, _Value) and key.name.kind is NameKind.LITERAL:
                return _Value(Name(NameKind.ENV, key.name.value))
        return None

    def _target_arg(self, node: ast.Call) -> Name | None:
        if not node.args:
            for kw in node.keywords:
                if kw.arg in ("name", "url", "arn", "bucket_name", "id"):
                    return self._name_of(kw.value)
            return None
        return self._name_of(node.args[0])

    def _name_of(self, node: ast.AST) -> Name:
        value = self.eval(node)
        if isinstance(value, _Value):
            return value.name
        return Name(NameKind.UNKNOWN, _short(node))

    # -- reachability -------------------------------------------------------------------

    def reachable(self, entry: str | None) -> list[_Scope]:
        """The scopes that can run: module level, plus functions reachable from ``entry``."""
        index = self._index()
        if entry is None or entry not in index.defs:
            return index.scopes
        seen = {entry}
        todo = [index.module, *index.defs[entry]]
        result: list[_Scope] = []
        while todo:
            scope = todo.pop()
            result.append(scope)
            for name in scope.names & index.defs.keys():
                if name not in seen:
                    seen.add(name)
                    todo.extend(index.defs[name])
        return result

    def _index(self) -> _Index:
        """One walk of the tree: each scope's referenced names and calls, and the binders.

        A function body is a scope of its own (it runs when called); decorators, defaults and
        class bodies run where they are written.
        """
        if self._indexed is not None:
            return self._indexed
        module = _Scope()
        index = _Index(module=module, scopes=[module], defs={}, binders=[])
        stack: list[tuple[ast.AST, _Scope]] = [(node, module) for node in self.mod.tree.body]
        binder_types = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.withitem)
        while stack:
            node, scope = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = _Scope()
                index.scopes.append(inner)
                index.defs.setdefault(node.name, []).append(inner)
                stack.extend((d, scope) for d in node.decorator_list)
                stack.extend((d, scope) for d in node.args.defaults)
                stack.extend((d, scope) for d in node.args.kw_defaults if d is not None)
                stack.extend((b, inner) for b in node.body)
                continue
            if isinstance(node, ast.Name):
                scope.names.add(node.id)
            elif isinstance(node, ast.Attribute):
                scope.names.add(node.attr)
            elif isinstance(node, ast.Call):
                scope.calls.append(node)
            elif isinstance(node, binder_types):
                index.binders.append(node)
            stack.extend((child, scope) for child in ast.iter_child_nodes(node))
        self._indexed = index
        return index

    # -- calls --------------------------------------------------------------------------

    def collect(
        self, scopes: list[_Scope], calls: list[SdkCall], unresolved: list[Unresolved]
    ) -> None:
        """Append every SDK call made in ``scopes``."""
        deep_at: int | None = None
        for scope in scopes:
            for node in scope.calls:
                self.too_deep = False
                try:
                    self._call(node, calls, unresolved)
                except RecursionError:
                    self.too_deep = True
                if self.too_deep and deep_at is None:
                    deep_at = node.lineno + self.mod.line_offset
        if deep_at is not None:
            why = f"calls nested more than {MAX_DEPTH} levels deep were not analysed"
            unresolved.append(Unresolved(self.mod.path, deep_at, why))

    def _call(self, node: ast.Call, calls: list[SdkCall], unresolved: list[Unresolved]) -> None:
        func = node.func
        line = node.lineno + self.mod.line_offset
        if isinstance(func, ast.Name):
            base = self.bindings.get(func.id)
            if isinstance(base, _Powertools):
                self._powertools(base.qualified, node, line, calls)
            elif isinstance(base, _Factory) and base.kind != "Session":
                self._dynamic_factory(node, line, unresolved)
            elif func.id == "getattr" and node.args:
                receiver = self.eval(node.args[0])
                if isinstance(receiver, (_Client, _Resource)) and not _first_literal(node, 1):
                    why = f"the {receiver.service} operation is chosen at run time"
                    unresolved.append(Unresolved(self.mod.path, line, f"{_short(node)}: {why}"))
            return
        if not isinstance(func, ast.Attribute):
            return
        base = self.eval(func.value)
        attr = func.attr
        code = _short(func)
        if isinstance(base, (_Module, _Session)) and attr in ("client", "resource"):
            self._dynamic_factory(node, line, unresolved)
            return
        if isinstance(base, _Client):
            self._client_call(base, attr, node, line, code, calls, unresolved)
        elif isinstance(base, _Resource):
            self._resource_call(base, attr, node, line, code, calls)
        elif isinstance(base, _Collection):
            self._collection_call(base, attr, line, code, calls)
        elif isinstance(base, _Paged) and attr in ("paginate", "wait"):
            target = self._identity(base.service, node)
            calls.append(
                self._make(
                    base.service, (base.operation,), line, code, f"boto3 {base.kind}", target
                )
            )
        elif isinstance(base, _Powertools) or (
            isinstance(base, _ModuleRef) and base.qualified.startswith(_POWERTOOLS)
        ):
            self._powertools(f"{base.qualified}.{attr}", node, line, calls)

    def _client_call(
        self,
        base: _Client,
        attr: str,
        node: ast.Call,
        line: int,
        code: str,
        calls: list[SdkCall],
        unresolved: list[Unresolved],
    ) -> None:
        svc = self.table.service(base.service)
        if svc is None:
            unresolved.append(
                Unresolved(self.mod.path, line, f"boto3 client of unknown service {base.service!r}")
            )
            return
        if attr in ("get_paginator", "get_waiter", "close", "can_paginate", "exceptions"):
            return
        helper = self.table.python_helper(f"{base.service}.client.{attr}")
        if helper:
            at = _BUCKET_ARGUMENT.get(attr)
            target = self._identity(
                base.service, node, positional=("Bucket", at) if at is not None else None
            )
            calls.append(self._make(base.service, helper, line, code, "boto3 helper", target))
            return
        if attr == "generate_presigned_url":
            op = svc.operation(_first_string(node) or "")
            if op:
                target = self._params_identity(base.service, node)
                calls.append(self._make(base.service, (op,), line, code, "boto3 presign", target))
            return
        op = svc.operation(attr)
        if op is not None:
            target = self._identity(base.service, node)
            calls.append(self._make(base.service, (op,), line, code, "boto3 client", target))
        elif attr in ("invoke_endpoint",) or attr.startswith("_"):
            return

    def _resource_call(
        self, base: _Resource, attr: str, node: ast.Call, line: int, code: str, calls: list[SdkCall]
    ) -> None:
        helper = self.table.python_helper(f"{base.service}.{base.type}.{attr}")
        model = self.table.boto3_resource(base.service, base.type) or {}
        ops = helper or tuple(model.get("methods", {}).get(attr, ()))
        if not ops:
            return
        target = base.target or self._identity(base.service, node)
        style = "boto3 helper" if helper else "boto3 resource"
        calls.append(self._make(base.service, tuple(ops), line, code, style, target))

    def _collection_call(
        self, base: _Collection, attr: str, line: int, code: str, calls: list[SdkCall]
    ) -> None:
        model = self.table.boto3_resource(base.service, base.type) or {}
        methods = model.get("methods", {})
        key = f"{base.name}.{attr}" if attr not in _COLLECTION_METHODS else base.name
        ops = methods.get(key)
        if ops:
            calls.append(
                self._make(base.service, tuple(ops), line, code, "boto3 collection", base.target)
            )

    def _powertools(self, qualified: str, node: ast.Call, line: int, calls: list[SdkCall]) -> None:
        code = _short(node.func)
        ops = self.table.powertools(qualified)
        if not ops and qualified.endswith(("().get", "().get_multiple")):
            provider, _, method = qualified.rpartition("().")
            service = _POWERTOOLS_PROVIDERS.get(provider.rsplit(".", 1)[-1])
            if service:
                ops = tuple((service, op) for op in _PROVIDER_OPS[service].get(method, ()))
        if not ops and qualified.endswith(("get_parameters", "get_parameters_by_name")):
            ops = (("ssm", "GetParametersByPath"),)
        for service, op in ops:
            target = self._name_of(node.args[0]) if node.args else None
            calls.append(self._make(service, (op,), line, code, "powertools", target))

    def _identity(
        self, service: str, node: ast.Call, positional: tuple[str, int] | None = None
    ) -> Name | None:
        svc = self.table.service(service)
        if svc is None:
            return None
        wanted = self.table.identity_parameters(svc)
        for kw in node.keywords:
            if kw.arg in wanted:
                return self._name_of(kw.value)
        if positional and len(node.args) > positional[1]:
            return self._name_of(node.args[positional[1]])
        return Name(NameKind.UNKNOWN, "no resource argument") if wanted else None

    def _params_identity(self, service: str, node: ast.Call) -> Name | None:
        for kw in node.keywords:
            if kw.arg == "Params" and isinstance(kw.value, ast.Dict):
                svc = self.table.service(service)
                wanted = self.table.identity_parameters(svc) if svc else ()
                for key, value in zip(kw.value.keys, kw.value.values, strict=False):
                    if isinstance(key, ast.Constant) and key.value in wanted:
                        return self._name_of(value)
        return None

    def _make(
        self,
        service: str,
        ops: tuple[str, ...],
        line: int,
        code: str,
        style: str,
        target: Name | None,
    ) -> SdkCall:
        return SdkCall(service, ops, self.mod.path, line, code, style, target)


def _target_key(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _first_string(node: ast.Call) -> str | None:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def _first_literal(node: ast.Call, index: int) -> bool:
    return (
        len(node.args) > index
        and isinstance(node.args[index], ast.Constant)
        and isinstance(node.args[index].value, str)  # type: ignore[attr-defined]
    )


def _keyword_string(node: ast.Call, name: str) -> str | None:
    for kw in node.keywords:
        if (
            kw.arg == name
            and isinstance(kw.value, ast.Constant)
            and isinstance(kw.value.value, str)
        ):
            return kw.value.value
    return None


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."
