"""Safe, bounded YAML and JSON reading that keeps line numbers.

Why not ``yaml.safe_load``: it drops line numbers (findings need them), silently keeps the last of
two duplicate keys (a real template loses a whole function that way), turns
``AWSTemplateFormatVersion: 2010-09-09`` into a ``date``, rejects CloudFormation short tags, and
expands alias bombs without limit. Here libyaml (``CSafeLoader``) only *composes* the node graph;
our own constructor builds plain containers with a node budget, a depth cap, duplicate-key
warnings, CloudFormation tags and no Python object tags at all.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from faasguard.errors import ParseError

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "ParsedDocument",
    "YamlMap",
    "YamlSeq",
    "line_of",
    "parse_json",
    "parse_yaml",
]

#: Nesting deeper than this is refused (also stops recursive aliases).
MAX_DEPTH = 200
#: Constructed nodes (aliases counted each time they are expanded) above this are refused.
MAX_NODES = 2_000_000
#: Flow-collection nesting above this is refused before libyaml sees the text (its composer
#: recurses in C and a few megabytes of ``[`` would exhaust the stack).
MAX_FLOW_DEPTH = 1000
#: Warnings kept per file; past it they are counted in one last warning. A 5 MB template of
#: 990,000 duplicate keys once took 2.2 GiB and wrote a 681 MB report.
MAX_WARNINGS = 50

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader with PyYAML's tag resolution done in one call, without its detours.

    libyaml's composer calls back into Python for the tag of every node. PyYAML's resolver
    concatenates two lists of candidates per scalar and checks for path resolvers, which the
    safe loader never has; this does the same lookups directly (per first character, then the
    wildcard ones) and gives quoted scalars their ``str`` tag at once: 10 ms of the 115 ms
    libyaml spends on the 500 SAM templates of the benchmark. The candidates are the safe
    loader's own implicit resolvers, read when each document is parsed.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        resolvers = self.yaml_implicit_resolvers
        self._wildcard = tuple(resolvers.get(None, ()))
        self._by_first = {
            first: (*candidates, *self._wildcard)
            for first, candidates in resolvers.items()
            if first is not None
        }

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:  # plain (unquoted) scalar: its text decides (null, bool, int...)
                for tag, regexp in self._by_first.get(value[:1], self._wildcard):
                    if regexp.match(value):
                        return str(tag)
            return _STR_TAG
        if kind is SequenceNode:
            return _YAML_TAG + "seq"
        return _YAML_TAG + "map"


class YamlMap(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int | None = None) -> None:
        # No ``super().__init__()``: dict's __new__ already made the empty mapping and its
        # __init__ without arguments does nothing. Halves the cost of a map (250 ns to 130 ns);
        # loading the benchmark's 500 SAM templates creates about 50,000 of them.
        self.line = line
        self.key_lines: dict[str, int] = {}


class YamlSeq(list[Any]):
    """A sequence that remembers its own line and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int | None = None) -> None:
        # No ``super().__init__()``, as for YamlMap: list's __new__ made the empty list.
        self.line = line
        self.item_lines: list[int | None] = []


def line_of(container: Any, key: str | int | None = None) -> int | None:
    """Return the line of ``container[key]`` (or of the container itself), when known."""
    if isinstance(container, YamlMap):
        if key is not None and isinstance(key, str) and key in container.key_lines:
            return container.key_lines[key]
        return container.line
    if isinstance(container, YamlSeq):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key] or container.line
        return container.line
    return None


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """A parsed file: its data and the problems that did not stop parsing (duplicate keys)."""

    data: Any
    warnings: tuple[tuple[int | None, str], ...]


_CFN_FUNCTIONS = frozenset(
    {
        "And",
        "Base64",
        "Cidr",
        "Equals",
        "FindInMap",
        "GetAZs",
        "If",
        "ImportValue",
        "Join",
        "Length",
        "Not",
        "Or",
        "Select",
        "Split",
        "Sub",
        "ToJsonString",
        "Transform",
    }
)
_YAML_TAG = "tag:yaml.org,2002:"
_STR_TAG = _YAML_TAG + "str"
_MERGE_TAG = _YAML_TAG + "merge"


@functools.cache
def _scalar_constructor() -> yaml.constructor.SafeConstructor:
    """PyYAML's constructors of bool, int and float scalars, which keep no state.

    One for the process rather than a whole ``SafeLoader("")`` per document (3 us), which was
    also left in reference cycles: 6,000 objects for the collector to find after the SAM
    benchmark's 500 templates.
    """
    return yaml.constructor.SafeConstructor()


class _Builder:
    """Turns a composed node graph into YamlMap/YamlSeq/plain scalars, within budgets."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes = 0
        self.warnings: list[tuple[int | None, str]] = []
        self.unlisted = 0
        self._scalars = _scalar_constructor()

    def build(self, node: Node, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise self._over_budget(node, depth)
        tag = node.tag or ""
        if tag == _STR_TAG and type(node) is ScalarNode:
            # Most nodes are strings: returned before the general dispatch below (see
            # _mapping for the gain). The composer always gives a str value.
            return node.value
        line = node.start_mark.line + 1
        if tag.startswith("!") and not tag.startswith("!!"):
            return self._cfn_tag(node, tag[1:], depth, line)
        if isinstance(node, ScalarNode):
            return self._scalar(node, tag, line)
        if isinstance(node, SequenceNode):
            if tag != _YAML_TAG + "seq":
                raise self._bad_tag(tag, line)
            seq = YamlSeq(line)
            for item in node.value:
                seq.append(self.build(item, depth + 1))
                seq.item_lines.append(item.start_mark.line + 1)
            return seq
        if isinstance(node, MappingNode):
            if tag not in (_YAML_TAG + "map", _YAML_TAG + "omap"):
                raise self._bad_tag(tag, line)
            return self._mapping(node, depth, line)
        raise self._bad_tag(tag, line)

    def _over_budget(self, node: Node, depth: int) -> ParseError:
        """The error for a node over the node budget (checked first) or the depth cap."""
        line = node.start_mark.line + 1
        if self.nodes > MAX_NODES:
            return ParseError(
                self.file,
                line,
                f"document expands to more than {MAX_NODES} "
                "nodes (a YAML alias bomb?); it was not read",
            )
        return ParseError(
            self.file,
            line,
            f"nesting deeper than {MAX_DEPTH} levels (or a recursive alias); it was not read",
        )

    def _bad_tag(self, tag: str, line: int) -> ParseError:
        return ParseError(
            self.file,
            line,
            f"YAML tag {tag!r} is not allowed (only plain YAML "
            "and CloudFormation short tags are read)",
        )

    def _scalar(self, node: ScalarNode, tag: str, line: int) -> Any:
        kind = tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else None
        if kind in ("str", "timestamp", "binary"):
            # Dates stay strings: ``Version: 2012-10-17`` is an IAM policy version, not a date.
            return str(node.value)
        if kind == "null":
            return None
        if kind == "bool":
            return self._scalars.construct_yaml_bool(node)
        if kind == "int":
            return self._scalars.construct_yaml_int(node)
        if kind == "float":
            return self._scalars.construct_yaml_float(node)
        raise self._bad_tag(tag, line)

    def _mapping(self, node: MappingNode, depth: int, line: int) -> YamlMap:
        result = YamlMap(line)
        key_lines = result.key_lines
        merged: list[YamlMap] = []
        child = depth + 1
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_tag == _MERGE_TAG:
                merged.extend(self._merge_sources(value_node, depth))
                continue
            # build() inlined for the usual string key, with its checks in the same order: with
            # the string fast path in build(), the builder's time on the 500 SAM templates of
            # the benchmark went from 82 ms to 55 ms.
            if key_tag == _STR_TAG and type(key_node) is ScalarNode:
                self.nodes += 1
                if self.nodes > MAX_NODES or child > MAX_DEPTH:
                    raise self._over_budget(key_node, child)
                key = key_node.value
            else:
                key = self.build(key_node, child)
                if isinstance(key, (dict, list)):
                    raise ParseError(
                        self.file, key_node.start_mark.line + 1, "a mapping key must be a scalar"
                    )
                key = str(key) if not isinstance(key, str) else key
            key_line = key_node.start_mark.line + 1
            if key in key_lines and len(self.warnings) >= MAX_WARNINGS:
                self.unlisted += 1
            elif key in key_lines:
                self.warnings.append(
                    (
                        key_line,
                        f"duplicate key {key!r} (first at line "
                        f"{key_lines[key]}): the earlier value is "
                        "silently discarded by YAML loaders",
                    )
                )
            result[key] = self.build(value_node, child)
            key_lines[key] = key_line
        for source in merged:  # explicit keys win over merged ones (YAML merge semantics)
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_lines[key] = source.key_lines.get(key, line)
        return result

    def _merge_sources(self, node: Node, depth: int) -> Iterator[YamlMap]:
        value = self.build(node, depth + 1)
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, YamlMap):
                raise ParseError(
                    self.file,
                    node.start_mark.line + 1,
                    "a YAML merge key (<<) needs a mapping or a list of mappings",
                )
            yield source

    def _cfn_tag(self, node: Node, name: str, depth: int, line: int) -> Any:
        if isinstance(node, ScalarNode):
            value: Any = str(node.value)
        elif isinstance(node, SequenceNode):
            value = self.build(
                SequenceNode(_YAML_TAG + "seq", node.value, node.start_mark, node.end_mark), depth
            )
        elif isinstance(node, MappingNode):
            value = self.build(
                MappingNode(_YAML_TAG + "map", node.value, node.start_mark, node.end_mark), depth
            )
        else:  # pragma: no cover - composer yields only these three
            raise self._bad_tag("!" + name, line)
        result = YamlMap(line)
        if name == "Ref":
            result["Ref"] = value
        elif name == "Condition":
            result["Condition"] = value
        elif name == "GetAtt":
            if isinstance(value, str):
                resource, _, attribute = value.partition(".")
                value = [resource, attribute]
            result["Fn::GetAtt"] = value
        elif name in _CFN_FUNCTIONS:
            result["Fn::" + name] = value
        else:
            raise self._bad_tag("!" + name, line)
        result.key_lines[next(iter(result))] = line
        return result


_FLOW_CHARS = re.compile(r"[\[\]{}]")


def _check_flow_depth(text: str, file: str) -> None:
    """Refuse text whose flow collections nest absurdly deep, before libyaml recurses on it."""
    if text.count("[") + text.count("{") < MAX_FLOW_DEPTH:
        return
    depth = 0
    for match in _FLOW_CHARS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise ParseError(
                file,
                line,
                f"flow collections nest deeper than {MAX_FLOW_DEPTH} levels; the file was not read",
            )


def parse_yaml(text: str, file: str) -> ParsedDocument:
    """Parse one YAML document safely.

    Args:
        text: the file's text.
        file: the POSIX path relative to the scan root, for messages.

    Raises:
        ParseError: invalid YAML, several documents, disallowed tags, or over a budget.
    """
    _check_flow_depth(text, file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ParseError(file, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ParseError(file, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ParseError(file, None, "YAML nests too deeply; it was not read") from None
    if node is None:
        return ParsedDocument(None, ())
    builder = _Builder(file)
    data = builder.build(node)
    return ParsedDocument(data, _with_summary(builder.warnings, builder.unlisted))


def _with_summary(
    warnings: list[tuple[int | None, str]], unlisted: int
) -> tuple[tuple[int | None, str], ...]:
    """The warnings kept, and one more counting those left out (see :data:`MAX_WARNINGS`)."""
    if not unlisted:
        return tuple(warnings)
    more = f"{unlisted} more duplicate keys are not listed (at most {MAX_WARNINGS} per file)"
    return (*warnings, (None, more))


def parse_json(text: str, file: str) -> ParsedDocument:
    """Parse JSON strictly, keeping line numbers when the text is also valid YAML.

    The stdlib parser decides validity (YAML would accept ``{"b": }`` as a null); the YAML
    composer then supplies line numbers and duplicate-key lines. For the rare JSON that is not
    YAML (a key over 1024 characters, say) the stdlib result is used without lines.
    """
    _check_flow_depth(text, file)
    warnings: list[tuple[int | None, str]] = []
    unlisted = 0

    def pairs(items: list[tuple[str, Any]]) -> YamlMap:
        nonlocal unlisted
        result = YamlMap(None)
        for key, value in items:
            if key in result and len(warnings) >= MAX_WARNINGS:
                unlisted += 1
            elif key in result:
                warnings.append(
                    (
                        None,
                        f"duplicate key {key!r}: the earlier value is "
                        "silently discarded by JSON loaders",
                    )
                )
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ParseError(
            file, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    except RecursionError:
        raise ParseError(file, None, "JSON nests too deeply; it was not read") from None
    try:
        return parse_yaml(text, file)
    except ParseError:
        return ParsedDocument(data, _with_summary(warnings, unlisted))
