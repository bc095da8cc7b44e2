"""Find every application under a scan root (monorepos hold many).

Discovery only names candidate files and the loader for each; it parses nothing. Build output
(``node_modules``, ``.aws-sam``, ``.serverless``, ``.terraform``, CDK asset folders) is skipped:
it repeats the sources, and scanning it twice would double every finding. ``cdk.out`` is the one
build folder read, and only for its ``*.template.json`` files: for a CDK app they *are* the
templates.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.handlers import BUILD_DIRS

__all__ = ["TemplateRef", "discover"]

SERVERLESS_NAMES = frozenset(
    {"serverless.yml", "serverless.yaml", "serverless.json", "serverless.ts", "serverless.js"}
)
_CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
#: How much of a file is read to decide whether it is a CloudFormation template.
_SNIFF_BYTES = 64 * 1024
_NOT_TEMPLATES = frozenset(
    {
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "tsconfig.json",
        "pnpm-lock.yaml",
        "composer.json",
        "cdk.json",
        "manifest.json",
        "tree.json",
        "docker-compose.yml",
        "docker-compose.yaml",
        ".pre-commit-config.yaml",
        "mkdocs.yml",
        "samconfig.yaml",
        "samconfig.yml",
        "faasguard.json",
    }
)


@dataclass(frozen=True, slots=True, order=True)
class TemplateRef:
    """A file to load and the loader that reads it."""

    path: str
    loader: str


def discover(fs: ScanFS, *, exclude: Iterable[str] = ()) -> list[TemplateRef]:
    """Return the templates under the scan root, sorted by path.

    Args:
        fs: the confined scan root.
        exclude: glob patterns (matched against POSIX paths relative to the root, and against
            each folder name) of files and folders to skip.
    """
    patterns = tuple(exclude)
    found: list[TemplateRef] = []
    root = fs.root
    if root.is_file():  # ``faasguard scan template.yaml``
        return []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = fs.relpath(Path(dirpath))
        rel_dir = "" if rel_dir == "." else rel_dir
        in_cdk_out = Path(dirpath).name == "cdk.out"
        dirnames[:] = sorted(
            d for d in dirnames if not _skip_dir(d, rel_dir, patterns) and not in_cdk_out
        )
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if _excluded(rel, patterns):
                continue
            loader = _loader_for(fs, rel, name, in_cdk_out=in_cdk_out)
            if loader:
                found.append(TemplateRef(rel, loader))
    return sorted(found)


def classify(fs: ScanFS, rel: str) -> TemplateRef | None:
    """Return the loader for one named file (``faasguard scan path/to/template.yaml``)."""
    name = rel.rsplit("/", 1)[-1]
    loader = _loader_for(fs, rel, name, in_cdk_out=rel.split("/")[-2:-1] == ["cdk.out"])
    if loader is None and name.endswith(_CFN_SUFFIXES):
        loader = "cloudformation"  # the user named it: let the loader say what is wrong
    return TemplateRef(rel, loader) if loader else None


def _skip_dir(name: str, rel_dir: str, patterns: tuple[str, ...]) -> bool:
    if name == "cdk.out":
        return _excluded(f"{rel_dir}/{name}" if rel_dir else name, patterns)
    if name in BUILD_DIRS or name.startswith("."):
        return True
    return _excluded(f"{rel_dir}/{name}" if rel_dir else name, patterns)


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def _loader_for(fs: ScanFS, rel: str, name: str, *, in_cdk_out: bool) -> str | None:
    if in_cdk_out:
        return "cloudformation" if name.endswith(".template.json") else None
    if name in SERVERLESS_NAMES:
        return "serverless"
    if name in _NOT_TEMPLATES or not name.endswith(_CFN_SUFFIXES):
        return None
    return "cloudformation" if _looks_like_cfn(fs, rel) else None


def _looks_like_cfn(fs: ScanFS, rel: str) -> bool:
    """Cheap test on the head of the file: a format version, or resources of AWS types."""
    path = fs.root / rel
    try:
        if path.is_symlink() and not fs.exists(rel):
            return False
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return b"AWSTemplateFormatVersion" in head or (
        b"Resources" in head and (b"AWS::" in head or b"Transform" in head)
    )
