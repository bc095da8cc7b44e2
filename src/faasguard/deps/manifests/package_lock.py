"""npm lockfiles: ``package-lock.json`` and ``npm-shrinkwrap.json`` (lockfile versions 1-3).

Versions 2 and 3 describe the installed tree in ``packages``, keyed by install path
(``node_modules/a/node_modules/@scope/b``). Direct dependencies and their declared ranges come
from the entries that declare dependencies without being installed themselves: the root (``""``)
and workspace folders; each declared name is resolved the way Node does (nearest
``node_modules`` walking up), which also finds hoisted packages. The same resolution links every
package to its parents. Aliases (``"x": "npm:real@^1"``) are entries whose ``name`` differs from
their folder: the real name is reported. ``link: true`` entries (workspaces and local folders)
are reported as ``path`` sources with their target's version.

Version 1 nests ``dependencies`` recursively; ``requires`` names are resolved through the
enclosing scopes. It does not list the root's own dependencies, so an entry counts as direct
only when nothing in the lockfile requires it, and is unknown otherwise. Nesting deeper than
:data:`MAX_V1_DEPTH` is not followed.

Lines are exact: the line of the entry's key.
"""

from __future__ import annotations

from typing import Any, ClassVar

from faasguard.deps.manifests._graph import parent_names
from faasguard.deps.manifests._load import JsonDocument, load_json
from faasguard.deps.manifests._npm import NpmSpec, classify_spec, npm_name, resolved_source
from faasguard.deps.manifests._shape import as_bool, as_dict, as_str
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
)

MAX_V1_DEPTH = 64
"""Deepest ``dependencies`` nesting followed in a version 1 lockfile."""

_NODE_MODULES = "node_modules/"
_EDGE_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies")
_DECLARED_FIELDS = (*_EDGE_FIELDS, "devDependencies")


class PackageLockReader(ManifestReader):
    """Reads ``package-lock.json``."""

    kind: ClassVar[str] = "package-lock.json"
    ecosystem = "npm"
    filenames: ClassVar[tuple[str, ...]] = ("package-lock.json",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse an npm lockfile of any version.

        Args:
            source: The lockfile.

        Returns:
            One dependency per installed package (per install path).

        Raises:
            ManifestParseError: Invalid JSON or not a JSON object.
        """
        document = load_json(source.path, source.text)
        if not isinstance(document.data, dict):
            raise ManifestParseError(source.path, 1, f"{self.kind} must be a JSON object")
        warnings: list[ParseWarning] = []
        if as_dict(document.data.get("packages")):
            dependencies = _packages_tree(source.path, document)
        else:
            dependencies = _v1_tree(source.path, document, warnings)
        return ManifestResult(
            source.path, "npm", self.kind, tuple(dependencies), (), tuple(warnings)
        )


class NpmShrinkwrapReader(PackageLockReader):
    """Reads ``npm-shrinkwrap.json``, a published ``package-lock.json``."""

    kind = "npm-shrinkwrap.json"
    filenames = ("npm-shrinkwrap.json",)


# ------------------------------------------------------------------------------ versions 2, 3


def _installed_name(key: str) -> str | None:
    """Package folder of an install path (``node_modules/a/node_modules/@s/b`` -> ``@s/b``)."""
    index = key.rfind(_NODE_MODULES)
    if index == -1 or (index > 0 and key[index - 1] != "/"):
        return None
    return key[index + len(_NODE_MODULES) :] or None


def _resolve(entries: dict[str, dict[str, Any]], start: str, name: str) -> str | None:
    """Node's module resolution: ``start/node_modules/name``, then each enclosing scope."""
    base = start
    while True:
        candidate = f"{base}/{_NODE_MODULES}{name}" if base else f"{_NODE_MODULES}{name}"
        if candidate in entries:
            return candidate
        if not base:
            return None
        cut = base.rfind(f"/{_NODE_MODULES}")
        base = base[:cut] if cut != -1 else ""


def _packages_tree(path: str, document: JsonDocument) -> list[Dependency]:
    entries = {key: as_dict(value) for key, value in as_dict(document.data["packages"]).items()}
    installed = {key: name for key in entries if (name := _installed_name(key)) is not None}
    # Declared (direct) dependencies of the root and of workspace folders.
    direct: dict[str, str] = {}  # install path -> declared range
    for key, entry in entries.items():
        if key in installed:
            continue
        for field in _DECLARED_FIELDS:
            for alias, spec in as_dict(entry.get(field)).items():
                target = _resolve(entries, key, alias)
                if target is not None:
                    direct.setdefault(target, classify_spec(as_str(spec) or "").range)
    names = {key: _real_name(entries, key, folder) for key, folder in installed.items()}
    edges = {
        key: [
            target
            for field in _EDGE_FIELDS
            for alias in as_dict(entries[key].get(field))
            if (target := _resolve(entries, key, alias)) is not None
        ]
        for key in installed
    }
    parents = parent_names(edges, names)
    dependencies: list[Dependency] = []
    for key in installed:
        entry = entries[key]
        is_link = as_bool(entry.get("link")) is True
        locked = entries.get(as_str(entry.get("resolved")) or "", {}) if is_link else entry
        version = as_str(locked.get("version"))
        dependencies.append(
            Dependency(
                name=names[key],
                version=version,
                ecosystem="npm",
                manifest=path,
                line=document.line("packages", key),
                specifier=direct.get(key),
                direct=key in direct,
                dev=as_bool(entry.get("dev")) is True,
                source="path" if is_link else resolved_source(as_str(entry.get("resolved"))),
                unpinned=version is None,
                parents=parents.get(key, ()),
            )
        )
    return dependencies


def _real_name(entries: dict[str, dict[str, Any]], key: str, folder: str) -> str:
    """The package's own name: ``name`` for aliases and links, else its folder."""
    entry = entries[key]
    if as_bool(entry.get("link")) is True:
        entry = entries.get(as_str(entry.get("resolved")) or "", {})
    return npm_name(as_str(entry.get("name")) or folder)


# ----------------------------------------------------------------------------------- version 1


def _v1_tree(path: str, document: JsonDocument, warnings: list[ParseWarning]) -> list[Dependency]:
    nodes: dict[tuple[str, ...], dict[str, Any]] = {}
    order: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [
        (name,) for name in reversed(as_dict(document.data.get("dependencies")))
    ]
    top = as_dict(document.data.get("dependencies"))
    while stack:
        scope = stack.pop()
        parent = nodes[scope[:-1]] if len(scope) > 1 else {"dependencies": top}
        entry = as_dict(as_dict(parent.get("dependencies")).get(scope[-1]))
        nodes[scope] = entry
        order.append(scope)
        children = as_dict(entry.get("dependencies"))
        if children and len(scope) >= MAX_V1_DEPTH:
            warnings.append(
                ParseWarning(
                    path,
                    _v1_line(document, scope),
                    "nesting-too-deep",
                    f"dependencies nested deeper than {MAX_V1_DEPTH} levels are not read",
                )
            )
            continue
        stack.extend((*scope, child) for child in reversed(children))

    edges = {
        scope: [
            target
            for required in as_dict(nodes[scope].get("requires"))
            if (target := _v1_resolve(nodes, scope, required)) is not None
        ]
        for scope in order
    }
    names: dict[tuple[str, ...], str] = {}
    specs: dict[tuple[str, ...], NpmSpec] = {}
    for scope in order:
        spec = classify_spec(as_str(nodes[scope].get("version")) or "")
        specs[scope] = spec
        names[scope] = spec.name or npm_name(scope[-1])
    parents = parent_names(edges, names)
    dependencies: list[Dependency] = []
    for scope in order:
        entry, spec = nodes[scope], specs[scope]
        source = spec.source or "path"
        if source == "registry":
            source = resolved_source(as_str(entry.get("resolved")))
        dependencies.append(
            Dependency(
                name=names[scope],
                version=spec.version,
                ecosystem="npm",
                manifest=path,
                line=_v1_line(document, scope),
                direct=True if not parents.get(scope) else None,
                dev=as_bool(entry.get("dev")) is True,
                source=source,
                unpinned=spec.version is None,
                parents=parents.get(scope, ()),
            )
        )
    return dependencies


def _v1_resolve(
    nodes: dict[tuple[str, ...], dict[str, Any]], scope: tuple[str, ...], name: str
) -> tuple[str, ...] | None:
    """The entry ``name`` means when required from ``scope``: own children first, then up."""
    for depth in range(len(scope), -1, -1):
        candidate = (*scope[:depth], name)
        if candidate in nodes and candidate != scope:
            return candidate
    return None


def _v1_line(document: JsonDocument, scope: tuple[str, ...]) -> int | None:
    keys: list[str] = []
    for name in scope:
        keys += ["dependencies", name]
    return document.line(*keys)
