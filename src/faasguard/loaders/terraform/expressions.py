"""Evaluate Terraform expressions statically, never guessing.

Literals, string templates, collections, ``var.*``, ``local.*``, ``module.*`` outputs,
``path.*``, conditionals with a known condition, ``for`` expressions over known collections and
the pure built-in functions a policy or a name is usually built with (``jsonencode``,
``format``, ``merge``, ``concat``...) are evaluated. ``file()``/``templatefile()`` read only
inside the scan root (through the scope, which uses :class:`~faasguard.fs.ScanFS`). A resource
attribute becomes a :class:`~.values.Ref` (an Unknown that remembers the address); anything else
is an explicit :class:`~faasguard.model.Unknown`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from faasguard.loaders.terraform.hcl import parse_expression
from faasguard.loaders.terraform.values import (
    R_ATTRIBUTE,
    Encoded,
    JsonText,
    Partial,
    Ref,
    TfMap,
    refs_of,
)
from faasguard.model import Unknown

__all__ = ["Evaluator", "Scope", "is_resolved"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
#: Evaluation deeper than this (locals naming locals naming locals...) gives up with Unknown.
MAX_DEPTH = 100


class Scope(Protocol):
    """What an expression can name; implemented per module instance by :mod:`.modules`."""

    def variable(self, name: str) -> Any:
        """Value of ``var.<name>``."""
        ...

    def local(self, name: str) -> Any:
        """Value of ``local.<name>``."""
        ...

    def module_output(self, module: str, output: str) -> Any:
        """Value of ``module.<module>.<output>``."""
        ...

    def data(self, kind: str, name: str, attr: str) -> Any:
        """Value of ``data.<kind>.<name>.<attr>``."""
        ...

    def address(self, kind: str, name: str) -> str:
        """The full address of resource ``<kind>.<name>`` in this module."""
        ...

    def path(self, which: str) -> str | Unknown:
        """``path.module``/``path.root``/``path.cwd``."""
        ...

    def too_deep(self, *, file: str, line: int) -> None:
        """Note that an expression nested past the budget was left Unknown."""
        ...

    def read_file(self, path: str, *, file: str, line: int) -> str | Unknown:
        """Contents of ``path`` (relative to the root module), only inside the scan root.

        ``file`` and ``line`` say where the call is written, for the issue when it is refused.
        """
        ...


def is_resolved(value: Any) -> bool:
    """True when ``value`` contains no Unknown anywhere."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _unknown(text: str, reason: str, *parts: Any) -> Unknown:
    refs: list[str] = []
    for part in parts:
        if isinstance(part, Ref):
            refs.extend(part.refs)
    if refs:
        return Ref(text, R_ATTRIBUTE, tuple(dict.fromkeys(refs)))
    return Unknown(text, reason)


def _to_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


_OPERATOR_TOKENS = frozenset(
    {"==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&&", "||"}
)
_POSTFIX = frozenset({"get_attr", "index", "splat"})


def _text_of(node: Any) -> str:
    return str(node.text.decode("utf-8", "replace"))


def _named(node: Any) -> list[Any]:
    return [c for c in node.named_children if c.type != "comment"]


class Evaluator:
    """Evaluates expression nodes (tree-sitter HCL) of one module instance."""

    def __init__(self, scope: Scope, *, line: int = 0, file: str = "") -> None:
        self.scope = scope
        self.line = line
        self.file = file
        self._bindings: list[dict[str, Any]] = []
        self._depth = 0

    # -- entry point -----------------------------------------------------------------------

    def evaluate(self, node: Any, text: str = "") -> Any:
        """Evaluate the expression node ``node`` (``text`` is its source, for Unknowns)."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                self.scope.too_deep(file=self.file, line=self.line)
                return Unknown(text or "...", "expression nested too deeply")
            return self._eval(node, text)
        except RecursionError:
            self.scope.too_deep(file=self.file, line=self.line)
            return Unknown(text or "...", "expression nested too deeply")
        finally:
            self._depth -= 1

    def _eval(self, node: Any, text: str) -> Any:
        if node is None:
            return Unknown(text or "...", "not HCL")
        handler = _DISPATCH.get(node.type)
        if handler is None:
            return _unknown(text or _text_of(node), "unsupported expression")
        return handler(self, node, text)

    # -- sequences: a term and its postfix accessors -------------------------------------------

    def _e_expression(self, node: Any, text: str) -> Any:
        if node.child_count == 1:  # the common case: one term, no accessors
            only = node.children[0]
            if only.type != "variable_expr":
                return self.evaluate(only, text)
        return self._sequence(
            [c for c in node.children if c.type != "comment"], text or _text_of(node)
        )

    def _sequence(self, nodes: list[Any], text: str) -> Any:
        """``term (get_attr | index | splat)*``, where the term may be ``( expression )``."""
        if not nodes:
            return Unknown(text, "empty expression")
        if nodes[0].type == "(":
            close = next((i for i, c in enumerate(nodes) if c.type == ")"), len(nodes))
            inner = [c for c in nodes[1:close] if c.is_named]
            postfix = nodes[close + 1 :]
            if not postfix:
                return self.evaluate(inner[0], "") if inner else Unknown(text, "empty expression")
            base = self.evaluate(inner[0], "") if inner else Unknown(text, "empty expression")
            return self._postfix(base, postfix, text)
        head, postfix = nodes[0], [c for c in nodes[1:] if c.type in _POSTFIX]
        splat = next((i for i, c in enumerate(postfix) if c.type == "splat"), None)
        if splat is not None:
            before = self._accessors(postfix[:splat])
            if head.type == "variable_expr":
                base = self._reference(_text_of(head), before, text)
            else:
                base = _apply(self.evaluate(head, ""), before, text)
            return _unknown(text, "splat expression", base)
        if head.type == "variable_expr":
            return self._reference(_text_of(head), self._accessors(postfix), text)
        base = self.evaluate(head, "")
        return self._postfix(base, postfix, text) if postfix else base

    def _postfix(self, base: Any, postfix: list[Any], text: str) -> Any:
        if any(c.type == "splat" for c in postfix):
            return _unknown(text, "splat expression", base)
        return _apply(base, self._accessors(postfix), text)

    def _accessors(self, postfix: list[Any]) -> list[Any]:
        out: list[Any] = []
        for node in postfix:
            if node.type == "get_attr":
                ident = _named(node)
                out.append(_text_of(ident[0]) if ident else "")
            elif node.type == "index":
                inner = _named(node)[0]
                if inner.type == "legacy_index":
                    out.append(int(_text_of(inner).lstrip(".") or 0))
                else:
                    expr = _named(inner)
                    out.append(self.evaluate(expr[0], "") if expr else None)
        return out

    # -- literals ------------------------------------------------------------------------------

    def _e_literal_value(self, node: Any, text: str) -> Any:
        return self.evaluate(node.children[0], text)

    def _e_numeric_lit(self, node: Any, text: str) -> Any:
        raw = _text_of(node)
        try:
            return int(raw)
        except ValueError:
            value = float(raw)
            return int(value) if value.is_integer() and "." not in raw and "e" not in raw else value

    def _e_bool_lit(self, node: Any, text: str) -> Any:
        return _text_of(node) == "true"

    def _e_null_lit(self, node: Any, text: str) -> Any:
        return None

    def _e_string_lit(self, node: Any, text: str) -> Any:
        return self._quoted(node, text)

    def _e_template_expr(self, node: Any, text: str) -> Any:
        return self.evaluate(node.children[0], text)

    def _e_quoted_template(self, node: Any, text: str) -> Any:
        return self._quoted(node, text)

    def _quoted(self, node: Any, text: str) -> Any:
        """A quoted string: literal text between interpolations, escapes resolved."""
        children = node.children
        if not children:
            return ""
        if len(children) == 3 and children[1].type == "template_literal":  # "plain text"
            return _literal(node.text[1:-1])  # the literal node drops edge blanks: slice
        if len(children) == 2:  # ""
            return ""
        pos = children[0].end_byte  # after the opening quote
        stop = (
            children[-1].start_byte if children[-1].type == "quoted_template_end" else node.end_byte
        )
        source = node.text
        base = node.start_byte
        parts: list[Any] = []
        for child in children[1:]:
            if child.type == "template_directive":
                return _unknown(text or _text_of(node), "template directive")
            if child.type != "template_interpolation":
                continue
            parts.append(_literal(source[pos - base : child.start_byte - base]))
            inner = [c for c in _named(child) if c.type == "expression"]
            parts.append(self.evaluate(inner[0], "") if inner else "")
            pos = child.end_byte
        parts.append(_literal(source[pos - base : stop - base]))
        return self._join([p for p in parts if p != ""], text or _text_of(node))

    def _e_heredoc_template(self, node: Any, text: str) -> Any:
        """``<<EOT`` / ``<<-EOT``: lines and interpolations; ``<<-`` trims the indentation."""
        source, base = node.text, node.start_byte
        children = node.children
        markers = [c for c in children if c.type == "heredoc_identifier"]
        if len(markers) < 2:
            return Unknown(text or _text_of(node), "heredoc not understood")
        start = source.find(b"\n", markers[0].end_byte - base) + 1
        stop = source.rfind(b"\n", 0, markers[-1].start_byte - base) + 1
        if start <= 0 or stop < start:
            return ""
        trim = source.startswith(b"<<-")
        cut = 0
        if trim:
            indents = [
                len(line) - len(line.lstrip())
                for line in source[start:stop].split(b"\n")
                if line.strip()
            ]
            cut = min(indents, default=0)
        parts: list[Any] = []
        pos = start
        for child in children:
            if child.type == "template_directive":
                return _unknown(text or _text_of(node)[:200], "template directive")
            if child.type != "template_interpolation" or child.start_byte - base < start:
                continue
            parts.append(_heredoc_text(source[pos : child.start_byte - base], cut, pos == start))
            inner = [c for c in _named(child) if c.type == "expression"]
            parts.append(self.evaluate(inner[0], "") if inner else "")
            pos = child.end_byte - base
        parts.append(_heredoc_text(source[pos:stop], cut, pos == start))
        return self._join([p for p in parts if p != ""], text or _text_of(node)[:200])

    def _join(self, parts: list[Any], text: str) -> Any:
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${var.x}" keeps the type of var.x
        if not parts:
            return ""
        out: list[str] = []
        for value in parts:
            piece = _to_text(value)
            if piece is None:
                return _unknown(text or "template", "unresolved template", *parts)
            out.append(piece)
        return "".join(out)

    def render_with(self, template: str, variables: Mapping[str, Any], *, text: str = "") -> Any:
        """Render ``template`` where its names are ``variables`` (``templatefile()``)."""
        self._bindings.append(dict(variables))
        try:
            return self.render_template(template, text=text)
        finally:
            self._bindings.pop()

    def render_template(self, template: str, *, text: str = "") -> Any:
        """Render a template text (heredoc body, ``templatefile()`` contents)."""
        parts: list[Any] = []
        pos = 0
        for start, end in _interpolations(template):
            parts.append(template[pos:start].replace("$${", "${"))
            inner = template[start + 2 : end].strip()
            if inner.startswith("~") or inner.endswith("~"):
                inner = inner.strip("~").strip()
            tree = parse_expression(inner)
            parts.append(
                self.evaluate(tree, inner) if tree is not None else Unknown(inner, "not HCL")
            )
            pos = end + 1
        if "%{" in template.replace("%%{", ""):
            return _unknown(text or template[:200], "template directive", *parts)
        parts.append(template[pos:].replace("$${", "${"))
        joined = self._join([p for p in parts if p != ""], text or template[:200])
        if isinstance(joined, Ref) and len(parts) > 1:
            # Keep the pieces: a body rendered with an ARN still has readable structure.
            return Partial(joined.expression, joined.reason, joined.refs, tuple(parts))
        return joined

    # -- collections ---------------------------------------------------------------------------

    def _e_collection_value(self, node: Any, text: str) -> Any:
        return self.evaluate(node.children[0], text)

    def _e_tuple(self, node: Any, text: str) -> Any:
        return [self.evaluate(item, "") for item in _named(node) if item.type == "expression"]

    def _e_object(self, node: Any, text: str) -> Any:
        result = TfMap(node.start_point[0] + 1, self.file)
        for elem in _named(node):
            if elem.type != "object_elem":
                continue
            exprs = [c for c in _named(elem) if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key = self._key(exprs[0])
            if key is None:
                return _unknown(text or _text_of(node), "object key not known")
            result[key] = self.evaluate(exprs[1], "")
            result.key_lines[key] = elem.start_point[0] + 1
        return result

    def _key(self, node: Any) -> str | None:
        children = [c for c in node.children if c.type != "comment"]
        if len(children) == 1 and children[0].type == "variable_expr":
            return _text_of(children[0])  # a bare name is the key itself, not a variable
        return _to_text(self.evaluate(node, ""))

    # -- references ----------------------------------------------------------------------------

    def _e_variable_expr(self, node: Any, text: str) -> Any:
        return self._reference(_text_of(node), [], text or _text_of(node))

    def _reference(self, root: str, accessors: list[Any], text: str) -> Any:
        for frame in reversed(self._bindings):
            if root in frame:
                return _apply(frame[root], accessors, text)
        first = accessors[0] if accessors else None
        if root in ("var", "local") and isinstance(first, str):
            getter = self.scope.variable if root == "var" else self.scope.local
            return _apply(getter(first), accessors[1:], text)
        if (
            root == "module"
            and len(accessors) >= 2
            and all(isinstance(a, str) for a in accessors[:2])
        ):
            value = self.scope.module_output(accessors[0], accessors[1])
            return _apply(value, accessors[2:], text)
        if (
            root == "data"
            and len(accessors) >= 3
            and all(isinstance(a, str) for a in accessors[:3])
        ):
            value = self.scope.data(str(accessors[0]), str(accessors[1]), str(accessors[2]))
            return _apply(value, accessors[3:], text)
        if root == "path" and isinstance(first, str):
            return self.scope.path(first)
        if root in ("count", "each", "self", "terraform"):
            return Unknown(text, f"{root} value")
        if "_" in root and isinstance(first, str):
            return Ref(text, R_ATTRIBUTE, (self.scope.address(root, first),))
        return Unknown(text, "unknown name")

    # -- operators -----------------------------------------------------------------------------

    def _e_conditional(self, node: Any, text: str) -> Any:
        cond, yes, no = [c for c in _named(node) if c.type == "expression"][:3]
        value = self.evaluate(cond, "")
        if isinstance(value, bool):
            return self.evaluate(yes if value else no, "")
        return _unknown(text or _text_of(node), "condition not known", value)

    def _e_operation(self, node: Any, text: str) -> Any:
        return self.evaluate(node.children[0], text)

    def _e_unary_operation(self, node: Any, text: str) -> Any:
        op = node.children[0].type
        value = self._sequence(
            [c for c in node.children[1:] if c.type != "comment"], _text_of(node)
        )
        if op == "!" and isinstance(value, bool):
            return not value
        if op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        return _unknown(text or _text_of(node), "operation on unknown value", value)

    def _e_binary_operation(self, node: Any, text: str) -> Any:
        children = [c for c in node.children if c.type != "comment"]
        depth, split = 0, None
        for index, child in enumerate(children):
            if child.type == "(":
                depth += 1
            elif child.type == ")":
                depth -= 1
            elif depth == 0 and not child.is_named and child.type in _OPERATOR_TOKENS:
                split = index
                break
        source = text or _text_of(node)
        if split is None:
            return Unknown(source, "operation not evaluated")
        op = children[split].type
        left = self._sequence(children[:split], source)
        if op == "&&" and left is False:
            return False
        if op == "||" and left is True:
            return True
        right = self._sequence(children[split + 1 :], source)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return _unknown(source, "operation on unknown value", left, right)
        try:
            return _OPERATORS[op](left, right)
        except (TypeError, ValueError, ZeroDivisionError, KeyError):
            return Unknown(source, "operation not evaluated")

    # -- for expressions -----------------------------------------------------------------------

    def _e_for_expr(self, node: Any, text: str) -> Any:
        return self.evaluate(node.children[0], text)

    def _e_for_tuple_expr(self, node: Any, text: str) -> Any:
        return self._for(node, text, as_object=False)

    def _e_for_object_expr(self, node: Any, text: str) -> Any:
        return self._for(node, text, as_object=True)

    def _for(self, node: Any, text: str, *, as_object: bool) -> Any:
        named = _named(node)
        intro = next(c for c in named if c.type == "for_intro")
        names = [_text_of(c) for c in _named(intro) if c.type == "identifier"]
        collection = self.evaluate([c for c in _named(intro) if c.type == "expression"][-1], "")
        cond = next((c for c in named if c.type == "for_cond"), None)
        body = [c for c in named if c.type == "expression"]
        source = text or _text_of(node)
        if isinstance(collection, dict):
            items = list(collection.items())
        elif isinstance(collection, list):
            items = list(enumerate(collection))
        else:
            return _unknown(source, "for expression over unknown collection", collection)
        if not names or (as_object and len(body) < 2) or not body:
            return Unknown(source, "for expression not understood")
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, value in items:
            frame = {names[-1]: value}
            if len(names) == 2:
                frame[names[0]] = key
            self._bindings.append(frame)
            try:
                if cond is not None:
                    keep = self.evaluate(_named(cond)[0], "")
                    if not isinstance(keep, bool):
                        return _unknown(source, "for condition not known", keep)
                    if not keep:
                        continue
                if as_object:
                    k = _to_text(self.evaluate(body[0], ""))
                    if k is None:
                        return Unknown(source, "for key not known")
                    out_map[k] = self.evaluate(body[1], "")
                else:
                    out_list.append(self.evaluate(body[0], ""))
            finally:
                self._bindings.pop()
        return out_map if as_object else out_list

    # -- functions -----------------------------------------------------------------------------

    def _e_function_call(self, node: Any, text: str) -> Any:
        named = _named(node)
        name = _text_of(named[0]) if named else ""
        args_node = next((c for c in named if c.type == "function_arguments"), None)
        args = (
            [self.evaluate(a, "") for a in _named(args_node) if a.type == "expression"]
            if args_node is not None
            else []
        )
        source = text or _text_of(node)
        if args_node is not None and any(
            c.type == "expand_or_ellipsis" or c.type == "..." for c in args_node.children
        ):
            return _unknown(source, "expanded arguments", *args)
        if name == "jsonencode" and len(args) == 1:
            return _jsonencode(args[0])
        if name in ("file", "templatefile") and args:
            if not isinstance(args[0], str):
                return _unknown(source, "file name not known", args[0])
            content = self.scope.read_file(args[0], file=self.file, line=self.line)
            if name == "file" or isinstance(content, Unknown):
                return content
            variables = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
            return self.render_with(content, variables, text=source)
        function = _FUNCTIONS.get(name)
        if function is None:
            return _unknown(source, f"function {name}() not evaluated", *args)
        if name in ("try", "coalesce"):
            return function(args, source)
        if not all(is_resolved(a) for a in args):
            return _unknown(source, "argument not known", *_flat_refs(args))
        try:
            return function(args, source)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return Unknown(source, f"function {name}() not evaluated")


#: Node type -> evaluation method (``_e_<type>``), looked up once instead of per node.
_DISPATCH: dict[str, Callable[[Evaluator, Any, str], Any]] = {
    name[3:]: method for name, method in vars(Evaluator).items() if name.startswith("_e_")
}


def _heredoc_text(raw: bytes, cut: int, at_line_start: bool) -> str:
    """A literal chunk of a heredoc, with ``cut`` columns of indentation removed (``<<-``)."""
    text = raw.decode("utf-8", "replace").replace("$${", "${").replace("%%{", "%{")
    if cut:
        text = re.sub(rf"\n[ \t]{{0,{cut}}}", "\n", text)
        if at_line_start:
            text = re.sub(rf"\A[ \t]{{0,{cut}}}", "", text)
    return text


def _literal(raw: bytes) -> str:
    """The text of a literal chunk of a quoted template, escapes resolved."""
    return _unescape(raw.decode("utf-8", "replace").replace("$${", "${").replace("%%{", "%{"))


def _flat_refs(values: list[Any]) -> list[Any]:
    refs = [r for v in values for r in refs_of(v)]
    return [Ref("", R_ATTRIBUTE, tuple(refs))] if refs else []


def _jsonencode(value: Any) -> Any:
    if is_resolved(value):
        return JsonText.of(value)
    return Encoded("jsonencode(...)", "contains unresolved values", value)


def _apply(value: Any, accessors: list[Any], text: str) -> Any:
    for key in accessors:
        if isinstance(value, Unknown):
            if isinstance(value, Ref):
                return Ref(text, value.reason, value.refs)
            return Unknown(text, value.reason)
        if isinstance(value, dict) and isinstance(key, str):
            if key not in value:
                return Unknown(text, "attribute not known")
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            if not -len(value) <= key < len(value):
                return Unknown(text, "index out of range")
            value = value[key]
        elif isinstance(value, dict) and isinstance(key, int):
            value = value.get(str(key), Unknown(text, "attribute not known"))
        else:
            return _unknown(text, "index not known", key)
    return value


def _unescape(token: str) -> str:
    if "\\" not in token:
        return token
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), token)


def _interpolations(template: str) -> list[tuple[int, int]]:
    """(start, end) of each ``${...}`` (end = index of the closing brace), braces balanced."""
    spans: list[tuple[int, int]] = []
    i = 0
    while True:
        start = template.find("${", i)
        if start < 0:
            return spans
        if start > 0 and template[start - 1] == "$":
            i = start + 2
            continue
        depth, j = 0, start + 1
        while j < len(template):
            if template[j] == "{":
                depth += 1
            elif template[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= len(template):
            return spans
        spans.append((start, j))
        i = j + 1


def _format(args: list[Any], _: str) -> str:
    fmt, rest = str(args[0]), list(args[1:])

    def repl(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        return _to_text(rest.pop(0)) or ""

    return re.sub(r"%%|%[-+#0 ]*\d*(?:\.\d+)?[sdvqfgte]", repl, fmt)


def _try(args: list[Any], source: str) -> Any:
    for arg in args:
        if is_resolved(arg):
            return arg
    return _unknown(source, "no argument known", *args)


def _coalesce(args: list[Any], source: str) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return _unknown(source, "argument not known", arg)
        if arg not in (None, ""):
            return arg
    return None


def _merge(args: list[Any], _: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for arg in args:
        if arg is not None:
            out.update(arg)
    return out


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def _lookup(args: list[Any], _: str) -> Any:
    table: Mapping[str, Any] = args[0]
    if args[1] in table:
        return table[args[1]]
    if len(args) > 2:
        return args[2]
    raise KeyError(args[1])


_FUNCTIONS: dict[str, Callable[[list[Any], str], Any]] = {
    "try": _try,
    "coalesce": _coalesce,
    "format": _format,
    "merge": _merge,
    "lookup": _lookup,
    "concat": lambda a, _: [x for lst in a for x in lst],
    "flatten": lambda a, _: _flatten(a[0]),
    "compact": lambda a, _: [x for x in a[0] if x not in (None, "")],
    "distinct": lambda a, _: list(dict.fromkeys(a[0])),
    "join": lambda a, _: str(a[0]).join(_to_text(x) or "" for x in a[1]),
    "split": lambda a, _: str(a[1]).split(str(a[0])),
    "replace": lambda a, _: str(a[0]).replace(str(a[1]), str(a[2])),
    "lower": lambda a, _: str(a[0]).lower(),
    "upper": lambda a, _: str(a[0]).upper(),
    "trimspace": lambda a, _: str(a[0]).strip(),
    "tostring": lambda a, _: _to_text(a[0]),
    "tonumber": lambda a, _: float(a[0]) if "." in str(a[0]) else int(a[0]),
    "tobool": lambda a, _: {"true": True, "false": False}[str(a[0]).lower()],
    "tolist": lambda a, _: list(a[0]),
    "toset": lambda a, _: list(dict.fromkeys(a[0])),
    "tomap": lambda a, _: dict(a[0]),
    "element": lambda a, _: a[0][int(a[1]) % len(a[0])],
    "length": lambda a, _: len(a[0]),
    "keys": lambda a, _: sorted(a[0]),
    "values": lambda a, _: [a[0][k] for k in sorted(a[0])],
    "jsondecode": lambda a, _: json.loads(a[0]),
    "abspath": lambda a, _: str(a[0]),
    "basename": lambda a, _: str(a[0]).rstrip("/").rsplit("/", 1)[-1],
    "dirname": lambda a, _: str(a[0]).rstrip("/").rsplit("/", 1)[0] if "/" in str(a[0]) else ".",
    "min": lambda a, _: min(a),
    "max": lambda a, _: max(a),
}

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "&&": lambda a, b: bool(a and b),
    "||": lambda a, b: bool(a or b),
}
