"""Shared by all loaders: find a function's handler file and its dependency manifests.

Lambda's ``Handler`` string means different things per runtime: ``app/handler.main`` or
``app.handler.main`` in Python, ``src/index.handler`` in Node.js (``.js``, ``.mjs``, ``.cjs``,
or ``.ts`` before a bundler). Resolving it once, here, keeps every loader consistent.

Which file names are dependency manifests is decided by the manifest readers' registry
(:mod:`faasguard.deps.manifests.registry`). This module keeps a copy of its names and patterns
instead of importing it: every scan imports this module (discovery needs ``BUILD_DIRS``), while
the registry pulls in every reader and its parsing libraries, which roughly doubles a scan's
start-up imports (about 70 ms) even when dependencies are not analysed; and a loader should not
depend on an analyzer. A test asserts that the copy and the registry agree.

One difference is deliberate: the registry can parse pip-compile inputs (``requirements*.in``),
but they are not what a function ships (the compiled ``requirements.txt`` is), so they are not
manifests here (see ``docs/dependencies.md``).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator

from faasguard.fs import ScanFS

__all__ = [
    "BUILD_DIRS",
    "MANIFEST_NAMES",
    "MANIFEST_PATTERNS",
    "find_manifests",
    "is_manifest_name",
    "resolve_handler",
]

#: Folders that hold build output or vendored code, never the project's own sources.
BUILD_DIRS = frozenset(
    {
        "node_modules",
        ".aws-sam",
        ".serverless",
        "cdk.out",
        ".terraform",
        ".git",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".tox",
        "dist",
        "build",
        ".esbuild",
        ".webpack",
        ".build",
    }
)

#: Exact names of the dependency manifests and lockfiles a reader handles (the registry's
#: ``MANIFEST_FILENAMES``); they are attributed to the functions whose code root holds them.
MANIFEST_NAMES = frozenset(
    {
        "requirements.txt",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "pylock.toml",
        "pyproject.toml",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "package.json",
    }
)
#: Lower-case ``fnmatch`` patterns for families of manifest names, matched against the
#: lower-cased name: the registry's ``MANIFEST_PATTERNS`` except pip-compile inputs.
MANIFEST_PATTERNS = (
    "requirements*.txt",
    "*-requirements.txt",
    "*_requirements.txt",
    "pylock.*.toml",
)

_NODE_EXTENSIONS = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
#: How deep below a code root manifests are looked for (a function's code root is small).
_MANIFEST_DEPTH = 2


def is_manifest_name(name: str) -> bool:
    """Return True when a manifest reader handles the file ``name`` (a basename).

    Matches as the registry's ``is_manifest`` does: exact names case-sensitively, patterns
    against the lower-cased name (``Requirements-Dev.txt`` is a requirements file).
    """
    if name in MANIFEST_NAMES:
        return True
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in MANIFEST_PATTERNS)


def resolve_handler(
    fs: ScanFS, *, code_root: str, handler: str, runtime: str | None
) -> tuple[str | None, str | None]:
    """Return ``(handler_file, handler_function)`` for a Lambda handler string.

    Args:
        fs: the confined scan file system.
        code_root: POSIX folder of the function's code, relative to the scan root.
        handler: the ``Handler`` value as written.
        runtime: the runtime id, used to pick file extensions; guessed from files when None.

    Returns:
        The handler file relative to the scan root when it exists inside the root (else None),
        and the function name (``None`` when the handler string has no dot).
    """
    module, dot, function = handler.rpartition(".")
    if not dot or not module or not function:
        return None, None
    candidates: list[str] = []
    is_python = runtime is None or runtime.startswith("python")
    is_node = runtime is None or runtime.startswith("nodejs")
    if is_python:
        if "/" in module:
            candidates.append(module + ".py")
        candidates.append(module.replace(".", "/") + ".py")
    if is_node:
        candidates.extend(module + ext for ext in _NODE_EXTENSIONS)
    for candidate in candidates:
        rel = posixpath.normpath(posixpath.join(code_root or ".", candidate))
        if rel.startswith("../") or rel == "..":
            continue
        if fs.exists(rel):
            return rel, function
    return None, function


def find_manifests(fs: ScanFS, code_root: str) -> tuple[str, ...]:
    """Return the dependency manifests under ``code_root`` (sorted POSIX paths).

    Only a couple of levels are searched and build folders are skipped: manifests deeper down
    belong to other functions or to vendored packages. Each folder is walked once per scan
    (:meth:`ScanFS.derived`), however many functions, templates and analyses ask.
    """
    folder = code_root or "."
    if not fs.is_dir(folder):  # confined: a code root that leaves the scan root is not walked
        return ()
    return fs.derived(("manifests", folder), lambda: tuple(sorted(_walk_manifests(fs, folder, 0))))


def _walk_manifests(fs: ScanFS, folder: str, depth: int) -> Iterator[str]:
    # Below a confined folder, a real (non-symlink) sub-folder is inside the root by
    # construction: no confinement check per folder (it cost a path resolution each).
    if depth > _MANIFEST_DEPTH:
        return
    try:
        # scandir: the entry's type comes with the listing, no stat per entry (a code root of
        # 100,000 empty folders is walked in a fraction of what iterdir + is_dir took).
        with os.scandir(fs.root / folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        rel = posixpath.normpath(posixpath.join(folder, entry.name))
        if entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in BUILD_DIRS and not entry.name.startswith("."):
                yield from _walk_manifests(fs, rel, depth + 1)
        elif is_manifest_name(entry.name):
            yield rel
