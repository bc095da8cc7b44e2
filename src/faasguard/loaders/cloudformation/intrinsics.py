"""Static resolution of CloudFormation intrinsic functions.

Public API (also used by the Serverless loader for ``resources.Resources``)::

    Resolver(template, *, file, options=None, extra_resource_ids=())
        .resolve(value) -> Any           # resolved copy; AWS::NoValue -> None at the top
        .condition(name) -> bool | Unknown
        .is_resource(logical_id) -> bool
        .issues -> list[LoadIssue]       # cycles, depth, undefined conditions
    referenced_resources(value, resource_ids=None) -> set[str]
    render(value) -> str                 # "!Ref X", "!GetAtt X.Arn", "!Sub ..." or JSON
    ref_target(value) -> str | None      # logical id of a bare Ref/GetAtt
    NO_VALUE                             # sentinel for Ref AWS::NoValue (internal use)

Why a resolver of our own: the scanner must never deploy or call AWS, so every value that only
exists at deploy time (a resource's ARN, an imported output, the account id) becomes an explicit
:class:`~faasguard.model.Unknown` whose ``expression`` keeps what was written. Expressions use the
YAML short-tag form (``!Ref MyQueue``, ``!GetAtt MyQueue.Arn``); ``Fn::Sub`` and ``Fn::Join``
keep their partially resolved text with ``${...}`` marking the unresolved parts
(``!Sub arn:aws:s3:::${MyBucket}/*``), so a rule can still see the shape of an ARN and
:func:`referenced_resources` can still tell which resource it names.

The template is hostile: intrinsic nesting and structural depth are bounded, and cycles between
parameters or conditions end in an Unknown plus a :class:`LoadIssue` instead of a recursion error.
Nothing is fetched (``AWS::Include``, ``Fn::Transform`` and SSM parameters stay Unknown).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Collection, Mapping
from typing import Any, Final

from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions
from faasguard.loaders.yaml_safe import YamlMap, YamlSeq, line_of
from faasguard.model import Location, Unknown

__all__ = [
    "MAX_INTRINSIC_DEPTH",
    "MAX_STRING_CHARS",
    "MAX_STRUCTURE_DEPTH",
    "NO_VALUE",
    "Resolver",
    "placeholder",
    "ref_target",
    "referenced_resources",
    "render",
]

#: Intrinsics nested deeper than this are not evaluated (real templates nest a handful).
MAX_INTRINSIC_DEPTH: Final = 32
#: Plain mappings/lists nested deeper than this are not resolved (the YAML reader caps at 200).
MAX_STRUCTURE_DEPTH: Final = 250
#: Longest string ``Fn::Sub``/``Fn::Join``/``Fn::Base64`` may build. Nested ``Fn::Sub`` variable
#: maps double a string at each level: a 1.6 KB template once took 2.4 GiB. CloudFormation
#: itself refuses templates over 1 MB, so a longer value is hostile; it becomes Unknown.
MAX_STRING_CHARS: Final = 1_000_000


class _NoValue:
    """The value of ``Ref: AWS::NoValue``: the enclosing key or list item disappears."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Final = _NoValue()

# Reasons are short, stable phrases: reports group Unknowns by them.
R_RESOURCE: Final = "resource reference"
R_ATTRIBUTE: Final = "deploy-time attribute"
R_NO_PARAM_VALUE: Final = "parameter without a value"
R_SSM: Final = "SSM parameter"
R_PSEUDO: Final = "deploy-time pseudo parameter"
R_UNDEFINED: Final = "undefined name"
R_IMPORT: Final = "cross-stack import"
R_CONDITION: Final = "undecidable condition"
R_NOT_FETCHED: Final = "transform or include not expanded"
R_UNSUPPORTED: Final = "intrinsic not evaluated statically"
R_INVALID: Final = "invalid intrinsic arguments"
R_DEPTH: Final = "nesting too deep"
R_TOO_LONG: Final = "string budget exceeded"
R_CYCLE: Final = "circular reference"
R_MAPPING: Final = "mapping key not found"

_PSEUDO_KNOWN: Final = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
_PSEUDO_UNKNOWN: Final = frozenset(
    {"AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"}
)
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_ID = r"[A-Za-z0-9]+"
# How logical ids appear inside rendered expressions and Sub strings.
_REF_PATTERNS = (
    re.compile(rf"!Ref ({_ID})\b"),
    re.compile(rf"!GetAtt ({_ID})\."),
    re.compile(rf"\$\{{({_ID})(?:\.[^}}]*)?\}}"),
    re.compile(rf'"Ref": "({_ID})"'),
    re.compile(rf'"Fn::GetAtt": \["({_ID})"'),
    re.compile(rf'"Fn::GetAtt": "({_ID})\.'),
)


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def render(value: Any) -> str:
    """Render a template value as it was written, in short-tag form where it is simple.

    Args:
        value: a raw template value (intrinsic dicts as produced by the YAML reader).

    Returns:
        ``!Ref X``, ``!GetAtt X.Attr``, ``!Sub text``, ``!ImportValue name``, ``!Fn <json>``
        for other intrinsics, or JSON for anything else.
    """
    if isinstance(value, Unknown):
        return value.expression
    if not _is_intrinsic(value):
        return value if isinstance(value, str) else _dumps(value)
    key, arg = next(iter(value.items()))
    if key == "Ref" and isinstance(arg, str):
        return f"!Ref {arg}"
    if key == "Fn::GetAtt":
        target = _getatt_parts(arg)
        if target is not None:
            return f"!GetAtt {target[0]}.{target[1]}"
    short = key[4:] if key.startswith("Fn::") else key
    if isinstance(arg, str) and short in ("Sub", "ImportValue", "GetAZs", "Base64"):
        return f"!{short} {arg}"
    return f"!{short} {_dumps(arg)}"


def _getatt_parts(arg: Any) -> tuple[str, str] | None:
    if isinstance(arg, str) and "." in arg:
        resource, _, attribute = arg.partition(".")
        return resource, attribute
    if (
        isinstance(arg, list)
        and len(arg) == 2
        and isinstance(arg[0], str)
        and isinstance(arg[1], str)
    ):
        return arg[0], arg[1]
    return None


def ref_target(value: Any) -> str | None:
    """Return the logical id named by a bare ``Ref``/``Fn::GetAtt`` (raw or as an Unknown).

    Used to turn ``Queue: !GetAtt MyQueue.Arn`` into the source ``MyQueue``. Returns None for
    anything else, including pseudo parameters.
    """
    if isinstance(value, Unknown):
        expr = value.expression
        for prefix in ("!Ref ", "!GetAtt "):
            if expr.startswith(prefix):
                name = expr[len(prefix) :].split(".", 1)[0]
                return name if re.fullmatch(_ID, name) else None
        return None
    if not _is_intrinsic(value):
        return None
    key, arg = next(iter(value.items()))
    if key == "Ref" and isinstance(arg, str) and not arg.startswith("AWS::"):
        return arg
    if key == "Fn::GetAtt":
        parts = _getatt_parts(arg)
        return parts[0] if parts else None
    return None


def referenced_resources(value: Any, resource_ids: Collection[str] | None = None) -> set[str]:
    """Return the logical ids a value refers to through Ref, GetAtt or Sub.

    Works on raw template values and on resolved ones (it reads the expression of each
    :class:`Unknown`), so ``Resource: !Sub arn:aws:s3:::${Bucket}/*`` names ``Bucket`` before
    and after resolution.

    Args:
        value: a raw or resolved template value.
        resource_ids: when given, only these ids are returned (drops parameters and the local
            variables of ``Fn::Sub``).

    Returns:
        The referenced logical ids; pseudo parameters (``AWS::*``) are never included.
    """
    found: set[str] = set()
    _collect_refs(value, found, 0)
    if resource_ids is not None:
        found.intersection_update(resource_ids)
    return found


def _collect_refs(value: Any, found: set[str], depth: int) -> None:
    if depth > MAX_STRUCTURE_DEPTH:
        return
    if isinstance(value, Unknown):
        for pattern in _REF_PATTERNS:
            found.update(pattern.findall(value.expression))
        return
    if isinstance(value, dict):
        if _is_intrinsic(value):
            key, arg = next(iter(value.items()))
            if key == "Ref" and isinstance(arg, str):
                if not arg.startswith("AWS::"):
                    found.add(arg)
                return
            if key == "Fn::GetAtt":
                parts = _getatt_parts(arg)
                if parts:
                    found.add(parts[0])
                    return
            if key == "Fn::Sub":
                _collect_sub_refs(arg, found, depth)
                return
        for item in value.values():
            _collect_refs(item, found, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _collect_refs(item, found, depth + 1)


def _collect_sub_refs(arg: Any, found: set[str], depth: int) -> None:
    text, variables = (arg, {}) if isinstance(arg, str) else (None, {})
    if isinstance(arg, list) and len(arg) == 2:
        text = arg[0] if isinstance(arg[0], str) else None
        variables = arg[1] if isinstance(arg[1], dict) else {}
        _collect_refs(variables, found, depth + 1)
    if text is None:
        _collect_refs(arg, found, depth + 1)
        return
    for inner in _SUB_VAR.findall(text):
        if inner.startswith("!"):
            continue
        name = inner.strip().split(".", 1)[0]
        if name and not name.startswith("AWS::") and name not in variables:
            found.add(name)


def _scalar_text(value: Any) -> str | None:
    """CloudFormation's string form of a scalar (what ``Ref`` to a Number parameter yields)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


class Resolver:
    """Resolves intrinsic functions of one template against its parameters and conditions.

    Args:
        template: the parsed template (``Parameters``, ``Mappings``, ``Conditions`` and
            ``Resources`` are read; anything missing or malformed is treated as empty).
        file: the template's POSIX path, for issue locations.
        options: parameter overrides and region.
        extra_resource_ids: logical ids that exist but are not in ``Resources`` (the resources
            SAM or the Serverless Framework generate), so Refs to them are resource references.

    Attributes:
        issues: problems met while resolving (cycles, depth, undefined conditions), each reported
            once; the loader returns them with its result.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        file: str,
        options: LoadOptions | None = None,
        extra_resource_ids: Collection[str] = (),
    ) -> None:
        self.file = file
        self.options = options or LoadOptions()
        self.issues: list[LoadIssue] = []
        self._parameters = _mapping(template.get("Parameters"))
        self._mappings = _mapping(template.get("Mappings"))
        self._conditions = _mapping(template.get("Conditions"))
        self._resources = frozenset(_mapping(template.get("Resources"))) | frozenset(
            extra_resource_ids
        )
        self._param_cache: dict[str, Any] = {}
        self._cond_cache: dict[str, bool | Unknown] = {}
        self._in_progress: set[str] = set()
        self._reported: set[str] = set()

    # -- public -------------------------------------------------------------------------------

    def is_resource(self, logical_id: str) -> bool:
        """Return True when ``logical_id`` names a resource (not a parameter)."""
        return logical_id in self._resources and logical_id not in self._parameters

    def resolve(self, value: Any) -> Any:
        """Return a resolved copy of ``value``; lines are kept on mappings and sequences.

        ``Ref: AWS::NoValue`` removes the key or list item it is in; at the top level it
        resolves to None ("not set").
        """
        result = self._resolve(value, 0, 0)
        return None if result is NO_VALUE else result

    def condition(self, name: str) -> bool | Unknown:
        """Evaluate the named condition; Unknown when it depends on something unresolvable."""
        if name in self._cond_cache:
            return self._cond_cache[name]
        key = "Condition:" + name
        if name not in self._conditions:
            self._issue(key, f"condition {name!r} is not defined in Conditions", None)
            return Unknown(f"!Condition {name}", R_UNDEFINED)
        if key in self._in_progress:
            self._issue(
                key,
                f"condition {name!r} refers to itself (a circular condition); "
                "it is treated as unknown",
                line_of(self._conditions, name),
            )
            return Unknown(f"!Condition {name}", R_CYCLE)
        self._in_progress.add(key)
        try:
            result = self._eval_condition(self._conditions[name], 0)
        finally:
            self._in_progress.discard(key)
        self._cond_cache[name] = result
        return result

    # -- resolution ---------------------------------------------------------------------------

    def _issue(
        self, key: str, message: str, line: int | None, *, kind: IssueKind = IssueKind.UNRESOLVED
    ) -> None:
        if key in self._reported:
            return
        self._reported.add(key)
        self.issues.append(LoadIssue(kind, message, Location(self.file, line)))

    def _too_deep(self, value: Any) -> Unknown:
        self._issue(
            "depth",
            f"values nest deeper than {MAX_INTRINSIC_DEPTH} intrinsic functions or "
            f"{MAX_STRUCTURE_DEPTH} levels; the deepest parts are treated as unknown",
            line_of(value),
        )
        return Unknown(render(value)[:200], R_DEPTH)

    def _too_long(self, node: Any, length: int) -> Unknown:
        """The Unknown (and one issue) for an intrinsic whose string outgrew the budget."""
        self._issue(
            "too-long",
            f"an intrinsic function builds a string of {length} characters, over the "
            f"{MAX_STRING_CHARS}-character budget (nested Fn::Sub variable maps?); such values "
            "are treated as unknown",
            line_of(node),
            kind=IssueKind.BUDGET,
        )
        return Unknown(render(node)[:200], R_TOO_LONG)

    def _resolve(self, value: Any, depth: int, fn_depth: int) -> Any:
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        if depth > MAX_STRUCTURE_DEPTH or fn_depth > MAX_INTRINSIC_DEPTH:
            return self._too_deep(value)
        if isinstance(value, dict):
            if _is_intrinsic(value):
                key, arg = next(iter(value.items()))
                return self._intrinsic(value, key, arg, depth + 1, fn_depth + 1)
            result = YamlMap(getattr(value, "line", None))
            key_lines = getattr(value, "key_lines", {})
            for key, item in value.items():
                resolved = self._resolve(item, depth + 1, fn_depth)
                if resolved is NO_VALUE:
                    continue
                result[key] = resolved
                if key in key_lines:
                    result.key_lines[key] = key_lines[key]
            return result
        if isinstance(value, list):
            seq = YamlSeq(getattr(value, "line", None))
            item_lines = getattr(value, "item_lines", [])
            for index, item in enumerate(value):
                resolved = self._resolve(item, depth + 1, fn_depth)
                if resolved is NO_VALUE:
                    continue
                seq.append(resolved)
                seq.item_lines.append(item_lines[index] if index < len(item_lines) else None)
            return seq
        return value  # Unknown, or anything else a caller built

    def _intrinsic(self, node: Any, key: str, arg: Any, depth: int, fn_depth: int) -> Any:
        if key == "Ref":
            return (
                self._ref(arg, node) if isinstance(arg, str) else Unknown(render(node), R_INVALID)
            )
        handler = _HANDLERS.get(key)
        if handler is None:
            reason = R_NOT_FETCHED if key == "Fn::Transform" else R_UNSUPPORTED
            return Unknown(render(node), reason)
        return handler(self, node, arg, depth, fn_depth)

    def _ref(self, name: str, node: Any) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::Region":
            region = self.options.region
            return region if region else Unknown("!Ref AWS::Region", R_PSEUDO)
        if name in _PSEUDO_KNOWN:
            return _PSEUDO_KNOWN[name]
        if name in _PSEUDO_UNKNOWN or name.startswith("AWS::"):
            return Unknown(f"!Ref {name}", R_PSEUDO)
        if name in self._parameters:
            return self._parameter(name)
        if name in self._resources:
            return Unknown(f"!Ref {name}", R_RESOURCE)
        return Unknown(f"!Ref {name}", R_UNDEFINED)

    def _parameter(self, name: str) -> Any:
        if name in self._param_cache:
            return self._param_cache[name]
        spec = self._parameters[name]
        spec = spec if isinstance(spec, dict) else {}
        declared = spec.get("Type")
        kind = declared if isinstance(declared, str) else "String"
        if kind.startswith("AWS::SSM::Parameter::Value"):
            value: Any = Unknown(f"!Ref {name}", R_SSM)
        elif name in self.options.parameters:
            value = self._typed_parameter(kind, self.options.parameters[name])
        elif "Default" in spec:
            value = self._parameter_default(name, spec["Default"], kind)
        else:
            value = Unknown(f"!Ref {name}", R_NO_PARAM_VALUE)
        self._param_cache[name] = value
        return value

    def _parameter_default(self, name: str, default: Any, kind: str) -> Any:
        if isinstance(default, dict):
            # Not valid CloudFormation, but hostile templates do it: resolve with cycle guard.
            key = "Parameter:" + name
            if key in self._in_progress:
                self._issue(
                    key,
                    f"parameter {name!r} refers to itself through its Default (a circular "
                    "reference); it is treated as unknown",
                    line_of(self._parameters, name),
                )
                return Unknown(f"!Ref {name}", R_CYCLE)
            self._in_progress.add(key)
            try:
                resolved = self._resolve(default, 0, 1)
            finally:
                self._in_progress.discard(key)
            return resolved
        if isinstance(default, list):
            return [_scalar_text(item) or "" for item in default]
        text = _scalar_text(default)
        return self._typed_parameter(kind, text if text is not None else "")

    @staticmethod
    def _typed_parameter(kind: str, text: str) -> Any:
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            return [item.strip() for item in text.split(",")] if text else []
        return text

    # -- conditions ---------------------------------------------------------------------------

    def _eval_condition(self, expr: Any, depth: int) -> bool | Unknown:
        if isinstance(expr, bool):
            return expr
        if depth > MAX_INTRINSIC_DEPTH:
            return self._too_deep(expr)
        if isinstance(expr, dict) and len(expr) == 1:
            key, arg = next(iter(expr.items()))
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if key == "Fn::Equals":
                return self._equals(expr, arg, depth)
            if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
                inner = self._eval_condition(arg[0], depth + 1)
                return inner if isinstance(inner, Unknown) else not inner
            if key in ("Fn::And", "Fn::Or") and isinstance(arg, list) and arg:
                return self._combine(expr, key == "Fn::And", arg, depth)
        return Unknown(render(expr), R_INVALID)

    def _equals(self, expr: Any, arg: Any, depth: int) -> bool | Unknown:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown(render(expr), R_INVALID)
        left = self._resolve(arg[0], depth + 1, depth + 1)
        right = self._resolve(arg[1], depth + 1, depth + 1)
        for side in (left, right):
            if isinstance(side, Unknown):
                return Unknown(render(expr), side.reason)
        left_text, right_text = _scalar_text(left), _scalar_text(right)
        if left_text is not None and right_text is not None:
            return left_text == right_text
        return bool(left == right)

    def _combine(self, expr: Any, is_and: bool, args: list[Any], depth: int) -> bool | Unknown:
        unknown: Unknown | None = None
        for item in args:
            value = self._eval_condition(item, depth + 1)
            if isinstance(value, Unknown):
                unknown = unknown or value
            elif value is not is_and:  # a False in And, a True in Or decides
                return value
        if unknown is not None:
            return Unknown(render(expr), unknown.reason)
        return is_and

    # -- functions ----------------------------------------------------------------------------

    def _fn_if(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            return Unknown(render(node), R_INVALID)
        decided = self.condition(arg[0])
        if isinstance(decided, Unknown):
            return Unknown(render(node), f"{R_CONDITION} {arg[0]}")
        return self._resolve(arg[1] if decided else arg[2], depth, fn_depth)

    def _fn_getatt(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            attribute = self._resolve(arg[1], depth, fn_depth)
            if isinstance(attribute, str):
                return Unknown(f"!GetAtt {arg[0]}.{attribute}", R_ATTRIBUTE)
        parts = _getatt_parts(arg)
        if parts is None:
            return Unknown(render(node), R_INVALID)
        return Unknown(f"!GetAtt {parts[0]}.{parts[1]}", R_ATTRIBUTE)

    def _fn_sub(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        variables: Mapping[str, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text = arg[0]
            resolved_vars = self._resolve(arg[1], depth, fn_depth)
            variables = resolved_vars if isinstance(resolved_vars, dict) else {}
        else:
            text = arg
        if not isinstance(text, str):
            return Unknown(render(node), R_INVALID)
        reasons: list[str] = []

        def substitute(match: re.Match[str]) -> str:
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            name = inner.strip()
            if name in variables:
                value = variables[name]
                text = placeholder(value, name)
            elif "." in name and not name.startswith("AWS::"):
                resource, _, attribute = name.partition(".")
                value = Unknown(f"!GetAtt {resource}.{attribute}", R_ATTRIBUTE)
                text = match.group(0)
            else:
                value = self._ref(name, None)
                text = match.group(0)
            if isinstance(value, Unknown):
                reasons.append(value.reason)
                return text
            scalar = _scalar_text(value)
            if scalar is None:  # a list or map cannot be substituted into a string
                reasons.append(R_INVALID)
                return text
            return scalar

        # Each ${} adds at most the longest variable: bound the result before building it.
        longest = max((len(v) for v in variables.values() if isinstance(v, str)), default=0)
        estimate = len(text) + longest * text.count("${")
        if estimate > MAX_STRING_CHARS:
            return self._too_long(node, estimate)
        result = _SUB_VAR.sub(substitute, text)
        if reasons:
            return Unknown("!Sub " + result, _join_reasons(reasons))
        return result

    def _fn_join(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown(render(node), R_INVALID)
        delimiter = self._resolve(arg[0], depth, fn_depth)
        items = self._resolve(arg[1], depth, fn_depth)
        if isinstance(items, Unknown):
            return Unknown(render(node), items.reason)
        if not isinstance(delimiter, str) or not isinstance(items, list):
            return Unknown(render(node), R_INVALID)
        reasons: list[str] = []
        parts: list[str] = []
        for item in items:
            if isinstance(item, Unknown):
                reasons.append(item.reason)
                parts.append(placeholder(item, None))
                continue
            scalar = _scalar_text(item)
            if scalar is None:
                reasons.append(R_INVALID)
                parts.append(_dumps(item))
            else:
                parts.append(scalar)
        length = sum(map(len, parts)) + len(delimiter) * max(len(parts) - 1, 0)
        if length > MAX_STRING_CHARS:
            return self._too_long(node, length)
        joined = delimiter.join(parts)
        return Unknown("!Join " + joined, _join_reasons(reasons)) if reasons else joined

    def _fn_select(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown(render(node), R_INVALID)
        index = self._resolve(arg[0], depth, fn_depth)
        items = self._resolve(arg[1], depth, fn_depth)
        for part in (index, items):
            if isinstance(part, Unknown):
                return Unknown(render(node), part.reason)
        try:
            position = int(index)
        except (TypeError, ValueError):
            return Unknown(render(node), R_INVALID)
        if not isinstance(items, list) or not 0 <= position < len(items):
            return Unknown(render(node), R_INVALID)
        return items[position]

    def _fn_split(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown(render(node), R_INVALID)
        delimiter = self._resolve(arg[0], depth, fn_depth)
        text = self._resolve(arg[1], depth, fn_depth)
        if isinstance(text, Unknown):
            return Unknown(render(node), text.reason)
        if not isinstance(delimiter, str) or not delimiter or not isinstance(text, str):
            return Unknown(render(node), R_INVALID)
        return text.split(delimiter)

    def _fn_find_in_map(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            return Unknown(render(node), R_INVALID)
        keys = [self._resolve(item, depth, fn_depth) for item in arg[:3]]
        for key in keys:
            if isinstance(key, Unknown):
                return Unknown(render(node), key.reason)
        texts = [_scalar_text(key) for key in keys]
        table: Any = self._mappings
        for text in texts:
            table = table.get(text) if isinstance(table, dict) and text is not None else None
            if table is None:
                break
        if table is None:
            options = arg[3] if len(arg) == 4 and isinstance(arg[3], dict) else {}
            if "DefaultValue" in options:
                return self._resolve(options["DefaultValue"], depth, fn_depth)
            return Unknown(render(node), R_MAPPING)
        return self._resolve(table, depth, fn_depth)

    def _fn_import(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        name = self._resolve(arg, depth, fn_depth)
        if isinstance(name, str):
            return Unknown(f"!ImportValue {name}", R_IMPORT)
        return Unknown(render(node), R_IMPORT)

    def _fn_base64(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        text = self._resolve(arg, depth, fn_depth)
        if isinstance(text, str):
            return base64.b64encode(text.encode("utf-8")).decode("ascii")
        return Unknown(render(node), text.reason if isinstance(text, Unknown) else R_INVALID)

    def _fn_length(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        items = self._resolve(arg, depth, fn_depth)
        if isinstance(items, list):
            return len(items)
        return Unknown(render(node), items.reason if isinstance(items, Unknown) else R_INVALID)

    def _fn_to_json(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        value = self._resolve(arg, depth, fn_depth)
        reasons: list[str] = []
        _find_unknown_reasons(value, reasons, 0)
        if reasons:
            return Unknown(render(node), _join_reasons(reasons))
        return json.dumps(value, separators=(",", ":"))

    def _fn_condition(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        # Fn::Equals/And/Or/Not outside Conditions (Rules, or the language extensions).
        return self._eval_condition(node, fn_depth)

    def _fn_unknown(self, node: Any, arg: Any, depth: int, fn_depth: int) -> Any:
        return Unknown(render(node), _UNKNOWN_REASONS.get(next(iter(node)), R_UNSUPPORTED))


def placeholder(value: Any, name: str | None = None) -> str:
    """The ``${...}`` text standing for an unresolved part of a Sub or Join.

    ``!Ref X`` becomes ``${X}`` and ``!GetAtt X.Arn`` becomes ``${X.Arn}``, as a Sub would
    write them; other Unknowns keep ``${name}`` when there is one, else their expression.
    """
    if isinstance(value, Unknown):
        expr = value.expression
        for prefix in ("!Ref ", "!GetAtt "):
            if expr.startswith(prefix) and " " not in expr[len(prefix) :]:
                return "${" + expr[len(prefix) :] + "}"
        if name is None:
            return "${" + expr + "}"
    return "${" + (name or "?") + "}"


def _join_reasons(reasons: list[str]) -> str:
    return "; ".join(dict.fromkeys(reasons))


def _find_unknown_reasons(value: Any, reasons: list[str], depth: int) -> None:
    if isinstance(value, Unknown):
        reasons.append(value.reason)
    elif depth < MAX_STRUCTURE_DEPTH and isinstance(value, dict):
        for item in value.values():
            _find_unknown_reasons(item, reasons, depth + 1)
    elif depth < MAX_STRUCTURE_DEPTH and isinstance(value, list):
        for item in value:
            _find_unknown_reasons(item, reasons, depth + 1)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


_UNKNOWN_REASONS: Final = {
    "Fn::GetAZs": "availability zones of the deploy region",
    "Fn::Cidr": R_UNSUPPORTED,
    "Fn::ForEach": R_NOT_FETCHED,
}

_HANDLERS: Final = {
    "Fn::If": Resolver._fn_if,
    "Fn::GetAtt": Resolver._fn_getatt,
    "Fn::Sub": Resolver._fn_sub,
    "Fn::Join": Resolver._fn_join,
    "Fn::Select": Resolver._fn_select,
    "Fn::Split": Resolver._fn_split,
    "Fn::FindInMap": Resolver._fn_find_in_map,
    "Fn::ImportValue": Resolver._fn_import,
    "Fn::Base64": Resolver._fn_base64,
    "Fn::Length": Resolver._fn_length,
    "Fn::ToJsonString": Resolver._fn_to_json,
    "Fn::Equals": Resolver._fn_condition,
    "Fn::And": Resolver._fn_condition,
    "Fn::Or": Resolver._fn_condition,
    "Fn::Not": Resolver._fn_condition,
    "Fn::GetAZs": Resolver._fn_unknown,
    "Fn::Cidr": Resolver._fn_unknown,
    "Fn::ForEach": Resolver._fn_unknown,
}
