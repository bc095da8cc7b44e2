"""Yarn 1 lockfiles (``yarn.lock`` with the ``# yarn lockfile v1`` header).

The format is Yarn's own, neither YAML nor JSON, so it is parsed here:

.. code-block:: text

    "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
      version "7.12.13"
      resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#..."
      dependencies:
        "@babel/highlight" "^7.12.13"

An entry's header lists every descriptor (``name@range``) it satisfies, names optionally
quoted and scoped. Indentation is two spaces per level and never deeper than a field map, so
anything else is rejected with its line. Quoted strings are JSON strings.

Dependencies of each entry are descriptors, matched against the headers to link parents. The
lockfile does not list the project's own dependencies, but every descriptor in a header was
requested by someone: one that no entry requests came from ``package.json``, so its entry is
direct. When every descriptor is also requested by a package, directness is unknown. Nothing says
which packages are for development. Lines are exact: the entry's header.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from faasguard.deps.manifests._graph import parent_names
from faasguard.deps.manifests._npm import classify_spec, npm_name, resolved_source, split_descriptor
from faasguard.deps.manifests.interface import Dependency, ManifestParseError

_ATOM = r'"(?:[^"\\]|\\.)*"|[^\s"]+'
_PAIR = re.compile(rf"^({_ATOM})\s+({_ATOM})$")
_MAP_KEY = re.compile(rf"^({_ATOM}):$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_DEP_MAPS = ("dependencies", "optionalDependencies")


@dataclass(slots=True)
class _Entry:
    descriptors: list[str]
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)


def parse_yarn_classic(path: str, text: str) -> list[Dependency]:
    """Parse a Yarn 1 lockfile.

    Args:
        path: Manifest path, for dependencies and errors.
        text: Lockfile text.

    Returns:
        One dependency per entry, in file order.

    Raises:
        ManifestParseError: A line that does not fit the format.
    """
    entries = _entries(path, text)
    by_descriptor = {
        descriptor: index for index, entry in enumerate(entries) for descriptor in entry.descriptors
    }
    edges = {
        index: [
            target
            for map_name in _DEP_MAPS
            for name, range_ in entry.maps.get(map_name, {}).items()
            if (target := by_descriptor.get(f"{name}@{range_}")) is not None
        ]
        for index, entry in enumerate(entries)
    }
    specs = [classify_spec(split_descriptor(entry.descriptors[0])[1]) for entry in entries]
    names = {
        index: specs[index].name or npm_name(split_descriptor(entry.descriptors[0])[0])
        for index, entry in enumerate(entries)
    }
    parents = parent_names(edges, names)
    requested = {
        f"{name}@{range_}"
        for entry in entries
        for map_name in _DEP_MAPS
        for name, range_ in entry.maps.get(map_name, {}).items()
    }
    dependencies: list[Dependency] = []
    for index, entry in enumerate(entries):
        version = entry.fields.get("version")
        source = specs[index].source or "path"
        if source == "registry":
            source = resolved_source(entry.fields.get("resolved"))
        dependencies.append(
            Dependency(
                name=names[index],
                version=version,
                ecosystem="npm",
                manifest=path,
                line=entry.line,
                direct=True if not requested.issuperset(entry.descriptors) else None,
                source=source,
                unpinned=version is None,
                parents=parents.get(index, ()),
            )
        )
    return dependencies


def _entries(path: str, text: str) -> list[_Entry]:
    """Split the file into entries: header, fields, and one level of field maps."""
    entries: list[_Entry] = []
    current_map: dict[str, str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        content = raw.strip()
        if not content or content.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if raw[indent] == "\t":
            raise ManifestParseError(path, number, "tabs are not valid indentation in yarn.lock")
        if indent == 0:
            if not content.endswith(":"):
                raise ManifestParseError(path, number, "expected an entry header ending in ':'")
            entries.append(_Entry(_descriptors(path, number, content[:-1]), number))
            current_map = None
        elif indent == 2 and entries:
            key, value = _pair(path, number, content)
            if value is None:
                current_map = entries[-1].maps.setdefault(key, {})
            else:
                entries[-1].fields[key] = value
                current_map = None
        elif indent == 4 and current_map is not None:
            key, value = _pair(path, number, content)
            if value is None:
                raise ManifestParseError(path, number, "yarn.lock maps do not nest this deep")
            current_map[key] = value
        else:
            raise ManifestParseError(path, number, f"unexpected indentation of {indent} spaces")
    return entries


def _descriptors(path: str, number: int, header: str) -> list[str]:
    """``"a@^1", a@^1.1`` -> ``["a@^1", "a@^1.1"]``.

    Scanned by hand rather than with one regex: alternatives that can both match spaces make a
    regex backtrack quadratically on hostile headers.
    """
    found: list[str] = []
    position = 0
    while True:
        while position < len(header) and header[position].isspace():
            position += 1
        if header.startswith('"', position):
            quoted = _QUOTED.match(header, position)
            if quoted is None:
                raise ManifestParseError(path, number, "unterminated string in entry header")
            found.append(_unquote(path, number, quoted.group()))
            position = quoted.end()
            while position < len(header) and header[position].isspace():
                position += 1
            end = position
        else:
            end = header.find(",", position)
            end = len(header) if end == -1 else end
            found.append(header[position:end].strip())
            position = end
        if not found[-1] or '"' in found[-1]:
            raise ManifestParseError(path, number, f"cannot read entry header {header[:80]!r}")
        if position >= len(header):
            return found
        if header[end] != ",":
            raise ManifestParseError(path, number, f"cannot read entry header {header[:80]!r}")
        position = end + 1


def _pair(path: str, number: int, content: str) -> tuple[str, str | None]:
    """``key value`` -> (key, value); ``key:`` -> (key, None), opening a map."""
    opening = _MAP_KEY.match(content)
    if opening:
        return _unquote(path, number, opening.group(1)), None
    pair = _PAIR.match(content)
    if not pair:
        raise ManifestParseError(path, number, f"expected 'key value', got {content!r}")
    return _unquote(path, number, pair.group(1)), _unquote(path, number, pair.group(2))


def _unquote(path: str, number: int, token: str) -> str:
    if not token.startswith('"'):
        return token
    try:
        return str(json.loads(token))
    except json.JSONDecodeError as exc:
        raise ManifestParseError(path, number, f"invalid quoted string {token}") from exc
