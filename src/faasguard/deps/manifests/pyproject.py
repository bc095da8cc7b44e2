"""Declared dependencies in ``pyproject.toml`` (ranges only: nothing is resolved here).

Three vocabularies are read:

* PEP 621 ``[project] dependencies`` and ``[project.optional-dependencies]``. An optional
  dependency gets the marker ``extra == "<name>"``, which is how the built package's metadata
  states it (``Requires-Dist: x; extra == "aws"``).
* PEP 735 ``[dependency-groups]``: development-only by nature (never part of the built
  package); ``{include-group = ...}`` entries are skipped as the group is read on its own.
* Poetry's ``[tool.poetry.dependencies]``, ``[tool.poetry.dev-dependencies]`` and
  ``[tool.poetry.group.<name>.dependencies]``, in Poetry's constraint syntax (``^1.2``,
  ``~1.2``, tables with ``git``/``path``/``url``). A bare version (``"1.2.3"``) pins in Poetry.

Every entry is direct. When ``dependencies`` is listed in ``[project] dynamic``, the real list
lives in build code that is never run, so a warning says the list is unknown.

Lines are found by searching the text for each entry after its table header: exact for the
usual layouts, ``None`` when the entry cannot be found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._load import load_toml
from faasguard.deps.manifests._shape import as_dict, as_list, as_str, str_list
from faasguard.deps.manifests.interface import (
    Dependency,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
    SourceKind,
)

_POETRY_SOURCES: tuple[tuple[str, SourceKind], ...] = (
    ("git", "vcs"),
    ("url", "url"),
    ("path", "path"),
    ("file", "path"),
)


class PyprojectReader(ManifestReader):
    """Reads the declared dependencies of ``pyproject.toml``."""

    kind = "pyproject.toml"
    ecosystem = "PyPI"
    filenames = ("pyproject.toml",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse the dependency tables of a ``pyproject.toml``.

        Args:
            source: The file.

        Returns:
            PEP 621 dependencies and extras, PEP 735 groups, then Poetry's tables.

        Raises:
            ManifestParseError: Invalid TOML.
        """
        data = load_toml(source.path, source.text)
        collector = _Collector(source.path, _TomlText(source.text))
        collector.pep621(as_dict(data.get("project")))
        collector.dependency_groups(as_dict(data.get("dependency-groups")))
        collector.poetry(as_dict(as_dict(data.get("tool")).get("poetry")))
        return ManifestResult(
            source.path,
            "PyPI",
            self.kind,
            tuple(collector.dependencies),
            (),
            tuple(collector.warnings),
        )


class _TomlText:
    """Finds table headers, keys and string literals in TOML text, line by line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def header(self, *keys: str) -> int | None:
        """Line of ``[a.b.c]`` (keys may be quoted, dots may have spaces around them)."""
        dotted = r"\s*\.\s*".join(_key_pattern(key) for key in keys)
        pattern = re.compile(rf"^\s*\[\s*{dotted}\s*\]\s*(?:#.*)?$")
        return self._first(pattern, 1, stop_at_header=False)

    def key(self, key: str, start: int | None) -> int | None:
        """Line of ``key =`` in the table whose header is on line ``start``."""
        if start is None:
            return None
        return self._first(
            re.compile(rf"^\s*{_key_pattern(key)}\s*="), start + 1, stop_at_header=True
        )

    def literal(self, value: str, start: int | None) -> int | None:
        """First line from ``start`` holding ``value`` as a quoted TOML string."""
        if start is None:
            return None
        quoted = (f'"{value}"', f"'{value}'")
        for number in range(start, len(self.lines) + 1):
            if any(candidate in self.lines[number - 1] for candidate in quoted):
                return number
        return None

    def _first(self, pattern: re.Pattern[str], start: int, *, stop_at_header: bool) -> int | None:
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if pattern.match(line):
                return number
            if stop_at_header and line.lstrip().startswith("["):
                return None
        return None


def _key_pattern(key: str) -> str:
    """A TOML key, bare or quoted."""
    escaped = re.escape(key)
    return rf"(?:{escaped}|\"{escaped}\"|'{escaped}')"


@dataclass(frozen=True, slots=True)
class _Context:
    """Where a group of requirements comes from."""

    dev: bool | None
    anchor: int | None  # line to start searching for entries from
    extra: str | None = None


class _Collector:
    def __init__(self, path: str, text: _TomlText) -> None:
        self.path = path
        self.text = text
        self.dependencies: list[Dependency] = []
        self.warnings: list[ParseWarning] = []

    def pep621(self, project: dict[str, Any]) -> None:
        header = self.text.header("project")
        if "dependencies" in str_list(project.get("dynamic")):
            self.warnings.append(
                ParseWarning(
                    self.path,
                    self.text.key("dynamic", header),
                    "dynamic-dependencies",
                    "dependencies are computed by the build backend and cannot be read",
                )
            )
        anchor = self.text.key("dependencies", header) or header
        self._requirements(project.get("dependencies"), _Context(dev=False, anchor=anchor))
        extras_header = self.text.header("project", "optional-dependencies")
        for extra, requirements in as_dict(project.get("optional-dependencies")).items():
            anchor = self.text.key(extra, extras_header) or extras_header or header
            self._requirements(requirements, _Context(dev=None, anchor=anchor, extra=extra))

    def dependency_groups(self, groups: dict[str, Any]) -> None:
        header = self.text.header("dependency-groups")
        for group, requirements in groups.items():
            anchor = self.text.key(group, header) or header
            self._requirements(requirements, _Context(dev=True, anchor=anchor))

    def poetry(self, poetry: dict[str, Any]) -> None:
        tables: list[tuple[tuple[str, ...], Any, bool]] = [
            (("tool", "poetry", "dependencies"), poetry.get("dependencies"), False),
            (("tool", "poetry", "dev-dependencies"), poetry.get("dev-dependencies"), True),
        ]
        for group, table in as_dict(poetry.get("group")).items():
            keys: tuple[str, ...] = ("tool", "poetry", "group", group, "dependencies")
            tables.append((keys, as_dict(table).get("dependencies"), group != "main"))
        for keys, table, dev in tables:
            header = self.text.header(*keys)
            for name, constraint in as_dict(table).items():
                if name.lower() == "python":
                    continue  # the interpreter, not a package
                line = self.text.key(name, header)
                items = as_list(constraint) if isinstance(constraint, list) else [constraint]
                for item in items:
                    self._poetry_dependency(name, item, line=line, dev=dev)

    def _requirements(self, requirements: object, context: _Context) -> None:
        if requirements is None:
            return
        if not isinstance(requirements, list):
            self.warnings.append(
                ParseWarning(
                    self.path, context.anchor, "invalid-entry", "expected a list of requirements"
                )
            )
            return
        for item in requirements:
            if isinstance(item, dict):
                continue  # PEP 735 {include-group = "..."}: that group is read on its own
            text = as_str(item)
            line = self.text.literal(text, context.anchor) if text is not None else None
            try:
                requirement = Requirement(text or "")
            except InvalidRequirement as exc:
                reason = str(exc).splitlines()[0] if str(exc) else "unparseable"
                self.warnings.append(
                    ParseWarning(
                        self.path,
                        line or context.anchor,
                        "invalid-requirement",
                        f"invalid requirement {item!r}: {reason}",
                    )
                )
                continue
            self.dependencies.append(
                _pypi.from_requirement(
                    requirement,
                    manifest=self.path,
                    line=line,
                    direct=True,
                    dev=context.dev,
                    markers=_with_extra(requirement, context.extra),
                )
            )

    def _poetry_dependency(
        self, name: str, constraint: object, *, line: int | None, dev: bool
    ) -> None:
        table = as_dict(constraint) if isinstance(constraint, dict) else {"version": constraint}
        source: SourceKind = next(
            (kind for key, kind in _POETRY_SOURCES if key in table), "registry"
        )
        specifier = as_str(table.get("version"))
        if specifier is None and source == "registry":
            self.warnings.append(
                ParseWarning(self.path, line, "invalid-entry", f"no version constraint for {name}")
            )
            return
        version = _poetry_exact(specifier) if source == "registry" and specifier else None
        self.dependencies.append(
            Dependency(
                name=_pypi.canonical(name),
                version=version,
                ecosystem="PyPI",
                manifest=self.path,
                line=line,
                specifier=specifier,
                direct=True,
                dev=dev,
                extras=_pypi.canonical_extras(str_list(table.get("extras"))),
                markers=as_str(table.get("markers")),
                source=source,
                unpinned=version is None,
            )
        )


def _with_extra(requirement: Requirement, extra: str | None) -> str | None:
    """The requirement's markers, ``and``-ed with ``extra == "<extra>"`` for optional ones."""
    own = str(requirement.marker) if requirement.marker is not None else None
    if extra is None:
        return own
    condition = f'extra == "{extra}"'
    combined = f"({own}) and {condition}" if own else condition
    try:
        return str(Marker(combined))
    except InvalidMarker:
        return own


def _poetry_exact(constraint: str) -> str | None:
    """The version a Poetry constraint pins: ``1.2.3``, ``=1.2.3`` and ``==1.2.3`` do."""
    candidate = constraint.strip().lstrip("=").strip()
    if not candidate or "*" in candidate:
        return None
    try:
        Version(candidate)
    except InvalidVersion:
        return None
    return candidate
