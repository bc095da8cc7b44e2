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
from faasguard.loaders.terraform.values import R_ATTRIBUTE, Encoded, JsonText, Ref, TfMap
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


class Evaluator:
    """Evaluates expression trees of one module instance."""

    def __init__(self, scope: Scope, *, line: int = 0, file: str = "") -> None:
        self.scope = scope
        self.line = line
        self.file = file
        self._bindings: list[dict[str, Any]] = []
        self._depth = 0

    # -- entry point -----------------------------------------------------------------------

    def evaluate(self, node: Any, text: str = "") -> Any:
        """Evaluate the expression tree ``node`` (``text`` is its source, for Unknowns)."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                return Unknown(text or "...", "expression nested too deeply")
            return self._eval(node, text)
        except RecursionError:
            return Unknown(text or "...", "expression nested too deeply")
        finally:
            self._depth -= 1

    def _eval(self, node: Any, text: str) -> Any:
        data = getattr(node, "data", None)
        if data is None:
            return _unknown(str(node), "unsupported expression")
        handler: Callable[[Any, str], Any] | None = getattr(self, f"_e_{data}", None)
        if handler is None:
            return _unknown(text or data, "unsupported expression")
        return handler(node, text)

    def _trees(self, node: Any) -> list[Any]:
        return [c for c in node.children if hasattr(c, "data") and c.data != "new_line_or_comment"]

    # -- literals ----------------------------------------------------------------------------

    def _e_expr_term(self, node: Any, text: str) -> Any:
        trees = self._trees(node)
        return self.evaluate(trees[0], text) if trees else _unknown(text, "empty expression")

    def _e_int_lit(self, node: Any, text: str) -> Any:
        return int(str(node.children[0]))

    def _e_float_lit(self, node: Any, text: str) -> Any:
        return float(str(node.children[0]))

    def _e_literal_value(self, node: Any, text: str) -> Any:
        word = str(node.children[0])
        return {"true": True, "false": False, "null": None}.get(word)

    def _e_string(self, node: Any, text: str) -> Any:
        parts: list[Any] = []
        for part in self._trees(node):
            if part.data != "string_part":
                continue
            child = part.children[0]
            if hasattr(child, "data"):
                if child.data == "interpolation":
                    parts.append(self.evaluate(self._trees(child)[0], text))
                else:  # %{if}/%{for} template directives
                    return _unknown(text, "template directive")
            else:
                token = str(child)
                if token.startswith(("$${", "%%{")):
                    parts.append(token[1:])
                else:
                    parts.append(_unescape(token))
        return self._join(parts, text)

    def _join(self, parts: list[Any], text: str) -> Any:
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${var.x}" keeps the type of var.x
        out: list[str] = []
        for value in parts:
            piece = _to_text(value)
            if piece is None:
                return _unknown(text or "template", "unresolved template", *parts)
            out.append(piece)
        return "".join(out)

    def _e_template_string(self, node: Any, text: str) -> Any:
        return _unescape(str(node.children[0])[2:-2])

    def _e_heredoc_template(self, node: Any, text: str) -> Any:
        return self._heredoc(str(node.children[0]), trim=False, text=text)

    def _e_heredoc_template_trim(self, node: Any, text: str) -> Any:
        return self._heredoc(str(node.children[0]), trim=True, text=text)

    def _heredoc(self, raw: str, *, trim: bool, text: str) -> Any:
        lines = raw.split("\n")
        body = lines[1:-2] if len(lines) > 2 else []  # drop "<<EOT" and the closing marker
        if trim:
            indents = [len(line) - len(line.lstrip()) for line in body if line.strip()]
            cut = min(indents, default=0)
            body = [line[cut:] for line in body]
        return self.render_template("\n".join(body) + ("\n" if body else ""), text=text)

    def render_template(self, template: str, *, text: str = "") -> Any:
        """Render a template text (heredoc body, ``templatefile()`` contents)."""
        parts: list[Any] = []
        pos = 0
        for start, end in _interpolations(template):
            parts.append(template[pos:start].replace("$${", "${"))
            inner = template[start + 2 : end]
            tree = parse_expression(inner, file="", line=self.line)
            parts.append(
                self.evaluate(tree, inner) if tree is not None else Unknown(inner, "not HCL")
            )
            pos = end + 1
        if "%{" in template:
            return _unknown(text or template[:200], "template directive")
        parts.append(template[pos:].replace("$${", "${"))
        parts = [p for p in parts if p != ""]
        if not parts:
            return ""
        return self._join(parts, text or template[:200])

    # -- collections ---------------------------------------------------------------------------

    def _e_tuple(self, node: Any, text: str) -> Any:
        return [self.evaluate(item, "") for item in self._trees(node)]

    def _e_object(self, node: Any, text: str) -> Any:
        result = TfMap(_line(node), self.file)
        for elem in self._trees(node):
            if elem.data != "object_elem":
                continue
            key_node, value_node = self._trees(elem)[0], self._trees(elem)[-1]
            key = self._key(key_node)
            if key is None:
                return _unknown(text or "{...}", "object key not known")
            result[key] = self.evaluate(value_node, "")
            line = _line(elem)
            if line is not None:
                result.key_lines[key] = line
        return result

    def _key(self, node: Any) -> str | None:
        inner = self._trees(node)[0] if self._trees(node) else node
        if getattr(inner, "data", None) == "keyword":
            return str(inner.children[0])
        terms = self._trees(inner) if getattr(inner, "data", None) == "expr_term" else []
        if len(terms) == 1 and terms[0].data == "identifier":
            return str(terms[0].children[0])
        value = self.evaluate(inner, "")
        return _to_text(value)

    # -- references ----------------------------------------------------------------------------

    def _e_identifier(self, node: Any, text: str) -> Any:
        return self._reference(str(node.children[0]), [], text)

    def _e_get_attr_expr_term(self, node: Any, text: str) -> Any:
        return self._chain(node, text)

    def _e_index_expr_term(self, node: Any, text: str) -> Any:
        return self._chain(node, text)

    def _chain(self, node: Any, text: str) -> Any:
        steps: list[Any] = []
        current = node
        while getattr(current, "data", None) in (
            "get_attr_expr_term",
            "index_expr_term",
            "expr_term",
        ):
            trees = self._trees(current)
            if current.data == "expr_term":
                if len(trees) != 1 or trees[0].data not in (
                    "get_attr_expr_term",
                    "index_expr_term",
                    "identifier",
                ):
                    break
                current = trees[0]
                continue
            base, access = trees[0], trees[1]
            steps.append(access)
            current = base
        steps.reverse()
        accessors: list[Any] = []
        for access in steps:
            if access.data == "get_attr":
                accessors.append(_name_of(self._trees(access)[0]))
            elif access.data == "short_index":
                accessors.append(int(str(access.children[-1])))
            else:
                accessors.append(self.evaluate(self._trees(access)[0], ""))
        source = text or _render(node)
        if getattr(current, "data", None) == "identifier":
            return self._reference(str(current.children[0]), accessors, source)
        base_value = self.evaluate(current, "")
        return _apply(base_value, accessors, source)

    def _reference(self, root: str, accessors: list[Any], text: str) -> Any:
        for frame in reversed(self._bindings):
            if root in frame:
                return _apply(frame[root], accessors, text)
        names = [a for a in accessors if isinstance(a, str)]
        if root in ("var", "local") and names:
            getter = self.scope.variable if root == "var" else self.scope.local
            return _apply(getter(accessors[0]), accessors[1:], text)
        if root == "module" and len(accessors) >= 2 and all(
            isinstance(a, str) for a in accessors[:2]
        ):
            value = self.scope.module_output(accessors[0], accessors[1])
            return _apply(value, accessors[2:], text)
        if root == "data" and len(accessors) >= 3 and isinstance(accessors[2], str):
            value = self.scope.data(str(accessors[0]), str(accessors[1]), accessors[2])
            return _apply(value, accessors[3:], text)
        if root == "path" and names:
            return self.scope.path(accessors[0])
        if root in ("count", "each", "self", "terraform"):
            return Unknown(text, f"{root} value")
        if "_" in root and accessors and isinstance(accessors[0], str):
            return Ref(text, R_ATTRIBUTE, (self.scope.address(root, accessors[0]),))
        return Unknown(text, "unknown name")

    def _e_attr_splat_expr_term(self, node: Any, text: str) -> Any:
        return self._splat(node, text)

    def _e_full_splat_expr_term(self, node: Any, text: str) -> Any:
        return self._splat(node, text)

    def _splat(self, node: Any, text: str) -> Any:
        base = self.evaluate(self._trees(node)[0], "")
        return _unknown(text or _render(node), "splat expression", base)

    # -- operators ---------------------------------------------------------------------------

    def _e_conditional(self, node: Any, text: str) -> Any:
        cond, yes, no = self._trees(node)
        value = self.evaluate(cond, "")
        if isinstance(value, bool):
            return self.evaluate(yes if value else no, "")
        return _unknown(text or _render(node), "condition not known", value)

    def _e_unary_op(self, node: Any, text: str) -> Any:
        op = str(node.children[0])
        value = self.evaluate(self._trees(node)[0], "")
        if op == "!" and isinstance(value, bool):
            return not value
        if op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        return _unknown(text or _render(node), "operation on unknown value", value)

    def _e_binary_op(self, node: Any, text: str) -> Any:
        left_node, term = self._trees(node)[0], self._trees(node)[1]
        op_node, right_node = self._trees(term)[0], self._trees(term)[-1]
        op = str(op_node.children[0])
        left = self.evaluate(left_node, "")
        if op == "&&" and left is False:
            return False
        if op == "||" and left is True:
            return True
        right = self.evaluate(right_node, "")
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return _unknown(text or _render(node), "operation on unknown value", left, right)
        try:
            return _OPERATORS[op](left, right)
        except (TypeError, ValueError, ZeroDivisionError, KeyError):
            return Unknown(text or _render(node), "operation not evaluated")

    # -- for expressions ---------------------------------------------------------------------

    def _e_for_tuple_expr(self, node: Any, text: str) -> Any:
        return self._for(node, text, as_object=False)

    def _e_for_object_expr(self, node: Any, text: str) -> Any:
        return self._for(node, text, as_object=True)

    def _for(self, node: Any, text: str, *, as_object: bool) -> Any:
        trees = self._trees(node)
        intro = trees[0]
        intro_trees = self._trees(intro)
        names = [str(t.children[0]) for t in intro_trees if t.data == "identifier"]
        collection = self.evaluate(intro_trees[-1], "")
        cond = next((t for t in trees if t.data == "for_cond"), None)
        body = [t for t in trees[1:] if t.data != "for_cond"]
        source = text or _render(node)
        if isinstance(collection, dict):
            items = list(collection.items())
        elif isinstance(collection, list):
            items = list(enumerate(collection))
        else:
            return _unknown(source, "for expression over unknown collection", collection)
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, value in items:
            frame = {names[-1]: value}
            if len(names) == 2:
                frame[names[0]] = key
            self._bindings.append(frame)
            try:
                if cond is not None:
                    keep = self.evaluate(self._trees(cond)[0], "")
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

    # -- functions ---------------------------------------------------------------------------

    def _e_function_call(self, node: Any, text: str) -> Any:
        trees = self._trees(node)
        name = str(trees[0].children[0])
        args_node = next((t for t in trees[1:] if t.data == "arguments"), None)
        args = [self.evaluate(a, "") for a in self._trees(args_node)] if args_node else []
        source = text or _render(node)
        if name == "jsonencode" and len(args) == 1:
            return _jsonencode(args[0])
        if name in ("file", "templatefile") and args:
            if not isinstance(args[0], str):
                return _unknown(source, "file name not known", args[0])
            content = self.scope.read_file(args[0], file=self.file, line=self.line)
            if name == "file" or isinstance(content, Unknown):
                return content
            variables = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
            self._bindings.append(dict(variables))
            try:
                return self.render_template(content, text=source)
            finally:
                self._bindings.pop()
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


def _flat_refs(values: list[Any]) -> list[Any]:
    from faasguard.loaders.terraform.values import refs_of

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


def _line(node: Any) -> int | None:
    meta = getattr(node, "meta", None)
    if meta is None or getattr(meta, "empty", True):
        return None
    line = getattr(meta, "line", None)
    return line if isinstance(line, int) else None


def _name_of(node: Any) -> str:
    return str(node.children[0]) if hasattr(node, "children") else str(node)


def _render(node: Any) -> str:
    """A compact rendering of an expression tree, for Unknown texts without source."""
    if not hasattr(node, "data"):
        return str(node)
    return "".join(_render(c) for c in node.children if getattr(c, "data", "") != "new_line_or_comment")


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
