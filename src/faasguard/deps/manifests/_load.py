"""Turn manifest text into Python data, with every failure reported as file and line.

The lockfile formats are JSON, TOML and YAML. Their standard parsers give no positions for the
values they return, so this module also records the line of each key that matters (JSON object
keys, YAML mapping keys, TOML ``[[array]]`` table headers) with a cheap scan of the same text.

YAML is loaded with the *safe* loader only: a lockfile is attacker-controlled input and must
never construct arbitrary Python objects.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from faasguard.deps.manifests.interface import ManifestParseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

MAX_MANIFEST_CHARS = 64 * 1024 * 1024
"""Largest manifest accepted. The biggest real lockfiles (huge monorepos) are tens of MB."""

MAX_NESTING = 256
"""Deepest JSON/YAML nesting accepted; real lockfiles stay far below, hostile ones do not."""

_YamlLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
# The C loader is an order of magnitude faster on multi-megabyte pnpm lockfiles; both are safe.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

JsonPath = tuple[str, ...]
"""The object keys leading to a JSON value (arrays are not part of any path we need)."""


def check_size(file: str, text: str) -> str:
    """Reject oversized input and drop a UTF-8 byte-order mark.

    Args:
        file: Manifest path for the error message.
        text: Manifest text.

    Returns:
        The text without a leading BOM (editors on Windows add one; parsers choke on it).

    Raises:
        ManifestParseError: The text is larger than :data:`MAX_MANIFEST_CHARS`.
    """
    if len(text) > MAX_MANIFEST_CHARS:
        raise ManifestParseError(
            file, None, f"file is larger than the {MAX_MANIFEST_CHARS} character limit"
        )
    return text.removeprefix("\ufeff")


# ---------------------------------------------------------------------------------------- JSON

# Strings (so that brackets and colons inside them are ignored) and structure. Anything else
# (numbers, true/false/null, whitespace) is skipped by finditer.
_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]')


@dataclass(frozen=True, slots=True)
class JsonDocument:
    """Parsed JSON plus the line of object keys.

    Attributes:
        data: What ``json.loads`` returned.
        key_lines: Line of each recorded key path (see :func:`load_json`). When a key repeats,
            the last one wins, as it does in ``json.loads``.
    """

    data: Any
    key_lines: dict[JsonPath, int] = field(default_factory=dict)

    def line(self, *path: str) -> int | None:
        """Line of the key at ``path``, or ``None`` if it was not recorded."""
        return self.key_lines.get(path)


def load_json(file: str, text: str, *, all_keys_depth: int = 0) -> JsonDocument:
    """Parse JSON and locate its keys.

    Keys whose value is an object are always recorded (package entries in lockfiles are
    objects); other keys only up to ``all_keys_depth`` (``package.json`` maps names to strings).

    Args:
        file: Manifest path for error messages.
        text: JSON text.
        all_keys_depth: Record keys with scalar values when their path is at most this long.

    Returns:
        The data and key lines.

    Raises:
        ManifestParseError: Invalid JSON, or nesting deeper than :data:`MAX_NESTING`.
    """
    text = check_size(file, text)
    # The scan runs first: it stops hostile nesting with a line number before json.loads would
    # spend its recursion budget on it.
    key_lines = _scan_json_keys(file, text, all_keys_depth)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestParseError(file, exc.lineno, f"invalid JSON: {exc.msg}") from exc
    except RecursionError as exc:  # pragma: no cover - the scan rejects such nesting first
        raise ManifestParseError(file, None, "invalid JSON: nesting too deep") from exc
    return JsonDocument(data, key_lines)


def _scan_json_keys(file: str, text: str, all_keys_depth: int) -> dict[JsonPath, int]:
    """Record key lines with a piece scan; tolerant of invalid JSON (json.loads judges that)."""
    lines: dict[JsonPath, int] = {}
    # One entry per open container: the key it is the value of, or None (array element, root).
    path: list[str | None] = []
    in_object: list[bool] = []
    expect_key = False
    pending: tuple[str, int] | None = None  # key just read (and its offset), value not seen yet
    # Lines are counted lazily, only up to the keys that get recorded: most keys are not.
    counted_to, line = 0, 1
    for match in _JSON_TOKEN.finditer(text):
        piece = match.group()
        if piece == ":":
            continue
        record: JsonPath | None = None
        if piece in "{[":
            key = pending[0] if pending is not None else None
            if pending is not None:
                record = _key_path(path, pending[0])
            path.append(key)
            in_object.append(piece == "{")
            expect_key = piece == "{"
            if len(path) > MAX_NESTING:
                line += text.count("\n", counted_to, match.start())
                raise ManifestParseError(file, line, f"nesting deeper than {MAX_NESTING} levels")
        elif piece in ",}]":
            if pending is not None:
                record = _key_path(path, pending[0])
                if len(record) > all_keys_depth:
                    record = None
            if piece != "," and path:
                path.pop()
                in_object.pop()
            expect_key = piece == "," and bool(in_object) and in_object[-1]
        else:  # a string: a key, or a value that the pending key (if any) still waits past
            if expect_key:
                pending = (_json_string(piece), match.start())
                expect_key = False
            continue
        if record is not None and pending is not None:
            line += text.count("\n", counted_to, pending[1])
            counted_to = pending[1]
            lines[record] = line
        pending = None
    return lines


def _key_path(path: list[str | None], key: str) -> JsonPath:
    """The object keys leading to ``key``, array levels left out."""
    return (*(part for part in path if part is not None), key)


def _json_string(token: str) -> str:
    """Decode a JSON string token; escapes are rare in keys, so avoid json.loads when possible."""
    if "\\" not in token:
        return token[1:-1]
    try:
        value = json.loads(token)
    except json.JSONDecodeError:
        return token[1:-1]
    return str(value)


# ---------------------------------------------------------------------------------------- TOML

_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_TOML_NAME_KEY = re.compile(r"""^\s*name\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?$""")


def load_toml(file: str, text: str) -> dict[str, Any]:
    """Parse TOML, reporting the parser's line on failure.

    Args:
        file: Manifest path for error messages.
        text: TOML text.

    Returns:
        The document as a dict.

    Raises:
        ManifestParseError: Invalid TOML or pathological nesting.
    """
    text = check_size(file, text)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib only puts the position in the message before Python 3.14.
        match = _TOML_ERROR_LINE.search(str(exc))
        line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
        reason = _TOML_ERROR_LINE.sub("", str(exc)).strip()
        raise ManifestParseError(file, line, f"invalid TOML: {reason}") from exc
    except RecursionError as exc:
        raise ManifestParseError(file, None, "invalid TOML: nesting too deep") from exc
    return data


def toml_entry_lines(text: str, table: str, names: list[str]) -> list[int | None]:
    """Find the line of each entry of a TOML array of tables, such as ``[[package]]``.

    Entries are matched to ``[[table]]`` headers by position (TOML keeps array order), then the
    ``name = "..."`` key inside the block is checked against the entry's name. When the headers
    do not line up (inline arrays, headers inside multi-line strings), each name is searched
    for in file order instead. The line is the ``name =`` key, or the header when the table has
    no name key before its first sub-table.

    Args:
        text: TOML text.
        table: Array-of-tables key (``"package"``, ``"packages"``).
        names: The ``name`` of each entry as parsed, in order (``""`` when missing).

    Returns:
        One line per entry, ``None`` where the text does not confirm it.
    """
    lines = text.splitlines()
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]\s*(?:#.*)?$")
    headers = [number for number, line in enumerate(lines, 1) if header.match(line)]
    if len(headers) != len(names):
        return _toml_names_in_order(lines, names)
    found: list[int | None] = []
    for index, start in enumerate(headers):
        end = headers[index + 1] - 1 if index + 1 < len(headers) else len(lines)
        found.append(_toml_block_name_line(lines, start, end, names[index]))
    return found


def _toml_block_name_line(lines: list[str], start: int, end: int, name: str) -> int | None:
    """Line of ``name = ...`` in the block after the header at line ``start``."""
    for number in range(start + 1, end + 1):
        line = lines[number - 1]
        if line.lstrip().startswith("["):
            break
        match = _TOML_NAME_KEY.match(line)
        if match:
            return number if (match.group(1) or match.group(2) or "") == name else None
    return start


def _toml_names_in_order(lines: list[str], names: list[str]) -> list[int | None]:
    """Fallback: the n-th entry named X is on the n-th ``name = "X"`` line."""
    seen: dict[str, list[int]] = {}
    for number, line in enumerate(lines, 1):
        match = _TOML_NAME_KEY.match(line)
        if match:
            seen.setdefault(match.group(1) or match.group(2) or "", []).append(number)
    found: list[int | None] = []
    used: dict[str, int] = {}
    for name in names:
        candidates = seen.get(name, [])
        index = used.get(name, 0)
        found.append(candidates[index] if index < len(candidates) else None)
        used[name] = index + 1
    return found


# ---------------------------------------------------------------------------------------- YAML


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Parsed YAML plus its node tree, which keeps the position of every key.

    Attributes:
        data: The constructed document (plain dicts, lists and scalars).
        node: The root node, ``None`` for an empty document.
    """

    data: Any
    node: yaml.Node | None

    def key_lines(self, *path: str) -> dict[str, int]:
        """Line of each key of the mapping at ``path`` (a chain of mapping keys from the root).

        Args:
            *path: Keys leading to the mapping, as written in the file.

        Returns:
            Key text to 1-based line; empty when the path does not lead to a mapping.
        """
        node = self.node
        for key in path:
            node = _mapping_child(node, key)
        if not isinstance(node, yaml.MappingNode):
            return {}
        return {
            str(key_node.value): key_node.start_mark.line + 1
            for key_node, _ in node.value
            if isinstance(key_node, yaml.ScalarNode)
        }


def _mapping_child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node for ``key`` in a mapping node, if any."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def load_yaml(file: str, text: str) -> YamlDocument:
    """Parse YAML with the safe loader, keeping node positions.

    Args:
        file: Manifest path for error messages.
        text: YAML text.

    Returns:
        The data and its node tree.

    Raises:
        ManifestParseError: Invalid YAML, unsafe tags, several documents, or deep nesting.
    """
    text = check_size(file, text)
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_yaml_tree(file, node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ManifestParseError(file, line, f"invalid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise ManifestParseError(file, None, f"invalid YAML: {exc}") from exc
    except RecursionError as exc:
        raise ManifestParseError(file, None, "invalid YAML: nesting too deep") from exc
    finally:
        loader.dispose()
    return YamlDocument(data, node)


def toml_table_array(file: str, text: str, data: dict[str, Any], key: str) -> list[Any]:
    """The ``[[key]]`` entries of a TOML lockfile (none when the key is absent).

    Args:
        file: Manifest path for error messages.
        text: TOML text, to locate a wrongly typed key.
        data: Parsed document.
        key: Array-of-tables key.

    Returns:
        The entries, in file order.

    Raises:
        ManifestParseError: The key holds something other than an array.
    """
    value = data.get(key, [])
    if isinstance(value, list):
        return value
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    line = next((n for n, row in enumerate(text.splitlines(), 1) if pattern.match(row)), None)
    raise ManifestParseError(file, line, f"'{key}' must be an array of tables")


def _check_yaml_tree(file: str, root: yaml.Node) -> None:
    """Refuse aliases and deep nesting before anything is built from the node tree.

    Lockfile generators never write anchors or aliases. In hostile input they multiply work
    (one entry aliased from thousands of places, "billion laughs"), so a node reached twice,
    which is what an alias is once composed, is an error. The walk is iterative.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise ManifestParseError(
                file, node.start_mark.line + 1, "YAML anchors and aliases are not allowed"
            )
        seen.add(id(node))
        if depth > MAX_NESTING:
            raise ManifestParseError(
                file, node.start_mark.line + 1, f"nesting deeper than {MAX_NESTING} levels"
            )
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
