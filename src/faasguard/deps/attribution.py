"""Which manifests, lockfiles and build artifacts belong to which function.

A function ships what its code root holds (SAM ``CodeUri``, a Serverless service folder), plus
manifests shared at the application root when its own folder has none for its runtime's
ecosystem. When a build folder (``.aws-sam/build/<Function>/``) or deployment zip
(``.serverless/<service>.zip``, ``.serverless/<function>.zip``) is present, what it really
contains wins over what the lockfiles say should be installed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from faasguard.deps.artifacts import ArtifactContents, read_build_dir, read_zip
from faasguard.deps.manifests import (
    Dependency,
    ManifestParseError,
    ManifestResult,
    parse_manifest,
    root_reader,
)
from faasguard.fs import ScanFS
from faasguard.loaders.handlers import find_manifests
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.model import Application, Function, Location, Unknown

__all__ = ["LOCK_KINDS", "FunctionShipment", "ManifestCache", "shipment_for"]

#: Manifest kinds that pin the whole resolved tree.
LOCK_KINDS = frozenset(
    {
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "pylock.toml",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
    }
)


def ecosystems_of(runtime: object) -> frozenset[str]:
    """The package ecosystems a runtime can load (both when the runtime is unknown)."""
    if isinstance(runtime, str):
        if runtime.startswith("python"):
            return frozenset({"PyPI"})
        if runtime.startswith("nodejs"):
            return frozenset({"npm"})
        return frozenset()
    return frozenset({"PyPI", "npm"})


class ManifestCache:
    """Parses each manifest once per scan and remembers its problems as load issues."""

    def __init__(self, fs: ScanFS) -> None:
        self._fs = fs
        self._read = root_reader(fs.root, max_bytes=fs.max_file_bytes)
        self._results: dict[str, ManifestResult | None] = {}
        self.issues: list[LoadIssue] = []

    def get(self, rel: str, application: str) -> ManifestResult | None:
        """Return the parsed manifest, or None when it could not be parsed (issue recorded)."""
        if rel in self._results:
            return self._results[rel]
        result: ManifestResult | None
        try:
            result = parse_manifest(rel, root=self._fs.root, read=self._read)
        except ManifestParseError as exc:
            self.issues.append(
                LoadIssue(
                    IssueKind.PARSE_ERROR, exc.reason, Location(exc.file, exc.line), application
                )
            )
            result = None
        else:
            for warning in result.warnings:
                kind = (
                    IssueKind.OUTSIDE_ROOT
                    if warning.code == "include-outside-root"
                    else IssueKind.UNRESOLVED
                )
                self.issues.append(
                    LoadIssue(
                        kind, warning.message, Location(warning.file, warning.line), application
                    )
                )
        self._results[rel] = result
        return result


@dataclass(frozen=True, slots=True)
class FunctionShipment:
    """What one function ships, before vulnerability matching."""

    function: Function
    manifests: tuple[ManifestResult, ...]
    dependencies: tuple[Dependency, ...]
    declared_unpinned: tuple[Dependency, ...]
    artifact: ArtifactContents | None = None
    issues: tuple[LoadIssue, ...] = field(default=())


def _manifest_paths(fs: ScanFS, app: Application, fn: Function) -> tuple[str, ...]:
    own = fn.dependency_manifests or find_manifests(fs, fn.code_root or app.root or ".")
    wanted = ecosystems_of(fn.runtime)
    paths = list(own)
    root = app.root or "."
    if fn.code_root and posixpath.normpath(fn.code_root) != posixpath.normpath(root):
        shared = [
            p
            for p in find_manifests(fs, root)
            if posixpath.dirname(p) == ("" if root == "." else root)
        ]
        paths.extend(p for p in shared if p not in paths)
    return tuple(p for p in paths if _ecosystem_of_name(p) in wanted)


def _ecosystem_of_name(path: str) -> str:
    name = posixpath.basename(path)
    if name in (
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
    ):
        return "npm"
    return "PyPI"


def _artifact(fs: ScanFS, app: Application, fn: Function) -> ArtifactContents | None:
    base = "" if (app.root or ".") == "." else app.root + "/"
    for name in (fn.resource_id, fn.name):
        if name and fs.is_dir(f"{base}.aws-sam/build/{name}"):
            return read_build_dir(fs, f"{base}.aws-sam/build/{name}")
    for name in (fn.name, app.name):
        if fs.exists(f"{base}.serverless/{name}.zip"):
            return read_zip(fs, f"{base}.serverless/{name}.zip")
    return None


def _select(manifests: list[ManifestResult]) -> tuple[list[Dependency], list[Dependency]]:
    """Shipped dependencies and declared-but-unpinned ones, lockfiles winning per folder."""
    locked_dirs = {
        (posixpath.dirname(m.manifest), m.ecosystem) for m in manifests if m.kind in LOCK_KINDS
    }
    shipped: list[Dependency] = []
    unpinned: list[Dependency] = []
    for manifest in manifests:
        folder_locked = (posixpath.dirname(manifest.manifest), manifest.ecosystem) in locked_dirs
        is_lock = manifest.kind in LOCK_KINDS
        for dep in manifest.dependencies:
            if dep.dev:
                continue  # development tools are not deployed with the function
            if is_lock or not folder_locked:
                shipped.append(dep)
            if not is_lock and not folder_locked and dep.unpinned and dep.direct is not False:
                unpinned.append(dep)
    return shipped, unpinned


def shipment_for(
    fs: ScanFS, app: Application, fn: Function, cache: ManifestCache
) -> FunctionShipment:
    """Collect one function's manifests, dependencies and artifact."""
    if fn.package_type == "Image" or (isinstance(fn.runtime, Unknown) and fn.code_root is None):
        return FunctionShipment(fn, (), (), ())
    manifests = [m for m in (cache.get(p, app.name) for p in _manifest_paths(fs, app, fn)) if m]
    shipped, unpinned = _select(manifests)
    artifact = _artifact(fs, app, fn)
    issues = tuple(_artifact_issues(artifact, app.name)) if artifact else ()
    return FunctionShipment(fn, tuple(manifests), tuple(shipped), tuple(unpinned), artifact, issues)


def _artifact_issues(artifact: ArtifactContents, application: str) -> Iterator[LoadIssue]:
    for problem in artifact.problems:
        yield LoadIssue(
            IssueKind.UNSAFE_ARCHIVE,
            f"{problem.message}; refused",
            Location(problem.archive),
            application,
        )
