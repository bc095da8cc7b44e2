"""PDM lockfiles (``pdm.lock``).

Each ``[[package]]`` table is one release; PDM repeats a release once per set of extras, and
those repeats are merged. ``groups`` (lock format 4.4+) marks development-only packages: a
package outside the ``default`` group is only installed for development. Dependencies are
PEP 508 strings, from which parents are derived. Direct dependencies are not recorded, but a
package that nothing depends on is there only because the project asks for it: it is direct;
otherwise ``direct`` is unknown.

Lines point at the ``name =`` key of each ``[[package]]`` table.
"""

from __future__ import annotations

from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._graph import parent_names
from faasguard.deps.manifests._merge import merge_releases
from faasguard.deps.manifests._shape import as_str, str_list
from faasguard.deps.manifests._toml_lock import read_toml_packages
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    SourceKind,
)

_SOURCE_KEYS: tuple[tuple[str, SourceKind], ...] = (
    ("git", "vcs"),
    ("url", "url"),
    ("path", "path"),
)


class PdmLockReader(ManifestReader):
    """Reads ``pdm.lock``."""

    kind = "pdm.lock"
    ecosystem = "PyPI"
    filenames = ("pdm.lock",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a PDM lockfile.

        Args:
            source: The lockfile.

        Returns:
            One dependency per locked release.

        Raises:
            ManifestParseError: Invalid TOML or a ``package`` key that is not an array.
        """
        path = source.path
        packages = read_toml_packages(path, source.text)
        entries, names, by_name = packages.entries, packages.names, packages.by_name
        edges = {
            index: [
                target
                for requirement in str_list(entries[index].get("dependencies"))
                for target in by_name.get(_requirement_name(requirement), [])
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
                    extras=_pypi.canonical_extras(str_list(entry.get("extras"))),
                    markers=as_str(entry.get("marker")),
                    source=_source(entry),
                    unpinned=version is None,
                    parents=parents.get(index, ()),
                )
            )
        return ManifestResult(
            path, "PyPI", self.kind, tuple(merge_releases(dependencies)), (), packages.warnings
        )


def _requirement_name(requirement: str) -> str:
    """Canonical name of a PEP 508 string; an unparseable one links to nothing."""
    try:
        return _pypi.canonical(Requirement(requirement).name)
    except InvalidRequirement:
        return ""


def _dev(entry: dict[str, Any]) -> bool | None:
    if "groups" not in entry:
        return None  # lock format before 4.4 does not say
    return "default" not in str_list(entry.get("groups"))


def _source(entry: dict[str, Any]) -> SourceKind:
    return next((kind for key, kind in _SOURCE_KEYS if key in entry), "registry")
