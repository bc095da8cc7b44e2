"""Pipenv lockfiles (``Pipfile.lock``).

JSON with a ``default`` section (runtime) and a ``develop`` section (development); each maps a
package name to its lock entry (``"version": "==1.2.3"``, or ``git``/``path``/``file`` keys for
non-index sources). The lockfile records neither which packages are direct (``Pipfile`` does)
nor parents, so ``direct`` is ``None`` and ``parents`` empty.

Lines are exact: the line of the package's key in its section.
"""

from __future__ import annotations

from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._load import load_json
from faasguard.deps.manifests._shape import as_dict, as_str, str_list
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
    SourceKind,
)

_SECTIONS = (("default", False), ("develop", True))
_VCS_KEYS = ("git", "hg", "svn", "bzr")


class PipfileLockReader(ManifestReader):
    """Reads ``Pipfile.lock``."""

    kind = "Pipfile.lock"
    ecosystem = "PyPI"
    filenames = ("Pipfile.lock",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a Pipenv lockfile.

        Args:
            source: The lockfile.

        Returns:
            Runtime packages, then development packages.

        Raises:
            ManifestParseError: Invalid JSON or not a JSON object.
        """
        path = source.path
        document = load_json(path, source.text)
        if not isinstance(document.data, dict):
            raise ManifestParseError(path, 1, "Pipfile.lock must be a JSON object")
        dependencies: list[Dependency] = []
        warnings: list[ParseWarning] = []
        for section, dev in _SECTIONS:
            for name, value in as_dict(document.data.get(section)).items():
                line = document.line(section, name)
                entry = as_dict(value)
                version, warning = _version(entry)
                if warning:
                    warnings.append(ParseWarning(path, line, "invalid-version", warning))
                dependencies.append(
                    Dependency(
                        name=_pypi.canonical(name),
                        version=version,
                        ecosystem="PyPI",
                        manifest=path,
                        line=line,
                        dev=dev,
                        extras=_pypi.canonical_extras(str_list(entry.get("extras"))),
                        markers=as_str(entry.get("markers")),
                        source=_source(entry),
                        unpinned=version is None,
                    )
                )
        return ManifestResult(path, "PyPI", self.kind, tuple(dependencies), (), tuple(warnings))


def _version(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """The pinned version from ``"version": "==x"``, or a reason it is not usable."""
    raw = as_str(entry.get("version"))
    if raw is None or raw == "*":
        return None, None
    try:
        return _pypi.exact_version(SpecifierSet(raw)), None
    except InvalidSpecifier:
        return None, f"invalid version {raw!r}"


def _source(entry: dict[str, Any]) -> SourceKind:
    if any(key in entry for key in _VCS_KEYS):
        return "vcs"
    file = as_str(entry.get("file"))
    if file is not None:
        return _pypi.url_source(file) if "://" in file else "path"
    if "path" in entry:
        return "path"
    return "registry"
