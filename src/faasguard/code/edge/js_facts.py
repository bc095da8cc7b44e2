"""Facts of a JavaScript or TypeScript file, read from the tree-sitter tree the code layer parsed.

The same two passes as for Python: imports, ``require`` calls and single bindings first, then
every call, ``new``, string literal and member assignment, named by what it really is
(``client.send`` after ``const client = new LambdaClient()`` is
``@aws-sdk/client-lambda.LambdaClient().send``). TypeScript only adds type annotations, which
the walk skips. Broken input leaves ERROR nodes in the tree; they are walked like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

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

__all__ = ["javascript_facts"]

_MAX_DEPTH: Final = 12
_FUNCTIONS: Final = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function",
        "function_declaration",
        "generator_function_declaration",
        "method_definition",
    }
)
_TRANSPARENT: Final = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
        "type_assertion",
    }
)


def _text(node: Any) -> str:
    raw: bytes = node.text or b""
    return raw.decode("utf-8", "replace")


def _string(node: Any) -> str:
    """The content of a ``string`` node without quotes (escapes kept as written)."""
    return "".join(
        _text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence")
    )


def _field(node: Any, name: str) -> Any:
    return node.child_by_field_name(name)


def _unwrap(node: Any) -> Any:
    for _ in range(_MAX_DEPTH):
        if node is None or node.type not in _TRANSPARENT:
            return node
        inner = [c for c in node.named_children if not c.type.startswith("type")]
        node = inner[0] if inner else None
    return node


class _Resolver:
    """Imports, ``require`` bindings and single ``const``/``let`` bindings of one module."""

    def __init__(self, root: Any, nodes: list[Any], offset: int) -> None:
        self.offset = offset
        self._single: dict[str, Any] = {}
        self.aliases: dict[str, str] = {}
        self.bound: dict[str, list[Any]] = {}
        self.imports: set[str] = set()
        self.top_level: set[str] = set()
        for node in nodes:
            kind = node.type
            if kind == "import_statement":
                self._import(node)
            elif kind == "variable_declarator":
                self._declarator(node)
            elif kind == "assignment_expression":
                left = _field(node, "left")
                if left is not None and left.type == "identifier":
                    self.bound.setdefault(_text(left), []).append(_field(node, "right"))
        for stmt in root.named_children:
            decl = stmt
            if stmt.type == "export_statement":
                decl = _field(stmt, "declaration") or stmt
            if decl.type in ("lexical_declaration", "variable_declaration"):
                for child in decl.named_children:
                    name = _field(child, "name")
                    if (
                        child.type == "variable_declarator"
                        and name is not None
                        and name.type == "identifier"
                    ):
                        self.top_level.add(_text(name))

    def line(self, node: Any) -> int:
        return int(node.start_point[0]) + 1 + self.offset

    def _import(self, node: Any) -> None:
        source = _field(node, "source")
        if source is None:
            return
        module = _string(source)
        self.imports.add(module)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.aliases[_text(part)] = module
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.aliases[_text(ident)] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name, alias = _field(spec, "name"), _field(spec, "alias")
                        if name is not None:
                            local = _text(alias if alias is not None else name)
                            self.aliases[local] = f"{module}.{_text(name)}"

    def _declarator(self, node: Any) -> None:
        name, value = _field(node, "name"), _unwrap(_field(node, "value"))
        if name is None or value is None:
            return
        required = self._required(value)
        if name.type == "identifier":
            if required is not None:
                self.aliases[_text(name)] = required
            else:
                self.bound.setdefault(_text(name), []).append(value)
        elif name.type == "object_pattern" and required is not None:
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    self.aliases[_text(prop)] = f"{required}.{_text(prop)}"
                elif prop.type == "pair_pattern":
                    key, val = _field(prop, "key"), _field(prop, "value")
                    if key is not None and val is not None and val.type == "identifier":
                        self.aliases[_text(val)] = (
                            f"{required}.{_text(key).strip(chr(39) + chr(34))}"
                        )

    def _required(self, node: Any) -> str | None:
        """``require("x")`` (or ``require("x").y``) -> the module name (``x.y``)."""
        if node.type == "member_expression":
            inner = self._required(_unwrap(_field(node, "object")))
            prop = _field(node, "property")
            return f"{inner}.{_text(prop)}" if inner and prop is not None else None
        if node.type != "call_expression":
            return None
        fn, args = _field(node, "function"), _field(node, "arguments")
        if fn is None or args is None or _text(fn) != "require":
            return None
        first = next(iter(args.named_children), None)
        if first is None or first.type != "string":
            return None
        module = _string(first)
        self.imports.add(module)
        return module

    def single(self, name: str) -> Any:
        if name in self._single:
            return self._single[name]
        values = self.bound.get(name)
        found = None
        if values:
            first = _text(values[0]) if len(values) > 1 else ""
            if all(_text(v) == first for v in values[1:]):
                found = values[0]
        self._single[name] = found
        return found

    def qualify(self, node: Any, depth: int = 0) -> str | None:
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return None
        kind = node.type
        if kind == "identifier":
            name = _text(node)
            if name in self.aliases:
                return self.aliases[name]
            bound = self.single(name)
            if bound is not None and bound.type in (
                "call_expression",
                "new_expression",
                "member_expression",
                "identifier",
            ):
                inner = self.qualify(bound, depth + 1)
                if inner is not None:
                    return inner
            return name
        if kind == "member_expression":
            base = self.qualify(_field(node, "object"), depth + 1)
            prop = _field(node, "property")
            return f"{base}.{_text(prop)}" if base and prop is not None else None
        if kind == "subscript_expression":
            base = self.qualify(_field(node, "object"), depth + 1)
            index = _unwrap(_field(node, "index"))
            if base and index is not None and index.type == "string":
                return f"{base}.{_string(index)}"
            return None
        if kind in ("call_expression", "new_expression"):
            fn = (
                _field(node, "function")
                if kind == "call_expression"
                else _field(node, "constructor")
            )
            base = self.qualify(fn, depth + 1)
            if base is None:
                return None
            args = _field(node, "arguments")
            first = next(iter(args.named_children), None) if args is not None else None
            if first is not None and first.type == "string" and len(_string(first)) <= 40:
                return f"{base}({_string(first)})"
            return f"{base}()"
        if kind == "this":
            return "this"
        return None

    def value(self, node: Any, depth: int = 0) -> Val:
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return OTHER
        line = self.line(node)
        kind = node.type
        if kind == "string":
            return Val("str", _string(node), line=line)
        if kind == "template_string":
            parts: list[Val] = []
            for child in node.named_children:
                if child.type == "string_fragment":
                    parts.append(Val("str", _text(child), line=line))
                elif child.type == "template_substitution":
                    inner = next(iter(child.named_children), None)
                    parts.append(self.value(inner, depth + 1))
            return Val("concat", parts=tuple(parts), line=line)
        if kind in ("true", "false"):
            return Val("bool", kind, line=line)
        if kind == "number":
            return Val("num", _text(node), line=line)
        if kind in ("null", "undefined"):
            return Val("none", line=line)
        if kind == "binary_expression":
            op = _field(node, "operator")
            operator = _text(op) if op is not None else ""
            left = self.value(_field(node, "left"), depth + 1)
            right = self.value(_field(node, "right"), depth + 1)
            if operator == "+":
                return Val("concat", parts=(left, right), line=line)
            if operator in ("||", "??") and left.kind == "env":
                return Val("env", left.text, (right,), line=line)
            return OTHER
        if kind in ("member_expression", "subscript_expression"):
            qualified = self.qualify(node)
            if qualified and qualified.startswith("process.env."):
                return Val("env", qualified[len("process.env.") :], line=line)
            return Val("name", qualified, line=line) if qualified else OTHER
        if kind in ("call_expression", "new_expression"):
            return Val("call", self.qualify(node) or "?", line=line)
        if kind == "array":
            elements = [c for c in node.named_children if c.type != "comment"][:64]
            return Val("array", parts=tuple(self.value(e, depth + 1) for e in elements), line=line)
        if kind == "object":
            items: list[tuple[str, Val]] = []
            for prop in node.named_children:
                if prop.type == "pair":
                    key = _field(prop, "key")
                    if key is not None and key.type in (
                        "property_identifier",
                        "string",
                        "identifier",
                    ):
                        name = _string(key) if key.type == "string" else _text(key)
                        items.append((name, self.value(_field(prop, "value"), depth + 1)))
                elif prop.type == "shorthand_property_identifier":
                    items.append((_text(prop), self.value(prop, depth + 1)))
            return Val("object", items=tuple(items), line=line)
        if kind in ("identifier", "shorthand_property_identifier"):
            name = _text(node)
            bound = self.single(name)
            if name not in self.aliases and bound is not None:
                return self.value(bound, depth + 1)
            return Val("name", self.aliases.get(name, name), line=line)
        return OTHER


def _walk(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def javascript_facts(
    path: str, tree: Any, *, language: Language, line_offset: int = 0
) -> FileFacts:
    """Collect the facts of one parsed JavaScript/TypeScript module (nothing executed)."""
    root = tree.root_node
    scoped = list(_walk_scoped(root))
    resolver = _Resolver(root, [node for node, _ in scoped], line_offset)
    calls: list[CallFact] = []
    strings: list[StringFact] = []
    assigns: list[AssignFact] = []
    handlers = _handlers(resolver, root)
    for node, scope in scoped:
        kind = node.type
        if kind in ("call_expression", "new_expression"):
            calls.append(_call(resolver, node, scope))
        elif kind == "string":
            value = _string(node)
            if len(value) >= 2:
                strings.append(StringFact(value, resolver.line(node), _string_name(node)))
        elif kind == "template_string":
            if not any(c.type == "template_substitution" for c in node.named_children):
                value = "".join(_text(c) for c in node.named_children)
                if len(value) >= 2:
                    strings.append(StringFact(value, resolver.line(node), _string_name(node)))
        elif kind == "assignment_expression":
            left = _field(node, "left")
            if left is not None and left.type in ("member_expression", "subscript_expression"):
                target = resolver.qualify(left) or _text(left)
                assigns.append(
                    AssignFact(
                        target,
                        resolver.value(_field(node, "right")),
                        resolver.line(node),
                        scope,
                    )
                )
    constants = {}
    for name in resolver.top_level:
        bound = resolver.single(name)
        if bound is not None and name not in resolver.aliases:
            constants[name] = resolver.value(bound)
    return FileFacts(
        path=path,
        language=language,
        calls=tuple(calls),
        strings=tuple(strings),
        assigns=tuple(assigns),
        constants=constants,
        references=(),
        imports=frozenset(resolver.imports),
        handlers=handlers,
    )


def _walk_scoped(root: Any) -> Iterator[tuple[Any, str | None]]:
    """Every node with the top-level function (by its bound or exported name) it is in."""
    stack: list[tuple[Any, str | None]] = [(root, None)]
    while stack:
        node, scope = stack.pop()
        yield node, scope
        if scope is None and node.type in _FUNCTIONS:
            scope = _function_name(node) or "<anonymous>"
        stack.extend((c, scope) for c in reversed(node.children))


def _function_name(node: Any) -> str | None:
    name = _field(node, "name")
    if name is not None:
        return _text(name)
    parent = node.parent
    for _ in range(4):
        if parent is None:
            return None
        if parent.type == "variable_declarator":
            target = _field(parent, "name")
            return _text(target) if target is not None else None
        if parent.type == "assignment_expression":
            left = _field(parent, "left")
            if left is not None:
                return _text(left).rsplit(".", 1)[-1]
        if parent.type == "pair":
            key = _field(parent, "key")
            return _text(key) if key is not None else None
        parent = parent.parent
    return None


def _call(resolver: _Resolver, node: Any, scope: str | None) -> CallFact:
    callee = resolver.qualify(node) or "?"
    # qualify() names the call's result (``x.y()``); the callee is the name before the ().
    callee = callee.rsplit("(", 1)[0] if callee.endswith(")") else callee
    args_node = _field(node, "arguments")
    args = tuple(
        resolver.value(a)
        for a in (args_node.named_children if args_node is not None else ())
        if a.type not in ("comment", "spread_element")
    )
    return CallFact(callee, resolver.line(node), args, (), scope)


def _string_name(node: Any) -> str | None:
    """The name a string literal is stored under: declarator, object key, member assignment."""
    parent = node.parent
    child = node
    for _ in range(3):
        if parent is None:
            return None
        if parent.type == "variable_declarator":
            name = _field(parent, "name")
            return _text(name) if name is not None and name.type == "identifier" else None
        if parent.type == "pair" and _field(parent, "value") == child:
            key = _field(parent, "key")
            if key is None:
                return None
            return _string(key) if key.type == "string" else _text(key)
        if parent.type == "assignment_expression":
            left = _field(parent, "left")
            if left is None:
                return None
            if left.type == "member_expression":
                prop = _field(left, "property")
                return _text(prop) if prop is not None else None
            if left.type == "subscript_expression":
                index = _field(left, "index")
                return _string(index) if index is not None and index.type == "string" else None
            return _text(left) if left.type == "identifier" else None
        if parent.type not in _TRANSPARENT and parent.type != "binary_expression":
            return None
        child, parent = parent, parent.parent
    return None


# ---- handlers and event fields -------------------------------------------------------------


def _handlers(resolver: _Resolver, root: Any) -> dict[str, HandlerFacts]:
    functions: dict[str, Any] = {}
    wrappers: dict[str, list[str]] = {}
    for stmt in root.named_children:
        decl = stmt
        if stmt.type == "export_statement":
            decl = _field(stmt, "declaration") or stmt
        if decl.type in ("function_declaration", "generator_function_declaration"):
            name = _field(decl, "name")
            if name is not None:
                functions[_text(name)] = decl
        elif decl.type in ("lexical_declaration", "variable_declaration"):
            for child in decl.named_children:
                if child.type == "variable_declarator":
                    name = _field(child, "name")
                    if name is not None and name.type == "identifier":
                        _bind(resolver, _text(name), _field(child, "value"), functions, wrappers)
        elif decl.type == "expression_statement":
            expr = next(iter(decl.named_children), None)
            if expr is not None and expr.type == "assignment_expression":
                left = _field(expr, "left")
                text = _text(left) if left is not None else ""
                right = _unwrap(_field(expr, "right"))
                if text.startswith(("exports.", "module.exports.")):
                    _bind(resolver, text.rsplit(".", 1)[-1], right, functions, wrappers)
                elif text == "module.exports" and right is not None and right.type == "object":
                    # module.exports = { handler, other: async (event) => ... }
                    for prop in right.named_children:
                        if prop.type == "shorthand_property_identifier":
                            _bind(resolver, _text(prop), prop, functions, wrappers)
                        elif prop.type == "pair":
                            key = _field(prop, "key")
                            if key is not None:
                                name = _string(key) if key.type == "string" else _text(key)
                                _bind(resolver, name, _field(prop, "value"), functions, wrappers)
    result: dict[str, HandlerFacts] = {}
    for name, fn in functions.items():
        result[name] = HandlerFacts(
            name,
            resolver.line(fn),
            tuple(wrappers.get(name, ())),
            tuple(_js_event_fields(resolver, fn)),
            _function_name(fn) or "<anonymous>",
        )
    return result


def _bind(
    resolver: _Resolver,
    name: str,
    value: Any,
    functions: dict[str, Any],
    wrappers: dict[str, list[str]],
) -> None:
    """``name = <function>`` or ``name = wrap(<function or name>).use(...)``."""
    value = _unwrap(value)
    seen: list[str] = []
    for _ in range(_MAX_DEPTH):
        if value is None:
            return
        if value.type in _FUNCTIONS:
            functions[name] = value
            wrappers[name] = seen
            return
        if value.type in ("identifier", "shorthand_property_identifier"):
            target = _text(value)
            if target in functions:
                functions[name] = functions[target]
                wrappers[name] = seen + wrappers.get(target, [])
            return
        if value.type == "call_expression":
            fn = _field(value, "function")
            qualified = resolver.qualify(fn) if fn is not None else None
            if qualified:
                seen.append(qualified)
            # middy(handler).use(validator(...)): the validator is an argument of .use().
            args = _field(value, "arguments")
            for arg in args.named_children if args is not None else ():
                inner = _unwrap(arg)
                if inner is not None and inner.type == "call_expression":
                    called = resolver.qualify(_field(inner, "function"))
                    if called:
                        seen.append(called)
            if fn is not None and fn.type == "member_expression":
                value = _unwrap(_field(fn, "object"))
                continue
            first = next(iter(args.named_children), None) if args is not None else None
            value = _unwrap(first)
            continue
        return


def _js_event_fields(resolver: _Resolver, fn: Any) -> list[EventField]:
    params = _field(fn, "parameters") or _field(fn, "parameter")
    if params is None:
        return []
    first = (
        params
        if params.type in ("identifier", "object_pattern")
        else next(iter(params.named_children), None)
    )
    if first is not None and first.type in ("required_parameter", "optional_parameter"):
        first = _field(first, "pattern") or next(iter(first.named_children), None)
    if first is None:
        return []
    found: dict[str, int] = {}
    roots: dict[str, str] = {}
    if first.type == "identifier":
        roots[_text(first)] = ""
    elif first.type == "object_pattern":
        _pattern_fields(first, "", roots, found, resolver)
    else:
        return []
    body = _field(fn, "body")
    if body is None:
        return []
    for node in _walk(body):
        if node.type == "variable_declarator":
            name, value = _field(node, "name"), _unwrap(_field(node, "value"))
            path = _js_access(value, roots) if value is not None else None
            if path is None or name is None:
                continue
            if name.type == "identifier":
                roots.setdefault(_text(name), path)
                found.setdefault(path, resolver.line(node)) if path else None
            elif name.type == "object_pattern":
                _pattern_fields(name, path, roots, found, resolver)
        elif node.type in ("member_expression", "subscript_expression"):
            path = _js_access(node, roots)
            if path and path not in found:
                found[path] = resolver.line(node)
    paths = [p for p in found if not any(o != p and o.startswith(p + ".") for o in found)]
    return [EventField(p, found[p]) for p in sorted(paths, key=lambda p: (found[p], p))]


def _pattern_fields(
    pattern: Any,
    base: str,
    roots: dict[str, str],
    found: dict[str, int],
    resolver: _Resolver,
    depth: int = 0,
) -> None:
    if depth > _MAX_DEPTH:  # a hostile file nests patterns thousands deep
        return
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            path = f"{base}.{_text(prop)}" if base else _text(prop)
            roots[_text(prop)] = path
            found.setdefault(path, resolver.line(prop))
        elif prop.type == "pair_pattern":
            key, val = _field(prop, "key"), _field(prop, "value")
            if key is None:
                continue
            path = f"{base}.{_text(key)}" if base else _text(key)
            found.setdefault(path, resolver.line(prop))
            if val is not None and val.type == "identifier":
                roots[_text(val)] = path
            elif val is not None and val.type == "object_pattern":
                _pattern_fields(val, path, roots, found, resolver, depth + 1)


def _js_access(node: Any, roots: dict[str, str]) -> str | None:
    keys: list[str] = []
    current = _unwrap(node)
    for _ in range(_MAX_DEPTH):
        if current is None:
            return None
        if current.type == "member_expression":
            prop = _field(current, "property")
            if prop is None:
                return None
            keys.append(_text(prop))
            current = _unwrap(_field(current, "object"))
        elif current.type == "subscript_expression":
            index = _unwrap(_field(current, "index"))
            if index is not None and index.type == "string":
                keys.append(_string(index))
            elif index is not None and index.type == "number":
                keys.append("[]")
            else:
                return None
            current = _unwrap(_field(current, "object"))
        elif current.type == "identifier":
            name = _text(current)
            if name not in roots:
                return None
            base = roots[name]
            parts = ([base] if base else []) + list(reversed(keys))
            return ".".join(parts).replace(".[]", "[]") or None
        else:
            return None
    return None
