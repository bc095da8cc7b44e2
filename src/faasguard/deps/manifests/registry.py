"""The explicit list of manifest readers and the dispatcher that picks one by file name.

Readers are listed in a literal tuple (nothing registers itself at import time); the first
reader whose exact names or patterns match a file's basename handles it. ``setup.py``,
``setup.cfg`` and other executable or build-time formats are deliberately absent: a scan never
runs project code, and their dependencies cannot be known without running it.
"""

from __future__ import annotations

import fnmatch
import posixpath
from pathlib import Path

from faasguard.deps.manifests.interface import (
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ReaderMemo,
    ReadFn,
    UnsupportedManifestError,
)
from faasguard.deps.manifests.package_json import PackageJsonReader
from faasguard.deps.manifests.package_lock import NpmShrinkwrapReader, PackageLockReader
from faasguard.deps.manifests.pdm_lock import PdmLockReader
from faasguard.deps.manifests.pipfile_lock import PipfileLockReader
from faasguard.deps.manifests.pnpm_lock import PnpmLockReader
from faasguard.deps.manifests.poetry_lock import PoetryLockReader
from faasguard.deps.manifests.pylock import PylockReader
from faasguard.deps.manifests.pyproject import PyprojectReader
from faasguard.deps.manifests.requirements import RequirementsReader
from faasguard.deps.manifests.uv_lock import UvLockReader
from faasguard.deps.manifests.yarn_lock import YarnLockReader

READERS: tuple[type[ManifestReader], ...] = (
    RequirementsReader,
    PoetryLockReader,
    PipfileLockReader,
    UvLockReader,
    PdmLockReader,
    PylockReader,
    PyprojectReader,
    PackageLockReader,
    NpmShrinkwrapReader,
    YarnLockReader,
    PnpmLockReader,
    PackageJsonReader,
)
"""Every supported format, in dispatch order."""

MANIFEST_FILENAMES: frozenset[str] = frozenset(
    name for reader in READERS for name in reader.filenames
)
"""Exact basenames that are manifests (``poetry.lock``, ``package-lock.json``...)."""

MANIFEST_PATTERNS: tuple[str, ...] = tuple(
    pattern for reader in READERS for pattern in reader.patterns
)
"""Lower-case ``fnmatch`` patterns for families of names (``requirements*.txt``...)."""


def reader_for(name: str) -> type[ManifestReader] | None:
    """The reader for a file, chosen by its basename.

    Args:
        name: File name or POSIX path.

    Returns:
        The reader class, or ``None`` when the file is not a supported manifest.
    """
    basename = posixpath.basename(name.replace("\\", "/"))
    for reader in READERS:
        if basename in reader.filenames:
            return reader
    lowered = basename.lower()
    for reader in READERS:
        if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in reader.patterns):
            return reader
    return None


def is_manifest(name: str) -> bool:
    """Whether a file name or path is a manifest some reader handles."""
    return reader_for(name) is not None


def parse_manifest(
    path_rel: str, *, root: Path, read: ReadFn, memo: ReaderMemo | None = None
) -> ManifestResult:
    """Read and parse one manifest inside the scan root.

    Args:
        path_rel: POSIX path of the manifest relative to the scan root.
        root: The scan root; includes are confined to it.
        read: Reads a file by root-relative path, refusing anything outside the root (see
            :func:`faasguard.deps.manifests.reading.root_reader`).
        memo: per-scan shared work and budgets (see :class:`ReaderMemo`); None parses alone.

    Returns:
        The dependencies found, with warnings about skipped parts.

    Raises:
        UnsupportedManifestError: No reader handles this file name.
        ManifestParseError: The path leaves the root, the file cannot be read, or its content
            is not valid for its format.
    """
    parts = path_rel.split("/")
    if not path_rel or path_rel.startswith("/") or "\\" in path_rel or ".." in parts:
        raise ManifestParseError(path_rel, None, "manifest path must be relative to the scan root")
    reader = reader_for(path_rel)
    if reader is None:
        raise UnsupportedManifestError(path_rel, None, "not a supported manifest format")
    try:
        text = read(path_rel)
    except (OSError, ValueError) as exc:
        raise ManifestParseError(path_rel, None, f"cannot read: {exc}") from exc
    return reader().parse(ManifestSource(path_rel, text, root, read, memo))
