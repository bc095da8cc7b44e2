"""What a function really ships: packages read from its build output or deployment zip.

Lockfiles say what should be installed; ``.aws-sam/build/<Function>/``, ``.serverless/*.zip``
or a layer zip say what *is*. Archives are read in place with :mod:`zipfile` (never extracted to
disk) and treated as hostile: an entry count cap, a total and per-entry size cap, a compression
ratio cap (zip bombs), and entries with ``..``, absolute paths or symlink modes are refused and
reported. Only package metadata (``*.dist-info/METADATA``, ``node_modules/**/package.json``) is
decompressed, each read bounded; source files are counted by line for the
"your code vs. libraries" figure.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from faasguard.deps.reachability import python_import_names
from faasguard.errors import LoadError
from faasguard.fs import ScanFS

__all__ = [
    "ArchiveProblem",
    "ArtifactContents",
    "InflateBudget",
    "InstalledPackage",
    "count_code_lines",
    "entry_problem",
    "read_build_dir",
    "read_zip",
]

MAX_ENTRIES = 100_000
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # 1 GiB uncompressed, far above Lambda's 250 MB limit
MAX_RATIO = 200  # uncompressed / compressed, for entries over MIN_RATIO_BYTES
#: Entries smaller than this cannot be a bomb alone; larger ones must not compress over
#: MAX_RATIO. It was 1 MiB, so a thousand entries of exactly 1 MiB of one byte each passed.
MIN_RATIO_BYTES = 64 * 1024
#: Decompressed bytes one scan reads from all archives to count code lines. Four zips of a
#: thousand 1 MiB entries once took over two minutes; past this budget lines are not counted.
MAX_SCAN_INFLATED_BYTES = 512 * 1024 * 1024
MAX_METADATA_BYTES = 1024 * 1024
MAX_COUNTED_FILE_BYTES = 8 * 1024 * 1024
CODE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts")


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    """A package found installed in a build or archive."""

    name: str
    version: str
    ecosystem: str
    path: str


@dataclass(frozen=True, slots=True)
class ArchiveProblem:
    """Why an archive, or one entry of it, was refused."""

    kind: str  # "bomb", "path-escape", "symlink", "corrupt", "too-many-entries", "budget"
    archive: str
    entry: str | None
    message: str


@dataclass(frozen=True, slots=True)
class ArtifactContents:
    """Packages and line counts of one build folder or archive."""

    source: str
    packages: tuple[InstalledPackage, ...] = ()
    library_lines: int = 0
    library_files: int = 0
    own_lines: int = 0
    problems: tuple[ArchiveProblem, ...] = ()
    top_levels: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _normalise_pypi(name: str) -> str:
    return (
        "-".join(
            part for part in name.lower().replace("_", "-").replace(".", "-").split("-") if part
        )
        or name.lower()
    )


@dataclass(slots=True)
class InflateBudget:
    """Decompressed bytes a scan may still read from archives (one per scan, shared)."""

    remaining: int = MAX_SCAN_INFLATED_BYTES


_NON_BLANK = re.compile(rb"^[ \t\f\v\r]*[^\s]", re.MULTILINE)


def _lines(data: bytes) -> int:
    """Non-blank lines, counted without splitting the data into a list of lines."""
    return sum(1 for _ in _NON_BLANK.finditer(data))


def count_code_lines(fs: ScanFS, files: tuple[str, ...]) -> int:
    """Non-blank lines of the given own-code files (unreadable files count as 0)."""
    total = 0
    for rel in files:
        try:
            total += _lines(fs.read_bytes(rel))
        except LoadError:
            continue
    return total


def _package_of_library_path(path: str) -> bool:
    parts = path.split("/")
    return (
        "node_modules" in parts
        or any(p.endswith((".dist-info", ".egg-info")) for p in parts)
        or "site-packages" in parts
        or "python" in parts[:1]
    )


def entry_problem(archive: str, info: zipfile.ZipInfo) -> ArchiveProblem | None:
    """Why one zip entry is refused (absolute path, ``..``, symlink, bomb ratio), or None.

    Shared by every reader of untrusted zips: a project's artifacts read in place here, and
    the deployment packages a live scan downloads and extracts (``faasguard.live.package``).
    """
    name = info.filename
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return ArchiveProblem("path-escape", archive, name, f"entry {name!r} has an absolute path")
    if ".." in name.replace("\\", "/").split("/"):
        return ArchiveProblem(
            "path-escape", archive, name, f"entry {name!r} escapes the archive with '..'"
        )
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return ArchiveProblem("symlink", archive, name, f"entry {name!r} is a symbolic link")
    if info.file_size > MIN_RATIO_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return ArchiveProblem(
            "bomb",
            archive,
            name,
            f"entry {name!r} expands {info.compress_size} bytes to "
            f"{info.file_size} (ratio over {MAX_RATIO}: a zip bomb?)",
        )
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """Read one entry, stopping at ``limit`` bytes whatever the header claims."""
    if info.file_size > limit:
        return None
    with zf.open(info) as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def read_zip(fs: ScanFS, rel: str, budget: InflateBudget | None = None) -> ArtifactContents:
    """Read packages and line counts from a zip inside the scan root, refusing hostile entries.

    Args:
        fs: the confined scan file system.
        rel: the zip, relative to the scan root.
        budget: decompressed bytes the scan may still read for line counts (shared per scan).
    """
    try:
        raw_path = fs.root / rel
        if not fs.exists(rel):
            return ArtifactContents(
                rel,
                problems=(
                    ArchiveProblem(
                        "corrupt", rel, None, "archive is outside the scan root or missing"
                    ),
                ),
            )
        zf = zipfile.ZipFile(raw_path)
    except (OSError, zipfile.BadZipFile) as exc:
        return ArtifactContents(
            rel, problems=(ArchiveProblem("corrupt", rel, None, f"not a readable zip: {exc}"),)
        )
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            return ArtifactContents(
                rel,
                problems=(
                    ArchiveProblem(
                        "too-many-entries",
                        rel,
                        None,
                        f"{len(infos)} entries, over the {MAX_ENTRIES} limit; not read",
                    ),
                ),
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL_BYTES:
            return ArtifactContents(
                rel,
                problems=(
                    ArchiveProblem(
                        "bomb",
                        rel,
                        None,
                        f"expands to {declared} bytes, over the {MAX_TOTAL_BYTES} "
                        "limit (a zip bomb?); not read",
                    ),
                ),
            )
        problems = [p for p in (entry_problem(rel, i) for i in infos) if p]
        refused = {p.entry for p in problems}
        safe = [i for i in infos if i.filename not in refused and not i.is_dir()]
        try:
            return _contents(rel, safe, zf, problems, budget or InflateBudget())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            problems.append(ArchiveProblem("corrupt", rel, None, f"corrupt archive: {exc}"))
            return ArtifactContents(rel, problems=tuple(problems))


def _contents(
    rel: str,
    infos: list[zipfile.ZipInfo],
    zf: zipfile.ZipFile,
    problems: list[ArchiveProblem],
    budget: InflateBudget,
) -> ArtifactContents:
    packages: list[InstalledPackage] = []
    top_levels: dict[str, tuple[str, ...]] = {}
    code: list[tuple[str, int]] = []
    for info in infos:
        name = info.filename
        base = posixpath.basename(name)
        parent = posixpath.basename(posixpath.dirname(name))
        if base == "METADATA" and parent.endswith(".dist-info"):
            data = _read_member(zf, info, MAX_METADATA_BYTES)
            pkg = _python_metadata(data, name) if data is not None else None
            if pkg:
                packages.append(pkg)
        elif base == "top_level.txt" and parent.endswith(".dist-info"):
            data = _read_member(zf, info, MAX_METADATA_BYTES)
            if data is not None:
                top_levels[parent] = tuple(
                    line.strip()
                    for line in data.decode("utf-8", "replace").splitlines()
                    if line.strip()
                )
        elif base == "package.json" and "node_modules/" in name:
            data = _read_member(zf, info, MAX_METADATA_BYTES)
            pkg = _npm_metadata(data, name) if data is not None else None
            if pkg:
                packages.append(pkg)
        if name.endswith(CODE_SUFFIXES) and info.file_size <= MAX_COUNTED_FILE_BYTES:
            if info.file_size > budget.remaining:
                if not any(p.kind == "budget" for p in problems):
                    problems.append(_budget_problem(rel))
                continue
            budget.remaining -= info.file_size
            data = _read_member(zf, info, MAX_COUNTED_FILE_BYTES)
            if data is not None:
                code.append((name, _lines(data)))
    return _assemble(rel, packages, top_levels, code, problems)


def _budget_problem(rel: str) -> ArchiveProblem:
    return ArchiveProblem(
        "budget",
        rel,
        None,
        f"this scan already decompressed {MAX_SCAN_INFLATED_BYTES} bytes of archives to count "
        "code lines; the line counts of this archive are incomplete",
    )


def _assemble(
    source: str,
    packages: list[InstalledPackage],
    top_levels: dict[str, tuple[str, ...]],
    code: list[tuple[str, int]],
    problems: list[ArchiveProblem],
) -> ArtifactContents:
    """Split code lines into own and library lines once every package is known.

    In a Lambda zip, Python packages are installed at the root next to the handler, so a file
    is library code when its top folder is a package's import name (``top_level.txt``, else
    the usual mapping from the distribution name).
    """
    by_package = _top_levels_by_package(top_levels, packages)
    library_tops: set[str] = set()
    for pkg in packages:
        if pkg.ecosystem == "PyPI":
            library_tops.update(by_package.get(pkg.name) or python_import_names(pkg.name))
    library_lines = library_files = own_lines = 0
    for path, lines in code:
        top = path.split("/", 1)[0].removesuffix(".py")
        if _package_of_library_path(path) or top in library_tops:
            library_lines += lines
            library_files += 1
        else:
            own_lines += lines
    return ArtifactContents(
        source,
        _dedupe(packages),
        library_lines,
        library_files,
        own_lines,
        tuple(problems),
        by_package,
    )


def _python_metadata(data: bytes, path: str) -> InstalledPackage | None:
    headers = HeaderParser().parsestr(data.decode("utf-8", "replace"), headersonly=True)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        return None
    return InstalledPackage(_normalise_pypi(name), version.strip(), "PyPI", path)


def _npm_metadata(data: bytes, path: str) -> InstalledPackage | None:
    # Only node_modules/<name>/package.json and node_modules/@scope/<name>/package.json describe
    # an installed package; deeper package.json files are a package's own fixtures.
    parts = path.split("/")
    idx = max(i for i, p in enumerate(parts) if p == "node_modules")
    rest = parts[idx + 1 :]
    if not (len(rest) == 2 or (len(rest) == 3 and rest[0].startswith("@"))):
        return None
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    name, version = doc.get("name"), doc.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        return None
    return InstalledPackage(name.lower(), version, "npm", path)


def _dedupe(packages: list[InstalledPackage]) -> tuple[InstalledPackage, ...]:
    seen: dict[tuple[str, str, str], InstalledPackage] = {}
    for pkg in packages:
        seen.setdefault((pkg.ecosystem, pkg.name, pkg.version), pkg)
    return tuple(sorted(seen.values(), key=lambda p: (p.ecosystem, p.name, p.version)))


def _top_levels_by_package(
    top_levels: dict[str, tuple[str, ...]], packages: list[InstalledPackage]
) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for pkg in packages:
        dist_info = posixpath.basename(posixpath.dirname(pkg.path))
        if dist_info in top_levels:
            result[pkg.name] = top_levels[dist_info]
    return result


def read_build_dir(fs: ScanFS, rel_dir: str) -> ArtifactContents:
    """Read packages and line counts from a build folder (``.aws-sam/build/<Function>``).

    Symlinks inside the folder are not followed and are reported: a build folder that links
    out of the project is as suspicious as a zip entry that does.
    """
    packages: list[InstalledPackage] = []
    top_levels: dict[str, tuple[str, ...]] = {}
    problems: list[ArchiveProblem] = []
    code: list[tuple[str, int]] = []
    for rel, path in _walk(fs, rel_dir, problems):
        inner = rel[len(rel_dir) + 1 :]
        base = posixpath.basename(inner)
        parent = posixpath.basename(posixpath.dirname(inner))
        try:
            if base == "METADATA" and parent.endswith(".dist-info"):
                pkg = _python_metadata(fs.read_bytes(rel), inner)
                if pkg:
                    packages.append(pkg)
            elif base == "top_level.txt" and parent.endswith(".dist-info"):
                top_levels[parent] = tuple(
                    line.strip() for line in fs.read_text(rel).splitlines() if line.strip()
                )
            elif base == "package.json" and "node_modules/" in inner:
                pkg = _npm_metadata(fs.read_bytes(rel), inner)
                if pkg:
                    packages.append(pkg)
            if inner.endswith(CODE_SUFFIXES) and path.stat().st_size <= MAX_COUNTED_FILE_BYTES:
                code.append((inner, _lines(fs.read_bytes(rel))))
        except (LoadError, OSError):
            continue
    return _assemble(rel_dir, packages, top_levels, code, problems)


def _walk(fs: ScanFS, rel_dir: str, problems: list[ArchiveProblem]) -> Iterator[tuple[str, Path]]:
    count = 0
    for dirpath, dirnames, filenames in os.walk(fs.root / rel_dir, followlinks=False):
        base = fs.relpath(Path(dirpath))
        for name in list(dirnames):
            if (Path(dirpath) / name).is_symlink():
                problems.append(
                    ArchiveProblem(
                        "symlink",
                        rel_dir,
                        f"{base}/{name}",
                        f"{base}/{name} is a symbolic link; not followed",
                    )
                )
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = f"{base}/{name}"
            if path.is_symlink():
                problems.append(
                    ArchiveProblem(
                        "symlink", rel_dir, rel, f"{rel} is a symbolic link; not followed"
                    )
                )
                continue
            count += 1
            if count > MAX_ENTRIES:
                problems.append(
                    ArchiveProblem(
                        "too-many-entries",
                        rel_dir,
                        None,
                        f"more than {MAX_ENTRIES} files; the rest were not read",
                    )
                )
                return
            yield rel, path
