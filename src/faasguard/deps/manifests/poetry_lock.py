"""Poetry lockfiles (``poetry.lock``, lock-version 1.x and 2.x).

Each ``[[package]]`` table is one resolved release. Whether it is a development dependency is
recorded differently over time: ``category = "dev"`` up to Poetry 1.4, nothing at all in
lock-version 2.0 (Poetry 1.5-1.8), and ``groups = [...]`` from Poetry 2. Which packages the
project asks for directly is not recorded (that is ``pyproject.toml``); parents come from each
package's ``[package.dependencies]``, and a package that nothing depends on can only be there
because the project asks for it, so it is direct. Otherwise ``direct`` is unknown.

Lines point at the ``name =`` key of each ``[[package]]`` table (exact unless the file uses
inline arrays, see :func:`toml_entry_lines`).
"""

from __future__ import annotations

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._graph import parent_names
from faasguard.deps.manifests._shape import as_dict, as_str, str_list
from faasguard.deps.manifests._toml_lock import read_toml_packages
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    SourceKind,
)

# [package.source] type -> where the release comes from ("legacy" is a private index).
_SOURCE_TYPES: dict[str, SourceKind] = {
    "git": "vcs",
    "url": "url",
    "file": "path",
    "directory": "path",
    "legacy": "registry",
}


class PoetryLockReader(ManifestReader):
    """Reads ``poetry.lock``."""

    kind = "poetry.lock"
    ecosystem = "PyPI"
    filenames = ("poetry.lock",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a Poetry lockfile.

        Args:
            source: The lockfile.

        Returns:
            One dependency per ``[[package]]`` table.

        Raises:
            ManifestParseError: Invalid TOML or a ``package`` key that is not an array.
        """
        path = source.path
        packages = read_toml_packages(path, source.text)
        entries, names, by_name = packages.entries, packages.names, packages.by_name
        edges = {
            index: [
                target
                for dependency in as_dict(entries[index].get("dependencies"))
                for target in by_name.get(_pypi.canonical(dependency), [])
            ]
            for index in names
        }
        parents = parent_names(edges, names)
        dependencies: list[Dependency] = []
        for index, entry in enumerate(entries):
            if index not in names:
                continue
            version = as_str(entry.get("version"))
            dependencies.append(
                Dependency(
                    name=names[index],
                    version=version,
                    ecosystem="PyPI",
                    manifest=path,
                    line=packages.lines[index],
                    direct=True if index not in parents else None,
                    dev=_dev(entry),
                    markers=as_str(entry.get("markers")),
                    source=_source(entry),
                    unpinned=version is None,
                    parents=parents.get(index, ()),
                )
            )
        return ManifestResult(path, "PyPI", self.kind, tuple(dependencies), (), packages.warnings)


def _dev(entry: dict[str, object]) -> bool | None:
    """Development-only per ``category`` (Poetry < 1.5) or ``groups`` (Poetry >= 2)."""
    category = as_str(entry.get("category"))
    if category is not None:
        return category == "dev"
    groups = str_list(entry.get("groups")) if "groups" in entry else None
    if groups:
        return "main" not in groups
    return None


def _source(entry: dict[str, object]) -> SourceKind:
    source_type = as_str(as_dict(entry.get("source")).get("type"))
    return _SOURCE_TYPES.get(source_type or "", "registry")
