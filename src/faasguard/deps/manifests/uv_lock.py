"""uv lockfiles (``uv.lock``).

``uv.lock`` lists the workspace members too (``source = { editable = "." }`` or
``{ virtual = "." }``): they are the project, so they are not reported, but their dependency
lists tell which packages are direct, and their ``dev-dependencies`` which are development-only
(a package reachable from a member's runtime dependencies is not). Declared ranges come from
the members' ``[package.metadata] requires-dist`` and ``requires-dev``.

Lines point at the ``name =`` key of each ``[[package]]`` table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._graph import dev_flags, parent_names
from faasguard.deps.manifests._shape import as_dict, as_str, dict_list
from faasguard.deps.manifests._toml_lock import read_toml_packages
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    SourceKind,
)

_SOURCE_KEYS: tuple[tuple[str, SourceKind], ...] = (
    ("registry", "registry"),
    ("git", "vcs"),
    ("url", "url"),
    ("path", "path"),
    ("directory", "path"),
)
_MEMBER_KEYS = ("editable", "virtual")


class UvLockReader(ManifestReader):
    """Reads ``uv.lock``."""

    kind = "uv.lock"
    ecosystem = "PyPI"
    filenames = ("uv.lock",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a uv lockfile.

        Args:
            source: The lockfile.

        Returns:
            One dependency per locked package that is not a workspace member.

        Raises:
            ManifestParseError: Invalid TOML or a ``package`` key that is not an array.
        """
        path = source.path
        packages = read_toml_packages(path, source.text)
        entries, names = packages.entries, packages.names
        members = {
            index
            for index in names
            if any(key in as_dict(entries[index].get("source")) for key in _MEMBER_KEYS)
        }
        graph = _Graph(entries, packages.by_name)
        edges = {index: graph.targets(entries[index], dev=False) for index in names}
        prod_roots = {target for member in members for target in edges[member]}
        dev_roots = {
            target for member in members for target in graph.targets(entries[member], dev=True)
        }
        dev = dev_flags(prod_roots=prod_roots, dev_roots=dev_roots, edges=edges)
        specifiers = _declared_specifiers(entries[member] for member in sorted(members))
        reported = {index: name for index, name in names.items() if index not in members}
        parents = parent_names(edges, reported)

        dependencies: list[Dependency] = []
        for index, entry in enumerate(entries):
            if index not in reported:
                continue  # unnamed (warned about) or a workspace member: the project itself
            version = as_str(entry.get("version"))
            is_direct = index in prod_roots or index in dev_roots
            dependencies.append(
                Dependency(
                    name=names[index],
                    version=version,
                    ecosystem="PyPI",
                    manifest=path,
                    line=packages.lines[index],
                    specifier=specifiers.get(names[index]) if is_direct else None,
                    direct=is_direct if members else None,
                    dev=dev.get(index) if members else None,
                    source=_source(entry),
                    unpinned=version is None,
                    parents=parents.get(index, ()),
                )
            )
        return ManifestResult(path, "PyPI", self.kind, tuple(dependencies), (), packages.warnings)


class _Graph:
    """Resolves ``{ name = ..., version = ... }`` references to package indices."""

    def __init__(self, entries: list[dict[str, Any]], by_name: dict[str, list[int]]) -> None:
        self._entries = entries
        self._by_name = by_name

    def targets(self, entry: dict[str, Any], *, dev: bool) -> list[int]:
        """Packages an entry depends on: runtime and extras, or its development groups."""
        if dev:
            groups = as_dict(entry.get("dev-dependencies")).values()
            references = [reference for group in groups for reference in dict_list(group)]
        else:
            extras = as_dict(entry.get("optional-dependencies")).values()
            references = dict_list(entry.get("dependencies"))
            references += [reference for extra in extras for reference in dict_list(extra)]
        return [index for reference in references for index in self._resolve(reference)]

    def _resolve(self, reference: dict[str, Any]) -> list[int]:
        name = as_str(reference.get("name"))
        if name is None:
            return []
        candidates = self._by_name.get(_pypi.canonical(name), [])
        version = as_str(reference.get("version"))
        if version is None:
            return candidates
        return [index for index in candidates if self._entries[index].get("version") == version]


def _declared_specifiers(members: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Declared ranges of the members' direct dependencies, by canonical name."""
    found: dict[str, str] = {}
    for member in members:
        metadata = as_dict(member.get("metadata"))
        requirements = dict_list(metadata.get("requires-dist"))
        for group in as_dict(metadata.get("requires-dev")).values():
            requirements += dict_list(group)
        for requirement in requirements:
            name = as_str(requirement.get("name"))
            specifier = as_str(requirement.get("specifier"))
            if name and specifier:
                found.setdefault(_pypi.canonical(name), specifier)
    return found


def _source(entry: dict[str, Any]) -> SourceKind | None:
    source = as_dict(entry.get("source"))
    return next((kind for key, kind in _SOURCE_KEYS if key in source), None)
