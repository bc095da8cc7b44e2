"""pip requirements files (``requirements*.txt``), includes and constraints followed.

The format is pip's, not PEP 508: line continuations, comments, option lines, per-requirement
options (``--hash``), ``-r``/``-c`` includes, editable and URL/path requirements. pip's own
parser is not importable as a library, so its rules are reproduced here (``join_lines``,
``ignore_comments``, ``break_args_options`` in ``pip/_internal/req/req_file.py``), with PEP 508
parsing left to :mod:`packaging`.

Includes are followed only inside the scan root (the project is hostile: ``-r ../../etc/passwd``
must not read anything), each file once, with a depth and a file-count cap.

pip-compile (and ``uv pip compile``) output carries ``# via`` comments naming what pulled each
package in; they fill :attr:`Dependency.parents` and :attr:`Dependency.direct`. Without them,
every listed requirement counts as direct: it is what pip is asked to install.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field, replace

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._load import check_size
from faasguard.deps.manifests.interface import (
    SCAN_INCLUDE_BUDGET,
    Dependency,
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
    ReaderMemo,
    SourceKind,
)

MAX_INCLUDE_DEPTH = 16
"""How deep ``-r`` chains may go; real projects use two or three levels."""

MAX_INCLUDED_FILES = 100
"""How many distinct files one requirements file may pull in."""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two+ characters: 'C:' is a drive letter
_EGG = re.compile(r"[#&]egg=([^&]*)")
_PROJECT_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
# pip-compile indents its annotations under the requirement; a flush-left "# via" is prose.
_VIA_START = re.compile(r"^\s+#\s+via(?:\s+(.*))?$")
_VIA_ITEM = re.compile(r"^\s+#\s{2,}(\S.*)$")
_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".zip", ".tar")

# Option lines pip accepts that select indexes or behaviour but declare no package.
_OPTIONS_WITH_VALUE = frozenset(
    {
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--trusted-host",
        "--use-feature",
        "--only-binary",
        "--no-binary",
        "--config-settings",
        "--global-option",
        "--install-option",
        "--hash",
    }
)
_FLAG_OPTIONS = frozenset({"--no-index", "--pre", "--prefer-binary", "--require-hashes"})
_INCLUDE_OPTIONS = {
    "-r": False,
    "--requirement": False,
    "-c": True,
    "--constraint": True,
}  # option -> is it a constraints file
_EDITABLE_OPTIONS = frozenset({"-e", "--editable"})


class RequirementsReader(ManifestReader):
    """Reads pip requirements files, following ``-r``/``-c`` inside the scan root.

    Besides ``requirements*.txt``, the common ``dev-requirements.txt`` spellings and
    pip-compile inputs (``requirements*.in``, the same format) are recognised.
    """

    kind = "requirements.txt"
    ecosystem = "PyPI"
    filenames = ("requirements.txt",)
    patterns = ("requirements*.txt", "*-requirements.txt", "*_requirements.txt", "requirements*.in")

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a requirements file and everything it includes.

        Args:
            source: The top-level file; its ``read`` serves the includes.

        Returns:
            Requirements of all files in include order, constraint pins applied.

        Raises:
            ManifestParseError: The top-level file is too large.
        """
        state = _State(source, source.memo or ReaderMemo())
        state.parse_file(source.path, check_size(source.path, source.text), constraint=False)
        dependencies = tuple(state.apply_constraints())
        return ManifestResult(
            manifest=source.path,
            ecosystem="PyPI",
            kind=self.kind,
            dependencies=dependencies,
            includes=tuple(state.includes),
            warnings=state.finish_warnings(),
        )


@dataclass(frozen=True, slots=True)
class _Pin:
    version: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class _Via:
    """What a ``# via`` annotation says about the requirement above it."""

    direct: bool
    parents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _IncludeStep:
    """A ``-r``/``-c`` line, followed when the file is replayed into a closure."""

    line: int
    target: str
    constraint: bool


@dataclass(frozen=True, slots=True)
class _PinStep:
    name: str
    pin: _Pin


_Step = Dependency | ParseWarning | _IncludeStep | _PinStep


@dataclass(slots=True)
class _FilePlan:
    """What one file says, parsed once: its lines as steps to replay into a closure.

    A file's own lines mean the same whoever includes it (only ``-c`` changes their meaning, and
    that is part of the key), so a scan parses each file once (see :class:`ReaderMemo`) and
    every manifest that includes it replays the steps.
    """

    path: str
    constraint: bool
    steps: list[_Step] = field(default_factory=list)

    def warn(self, file: str, line: int | None, code: str, message: str) -> None:
        self.steps.append(ParseWarning(file, line, code, message))

    def parse(self, text: str) -> None:
        """Turn the file's logical lines into steps."""
        raw_lines = text.splitlines()
        logical = list(_logical_lines(raw_lines))
        via = _via_annotations(raw_lines, {number for number, content in logical})
        for number, content in logical:
            if content.startswith("-"):
                self._option_line(number, content, via=via.get(number))
            else:
                self._requirement_line(number, content, via=via.get(number))

    def _option_line(self, number: int, content: str, *, via: _Via | None) -> None:
        path = self.path
        try:
            tokens = shlex.split(content, comments=False, posix=True)
        except ValueError as exc:
            self.warn(path, number, "invalid-option", f"cannot split option line: {exc}")
            return
        index = 0
        while index < len(tokens):
            option, value, index = _next_option(tokens, index)
            if option in _INCLUDE_OPTIONS:
                if value is None:
                    self.warn(path, number, "invalid-option", f"{option} needs a file name")
                else:
                    self.steps.append(_IncludeStep(number, value, _INCLUDE_OPTIONS[option]))
            elif option in _EDITABLE_OPTIONS:
                if value is None:
                    self.warn(path, number, "invalid-option", f"{option} needs a target")
                elif not self.constraint:
                    self._reference(number, value, editable=True, via=via)
            elif option in _OPTIONS_WITH_VALUE:
                if value is None:
                    self.warn(path, number, "invalid-option", f"{option} needs a value")
            elif option not in _FLAG_OPTIONS:
                self.warn(path, number, "unknown-option", f"unknown pip option {option}")

    def _requirement_line(self, number: int, content: str, *, via: _Via | None) -> None:
        path, constraint = self.path, self.constraint
        args, options = _break_args_options(content)
        unknown = _unknown_requirement_options(options)
        if unknown:
            self.warn(path, number, "unknown-option", f"unknown requirement option {unknown}")
        if _is_reference(args):
            if not constraint:
                self._reference(number, args, editable=False, via=via)
            return
        try:
            requirement = Requirement(args)
        except InvalidRequirement as exc:
            reason = str(exc).splitlines()[0] if str(exc) else "unparseable"
            self.warn(
                path, number, "invalid-requirement", f"invalid requirement {args!r}: {reason}"
            )
            return
        dependency = _pypi.from_requirement(
            requirement,
            manifest=path,
            line=number,
            direct=via.direct if via is not None else True,
            dev=None,
            parents=via.parents if via is not None else (),
        )
        if constraint:
            if dependency.version is not None:
                self.steps.append(_PinStep(dependency.name, _Pin(dependency.version, path, number)))
        else:
            self.steps.append(dependency)

    def _reference(self, number: int, reference: str, *, editable: bool, via: _Via | None) -> None:
        """A URL, VCS or path requirement: name from ``#egg=`` or an archive's file name."""
        path = self.path
        location, markers = _split_url_markers(reference)
        location, extras = _split_path_extras(location)
        source = _reference_source(location)
        name, version = _reference_name(location)
        if name is None:
            what = "editable " if editable else ""
            self.warn(
                path,
                number,
                "unnamed-requirement",
                f"cannot tell the package name of {what}{source} requirement {location!r}",
            )
            return
        self.steps.append(
            Dependency(
                name=_pypi.canonical(name),
                version=version,
                ecosystem="PyPI",
                manifest=path,
                line=number,
                direct=via.direct if via is not None else True,
                extras=_pypi.canonical_extras(extras),
                markers=markers,
                source=source,
                unpinned=True,
                parents=via.parents if via is not None else (),
            )
        )


#: Warnings one manifest's include tree may report; the rest are counted in one last warning.
MAX_WARNINGS = 50


@dataclass(slots=True)
class _State:
    """Accumulates results across the include tree of one top-level file."""

    source: ManifestSource
    memo: ReaderMemo
    dependencies: list[Dependency] = field(default_factory=list)
    pins: dict[str, _Pin] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    dropped_warnings: int = 0

    def warn(self, file: str, line: int | None, code: str, message: str) -> None:
        self.add_warning(ParseWarning(file, line, code, message))

    def add_warning(self, warning: ParseWarning) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(warning)
        else:
            self.dropped_warnings += 1

    def finish_warnings(self) -> tuple[ParseWarning, ...]:
        """The warnings, with one more saying how many were not listed."""
        if not self.dropped_warnings:
            return tuple(self.warnings)
        more = ParseWarning(
            self.source.path,
            None,
            "too-many-warnings",
            f"{self.dropped_warnings} more warnings in this file's includes are not listed "
            f"(at most {MAX_WARNINGS} per file)",
        )
        return (*self.warnings, more)

    def parse_file(self, path: str, text: str, *, constraint: bool) -> None:
        """Replay one file's steps; requirements go to ``dependencies`` or, for ``-c``, ``pins``."""
        key = ("requirements", path, constraint)
        plan = self.memo.plans.get(key)
        if not isinstance(plan, _FilePlan):
            plan = _FilePlan(path, constraint)
            plan.parse(text)
            self.memo.plans[key] = plan
        self.stack.append(path)
        self.done.add(path)
        for step in plan.steps:
            if isinstance(step, Dependency):
                self.dependencies.append(step)
            elif isinstance(step, _IncludeStep):
                self._include(path, step.line, step.target, constraint=step.constraint)
            elif isinstance(step, _PinStep):
                self.pins.setdefault(step.name, step.pin)
            else:
                self.add_warning(step)
        self.stack.pop()

    def _include(self, path: str, number: int, target: str, *, constraint: bool) -> None:
        """Follow ``-r``/``-c``: relative to the including file, never outside the root."""
        if self.memo.include_budget <= 0:
            self.warn(
                path,
                number,
                "include-budget",
                f"include not followed: this scan already followed {SCAN_INCLUDE_BUDGET} "
                "requirements includes (a mesh of files including each other?)",
            )
            return
        self.memo.include_budget -= 1
        key = (path, target)
        if key in self.memo.resolved:
            resolved = self.memo.resolved[key]
        else:
            resolved = self._resolve_include(path, number, target)
            if resolved is not None:
                self.memo.resolved[key] = resolved
        if resolved is None:
            return
        if resolved in self.stack:
            chain = " -> ".join([*self.stack[self.stack.index(resolved) :], resolved])
            self.warn(path, number, "include-cycle", f"include cycle: {chain}")
            return
        if resolved in self.done:
            return  # already expanded (diamond include): its requirements are listed once
        if len(self.stack) >= MAX_INCLUDE_DEPTH:
            self.warn(
                path, number, "include-too-deep", f"includes nest deeper than {MAX_INCLUDE_DEPTH}"
            )
            return
        if len(self.includes) >= MAX_INCLUDED_FILES:
            self.warn(path, number, "too-many-includes", f"more than {MAX_INCLUDED_FILES} includes")
            return
        cached = ("requirements", resolved, constraint) in self.memo.plans
        try:
            text = "" if cached else check_size(resolved, self.source.read(resolved))
        except (OSError, ValueError, ManifestParseError) as exc:
            self.warn(path, number, "include-unreadable", f"cannot read {resolved}: {exc}")
            return
        self.includes.append(resolved)
        self.parse_file(resolved, text, constraint=constraint)

    def _resolve_include(self, path: str, number: int, target: str) -> str | None:
        if _SCHEME.match(target):
            self.warn(path, number, "remote-include", f"not fetching remote include {target}")
            return None
        target = target.replace("\\", "/")
        if target.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", target):
            self.warn(path, number, "include-outside-root", f"absolute include {target} refused")
            return None
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if resolved == ".." or resolved.startswith("../"):
            self.warn(path, number, "include-outside-root", f"{target} leaves the scan root")
            return None
        # Defence in depth against symlinks; the caller's read() must refuse them too.
        root = self.source.root.resolve()
        if not (root / resolved).resolve().is_relative_to(root):
            self.warn(path, number, "include-outside-root", f"{target} leaves the scan root")
            return None
        return resolved

    def apply_constraints(self) -> list[Dependency]:
        """Give unpinned requirements the exact version a ``-c`` file pins them to."""
        result: list[Dependency] = []
        for dependency in self.dependencies:
            pin = self.pins.get(dependency.name)
            if pin is None or not dependency.unpinned or dependency.source != "registry":
                result.append(dependency)
                continue
            specifier = SpecifierSet(dependency.specifier or "")
            if specifier.contains(pin.version, prereleases=True):
                dependency = replace(dependency, version=pin.version, unpinned=False)
            else:
                self.warn(
                    pin.file,
                    pin.line,
                    "constraint-conflict",
                    f"constraint {dependency.name}=={pin.version} does not satisfy"
                    f" {dependency.specifier} ({dependency.manifest}:{dependency.line})",
                )
            result.append(dependency)
        return result


def _logical_lines(raw_lines: list[str]) -> list[tuple[int, str]]:
    """Apply pip's ``join_lines`` and ``ignore_comments``: (first physical line, text) pairs."""
    joined: list[tuple[int, str]] = []
    pending: list[str] = []
    first = 0
    for number, line in enumerate(raw_lines, 1):
        is_comment = line.lstrip().startswith("#")
        if line.endswith("\\") and not is_comment:
            if not pending:
                first = number
            pending.append(line[:-1])
            continue
        if is_comment:
            line = " " + line  # so that the comment is still stripped after joining
        if pending:
            joined.append((first, "".join([*pending, line])))
            pending = []
        else:
            joined.append((number, line))
    if pending:
        joined.append((first, "".join(pending)))
    stripped = ((number, _strip_comment(content).strip()) for number, content in joined)
    return [(number, content) for number, content in stripped if content]


def _strip_comment(line: str) -> str:
    r"""Drop a comment: from a ``#`` at the start or after whitespace (pip's ``COMMENT_RE``).

    pip's regex, ``(^|\s+)#.*$``, backtracks quadratically on long runs of spaces; a hostile
    file can have those, so the same rule is applied by looking at each ``#`` instead.
    """
    start = line.find("#")
    while start != -1:
        if start == 0 or line[start - 1].isspace():
            return line[:start]
        start = line.find("#", start + 1)
    return line


def _via_annotations(raw_lines: list[str], starts: set[int]) -> dict[int, _Via]:
    """Read pip-compile's ``# via`` comments, keyed by the requirement line they follow.

    Both layouts are understood: ``# via a, b`` on one line and ``# via`` followed by one
    ``#   a`` line per entry. Entries ``-r file``/``-c file`` and ``name (pyproject.toml)``
    mean the project asked for the package itself.
    """
    entries: dict[int, list[str]] = {}
    current: int | None = None
    in_list = False
    for number, line in enumerate(raw_lines, 1):
        if number in starts:
            current, in_list = number, False
            continue
        start = _VIA_START.match(line)
        if start and current is not None:
            rest = (start.group(1) or "").strip()
            entries.setdefault(current, []).extend(
                item.strip() for item in rest.split(",") if item.strip()
            )
            in_list = not rest
            continue
        item = _VIA_ITEM.match(line)
        if in_list and item and current is not None:
            entries[current].append(item.group(1).strip())
            continue
        if not line.strip() or not line.lstrip().startswith("#"):
            in_list = False
            if not line.strip():
                current = None
    result: dict[int, _Via] = {}
    for number, items in entries.items():
        direct = any(item.startswith("-") or item.endswith(")") for item in items)
        parents = {_pypi.canonical(item) for item in items if _PROJECT_NAME.match(item)}
        result[number] = _Via(direct=direct, parents=tuple(sorted(parents)))
    return result


def _next_option(tokens: list[str], index: int) -> tuple[str, str | None, int]:
    """Read one option and its value (``-r x``, ``-rx``, ``--requirement=x``)."""
    token = tokens[index]
    index += 1
    if token.startswith("--"):
        name, equals, value = token.partition("=")
        if equals:
            return name, value, index
        option = name
    elif len(token) > 2 and token[:2] in {"-r", "-c", "-e", "-i", "-f"}:
        return token[:2], token[2:], index
    else:
        option = token
    if option in _FLAG_OPTIONS or option not in (
        _OPTIONS_WITH_VALUE | _EDITABLE_OPTIONS | _INCLUDE_OPTIONS.keys()
    ):
        return option, None, index
    if index < len(tokens):
        return option, tokens[index], index + 1
    return option, None, index


def _break_args_options(line: str) -> tuple[str, str]:
    """Split a requirement line as pip does: the requirement ends at the first ``-`` token."""
    tokens = line.split(" ")
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]).strip(), " ".join(tokens[index:])
    return line.strip(), ""


def _unknown_requirement_options(options: str) -> str | None:
    """The first per-requirement option pip would reject, if any."""
    allowed = {"--hash", "--config-settings", "--global-option", "--install-option"}
    for token in options.split():
        if token.startswith("-") and token.partition("=")[0] not in allowed:
            return token
    return None


def _is_reference(text: str) -> bool:
    """Whether pip would treat this as a URL or path rather than a PEP 508 requirement."""
    if _SCHEME.match(text):
        return True
    head = text.split(";", 1)[0].strip()
    if " @ " in head or "@" in head.split("/", 1)[0]:
        return False  # PEP 508 "name @ url"
    return (
        "/" in head
        or "\\" in head
        or head.startswith(".")
        or head.lower().endswith(_ARCHIVE_SUFFIXES)
    )


def _split_url_markers(reference: str) -> tuple[str, str | None]:
    """Markers follow ``; `` on URL lines (a bare ``;`` may be part of the URL)."""
    location, separator, markers = reference.partition("; ")
    if not separator and not _SCHEME.match(reference):
        location, separator, markers = reference.partition(";")
    return location.strip(), (markers.strip() or None) if separator else None


def _split_path_extras(location: str) -> tuple[str, list[str]]:
    """``./pkg[s3,cli]`` names extras after a path; URLs carry them in ``#egg=`` instead."""
    opening = location.rfind("[")
    if not location.endswith("]") or opening == -1 or _SCHEME.match(location):
        return location, []
    extras = [extra.strip() for extra in location[opening + 1 : -1].split(",") if extra.strip()]
    return location[:opening], extras


def _reference_source(location: str) -> SourceKind:
    if _SCHEME.match(location):
        return _pypi.url_source(location)
    return "path"


def _reference_name(location: str) -> tuple[str | None, str | None]:
    """Package name (and version, for archives) of a URL or path requirement."""
    egg = _EGG.search(location)
    if egg:
        name = egg.group(1).split("[", 1)[0]
        return (name, None) if _PROJECT_NAME.match(name) else (None, None)
    filename = location.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        if filename.endswith(".whl"):
            wheel_name, wheel_version, _, _ = parse_wheel_filename(filename)
            return str(wheel_name), str(wheel_version)
        if filename.lower().endswith(_ARCHIVE_SUFFIXES):
            sdist_name, sdist_version = parse_sdist_filename(filename)
            return str(sdist_name), str(sdist_version)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None, None
    return None, None
