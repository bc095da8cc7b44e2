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

from faasguard.fs import ScanFS
from faasguard.loaders.handlers import BUILD_DIRS
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.model import Location

__all__ = ["MAX_DEPTH", "Discovery", "TemplateRef", "classify", "discover"]

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


#: Folders nested deeper than this below the scan root are not searched (and say so).
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Discovery:
    """The templates found, and what was deliberately not searched or read."""

    templates: tuple[TemplateRef, ...]
    issues: tuple[LoadIssue, ...] = ()


def discover(fs: ScanFS, *, exclude: Iterable[str] = ()) -> Discovery:
    """Return the templates under the scan root, sorted by path.

    The walk is iterative (no recursion limit to hit on a hostile, deeply nested tree), does not
    follow directory symlinks (no loops), and reports what it refuses: folders past
    :data:`MAX_DEPTH`, and template-like files that are symlinks out of the root.

    Args:
        fs: the confined scan root.
        exclude: glob patterns (matched against POSIX paths relative to the root, and against
            each folder name) of files and folders to skip.
    """
    patterns = tuple(exclude)
    found: list[TemplateRef] = []
    issues: list[LoadIssue] = []
    if fs.root.is_file():  # ``faasguard scan template.yaml``
        return Discovery(())
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel_dir, depth = stack.pop()
        try:
            entries = sorted(os.scandir(fs.root / rel_dir), key=lambda e: e.name)
        except OSError:
            continue
        in_cdk_out = rel_dir.rsplit("/", 1)[-1] == "cdk.out"
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                if in_cdk_out or _skip_dir(entry.name, rel_dir, patterns):
                    continue
                if depth + 1 > MAX_DEPTH:
                    issues.append(
                        LoadIssue(
                            IssueKind.UNSUPPORTED,
                            f"folder nested more than {MAX_DEPTH} levels deep; it was not searched",
                            Location(rel),
                        )
                    )
                    continue
                stack.append((rel, depth + 1))
                continue
            if _excluded(rel, patterns) or _is_dir_link(entry):
                continue
            loader = _loader_for(fs, rel, entry.name, in_cdk_out=in_cdk_out)
            if loader:
                found.append(TemplateRef(rel, loader))
            elif entry.is_symlink() and _template_like(entry.name):
                refused = fs.refusal(rel)
                if refused is not None:
                    issues.append(issue_from_error(refused))
    return Discovery(tuple(sorted(found)), tuple(issues))


def _is_dir_link(entry: os.DirEntry[str]) -> bool:
    """True for a symlink to a folder (never followed); a link loop is not a folder."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _template_like(name: str) -> bool:
    """Names that are templates by convention, reported when a symlink hides them."""
    return name.endswith(_CFN_SUFFIXES) and "template" in name.lower()


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
    if not fs.exists(rel):  # outside the root, or not a regular file (a FIFO would block)
        return False
    try:
        with (fs.root / rel).open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return b"AWSTemplateFormatVersion" in head or (
        b"Resources" in head and (b"AWS::" in head or b"Transform" in head)
    )
