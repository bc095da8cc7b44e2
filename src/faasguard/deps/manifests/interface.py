"""The seam of the manifest layer: shared data types, the reader base class and its errors.

Every format module (``requirements``, ``poetry_lock``, ``package_lock``...) turns the text of one
file into a :class:`ManifestResult`. Nothing here knows about any particular format, so a rule or
a vulnerability matcher can depend on this module alone.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

Ecosystem = Literal["PyPI", "npm"]
"""The package registries whose names and versions a :class:`Dependency` follows."""

SourceKind = Literal["registry", "vcs", "url", "path"]
"""Where a package comes from: a package index, a VCS checkout, a direct URL or a local path."""

ReadFn = Callable[[str], str]
"""Reads a file by its POSIX path relative to the scan root.

It must refuse paths outside the scan root and missing files by raising ``OSError`` or
``ValueError``; readers turn those into warnings rather than letting them escape.
"""


@dataclass(frozen=True, slots=True)
class Dependency:
    """One third-party package that a manifest declares or a lockfile resolves.

    Attributes:
        name: Normalised name: PEP 503 for PyPI, lower-cased as written for npm (``@scope/x``).
            For npm aliases (``"x": "npm:real@1"``) this is the real package, since that is what
            a vulnerability database knows.
        version: The exact version when the file pins one, else ``None``.
        ecosystem: Registry the name belongs to.
        manifest: POSIX path, relative to the scan root, of the file that declares or locks it
            (an included requirements file, not the one that included it).
        line: 1-based line of the declaration or lock entry; ``None`` when it cannot be found.
        specifier: The declared range (``">=2.0,<3"``, ``"^4.17.0"``) when the file has one.
        direct: Whether the project itself asks for it (``False``: only pulled in by other
            packages); ``None`` when the format does not tell.
        dev: Whether it is only needed for development; ``None`` when the format does not tell.
        extras: Requested extras, normalised and sorted (PyPI only).
        markers: PEP 508 environment markers that gate the requirement.
        source: Where it is fetched from; ``None`` when the format does not tell.
        unpinned: ``True`` when nothing in the file fixes an exact version: ranges, bare names,
            VCS/URL/path references. Lockfile entries are pinned unless they lack a version.
        parents: Names of the packages that pull it in, sorted, when the lockfile records it.
    """

    name: str
    version: str | None
    ecosystem: Ecosystem
    manifest: str
    line: int | None
    specifier: str | None = None
    direct: bool | None = None
    dev: bool | None = None
    extras: tuple[str, ...] = ()
    markers: str | None = None
    source: SourceKind | None = None
    unpinned: bool = False
    parents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """A problem that made a reader skip part of a file but not give up on it.

    Attributes:
        file: POSIX path of the file, relative to the scan root.
        line: 1-based line the problem is on, when known.
        code: Stable kebab-case identifier (``invalid-requirement``, ``include-outside-root``...)
            so that callers can map warnings to findings without parsing the message.
        message: Human-readable explanation.
    """

    file: str
    line: int | None
    code: str
    message: str

    def __str__(self) -> str:
        return _located(self.file, self.line, self.message)


@dataclass(frozen=True, slots=True)
class ManifestResult:
    """Everything a reader learnt from one manifest.

    Attributes:
        manifest: Path of the parsed file, as the caller gave it.
        ecosystem: Registry of every dependency in it.
        kind: Format family, named after its canonical file (``"requirements.txt"``,
            ``"poetry.lock"``, ``"package-lock.json"``...).
        dependencies: In file order (includes are expanded where they appear).
        includes: Other files pulled in (``-r``/``-c``), relative to the scan root, in the order
            they were read.
        warnings: Parts of the input that were skipped, and why.
    """

    manifest: str
    ecosystem: Ecosystem
    kind: str
    dependencies: tuple[Dependency, ...]
    includes: tuple[str, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


#: How many include lines one scan follows across all requirements files. Real projects follow a
#: few dozen; a mesh of files that include each other would otherwise cost N^3 (issue: 200 files
#: took over five minutes). Past it, includes are not followed and a warning names the file.
SCAN_INCLUDE_BUDGET = 20_000


@dataclass(slots=True)
class ReaderMemo:
    """Per-scan state shared by every reader call: work done once, and the include budget.

    A file included by many top-level manifests (``requirements-base.txt``) is parsed once per
    scan, not once per manifest that includes it; the budget bounds the include edges a whole
    scan follows, so no shape of include graph costs more than a fixed amount.

    Attributes:
        plans: parsed form of each included file, keyed by reader-specific keys.
        resolved: include targets already resolved, ``(including file, target) -> path``.
        include_budget: include lines the scan may still follow.
    """

    plans: dict[object, object] = field(default_factory=dict)
    resolved: dict[tuple[str, str], str | None] = field(default_factory=dict)
    include_budget: int = SCAN_INCLUDE_BUDGET


@dataclass(frozen=True, slots=True)
class ManifestSource:
    """What a reader gets: the file's text and a way to read files it includes.

    Attributes:
        path: POSIX path of the manifest relative to the scan root.
        text: Its decoded content.
        root: The scan root; includes must resolve inside it.
        read: Reads another file inside the scan root (see :data:`ReadFn`).
        memo: per-scan shared work and budgets; None for a one-off parse.
    """

    path: str
    text: str
    root: Path
    read: ReadFn
    memo: ReaderMemo | None = None


class ManifestParseError(Exception):
    """The manifest cannot be read at all (bad syntax, wrong structure, too large).

    The message starts with ``file:line:`` (or ``file:`` when no line applies) so that it can be
    shown as is, like a compiler diagnostic.

    Attributes:
        file: POSIX path of the file, relative to the scan root.
        line: 1-based line the parser stopped at, when known.
        reason: The message without the location prefix.
    """

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        super().__init__(_located(file, line, reason))
        self.file = file
        self.line = line
        self.reason = reason


class UnsupportedManifestError(ManifestParseError):
    """No reader handles this file name (``setup.py`` deliberately among them: never run)."""


class ManifestReader(abc.ABC):
    """Parses one manifest format. Stateless: one instance may parse any number of files.

    Attributes:
        kind: Name of the format family, copied into :attr:`ManifestResult.kind`.
        ecosystem: Registry of the dependencies it produces.
        filenames: Exact basenames handled (``fnmatch`` patterns go in ``patterns``).
        patterns: Lower-case ``fnmatch`` patterns for basenames handled.
    """

    kind: ClassVar[str]
    ecosystem: ClassVar[Ecosystem]
    filenames: ClassVar[tuple[str, ...]] = ()
    patterns: ClassVar[tuple[str, ...]] = ()

    @abc.abstractmethod
    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse one manifest.

        Args:
            source: The file's path, text and include reader.

        Returns:
            The dependencies found, with any warnings about skipped parts.

        Raises:
            ManifestParseError: The file as a whole is unreadable.
        """


def _located(file: str, line: int | None, message: str) -> str:
    """Prefix a message with ``file:line:`` the way compilers and linters do."""
    return f"{file}:{line}: {message}" if line is not None else f"{file}: {message}"
