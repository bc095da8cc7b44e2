"""Declared npm dependencies in ``package.json`` (ranges only: nothing is resolved here).

``dependencies``, ``optionalDependencies`` and ``devDependencies`` are read; all are direct.
A range pins only when it is one exact version (``1.2.3``, ``=1.2.3``); tags (``latest``), git,
URL and ``file:`` references are unpinned. ``npm:`` aliases report the real package.
``workspace:`` references point at the project's own packages and are not dependencies.
``peerDependencies`` are provided by whoever installs this package, so they are not its own.

Lines are exact: the line of each name's key.
"""

from __future__ import annotations

from faasguard.deps.manifests._load import load_json
from faasguard.deps.manifests._npm import classify_spec, npm_name
from faasguard.deps.manifests._shape import as_dict, as_str
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
)

_SECTIONS = (
    ("dependencies", False),
    ("optionalDependencies", False),
    ("devDependencies", True),
)


class PackageJsonReader(ManifestReader):
    """Reads the declared dependencies of ``package.json``."""

    kind = "package.json"
    ecosystem = "npm"
    filenames = ("package.json",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse the dependency sections of a ``package.json``.

        Args:
            source: The file.

        Returns:
            Dependencies in section order, then file order.

        Raises:
            ManifestParseError: Invalid JSON or not a JSON object.
        """
        path = source.path
        document = load_json(path, source.text, all_keys_depth=2)
        if not isinstance(document.data, dict):
            raise ManifestParseError(path, 1, "package.json must be a JSON object")
        dependencies: list[Dependency] = []
        warnings: list[ParseWarning] = []
        for section, dev in _SECTIONS:
            for name, value in as_dict(document.data.get(section)).items():
                line = document.line(section, name)
                declared = as_str(value)
                if declared is None:
                    warnings.append(
                        ParseWarning(path, line, "invalid-entry", f"{name}: range is not a string")
                    )
                    continue
                spec = classify_spec(declared)
                if spec.source is None:
                    continue  # workspace: the project's own package
                dependencies.append(
                    Dependency(
                        name=spec.name or npm_name(name),
                        version=spec.version,
                        ecosystem="npm",
                        manifest=path,
                        line=line,
                        specifier=spec.range or None,
                        direct=True,
                        dev=dev,
                        source=spec.source,
                        unpinned=spec.version is None,
                    )
                )
        return ManifestResult(path, "npm", self.kind, tuple(dependencies), (), tuple(warnings))
