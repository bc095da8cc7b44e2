"""The part every TOML Python lockfile shares: an array of ``[[package]]`` tables with names.

Poetry, uv, PDM and PEP 751 lockfiles differ in what a package table says, not in how the
tables are found, named, located in the text and linked by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faasguard.deps.manifests import _pypi
from faasguard.deps.manifests._load import load_toml, toml_entry_lines, toml_table_array
from faasguard.deps.manifests._shape import as_dict, as_str
from faasguard.deps.manifests.interface import ParseWarning


@dataclass(frozen=True, slots=True)
class TomlPackages:
    """The package tables of a TOML lockfile.

    Attributes:
        data: The whole parsed document.
        entries: Package tables in file order (a non-table entry reads as empty).
        lines: Line of each entry's ``name =`` key (see :func:`toml_entry_lines`).
        names: Canonical name by entry index, for entries that have a name.
        by_name: Entry indices by canonical name.
        warnings: One per entry without a name (those are not reported as dependencies).
    """

    data: dict[str, Any]
    entries: list[dict[str, Any]]
    lines: list[int | None]
    names: dict[int, str]
    by_name: dict[str, list[int]]
    warnings: tuple[ParseWarning, ...]


def read_toml_packages(path: str, text: str, key: str = "package") -> TomlPackages:
    """Parse a TOML lockfile and index its package tables.

    Args:
        path: Manifest path for errors and warnings.
        text: TOML text.
        key: Array-of-tables key holding the packages.

    Returns:
        The indexed package tables.

    Raises:
        ManifestParseError: Invalid TOML, or ``key`` is not an array.
    """
    data = load_toml(path, text)
    entries = [as_dict(entry) for entry in toml_table_array(path, text, data, key)]
    raw_names = [as_str(entry.get("name")) or "" for entry in entries]
    lines = toml_entry_lines(text, key, raw_names)
    names = {index: _pypi.canonical(name) for index, name in enumerate(raw_names) if name}
    by_name: dict[str, list[int]] = {}
    for index, name in names.items():
        by_name.setdefault(name, []).append(index)
    warnings = tuple(
        ParseWarning(path, lines[index], "invalid-entry", "package has no name")
        for index in range(len(entries))
        if index not in names
    )
    return TomlPackages(data, entries, lines, names, by_name, warnings)
