"""AWS SDK calls in JavaScript and TypeScript: aws-sdk v2, ``@aws-sdk/*`` v3 and their helpers.

Same approach as :mod:`faasguard.iam.needed.python_sdk`, on tree-sitter trees: identifiers are
bound (flow-insensitively) to abstract values from ``require``/``import`` of the SDK packages and
``new`` of their classes, then every call on such a value is looked up in the SDK table.

Recognised:

* v2: ``require('aws-sdk')`` / ``import AWS from 'aws-sdk'``, ``new AWS.S3()``,
  ``require('aws-sdk/clients/s3')``, ``new AWS.DynamoDB.DocumentClient()``, method calls
  (``s3.getObject(params).promise()``), ``getSignedUrl('getObject', params)``;
* v3: ``new XCommand(input)`` from ``@aws-sdk/client-*`` (counted where the command is built, as
  that is where its input is written), aggregated clients (``new S3().getObject()``),
  ``paginateX(config, input)``, and ``@aws-sdk/lib-dynamodb`` / ``@aws-sdk/lib-storage`` helpers.

In the handler file only what the exported handler can reach counts (module-level code, the
handler, the functions it names and the callbacks inside them), so ``list`` does not inherit
``create``'s ``put`` from a shared ``handler.js``. When the handler is not found by name (a
wrapper, a re-export) the whole file counts, as do the other files: conservative, so the fix
never removes a grant the code uses.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from faasguard.iam.needed.interface import Name, NameKind, SdkCall, Unresolved
from faasguard.iam.needed.sdk_map import SdkMap

__all__ = ["MAX_DEPTH", "JsModule", "calls_in_javascript"]

_V2 = "aws-sdk"
_V2_CLIENTS = "aws-sdk/clients/"
_V2_IGNORED = frozenset(
    {"promise", "send", "on", "config", "makeRequest", "createReadStream", "waitFor", "abort"}
)


@dataclass(frozen=True, slots=True)
class _V2Root:
    pass


@dataclass(frozen=True, slots=True)
class _V2Class:
    service: str
    document: bool = False


@dataclass(frozen=True, slots=True)
class _V2Client:
    service: str
    document: bool = False


@dataclass(frozen=True, slots=True)
class _V3Export:
    """A name exported by an ``@aws-sdk/*`` package."""

    package: str
    name: str


@dataclass(frozen=True, slots=True)
class _V3Aggregated:
    service: str


@dataclass(frozen=True, slots=True)
class _Value:
    name: Name


@dataclass(frozen=True, slots=True)
class _Env:
    pass


@dataclass(frozen=True, slots=True)
class _Local:
    """An own module of the closure (``require('./db')``), by path."""

    path: str


_Abstract = _V2Root | _V2Class | _V2Client | _V3Export | _V3Aggregated | _Value | _Env | _Local


@dataclass(frozen=True, slots=True)
class JsModule:
    """A parsed JavaScript/TypeScript file of a function's closure."""

    path: str
    tree: Any
    line_offset: int = 0


def calls_in_javascript(
    modules: tuple[JsModule, ...],
    *,
    table: SdkMap,
    entry: str | None = None,
    cache: dict[Any, Any] | None = None,
) -> tuple[list[SdkCall], list[Unresolved]]:
    """Every SDK call the function's JavaScript/TypeScript files can make.

    Args:
        modules: the handler file first, then the rest of the function's closure.
        table: the SDK table.
        entry: the handler's exported name in the first file: only what it can reach counts
            there (module-level code, the handler, the functions it names, callbacks inside
            them). None, or a name the file does not define, counts the whole file.
        cache: a scan-wide dict: a file shared by several functions is analysed once.
    """
    calls: list[SdkCall] = []
    unresolved: list[Unresolved] = []
    by_path = {m.path: m for m in modules}
    analyses: dict[str, _FileAnalysis] = {}

    def analysis(path: str) -> _FileAnalysis | None:
        found = analyses.get(path)
        if found is None and path in by_path:
            found = analyses[path] = _FileAnalysis(by_path[path], table, exported, by_path)
            found.bind()
        return found

    def exported(path: str, name: str) -> _Abstract | None:
        """What an own module exports as ``name`` (``default``: ``module.exports``)."""
        if path in analyses and not analyses[path].bound:
            return None  # an import cycle: stop here
        found = analysis(path)
        return found.export(name) if found is not None else None

    for index, mod in enumerate(modules):
        handler = entry if index == 0 else None
        key = ("iam.needed.javascript", mod.path, handler)
        done = cache.get(key) if cache is not None else None
        if done is None:
            mine: list[SdkCall] = []
            missed: list[Unresolved] = []
            current = analysis(mod.path)
            assert current is not None
            current.collect(mine, missed, entry=handler)
            done = (tuple(mine), tuple(missed))
            if cache is not None:
                cache[key] = done
        calls.extend(done[0])
        unresolved.extend(done[1])
    calls.sort(key=lambda c: (c.file, c.line, c.code))
    unresolved.sort(key=lambda u: (u.file, u.line, u.reason))
    return calls, unresolved


#: Deepest expression nesting analysed (an SDK call is a few levels deep).
MAX_DEPTH = 64

_QUERY = (
    "(import_statement) @bind (variable_declarator) @bind (assignment_expression) @bind "
    "(export_statement) @export (new_expression) @call (call_expression) @call "
    "(function_declaration) @fn (generator_function_declaration) @fn (function_expression) @fn "
    "(arrow_function) @fn (method_definition) @fn (identifier) @id (property_identifier) @id"
)
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
    }
)
#: Parents walked up to find a node's enclosing function (deeper: counted as reachable).
_MAX_OWNER_STEPS = 256
_UNKNOWN_OWNER = -1
#: How an own module is named in ``require``/``import``, tried in this order.
_SUFFIXES = ("", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx")
_INDEXES = ("/index.js", "/index.mjs", "/index.ts", "/index.cjs")


@functools.cache
def _query_for(language: Any) -> Any:
    from tree_sitter import Query, QueryCursor

    return Query(language, _QUERY), QueryCursor


def _query(language: Any) -> Any:
    query, cursor = _query_for(language)
    return cursor(query)


def _text(node: Any) -> str:
    return str(node.text.decode("utf-8", "replace"))


def _string(node: Any | None) -> str | None:
    if node is None:
        return None
    if node.type == "string":
        return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return _text(node)[1:-1]
    return None


def _short(node: Any) -> str:
    text = " ".join(_text(node).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _unwrap(node: Any) -> Any:
    while node is not None and node.type in (
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    return node


class _FileAnalysis:
    def __init__(
        self,
        mod: JsModule,
        table: SdkMap,
        exported: Callable[[str, str], _Abstract | None] | None = None,
        closure: Mapping[str, JsModule] | None = None,
    ) -> None:
        self.mod = mod
        self.table = table
        self.exported = exported
        self.closure = closure or {}
        self.bound = False
        self.exports_at: list[Any] = []
        self._exports: dict[str, _Abstract] | None = None
        self.bindings: dict[str, _Abstract] = {}
        self.depth = 0
        self.too_deep = False
        self.binders: list[Any] = []
        self.calls: list[Any] = []
        self.functions: list[Any] = []
        self.identifiers: list[Any] = []
        self.declared: dict[str, Any] = {}

    # -- binding ------------------------------------------------------------------------

    def _index(self) -> None:
        """The nodes binding and calling look at, found by a tree-sitter query (in C).

        Walking the tree node by node from Python cost most of the JavaScript time.
        """
        captures = _query(self.mod.tree.language).captures(self.mod.tree.root_node)
        order = lambda n: n.start_byte  # noqa: E731 - source order, as a walk would give
        self.binders = sorted(captures.get("bind", ()), key=order)
        self.calls = sorted(captures.get("call", ()), key=order)
        self.exports_at = sorted(captures.get("export", ()), key=order)
        self.functions = list(captures.get("fn", ()))
        self.identifiers = list(captures.get("id", ()))
        for node in self.binders:
            if node.type == "variable_declarator":
                name = node.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    self.declared.setdefault(_text(name), node.child_by_field_name("value"))

    def bind(self) -> None:
        self._index()
        for _ in range(3):
            before = dict(self.bindings)
            for node in self.binders:
                try:
                    self._bind_one(node)
                except RecursionError:
                    continue  # nested beyond the stack: not a binding faasguard uses
            if before == self.bindings:
                break
        self.bound = True

    # -- exports (what another file of the closure gets from `require`/`import`) ---------

    def export(self, name: str) -> _Abstract | None:
        """The value this file exports as ``name``; ``default`` is ``module.exports``."""
        if self._exports is None:
            self._exports = {}
            # Nested beyond the stack: what was found so far stands.
            with contextlib.suppress(RecursionError):
                self._collect_exports(self._exports)
        return self._exports.get(name)

    def _collect_exports(self, out: dict[str, _Abstract]) -> None:
        for node in self.binders:
            if node.type != "assignment_expression":
                continue
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            target = _text(left) if left is not None else ""
            if target == "module.exports":
                self._export_value(out, "default", right)
            elif target.startswith(("module.exports.", "exports.")) and target.count(".") in (1, 2):
                value = self.eval(right)
                if value is not None:
                    out[target.rsplit(".", 1)[1]] = value
        for node in self.exports_at:
            value = node.child_by_field_name("value")
            if value is not None:  # export default <expression>
                self._export_value(out, "default", value)
                continue
            for child in node.named_children:
                if child.type in ("lexical_declaration", "variable_declaration"):
                    for declarator in child.named_children:
                        name = declarator.child_by_field_name("name")
                        if name is not None and _text(name) in self.bindings:
                            out[_text(name)] = self.bindings[_text(name)]
                elif child.type == "export_clause":
                    for spec in child.named_children:
                        local = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or local
                        if local is not None and alias is not None:
                            found = self.bindings.get(_text(local))
                            if found is not None:
                                out[_text(alias)] = found

    def _export_value(self, out: dict[str, _Abstract], name: str, node: Any) -> None:
        node = _unwrap(node)
        if node is None:
            return
        if node.type == "object":  # module.exports = { client, table: t }
            for prop in node.named_children:
                if prop.type == "shorthand_property_identifier":
                    found = self.bindings.get(_text(prop))
                    if found is not None:
                        out[_text(prop)] = found
                elif prop.type == "pair":
                    key = prop.child_by_field_name("key")
                    value = self.eval(prop.child_by_field_name("value"))
                    if key is not None and value is not None:
                        out[_string(key) or _text(key)] = value
            return
        value = self.eval(node)
        if value is not None:
            out[name] = value

    def _bind_one(self, node: Any) -> None:
        if node.type == "import_statement":
            self._bind_import(node)
        elif node.type == "variable_declarator":
            self._bind_declarator(node.child_by_field_name("name"), node)
        else:
            left = node.child_by_field_name("left")
            value = self.eval(node.child_by_field_name("right"))
            key = self._key(left)
            if key and value is not None:
                self.bindings[key] = value

    def _bind_import(self, node: Any) -> None:
        source = _string(node.child_by_field_name("source"))
        if source is None:
            return
        base = self._package(source)
        if base is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":  # default import
                    self.bindings[_text(part)] = self._default(base)
                elif part.type == "namespace_import":
                    ids = [c for c in part.named_children if c.type == "identifier"]
                    if ids:
                        self.bindings[_text(ids[0])] = base
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            value = self._member(base, _text(name))
                            if value is not None:
                                self.bindings[_text(alias)] = value

    def _bind_declarator(self, name: Any, node: Any) -> None:
        value_node = node.child_by_field_name("value")
        if name is None or value_node is None:
            return
        value = self.eval(value_node)
        if value is None:
            return
        if name.type == "identifier":
            self.bindings[_text(name)] = self._default(value)
        elif name.type == "object_pattern":
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    member = self._member(value, _text(prop))
                    if member is not None:
                        self.bindings[_text(prop)] = member
                elif prop.type == "pair_pattern":
                    key = prop.child_by_field_name("key")
                    local = prop.child_by_field_name("value")
                    if key is not None and local is not None and local.type == "identifier":
                        member = self._member(value, _text(key))
                        if member is not None:
                            self.bindings[_text(local)] = member

    def _package(self, source: str) -> _Abstract | None:
        if source == _V2:
            return _V2Root()
        if source.startswith(_V2_CLIENTS):
            svc = self.table.v2_service(source[len(_V2_CLIENTS) :])
            return _V2Class(svc.name) if svc else None
        if source.startswith("@aws-sdk/"):
            return _V3Export(source, "")
        if source.startswith(".") and self.exported is not None:
            path = self._own_module(source)
            return _Local(path) if path is not None else None
        return None

    def _own_module(self, spec: str) -> str | None:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(self.mod.path), spec))
        for candidate in (*(base + s for s in _SUFFIXES), *(base + i for i in _INDEXES)):
            if candidate in self.closure:
                return candidate
        return None

    def _default(self, value: _Abstract) -> _Abstract:
        """What ``require('./x')`` or a default import gives: ``module.exports`` when known."""
        if isinstance(value, _Local) and self.exported is not None:
            return self.exported(value.path, "default") or value
        return value

    def _member(self, base: _Abstract, name: str) -> _Abstract | None:
        if isinstance(base, _V2Root):
            svc = self.table.v2_service(name)
            return _V2Class(svc.name) if svc else None
        if isinstance(base, _V2Class) and name == "DocumentClient":
            return _V2Class(base.service, document=True)
        if isinstance(base, _V3Export) and not base.name:
            return _V3Export(base.package, name)
        if isinstance(base, _Env):
            return _Value(Name(NameKind.ENV, name))
        if isinstance(base, _Local) and self.exported is not None:
            found = self.exported(base.path, name)
            if found is None:
                # `const { client } = require('./db')` with `module.exports = client`-style
                # objects exported whole: look inside the default export.
                whole = self.exported(base.path, "default")
                found = self._member(whole, name) if whole not in (None, base) else None
            return found
        return None

    # -- evaluation ---------------------------------------------------------------------

    def _key(self, node: Any) -> str | None:
        if node is None:
            return None
        if node.type == "identifier":
            return _text(node)
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is not None and prop is not None and obj.type in ("this", "identifier"):
                return f"{_text(obj)}.{_text(prop)}"
        return None

    def eval(self, node: Any) -> _Abstract | None:
        """The abstract value of an expression; None past :data:`MAX_DEPTH` nested levels.

        Every SDK expression is a few levels deep; a hostile file nesting thousands would
        otherwise cost quadratic time and Python's stack.
        """
        if self.depth >= MAX_DEPTH:
            self.too_deep = True
            return None
        self.depth += 1
        try:
            return self._eval(node)
        finally:
            self.depth -= 1

    def _eval(self, node: Any) -> _Abstract | None:
        node = _unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier"):
            return self.bindings.get(_text(node))
        literal = _string(node)
        if literal is not None:
            return _Value(Name(NameKind.LITERAL, literal))
        if kind == "member_expression":
            key = self._key(node)
            if key and key in self.bindings:
                return self.bindings[key]
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is not None and _text(obj) == "process" and prop is not None:
                return _Env() if _text(prop) == "env" else None
            base = self.eval(obj)
            if base is not None and prop is not None:
                return self._member(base, _text(prop))
            return None
        if kind == "subscript_expression":
            base = self.eval(node.child_by_field_name("object"))
            index = _string(node.child_by_field_name("index"))
            if isinstance(base, _Env) and index:
                return _Value(Name(NameKind.ENV, index))
            return None
        if kind == "call_expression":
            func = node.child_by_field_name("function")
            if func is not None and _text(func) == "require":
                args = node.child_by_field_name("arguments")
                source = _string(args.named_children[0]) if args and args.named_children else None
                return self._package(source) if source else None
            if func is not None and func.type == "member_expression":
                prop = func.child_by_field_name("property")
                base = self.eval(func.child_by_field_name("object"))
                if (
                    isinstance(base, _V3Export)
                    and prop is not None
                    and _text(prop) == "from"
                    and base.package == "@aws-sdk/lib-dynamodb"
                ):
                    return _V3Export(base.package, "DocumentClient")
            return None
        if kind == "new_expression":
            base = self.eval(node.child_by_field_name("constructor"))
            if isinstance(base, _V2Class):
                return _V2Client(base.service, base.document)
            if (
                isinstance(base, _V3Export)
                and base.name
                and not base.name.endswith(("Client", "Command"))
            ):
                svc = self.table.v3_service(base.package)
                if svc is not None and base.name[:1].isupper():
                    return _V3Aggregated(svc.name)
            return None
        if kind in ("template_string", "binary_expression"):
            return _Value(Name(NameKind.UNKNOWN, _short(node)))
        return None

    # -- calls --------------------------------------------------------------------------

    # -- reachability from the handler -------------------------------------------------

    def _owner(self, node: Any) -> int | None:
        """Id of the innermost function around ``node``; None at module level."""
        current = node.parent
        for _ in range(_MAX_OWNER_STEPS):
            if current is None:
                return None
            if current.type in _FUNCTIONS:
                return int(current.id)
            current = current.parent
        return _UNKNOWN_OWNER

    def _function_names(self) -> dict[str, list[int]]:
        """Function ids by every name that calls or exports them."""
        names: dict[str, list[int]] = {}

        def add(name: str, node: Any) -> None:
            names.setdefault(name, []).append(int(node.id))

        for node in self.functions:
            name = node.child_by_field_name("name")
            if name is not None:
                add(_text(name), node)
            parent = node.parent
            if parent is None:
                continue
            if parent.type == "variable_declarator":
                declared = parent.child_by_field_name("name")
                if declared is not None:
                    add(_text(declared), node)
            elif parent.type == "assignment_expression":
                left = parent.child_by_field_name("left")
                if left is not None and left.type == "member_expression":
                    prop = left.child_by_field_name("property")
                    if prop is not None:
                        add(_text(prop), node)  # module.exports.create = ..., exports.list = ...
            elif parent.type == "pair":
                key = parent.child_by_field_name("key")
                if key is not None:
                    add(_string(key) or _text(key), node)
        # module.exports = { create, other: list }: the exported name leads to the local one.
        for node in self.binders:
            if node.type != "assignment_expression":
                continue
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or _text(left) != "module.exports" or right is None:
                continue
            for prop in right.named_children if right.type == "object" else ():
                if prop.type == "pair":
                    key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key is not None and value is not None and value.type == "identifier":
                        for target in names.get(_text(value), ()):
                            names.setdefault(_string(key) or _text(key), []).append(target)
        return names

    def _reachable(self, entry: str) -> set[int] | None:
        """Ids of the functions the handler can run; None when ``entry`` is not found."""
        names = self._function_names()
        if entry not in names:
            return None
        children: dict[int | None, list[int]] = {}
        for node in self.functions:
            children.setdefault(self._owner(node), []).append(int(node.id))
        used: dict[int | None, set[str]] = {}
        for node in self.identifiers:
            used.setdefault(self._owner(node), set()).add(_text(node))
        todo = list(names[entry])
        # Module-level code runs at import: the functions it calls run too.
        for node in self.calls:
            func = node.child_by_field_name("function") or node.child_by_field_name("constructor")
            if func is not None and func.type == "identifier" and self._owner(node) is None:
                todo.extend(names.get(_text(func), ()))
        reachable: set[int] = set()
        while todo:
            current = todo.pop()
            if current in reachable:
                continue
            reachable.add(current)
            todo.extend(children.get(current, ()))
            for name in used.get(current, ()):
                todo.extend(names.get(name, ()))
        return reachable

    # -- calls --------------------------------------------------------------------------

    def collect(
        self, calls: list[SdkCall], unresolved: list[Unresolved], *, entry: str | None = None
    ) -> None:
        """Append the SDK calls of the file (of what ``entry`` reaches, when given)."""
        reachable = self._reachable(entry) if entry else None
        deep_at: int | None = None
        for node in self.calls:
            if reachable is not None:
                owner = self._owner(node)
                if owner is not None and owner != _UNKNOWN_OWNER and owner not in reachable:
                    continue
            self.too_deep = False
            try:
                if node.type == "new_expression":
                    self._new(node, calls)
                elif node.type == "call_expression":
                    self._call(node, calls, unresolved)
            except RecursionError:
                self.too_deep = True
            if self.too_deep and deep_at is None:
                deep_at = self._line(node)
        if deep_at is not None:
            why = f"calls nested more than {MAX_DEPTH} levels deep were not analysed"
            unresolved.append(Unresolved(self.mod.path, deep_at, why))

    def _line(self, node: Any) -> int:
        return int(node.start_point[0]) + 1 + self.mod.line_offset

    def _args(self, node: Any) -> list[Any]:
        args = node.child_by_field_name("arguments")
        return list(args.named_children) if args is not None else []

    def _new(self, node: Any, calls: list[SdkCall]) -> None:
        base = self.eval(node.child_by_field_name("constructor"))
        if not isinstance(base, _V3Export) or not base.name:
            return
        args = self._args(node)
        library = self.table.js_v3_library(base.package)
        if library is not None:
            service, commands = library
            ops = commands.get(base.name)
            if ops:
                params = args[0] if args else None
                if base.package == "@aws-sdk/lib-storage" and params is not None:
                    params = self._property(params, "params")
                target = self._identity(service, params)
                calls.append(
                    self._make(service, tuple(ops), node, base.package.split("/")[1], target)
                )
            return
        if not base.name.endswith("Command"):
            return
        svc = self.table.v3_service(base.package)
        if svc is None:
            return
        op = base.name.removesuffix("Command")
        if op in svc.operations:
            target = self._identity(svc.name, args[0] if args else None)
            calls.append(self._make(svc.name, (op,), node, "aws-sdk v3", target))

    def _call(self, node: Any, calls: list[SdkCall], unresolved: list[Unresolved]) -> None:
        func = node.child_by_field_name("function")
        if func is None:
            return
        args = self._args(node)
        if func.type == "identifier":
            base = self.bindings.get(_text(func))
            if isinstance(base, _V3Export) and base.name.startswith("paginate"):
                op = base.name.removeprefix("paginate")
                library = self.table.js_v3_library(base.package)
                if library is not None:
                    service, commands = library
                    ops = tuple(commands.get(base.name, ()))
                else:
                    svc = self.table.v3_service(base.package)
                    service = svc.name if svc else ""
                    ops = (op,) if svc and op in svc.operations else ()
                if ops:
                    target = self._identity(service, args[1] if len(args) > 1 else None)
                    calls.append(self._make(service, ops, node, "aws-sdk v3 paginator", target))
            return
        if func.type == "subscript_expression":
            base = self.eval(func.child_by_field_name("object"))
            index = _string(func.child_by_field_name("index"))
            if isinstance(base, (_V2Client, _V3Aggregated)) and index is None:
                unresolved.append(
                    Unresolved(
                        self.mod.path,
                        self._line(node),
                        f"{_short(func)}(...): the {base.service} operation is chosen at run time",
                    )
                )
            return
        if func.type != "member_expression":
            return
        prop = func.child_by_field_name("property")
        if prop is None:
            return
        method = _text(prop)
        base = self.eval(func.child_by_field_name("object"))
        if isinstance(base, _V2Client):
            self._v2_call(base, method, node, args, calls, unresolved)
        elif isinstance(base, _V3Aggregated):
            svc = self.table.service(base.service)
            found = svc.operation(method) if svc else None
            if svc is not None and found is not None:
                target = self._identity(svc.name, args[0] if args else None)
                calls.append(self._make(svc.name, (found,), node, "aws-sdk v3", target))

    def _v2_call(
        self,
        base: _V2Client,
        method: str,
        node: Any,
        args: list[Any],
        calls: list[SdkCall],
        unresolved: list[Unresolved],
    ) -> None:
        if method in _V2_IGNORED:
            return
        svc = self.table.service(base.service)
        if svc is None:
            return
        params = args[0] if args else None
        op: str | None
        if base.document:
            op = self.table.js_v2_document_client(method)
            style = "aws-sdk v2 DocumentClient"
        elif method in ("getSignedUrl", "getSignedUrlPromise"):
            name = _string(args[0]) if args else None
            op = svc.operation(name) if name else None
            params = args[1] if len(args) > 1 else None
            style = "aws-sdk v2 presign"
            if op is None:
                unresolved.append(
                    Unresolved(
                        self.mod.path, self._line(node), f"{_short(node)}: operation not a literal"
                    )
                )
                return
        else:
            op = svc.operation(method)
            style = "aws-sdk v2"
        if op is None:
            return
        target = self._identity(svc.name, params)
        calls.append(self._make(svc.name, (op,), node, style, target))

    def _property(self, obj: Any, name: str) -> Any | None:
        obj = _unwrap(obj)
        if obj is None:
            return None
        if obj.type == "identifier":
            # A params object built earlier: `const params = {...}; s3.getObject(params)`.
            value = _unwrap(self.declared.get(_text(obj)))
            if value is not None and value.type == "object":
                return self._property(value, name)
            return None
        if obj.type != "object":
            return None
        for prop in obj.named_children:
            if prop.type == "pair":
                key = prop.child_by_field_name("key")
                if key is not None and (_string(key) or _text(key)) == name:
                    return prop.child_by_field_name("value")
            elif prop.type == "shorthand_property_identifier" and _text(prop) == name:
                return prop
        return None

    def _identity(self, service: str, params: Any | None) -> Name | None:
        svc = self.table.service(service)
        if svc is None:
            return None
        wanted = self.table.identity_parameters(svc)
        if not wanted:
            return None
        if params is None:
            return Name(NameKind.UNKNOWN, "no resource argument")
        for param in wanted:
            value = self._property(params, param)
            if value is not None:
                found = self.eval(value)
                if isinstance(found, _Value):
                    return found.name
                return Name(NameKind.UNKNOWN, _short(value))
        return Name(NameKind.UNKNOWN, _short(params))

    def _make(
        self, service: str, ops: tuple[str, ...], node: Any, style: str, target: Name | None
    ) -> SdkCall:
        code = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        shown = _short(code) if code is not None else _short(node)
        if node.type == "new_expression":
            shown = f"new {shown}"
        return SdkCall(service, ops, self.mod.path, self._line(node), shown, style, target)
