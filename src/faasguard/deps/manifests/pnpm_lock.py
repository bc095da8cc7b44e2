"""pnpm lockfiles (``pnpm-lock.yaml``): lockfile versions 5.x, 6.x and 9.x.

Package keys changed shape between versions, and each may carry a peer-dependency suffix:

* 5.x: ``/name/1.2.3`` or ``/@scope/name/1.2.3``, peers as ``_react@18.2.0``;
* 6.x: ``/name@1.2.3``, peers as ``(react@18.2.0)``;
* 9.x: ``name@1.2.3`` in ``packages`` (metadata) and, with peers, in ``snapshots`` (graph).

Non-registry packages (git, tarballs) have keys that are not ``name@version`` and carry
``name``/``version`` fields instead. A release installed with different peers appears under
several keys; it is reported once.

``importers`` (or, for single-project 5.x/6.x files, the top-level ``dependencies``,
``devDependencies`` and ``optionalDependencies``) give the direct dependencies and their declared
ranges. ``dev`` comes from the package's ``dev`` flag (5.x, 6.x) or, in 9.x, from which
importer sections reach it. ``link:`` references (workspace packages, local folders) are not
packages and are not reported. Lines are exact: the package's key in ``packages``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faasguard.deps.manifests._graph import dev_flags, parent_names
from faasguard.deps.manifests._load import YamlDocument, load_yaml
from faasguard.deps.manifests._merge import merge_releases
from faasguard.deps.manifests._npm import classify_spec, exact_semver, npm_name, split_descriptor
from faasguard.deps.manifests._shape import as_bool, as_dict, as_str
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
    SourceKind,
)

_IMPORTER_SECTIONS = (
    ("dependencies", False),
    ("optionalDependencies", False),
    ("devDependencies", True),
)
_EDGE_MAPS = ("dependencies", "optionalDependencies")

Release = tuple[str, str]
"""A package release: (name, version or reference) with peer suffixes removed."""


@dataclass(frozen=True, slots=True)
class _Layout:
    """How one lockfile version spells package keys."""

    major: int

    def parse_key(self, key: str) -> Release | None:
        """``/name@1.2.3(peer)`` and friends -> ``("name", "1.2.3")``."""
        if self.major >= 6:
            bare = key.removeprefix("/") if self.major < 9 else key
            bare = bare.split("(", 1)[0]
            name, version = split_descriptor(bare)
            return (name, version) if name and version else None
        if not key.startswith("/"):
            return None
        parts = key[1:].split("/")
        count = 3 if key.startswith("/@") else 2
        if len(parts) != count:
            return None
        version = _strip_v5_peers(parts[-1])
        return "/".join(parts[:-1]), version

    def reference(self, name: str, value: str) -> Release | None:
        """Resolve a dependency value (``1.2.3(peer)``, ``real@1.2.3``, ``/real/1.2.3``)."""
        if value.startswith("link:"):
            return None
        if self.major < 6:
            bare = _strip_v5_peers(value)
            if bare.startswith("/"):  # alias or non-default registry path
                return self.parse_key(value)
            return name, bare
        bare = value.split("(", 1)[0]
        if exact_semver(bare) is None and "@" in bare.lstrip("@/"):
            return split_descriptor(bare.removeprefix("/"))  # alias: "real@1.2.3"
        return name, bare


def _strip_v5_peers(version: str) -> str:
    """``18.2.0_react@18.2.0`` -> ``18.2.0``: semver never contains ``_``, peer suffixes do."""
    return version.split("_", 1)[0]


class PnpmLockReader(ManifestReader):
    """Reads ``pnpm-lock.yaml``."""

    kind = "pnpm-lock.yaml"
    ecosystem = "npm"
    filenames = ("pnpm-lock.yaml",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a pnpm lockfile.

        Args:
            source: The lockfile.

        Returns:
            One dependency per locked release.

        Raises:
            ManifestParseError: Invalid YAML, not a mapping, or an unknown lockfile version.
        """
        document = load_yaml(source.path, source.text)
        if not isinstance(document.data, dict):
            raise ManifestParseError(source.path, 1, "pnpm-lock.yaml must be a mapping")
        major = _major(source.path, document)
        reader = _Reader(source.path, document, _Layout(major))
        dependencies = reader.run()
        return ManifestResult(
            source.path, "npm", self.kind, tuple(dependencies), (), tuple(reader.warnings)
        )


def _major(path: str, document: YamlDocument) -> int:
    raw = document.data.get("lockfileVersion")
    try:
        major = int(str(raw).split(".", 1)[0])
    except ValueError:
        major = 0
    if major not in (5, 6, 7, 9):
        line = document.key_lines().get("lockfileVersion", 1)
        raise ManifestParseError(path, line, f"unsupported pnpm lockfileVersion {raw!r}")
    return major


class _Reader:
    def __init__(self, path: str, document: YamlDocument, layout: _Layout) -> None:
        self.path = path
        self.data: dict[str, Any] = document.data
        self.layout = layout
        self.packages = as_dict(self.data.get("packages"))
        self.lines = document.key_lines("packages")
        # 9.x keeps the graph in snapshots; older versions in packages.
        self.graph = as_dict(self.data.get("snapshots")) if layout.major >= 9 else self.packages
        self.warnings: list[ParseWarning] = []

    def release_of(self, key: str) -> Release | None:
        """Identity of the package at a key, from the key or the entry's name/version."""
        parsed = self.layout.parse_key(key)
        if parsed is not None:
            return parsed
        entry = as_dict(self.packages.get(key) or self.graph.get(key))
        name, version = as_str(entry.get("name")), _scalar(entry.get("version"))
        return (name, version) if name and version else None

    def resolve(self, name: str, value: str) -> Release | None:
        """What a dependency value refers to; non-registry values are package keys (5.x/6.x)."""
        for key in (value, f"/{value}"):
            if key in self.packages or key in self.graph:
                return self.release_of(key)
        return self.layout.reference(name, value)

    def run(self) -> list[Dependency]:
        releases = {key: self.release_of(key) for key in self.packages}
        edges: dict[Release, set[Release]] = {}
        for key, entry in self.graph.items():
            origin = self.release_of(key)
            if origin is None:
                continue
            targets = edges.setdefault(origin, set())
            for map_name in _EDGE_MAPS:
                for name, value in as_dict(as_dict(entry).get(map_name)).items():
                    target = self.resolve(name, _scalar(value))
                    if target is not None:
                        targets.add(target)
        direct, prod_roots, dev_roots = self.importers()
        computed_dev = dev_flags(prod_roots=prod_roots, dev_roots=dev_roots, edges=edges)
        names = {release: npm_name(release[0]) for release in releases.values() if release}
        parents = parent_names(edges, names)
        dependencies: list[Dependency] = []
        for key, release in releases.items():
            if release is None:
                self.warnings.append(
                    ParseWarning(
                        self.path,
                        self.lines.get(key),
                        "invalid-entry",
                        f"cannot tell the package name and version of {key!r}",
                    )
                )
                continue
            entry = as_dict(self.packages[key])
            source, version = _source(entry, _scalar(entry.get("version")) or release[1])
            dev = as_bool(entry.get("dev"))
            dependencies.append(
                Dependency(
                    name=names[release],
                    version=version,
                    ecosystem="npm",
                    manifest=self.path,
                    line=self.lines.get(key),
                    specifier=direct.get(release),
                    direct=release in direct,
                    dev=dev if dev is not None else computed_dev.get(release),
                    source=source,
                    unpinned=version is None,
                    parents=parents.get(release, ()),
                )
            )
        return merge_releases(dependencies)

    def importers(self) -> tuple[dict[Release, str | None], set[Release], set[Release]]:
        """Direct releases with their declared ranges, and the production/development roots."""
        importers = as_dict(self.data.get("importers")) or {".": self.data}
        direct: dict[Release, str | None] = {}
        roots: dict[bool, set[Release]] = {False: set(), True: set()}
        for importer in importers.values():
            specifiers = as_dict(as_dict(importer).get("specifiers"))  # 5.x
            for section, dev in _IMPORTER_SECTIONS:
                for name, value in as_dict(as_dict(importer).get(section)).items():
                    entry = as_dict(value)
                    resolved = _scalar(entry.get("version")) if entry else _scalar(value)
                    release = self.resolve(name, resolved)
                    if release is None:
                        continue
                    declared = as_str(entry.get("specifier")) or as_str(specifiers.get(name))
                    direct.setdefault(release, classify_spec(declared).range if declared else None)
                    roots[dev].add(release)
        return direct, roots[False], roots[True]


def _scalar(value: object) -> str:
    """YAML may read a version such as ``1.0`` as a number; versions are text."""
    if isinstance(value, bool) or value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _source(entry: dict[str, Any], version: str) -> tuple[SourceKind, str | None]:
    """Source from ``resolution`` and the exact version, if the release has one."""
    resolution = as_dict(entry.get("resolution"))
    exact = exact_semver(version)
    if as_str(resolution.get("type")) == "git" or "commit" in resolution:
        return "vcs", exact
    if as_str(resolution.get("type")) == "directory" or version.startswith("file:"):
        return "path", exact
    tarball = as_str(resolution.get("tarball"))
    if tarball is not None and not tarball.startswith("file:"):
        return ("vcs" if "codeload.github.com" in tarball else "url"), exact
    if tarball is not None:
        return "path", exact
    return "registry", exact
