"""PEP 751 lockfiles (``pylock.toml`` and ``pylock.<name>.toml``).

Each ``[[packages]]`` table is one release. ``version`` is optional for VCS, directory and
archive sources, whose releases are then unpinned. Which packages are direct or
development-only is expressed only through markers over ``extras``/``dependency_groups``,
which are kept in :attr:`Dependency.markers` rather than guessed at, so both stay ``None``.
Parents come from each package's ``dependencies`` references.

Lines point at the ``name =`` key of each ``[[packages]]`` table.
"""

from __future__ import annotations

from typing import Any

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._graph import parent_names
from faasguard.deps.manifests._shape import as_dict, as_str, dict_list
from faasguard.deps.manifests._toml_lock import read_toml_packages
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    SourceKind,
)


class PylockReader(ManifestReader):
    """Reads ``pylock.toml`` and named ``pylock.<name>.toml`` files."""

    kind = "pylock.toml"
    ecosystem = "PyPI"
    filenames = ("pylock.toml",)
    patterns = ("pylock.*.toml",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a PEP 751 lockfile.

        Args:
            source: The lockfile.

        Returns:
            One dependency per ``[[packages]]`` table.

        Raises:
            ManifestParseError: Invalid TOML or a ``packages`` key that is not an array.
        """
        path = source.path
        packages = read_toml_packages(path, source.text, "packages")
        entries, names, by_name = packages.entries, packages.names, packages.by_name
        edges = {
            index: [
                target
                for reference in dict_list(entries[index].get("dependencies"))
                for target in by_name.get(_pypi.canonical(as_str(reference.get("name")) or ""), [])
                if as_str(reference.get("version")) in (None, entries[target].get("version"))
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
                    markers=as_str(entry.get("marker")),
                    source=_source(entry),
                    unpinned=version is None,
                    parents=parents.get(index, ()),
                )
            )
        return ManifestResult(path, "PyPI", self.kind, tuple(dependencies), (), packages.warnings)


def _source(entry: dict[str, Any]) -> SourceKind | None:
    """The PEP 751 source table present: vcs, directory, archive, or sdist/wheels."""
    if "vcs" in entry:
        return "vcs"
    if "directory" in entry:
        return "path"
    if "archive" in entry:
        archive = as_dict(entry.get("archive"))
        return "url" if "url" in archive else "path"
    if "sdist" in entry or "wheels" in entry or "index" in entry:
        return "registry"
    return None
